import Foundation
import TextCore
import Ingest
import Tokenize
import Featurize
import Classify
import Evaluate
import Report

extension Runner {
    // MARK: featurize

    /// Fits the feature set on each fold's training documents only and writes both matrices per fold,
    /// plus the final featurizer (fitted on all training documents under cross-validation).
    func featurize(_ feature: NamedFeatureSet, corpus: TokenizedCorpus, folds: [Fold], trainCount: Int, into dir: URL) throws {
        let interactive = isatty(2) == 1
        func progress(_ label: String) -> (Word2VecProgress) -> Void {
            { p in
                let line = String(format: "featurize [%@] %@: epoch %d, %3.0f%%, %.0f words/s, loss %.4f, %.0f s left",
                                  feature.name, label, p.epoch, p.fraction * 100, p.wordsPerSecond, p.loss, p.secondsLeft)
                if interactive { FileHandle.standardError.write(Data(("\r" + line + (p.fraction >= 1 ? "\n" : "")).utf8)) } else { self.log(line) }
            }
        }
        func encoding(_ label: String) -> (EncodeProgress) -> Void {
            { p in
                let width = 30, filled = Int(p.fraction * Double(width))
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                let line = String(format: "featurize [%@] %@: encoding [%@] %d/%d texts, %.0f texts/s, %.0f s left",
                                  feature.name, label, bar, p.done, p.total, p.textsPerSecond, p.secondsLeft)
                if interactive { FileHandle.standardError.write(Data(("\r" + line + (p.done >= p.total ? "\n" : "")).utf8)) } else { self.log(line) }
            }
        }
        let interval = interactive ? 0.25 : 10
        var previous: (any FittedFeaturizer)? = nil
        for (i, fold) in folds.enumerated() {
            let (f, x) = try feature.configuration.fitTransform(corpus, rows: fold.train, reusing: previous, progress: progress("fold \(i + 1)/\(folds.count)"),
                                                                encodeProgress: encoding("fold \(i + 1)/\(folds.count)"), progressInterval: interval)
            previous = f
            var w = BinaryWriter()
            x.encode(into: &w)
            f.transform(corpus, rows: fold.test).encode(into: &w)
            try AtomicFile.write(w.data, to: dir.appendingPathComponent("fold-\(i).bin"))
        }
        let finalRows = finalTrainingRows(folds: folds, trainCount: trainCount)
        let (final, finalX) = try feature.configuration.fitTransform(corpus, rows: finalRows, reusing: previous, progress: progress("final model"),
                                                                         encodeProgress: encoding("final model"), progressInterval: interval)
        if case .dense(let m) = finalX {
            let empty = (0..<m.rowCount).filter { r in (0..<m.columnCount).allSatisfy { m[r, $0] == 0 } }.count
            try AtomicFile.write("\(empty)", to: dir.appendingPathComponent("empty-documents"))
        }
        var fw = BinaryWriter()
        try final.encode(into: &fw)
        try AtomicFile.write(fw.data, to: dir.appendingPathComponent("final-featurizer.bin"))
        var xw = BinaryWriter()
        finalX.encode(into: &xw)
        try AtomicFile.write(xw.data, to: dir.appendingPathComponent("final-x.bin"))
    }

    /// The documents the saved model is trained on: all training documents under cross-validation
    /// (the folds only estimate how well that procedure does), otherwise the evaluated training part.
    func finalTrainingRows(folds: [Fold], trainCount: Int) -> [Int] {
        if case .crossValidation = spec.evaluation { return Array(0..<trainCount) }
        return folds[0].train
    }

    func loadFold(_ folder: URL, _ i: Int) throws -> (train: FeatureMatrix, test: FeatureMatrix) {
        let url = folder.appendingPathComponent("fold-\(i).bin")
        var r = BinaryReader(try AtomicFile.read(url), name: url.path)
        return (try FeatureMatrix.decode(from: &r), try FeatureMatrix.decode(from: &r))
    }

    // MARK: train

    struct TrainTimings: Codable { var foldSeconds: [Double]; var finalSeconds: Double }

    func train(_ model: NamedClassifier, feature: NamedFeatureSet, featureFolder: URL, folds: [Fold], y: [Int],
               labels: LabelIndex, trainCount: Int, into dir: URL) throws {
        var foldSeconds: [Double] = []
        let classifier = try model.spec.resolvingClassWeights(labels: labels.names)
        for (i, fold) in folds.enumerated() {
            let x = try loadFold(featureFolder, i).train
            let watch = Stopwatch()
            let seed = folds.count == 1 ? spec.seed : spec.seed &+ UInt64(i)
            let fitted = try classifier.fit(x, labels: fold.train.map { y[$0] }, classCount: labels.count, seed: seed)
            foldSeconds.append(watch.seconds)
            try AtomicFile.write(try ClassifierStore.encode(fitted), to: dir.appendingPathComponent("fold-\(i).model"))
        }
        let rows = finalTrainingRows(folds: folds, trainCount: trainCount)
        let fitted: any Classifier
        let finalSeconds: Double
        if case .crossValidation = spec.evaluation {
            let fx = featureFolder.appendingPathComponent("final-x.bin")
            var xr = BinaryReader(try AtomicFile.read(fx), name: fx.path)
            let x = try FeatureMatrix.decode(from: &xr)
            let watch = Stopwatch()
            fitted = try classifier.fit(x, labels: rows.map { y[$0] }, classCount: labels.count, seed: spec.seed)
            finalSeconds = watch.seconds
        } else {
            // With one split the saved model is the evaluated one: same documents, same seed.
            let url = dir.appendingPathComponent("fold-0.model")
            fitted = try ClassifierStore.decode(try AtomicFile.read(url), name: url.path)
            finalSeconds = foldSeconds[0]
        }
        let ff = featureFolder.appendingPathComponent("final-featurizer.bin")
        var fr = BinaryReader(try AtomicFile.read(ff), name: ff.path)
        let featurizer = try FeatureSetConfiguration.decode(kind: feature.configuration.kind, from: &fr)
        let header = ModelBundle.Header(toolVersion: TextpipeVersion.current, pipeline: spec.name, features: feature.name,
                                        featureKind: feature.configuration.kind, classifier: model.name, classifierKind: model.spec.kind,
                                        family: model.spec.family.rawValue, labels: labels.names, clean: spec.clean,
                                        tokenize: spec.tokenize, trainedOn: rows.count, createdAt: ISO8601DateFormatter().string(from: Date()))
        try ModelBundle(header: header, featurizer: featurizer, classifier: fitted).save(to: dir.appendingPathComponent("model"))
        try AtomicFile.write(try JSONEncoder().encode(TrainTimings(foldSeconds: foldSeconds, finalSeconds: finalSeconds)),
                             to: dir.appendingPathComponent("timings.json"))
    }

    // MARK: evaluate

    func evaluate(_ model: NamedClassifier, feature: NamedFeatureSet, featureFolder: URL, trainFolder: URL, folds: [Fold],
                  y: [Int], labels: LabelIndex, corpus: TokenizedCorpus, into dir: URL) throws {
        var gold: [Int] = [], predicted: [Int] = [], probabilityRows: [[Float]] = []
        var hasProbabilities = true
        var foldScores: [FoldScore] = [], predictSeconds: [Double] = []
        var lines = "source\tfold\tgold\tpredicted" + labels.names.map { "\tscore:\($0)" }.joined() + "\n"
        for (i, fold) in folds.enumerated() {
            let url = trainFolder.appendingPathComponent("fold-\(i).model")
            let classifier = try ClassifierStore.decode(try AtomicFile.read(url), name: url.path)
            let x = try loadFold(featureFolder, i).test
            let watch = Stopwatch()
            let p = classifier.predict(x)
            let probabilities = classifier.predictProbabilities(x)
            predictSeconds.append(watch.seconds)
            let scores = probabilities ?? classifier.scores(x)
            if probabilities == nil { hasProbabilities = false }
            let foldGold = fold.test.map { y[$0] }
            let m = Metrics(gold: foldGold, predicted: p, probabilities: probabilities, labels: labels.names)
            foldScores.append(FoldScore(fold: i, accuracy: m.accuracy, macroF1: m.macroF1, logLoss: m.logLoss))
            for (r, doc) in fold.test.enumerated() {
                gold.append(y[doc]); predicted.append(p[r])
                let row = (0..<labels.count).map { scores[r, $0] }
                probabilityRows.append(row)
                lines += "\(corpus.sources[doc])\t\(i)\t\(labels.names[y[doc]])\t\(labels.names[p[r]])" + row.map { String(format: "\t%.6g", $0) }.joined() + "\n"
            }
        }
        let pooledProbabilities = hasProbabilities
            ? DenseMatrix(rowCount: probabilityRows.count, columnCount: labels.count, values: probabilityRows.flatMap { $0 }) : nil
        let pooled = Metrics(gold: gold, predicted: predicted, probabilities: pooledProbabilities, labels: labels.names)
        let cv = folds.count > 1
        let acc = meanAndDeviation(foldScores.map(\.accuracy)), f1 = meanAndDeviation(foldScores.map(\.macroF1))
        let timings = try JSONDecoder().decode(TrainTimings.self, from: try AtomicFile.read(trainFolder.appendingPathComponent("timings.json")))
        let bundle = try ModelBundle.load(from: trainFolder.appendingPathComponent("model"))
        let modelBytes = ["classifier.bin", "featurizer.bin"].reduce(0) { total, name in
            total + ((try? FileManager.default.attributesOfItem(atPath: trainFolder.appendingPathComponent("model/\(name)").path)[.size] as? Int) ?? 0)
        }
        let result = ModelResult(
            features: feature.name, classifier: model.name, family: model.spec.family.rawValue,
            accuracy: cv ? acc.mean : pooled.accuracy, accuracyStd: cv ? acc.deviation : nil,
            macroF1: cv ? f1.mean : pooled.macroF1, macroF1Std: cv ? f1.deviation : nil,
            logLoss: pooled.logLoss,
            trainSeconds: timings.foldSeconds.reduce(0, +) / Double(max(1, timings.foldSeconds.count)),
            predictSeconds: predictSeconds.reduce(0, +) / Double(max(1, predictSeconds.count)),
            featureCount: bundle.featurizer.columnCount, modelBytes: modelBytes,
            perClass: pooled.perClass, confusion: pooled.confusion, labels: labels.names, folds: foldScores,
            trainingSummary: bundle.classifier.trainingSummary,
            topFeatures: Self.topFeatures(bundle, labels: labels, count: spec.report.topFeatures),
            modelPath: "models/\(Self.safeName(feature.name))__\(Self.safeName(model.name))")
        var withRules = result
        if let tree = bundle.classifier as? DecisionTree {
            withRules.rules = tree.rules(levels: 3, featureName: bundle.featurizer.featureName, labels: labels.names)
        }
        // Intervals, calibration, curves and examples, all over the pooled out-of-fold test documents.
        let intervals = Bootstrap.intervals(gold: gold, predicted: predicted, labels: labels.names, seed: spec.seed)
        withRules.accuracyInterval = intervals.accuracy; withRules.macroF1Interval = intervals.macroF1
        if let pooledProbabilities { withRules.calibration = Calibration(gold: gold, probabilities: pooledProbabilities) }
        if labels.count == 2 {
            let positive = Self.positiveClass(labels.names)
            withRules.curves = BinaryCurves(isPositive: gold.map { $0 == positive },
                                            scores: probabilityRows.map { Double($0[positive]) - (hasProbabilities ? 0 : Double($0[1 - positive])) },
                                            positive: labels.names[positive])
        }
        let testDocuments = folds.flatMap(\.test)
        let wrong = gold.indices.filter { gold[$0] != predicted[$0] }
            .sorted { probabilityRows[$0][predicted[$0]] - probabilityRows[$0][gold[$0]] > probabilityRows[$1][predicted[$1]] - probabilityRows[$1][gold[$1]] }
        withRules.misclassified = wrong.prefix(spec.report.misclassifiedExamples).map { i in
            let text = corpus.texts.isEmpty ? "" : corpus.texts[testDocuments[i]]
            return MisclassifiedDocument(source: corpus.sources[testDocuments[i]], gold: labels.names[gold[i]], predicted: labels.names[predicted[i]],
                                         predictedScore: Double(probabilityRows[i][predicted[i]]), goldScore: Double(probabilityRows[i][gold[i]]),
                                         excerpt: text.count > 240 ? String(text.prefix(240)) + "…" : text)
        }
        try AtomicFile.write(try RunReport.encodeResult(withRules), to: dir.appendingPathComponent("result.json"))
        try AtomicFile.write(lines, to: dir.appendingPathComponent("predictions.tsv"))
        // Each test document's predicted class, in fold order (the same order for every model): McNemar's test reads it.
        var w = BinaryWriter()
        w.write(array: predicted.map { Int32($0) })
        w.write(array: gold.map { Int32($0) })
        try AtomicFile.write(w.data, to: dir.appendingPathComponent("outcomes.bin"))
    }

    /// The class ROC and precision-recall curves treat as positive: one named like "positive", "pos", "spam",
    /// "1" or "yes" if there is one, else the second label.
    static func positiveClass(_ names: [String]) -> Int {
        for (i, n) in names.enumerated() where ["positive", "pos", "spam", "1", "yes", "true"].contains(n.lowercased()) { return i }
        return 1
    }

    static func safeName(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
    }

    /// For each class, the features whose weight toward it most exceeds their best weight toward any other class.
    static func topFeatures(_ bundle: ModelBundle, labels: LabelIndex, count: Int) -> [String: [String]] {
        guard count > 0, let w = bundle.classifier.featureWeights, w.rowCount == bundle.featurizer.columnCount else { return [:] }
        var out: [String: [String]] = [:]
        let K = w.columnCount
        for k in 0..<K {
            var margins: [(Int, Float)] = []
            margins.reserveCapacity(w.rowCount)
            for j in 0..<w.rowCount {
                var other = -Float.infinity
                for c in 0..<K where c != k { other = max(other, w[j, c]) }
                margins.append((j, w[j, k] - other))
            }
            let top = margins.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(count)
            out[labels.names[k]] = top.map { bundle.featurizer.featureName($0.0) }
        }
        return out
    }

    // MARK: report

    func report(key: String, dataset: DatasetSummary, results: [ModelResult], skipped: [SkippedPair], modelFolders: [(String, URL)],
                folds: [Fold], corpus: TokenizedCorpus, y: [Int], labels: LabelIndex, outcomeFolders: [URL],
                learningCurves: LearningCurves?) throws -> Outcome {
        let out = Self.resolve(spec.report.out, options.root)
        let fm = FileManager.default
        if !options.force, store.isComplete(stage: "report", key: key),
           let previous = try? String(contentsOf: store.folder(stage: "report", key: key).appendingPathComponent("run_id"), encoding: .utf8),
           fm.fileExists(atPath: out.appendingPathComponent(previous).path) {
            log("report: cached (\(key.prefix(12))); nothing changed, the latest report is \(out.appendingPathComponent(previous).path)")
            entries.append(LockEntry(stage: "report", unit: nil, key: key, cached: true, seconds: 0, output: out.appendingPathComponent(previous).path))
            timings["report"] = (0, true)
            let report = try? RunReport.decode(try AtomicFile.read(out.appendingPathComponent(previous).appendingPathComponent("metrics.json")))
            // The run shown is an older one when the configuration went back to it: compare it with the run `latest`
            // pointed at until now, then point `latest` (the next run's baseline) at the run shown.
            let shownBefore = try? fm.destinationOfSymbolicLink(atPath: out.appendingPathComponent("latest").path)
            var regressions: [String] = []
            if shownBefore != previous, let report,
               let baseline = (try? AtomicFile.read(out.appendingPathComponent("latest/metrics.json"))).flatMap({ try? RunReport.decode($0) }) {
                regressions = RunComparison(previous: baseline, current: report.results, threshold: spec.report.regressionThreshold).regressions
            }
            if shownBefore != previous { try pointLatest(at: previous, in: out) }
            writeLock(runId: previous, reportKey: key)
            return Outcome(reportDirectory: out.appendingPathComponent(previous), runId: previous, allCached: entries.allSatisfy(\.cached), report: report,
                           inspection: nil, regressions: regressions)
        }
        let watch = Stopwatch()
        var report: RunReport? = nil
        // The previous run of this pipeline (what `latest` points at before this run replaces it).
        let previousReport = (try? AtomicFile.read(out.appendingPathComponent("latest/metrics.json"))).flatMap { try? RunReport.decode($0) }
        // McNemar's test between every pair, on each model's per-document outcomes (same documents, same order).
        let ranked = results.indices.sorted { a, b in
            let x = results[a], z = results[b]
            return x.macroF1 != z.macroF1 ? x.macroF1 > z.macroF1 : x.accuracy != z.accuracy ? x.accuracy > z.accuracy : x.name < z.name
        }
        let correct: [[Bool]] = try ranked.map { i in
            let url = outcomeFolders[i].appendingPathComponent("outcomes.bin")
            var r = BinaryReader(try AtomicFile.read(url), name: url.path)
            let predicted = try r.readArray(Int32.self), gold = try r.readArray(Int32.self)
            return zip(predicted, gold).map { $0 == $1 }
        }
        let significance = SignificanceMatrix(models: ranked.map { results[$0].name }, correct: correct)
        let (runId, final) = try publishReport(key: key, watch: watch) { tmp, runId in
            for (relative, source) in modelFolders {
                let target = tmp.appendingPathComponent(relative)
                try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try fm.copyItem(at: source, to: target)
            }
            var foldLines = "source\tlabel\tfold\n"
            for (i, f) in folds.enumerated() { for d in f.test { foldLines += "\(corpus.sources[d])\t\(labels.names[y[d]])\t\(i)\n" } }
            try AtomicFile.write(foldLines, to: tmp.appendingPathComponent("folds.tsv"))
            var r = RunReport(pipeline: spec.name, runId: runId, createdAt: ISO8601DateFormatter().string(from: startedAt),
                              toolVersion: TextpipeVersion.current, specHash: spec.sha256, dataset: dataset,
                              evaluation: spec.evaluation.description, results: results, stages: stageTimings(reportSeconds: watch.seconds),
                              totalSeconds: started.seconds)
            r.skipped = skipped.isEmpty ? nil : skipped
            r.significance = significance
            r.learningCurves = learningCurves
            r.previous = previousReport.map { RunComparison(previous: $0, current: results, threshold: spec.report.regressionThreshold) }
            r.specText = try? String(contentsOfFile: spec.file, encoding: .utf8)
            r.inputs = Dictionary(inputs.map { ($0.path, $0.sha256) }, uniquingKeysWith: { a, _ in a })
            // Per-document outcomes of every model, for outside tools (McNemar in scipy, bootstrap, ...).
            var table = "document\tgold" + ranked.map { "\t" + results[$0].name }.joined() + "\n"
            for (d, doc) in folds.flatMap(\.test).enumerated() {
                table += corpus.sources[doc] + "\t" + labels.names[y[doc]] + ranked.indices.map { correct[$0][d] ? "\t1" : "\t0" }.joined() + "\n"
            }
            try AtomicFile.write(table, to: tmp.appendingPathComponent("outcomes.tsv"))
            // metrics.json is always written: `report diff`, the run-to-run section and scripts read it.
            try AtomicFile.write(try r.json(), to: tmp.appendingPathComponent("metrics.json"))
            if spec.report.formats.contains(.md) {
                try AtomicFile.write(MarkdownRenderer.render(r), to: tmp.appendingPathComponent("report.md"))
                for (name, svg) in MarkdownRenderer.charts(r) { try AtomicFile.write(svg, to: tmp.appendingPathComponent("charts/\(name)")) }
            }
            if spec.report.formats.contains(.html) { try AtomicFile.write(HTMLRenderer.render(r), to: tmp.appendingPathComponent("report.html")) }
            report = r
        }
        return Outcome(reportDirectory: final, runId: runId, allCached: false, report: report, inspection: nil,
                       regressions: report?.previous?.regressions ?? [])
    }

    /// Per-stage timings in stage order, with the report stage's own.
    func stageTimings(reportSeconds: Double) -> [StageTiming] {
        var stages = (Stage.allCases.map(\.rawValue) + ["features", "tag"]).compactMap { s in timings[s].map { StageTiming(stage: s, seconds: $0.seconds, cached: $0.cached) } }
        stages.append(StageTiming(stage: "report", seconds: reportSeconds, cached: false))
        return stages
    }

    /// Writes a report into a new run folder atomically: `write` fills a temporary folder, which is renamed to
    /// `<report.out>/<run id>`; `latest` is pointed at it; the report stage's key is recorded; the lock file is
    /// written and copied beside the report.
    func publishReport(key: String, watch: Stopwatch, _ write: (URL, String) throws -> Void) throws -> (String, URL) {
        let out = Self.resolve(spec.report.out, options.root)
        let fm = FileManager.default
        log("report: writing ...")
        try fm.createDirectory(at: out, withIntermediateDirectories: true)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX"); formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        var runId = formatter.string(from: startedAt)
        var n = 2
        while fm.fileExists(atPath: out.appendingPathComponent(runId).path) { runId = formatter.string(from: startedAt) + "-\(n)"; n += 1 }
        let tmp = out.appendingPathComponent(".tmp-\(runId)-\(getpid())")
        try? fm.removeItem(at: tmp)
        try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
        try write(tmp, runId)
        let final = out.appendingPathComponent(runId)
        guard rename(tmp.path, final.path) == 0 else { throw TextpipeError(.io, "cannot move the report into place", file: final.path) }
        try pointLatest(at: runId, in: out)
        try store.produce(stage: "report", key: key) { dir in try AtomicFile.write(runId, to: dir.appendingPathComponent("run_id")) }
        entries.append(LockEntry(stage: "report", unit: nil, key: key, cached: false, seconds: watch.seconds, output: final.path))
        writeLock(runId: runId, reportKey: key)
        try? fm.copyItem(at: out.appendingPathComponent("textpipe.lock"), to: final.appendingPathComponent("textpipe.lock"))
        log("report: \(final.path)/report.\(spec.report.formats.contains(.html) ? "html" : "md")")
        return (runId, final)
    }

    /// Points `<out>/latest` at a run folder atomically: the link is made under a temporary name, then renamed over the old one.
    func pointLatest(at runId: String, in out: URL) throws {
        let fm = FileManager.default
        let latestTmp = out.appendingPathComponent(".latest-\(getpid())")
        try? fm.removeItem(at: latestTmp)
        do { try fm.createSymbolicLink(atPath: latestTmp.path, withDestinationPath: runId) }
        catch { throw TextpipeError(.io, "cannot create the 'latest' link: \(error.localizedDescription)", file: latestTmp.path) }
        guard rename(latestTmp.path, out.appendingPathComponent("latest").path) == 0 else {
            throw TextpipeError(.io, "cannot update the 'latest' link: \(String(cString: strerror(errno)))", file: out.appendingPathComponent("latest").path)
        }
    }

    func writeLock(runId: String?, reportKey: String?) {
        let lock = LockFile(pipeline: spec.name, runId: runId ?? "", startedAt: ISO8601DateFormatter().string(from: startedAt),
                            toolVersion: TextpipeVersion.current, spec: .init(path: spec.file, sha256: spec.sha256), inputs: inputs,
                            seed: spec.seed, evaluation: spec.evaluation.description, entries: entries,
                            totalSeconds: started.seconds, allCached: entries.allSatisfy(\.cached))
        let url = Self.resolve(spec.report.out, options.root).appendingPathComponent("textpipe.lock")
        do { try AtomicFile.write(try lock.json(), to: url) } catch { log("warning: could not write the lock file: \(error)") }
        if lock.allCached { log("nothing changed: every stage was cached") }
    }
}

extension RunReport {
    static func encodeResult(_ r: ModelResult) throws -> Data {
        let e = JSONEncoder(); e.keyEncodingStrategy = .convertToSnakeCase; e.outputFormatting = [.sortedKeys]
        return try e.encode(r)
    }
    static func decodeResult(_ d: Data) throws -> ModelResult {
        let dec = JSONDecoder(); dec.keyDecodingStrategy = .convertFromSnakeCase
        return try dec.decode(ModelResult.self, from: d)
    }
}
