import Classify
import Evaluate
import Featurize
import Foundation
import Report
import TextCore

/// A pair's evaluation: its result (metrics, intervals, curves, examples) and per-document outcomes.
struct Evaluation: Artifact {
    let folder: URL
    let result: ModelResult

    /// Writes the result, the per-document predictions (`predictions.tsv`, for people and tools) and each test
    /// document's predicted and gold class (`outcomes.bin`, for McNemar's test).
    static func write(_ result: ModelResult, predictions: String, predicted: [Int], gold: [Int], to folder: URL) throws
    {
        try AtomicFile.write(try RunReport.encodeResult(result), to: folder.appendingPathComponent("result.json"))
        try AtomicFile.write(predictions, to: folder.appendingPathComponent("predictions.tsv"))
        var w = BinaryWriter()
        w.write(array: predicted.map { Int32($0) })
        w.write(array: gold.map { Int32($0) })
        try AtomicFile.write(w.data, to: folder.appendingPathComponent("outcomes.bin"))
    }

    static func read(from folder: URL) throws -> Evaluation {
        Evaluation(
            folder: folder,
            result: try RunReport.decodeResult(try AtomicFile.read(folder.appendingPathComponent("result.json"))))
    }

    /// Each test document's predicted and gold class, in fold order (the same order for every model).
    func outcomes() throws -> (predicted: [Int32], gold: [Int32]) {
        let url = folder.appendingPathComponent("outcomes.bin")
        var r = BinaryReader(try AtomicFile.read(url), name: url.path)
        return (try r.readArray(Int32.self), try r.readArray(Int32.self))
    }
}

/// Scores one (features, classifier) pair on every fold's test documents with that fold's model: per-fold and
/// pooled metrics, 95% bootstrap intervals, calibration, ROC/PR curves for two classes, the most confident
/// mistakes, informative features and tree rules from the saved model.
struct EvaluateStage: Stage {
    typealias Output = Evaluation
    let tokenize: Input<Tokenized>
    let split: Input<FoldAssignment>
    let features: Input<FeatureArtifact>
    let folds: [Input<TrainedFold>]
    let final: Input<FinalModel>
    let pair: String
    let feature: NamedFeatureSet
    let classifier: NamedClassifier
    let seed: UInt64
    let topFeatures: Int
    let misclassifiedExamples: Int
    /// For a searched classifier: each outer fold's choice, the choice for the saved model (cross-validation), and
    /// every trial's scores (outer folds, then all documents), with the search settings.
    var selections: [Input<SearchSelection>] = []
    var modelSelection: Input<SearchSelection>? = nil
    var search: (trials: PairSearch, settings: SearchSettings)? = nil

    var stage: StageName { .evaluate }
    /// Pure in its inputs: runs alongside other units under `run --jobs`.
    var runsAlongsideOthers: Bool { true }
    var unit: String? { pair }
    var inputs: [UnitReference] {
        [tokenize.reference, split.reference, features.reference] + folds.map(\.reference) + [final.reference]
            + selections.map(\.reference) + (modelSelection.map { [$0.reference] } ?? [])
    }
    var outputs: [String] { ["result.json", "predictions.tsv", "outcomes.bin"] }
    var parameters: [String: String] {
        ["top_features": "\(topFeatures)", "misclassified_examples": "\(misclassifiedExamples)"]
    }

    func derive(_ key: inout StageKey) throws {
        key.add("seed", "\(seed)")
        key.add("report", "\(topFeatures)|\(misclassifiedExamples)")
        key.add("names", json: [feature.name, classifier.name])
    }

    func run(_ context: StageContext, into folder: URL) throws {
        let assignment = try context.read(split)
        let corpus = try context.read(tokenize).corpus
        let artifact = try context.read(features)
        let labels = assignment.labels
        let y = assignment.y
        var gold: [Int] = []
        var predicted: [Int] = []
        // Per test document: its top class and score, the score of its predicted and of its gold class, and for two
        // classes both scores. Never the whole documents x classes matrix, which 10,000 classes would make gigabytes.
        var top: [(label: Int, probability: Float)] = []
        var predictedScores: [Float] = []
        var goldScores: [Float] = []
        var binaryRows: [[Float]] = []
        var hasProbabilities = true
        var foldScores: [FoldScore] = []
        var predictSeconds: [Double] = []
        var trainSeconds: [Double] = []
        let scoreColumns = labels.count <= Self.scoreColumnLimit
        var lines =
            "source\tfold\tgold\tpredicted"
            + (scoreColumns ? labels.names.map { "\tscore:\($0)" }.joined() : "\tscore:predicted\tscore:gold") + "\n"
        for (i, fold) in assignment.folds.enumerated() {
            let trained = try context.read(folds[i])
            trainSeconds.append(trained.seconds)
            let model = try trained.classifier()
            let x = try artifact.fold(i).test
            let watch = Stopwatch()
            let (raw, p, probabilities) = model.outputs(x)
            predictSeconds.append(watch.seconds)
            let scores = probabilities ?? raw
            if probabilities == nil { hasProbabilities = false }
            // A model whose training produced NaN or infinite scores is refused, not scored.
            guard scores.values.allSatisfy(\.isFinite) else {
                throw TextpipeError(
                    .data,
                    "\(pair) produced non-finite scores (NaN or infinity) on fold \(i + 1); check its settings",
                    key: "classifiers.\(classifier.name)")
            }
            let m = Metrics(
                gold: fold.test.map { y[$0] }, predicted: p, probabilities: probabilities, labels: labels.names)
            foldScores.append(FoldScore(fold: i, accuracy: m.accuracy, macroF1: m.macroF1, logLoss: m.logLoss))
            for (r, doc) in fold.test.enumerated() {
                gold.append(y[doc])
                predicted.append(p[r])
                top.append(Calibration.top(scores, row: r))
                predictedScores.append(scores[r, p[r]])
                goldScores.append(scores[r, y[doc]])
                if labels.count == 2 { binaryRows.append([scores[r, 0], scores[r, 1]]) }
                lines += "\(corpus.sources[doc])\t\(i)\t\(labels.names[y[doc]])\t\(labels.names[p[r]])"
                // Shortest round-trip digits: exact, and about 20 times faster than String(format:).
                for v in scoreColumns ? (0..<labels.count).map({ scores[r, $0] }) : [scores[r, p[r]], scores[r, y[doc]]]
                {
                    lines += "\t"
                    lines += v.description
                }
                lines += "\n"
            }
        }
        var pooled = Metrics(gold: gold, predicted: predicted, probabilities: nil, labels: labels.names)
        if hasProbabilities && !gold.isEmpty { pooled.logLoss = Metrics.logLoss(goldProbabilities: goldScores) }
        let cv = assignment.folds.count > 1
        let acc = meanAndDeviation(foldScores.map(\.accuracy))
        let f1 = meanAndDeviation(foldScores.map(\.macroF1))
        let finalModel = try context.read(final)
        let bundle = try ModelBundle.load(from: finalModel.modelFolder)
        let modelBytes = ["classifier.bin", "featurizer.bin"].reduce(0) { total, name in
            total
                + ((try? FileManager.default.attributesOfItem(
                    atPath: finalModel.modelFolder.appendingPathComponent(name).path)[.size] as? Int) ?? 0)
        }
        var result = ModelResult(
            features: feature.name, classifier: classifier.name, family: classifier.spec.family.rawValue,
            accuracy: cv ? acc.mean : pooled.accuracy, accuracyStd: cv ? acc.deviation : nil,
            macroF1: cv ? f1.mean : pooled.macroF1, macroF1Std: cv ? f1.deviation : nil,
            logLoss: pooled.logLoss,
            trainSeconds: trainSeconds.reduce(0, +) / Double(max(1, trainSeconds.count)),
            predictSeconds: predictSeconds.reduce(0, +) / Double(max(1, predictSeconds.count)),
            featureCount: bundle.featurizer.columnCount, modelBytes: modelBytes,
            perClass: pooled.perClass, confusion: pooled.confusion, labels: labels.names, folds: foldScores,
            trainingSummary: bundle.classifier.trainingSummary,
            topFeatures: Self.topFeatures(bundle, labels: labels, count: topFeatures),
            modelPath: "models/\(RunFolder.safeName(feature.name))__\(RunFolder.safeName(classifier.name))")
        if let tree = bundle.classifier as? DecisionTree {
            result.rules = tree.rules(levels: 3, featureName: bundle.featurizer.featureName, labels: labels.names)
        }
        // Intervals, calibration, curves and examples, all over the pooled out-of-fold test documents.
        let intervals = Bootstrap.intervals(gold: gold, predicted: predicted, labels: labels.names, seed: seed)
        result.accuracyInterval = intervals.accuracy
        result.macroF1Interval = intervals.macroF1
        if hasProbabilities { result.calibration = Calibration(gold: gold, top: top) }
        if labels.count == 2 {
            let positive = Self.positiveClass(labels.names)
            result.curves = BinaryCurves(
                isPositive: gold.map { $0 == positive },
                scores: binaryRows.map {
                    Double($0[positive]) - (hasProbabilities ? 0 : Double($0[1 - positive]))
                },
                positive: labels.names[positive])
        }
        let testDocuments = assignment.folds.flatMap(\.test)
        func margin(_ i: Int) -> Float { predictedScores[i] - goldScores[i] }
        let wrong = gold.indices.filter { gold[$0] != predicted[$0] }.sorted { margin($0) > margin($1) }
        result.misclassified = wrong.prefix(misclassifiedExamples).map { i in
            let text = corpus.texts.isEmpty ? "" : corpus.texts[testDocuments[i]]
            return MisclassifiedDocument(
                source: corpus.sources[testDocuments[i]], gold: labels.names[gold[i]],
                predicted: labels.names[predicted[i]],
                predictedScore: Double(predictedScores[i]),
                goldScore: Double(goldScores[i]),
                excerpt: text.count > 240 ? String(text.prefix(240)) + "…" : text)
        }
        result.search = try searchResult(context)
        try Evaluation.write(result, predictions: lines, predicted: predicted, gold: gold, to: folder)
    }

    /// The search's trials and choices, read from the selections.
    func searchResult(_ context: StageContext) throws -> SearchResult? {
        guard let (pairSearch, search) = self.search, !selections.isEmpty else { return nil }
        let trials = pairSearch.trials
        let perFold = try selections.map { try context.read($0) }
        // With one split the saved model is the evaluated fold's: its choice is the model's.
        let forModel = try modelSelection.map { try context.read($0) }
        let keys = pairSearch.dimensions.map(\.key)
        return SearchResult(
            strategy: search.strategy.rawValue, metric: search.metric.rawValue, innerFolds: search.innerFolds,
            keys: keys,
            trials: trials.indices.map { t in
                SearchResult.Trial(
                    assignment: trials[t].assignment, outerFolds: perFold.map { $0.means[t] }, all: forModel?.means[t])
            },
            chosenPerFold: perFold.map(\.chosen), chosenForModel: forModel?.chosen ?? perFold[0].chosen,
            budgetSeconds: search.seconds)
    }

    /// Classes up to which predictions.tsv has one score column per class; above, the scores of the predicted and
    /// the gold class only (one column per class would make the file documents x classes numbers).
    static let scoreColumnLimit = 100

    /// The class ROC and precision-recall curves treat as positive: one named like "positive", "pos", "spam",
    /// "1" or "yes" if there is one, else the second label.
    static func positiveClass(_ names: [String]) -> Int {
        for (i, n) in names.enumerated() where ["positive", "pos", "spam", "1", "yes", "true"].contains(n.lowercased())
        { return i }
        return 1
    }

    /// For each class, the features whose weight toward it most exceeds their best weight toward any other class.
    static func topFeatures(_ bundle: ModelBundle, labels: LabelIndex, count: Int) -> [String: [String]] {
        guard count > 0, let w = bundle.classifier.featureWeights, w.rowCount == bundle.featurizer.columnCount else {
            return [:]
        }
        // A feature's margin toward class k is its weight for k minus its largest weight for another class: the
        // largest and second largest weight of each feature give every margin in one pass (time features x classes).
        let classCount = w.columnCount
        let rows = w.rowCount
        var best = [Float](repeating: -.infinity, count: rows)
        var second = best
        var bestClass = [Int](repeating: -1, count: rows)
        for j in 0..<rows {
            for c in 0..<classCount {
                let v = w[j, c]
                if v > best[j] {
                    second[j] = best[j]
                    best[j] = v
                    bestClass[j] = c
                } else if v > second[j] {
                    second[j] = v
                }
            }
        }
        var out: [String: [String]] = [:]
        for k in 0..<classCount {
            // The `count` largest margins, kept sorted (largest first, then lower feature index).
            var top: [(Int, Float)] = []
            top.reserveCapacity(count + 1)
            for j in 0..<rows {
                let m = w[j, k] - (bestClass[j] == k ? second[j] : best[j])
                if top.count == count, let last = top.last, !(m > last.1) { continue }
                var i = top.count
                while i > 0 && m > top[i - 1].1 { i -= 1 }
                top.insert((j, m), at: i)
                if top.count > count { top.removeLast() }
            }
            out[labels.names[k]] = top.map { bundle.featurizer.featureName($0.0) }
        }
        return out
    }
}

extension RunReport {
    static func encodeResult(_ r: ModelResult) throws -> Data {
        try SnakeCaseJSON.encode(r, compact: true)
    }

    static func decodeResult(_ d: Data) throws -> ModelResult {
        try SnakeCaseJSON.decode(ModelResult.self, from: d)
    }
}
