import Evaluate
import Foundation
import TextCore

/// Everything a report shows, as one value: rendered to Markdown and HTML, and written as `metrics.json`.
///
/// The JSON form uses snake_case keys; `schema_version` increases whenever a key changes meaning or goes away.
public struct RunReport: Codable, Sendable {
    /// The metrics.json layout this textpipe writes: 2 added `models` (every model's numbers by name); files of
    /// version 1 are still read.
    public static let currentSchemaVersion = 2
    /// The layout of this file.
    public var schemaVersion = RunReport.currentSchemaVersion
    /// The pipeline (spec `name`).
    public var pipeline: String
    /// The run (its folder's name).
    public var runId: String
    /// When the run started (ISO 8601).
    public var createdAt: String
    /// The textpipe that ran.
    public var toolVersion: String
    /// The spec file's SHA-256.
    public var specHash: String
    /// What the data was.
    public var dataset: DatasetSummary
    /// How models were evaluated, in words.
    public var evaluation: String
    /// One per (features, classifier) pair.
    public var results: [ModelResult]
    /// Seconds per stage.
    public var stages: [StageTiming]
    /// Wall time of the run.
    public var totalSeconds: Double
    /// Pairs that were not trained because the model does not apply to the feature set, with the reason.
    public var skipped: [SkippedPair]? = nil
    /// McNemar's test between every pair of models (on the same test documents).
    public var significance: SignificanceMatrix? = nil
    /// Learning curves, when the spec asks for them.
    public var learningCurves: LearningCurves? = nil
    /// Differences from the previous run of the same pipeline.
    public var previous: RunComparison? = nil
    /// The spec as written, and the lock file's versions and hashes.
    public var specText: String? = nil
    /// The SHA-256 of each input (a catalog package by name and version, or a file).
    public var inputs: [String: String]? = nil
    /// The model saved as `models/best` and why (`BestModelChoice`); absent in runs before it was recorded.
    public var best: BestModelChoice? = nil
    /// Every model's headline numbers by its name (`"ngram + softmax"`), for tools that address metrics by path
    /// (`dvc metrics diff`): numbers only, null where a model has none. Written by `json()`; absent in version 1.
    public var models: [String: ModelNumbers]? = nil

    /// A report of these results.
    public init(
        pipeline: String, runId: String, createdAt: String, toolVersion: String, specHash: String,
        dataset: DatasetSummary, evaluation: String, results: [ModelResult], stages: [StageTiming], totalSeconds: Double
    ) {
        self.pipeline = pipeline
        self.runId = runId
        self.createdAt = createdAt
        self.toolVersion = toolVersion
        self.specHash = specHash
        self.dataset = dataset
        self.evaluation = evaluation
        self.results = results
        self.stages = stages
        self.totalSeconds = totalSeconds
    }

    /// Results best first: by macro-F1, then accuracy, then name.
    public var ranked: [ModelResult] {
        results.sorted { a, b in
            if a.macroF1 != b.macroF1 { return a.macroF1 > b.macroF1 }
            if a.accuracy != b.accuracy { return a.accuracy > b.accuracy }
            return a.name < b.name
        }
    }

    /// The best model by the documented rule (`BestModelChoice`): the recorded choice, else the rule applied now.
    public var bestChoice: BestModelChoice? {
        if let best { return best }
        let ranked = self.ranked
        return BestModelChoice.choose(
            ranked: ranked.map { .init(name: $0.name, logLoss: $0.logLoss, modelBytes: $0.modelBytes) },
            headlines: ranked.map(\.macroF1), significance: significance)
    }

    /// metrics.json: pretty-printed, snake_case keys, the `models` map filled in, the current schema version.
    public func json() throws -> Data {
        var out = self
        out.schemaVersion = Self.currentSchemaVersion
        let ranked = self.ranked
        out.models = Dictionary(
            ranked.enumerated().map { i, r in
                (
                    r.name,
                    ModelNumbers(
                        rank: i + 1, accuracy: r.accuracy, accuracyStd: r.accuracyStd,
                        accuracyLow: r.accuracyInterval?.low,
                        accuracyHigh: r.accuracyInterval?.high, macroF1: r.macroF1, macroF1Std: r.macroF1Std,
                        macroF1Low: r.macroF1Interval?.low, macroF1High: r.macroF1Interval?.high, logLoss: r.logLoss,
                        trainSeconds: r.trainSeconds, predictSeconds: r.predictSeconds, featureCount: r.featureCount,
                        modelBytes: r.modelBytes)
                )
            }, uniquingKeysWith: { a, _ in a })
        return try SnakeCaseJSON.encode(out)
    }

    /// Reads a metrics.json.
    public static func decode(_ data: Data) throws -> RunReport {
        try SnakeCaseJSON.decode(RunReport.self, from: data)
    }
}

extension Array where Element == SkippedPair {
    /// Skipped pairs grouped by classifier and reason: `("gaussian_nb", ["onehot", "ngram"], reason)`.
    var grouped: [(classifier: String, features: [String], reason: String)] {
        var out: [(classifier: String, features: [String], reason: String)] = []
        for s in self {
            if let i = out.firstIndex(where: { $0.classifier == s.classifier && $0.reason == s.reason }) {
                out[i].features.append(s.features)
            } else {
                out.append((s.classifier, [s.features], s.reason))
            }
        }
        return out
    }
}

/// One model's numbers in metrics.json's `models` map: numbers only (null where the model has none).
public struct ModelNumbers: Codable, Sendable, Equatable {
    /// 1 for the best model (by macro-F1, then accuracy, then name).
    public var rank: Int
    /// Accuracy, its standard deviation over folds and its 95% bootstrap interval.
    public var accuracy: Double
    /// Standard deviation of accuracy over folds.
    public var accuracyStd: Double?
    /// Lower end of accuracy's 95% bootstrap interval.
    public var accuracyLow: Double?
    /// Upper end of accuracy's 95% bootstrap interval.
    public var accuracyHigh: Double?
    /// Macro-F1, likewise.
    public var macroF1: Double
    /// Standard deviation of macro-F1 over folds.
    public var macroF1Std: Double?
    /// Lower end of macro-F1's 95% bootstrap interval.
    public var macroF1Low: Double?
    /// Upper end of macro-F1's 95% bootstrap interval.
    public var macroF1High: Double?
    /// Mean log loss (probabilistic models).
    public var logLoss: Double?
    /// Seconds to train (final model plus folds) and to predict a fold.
    public var trainSeconds: Double
    /// Mean seconds to predict a fold's test documents.
    public var predictSeconds: Double
    /// Columns of the feature set.
    public var featureCount: Int
    /// Bytes of the saved model.
    public var modelBytes: Int
}

/// A (feature set, classifier) pair left out, and why.
public struct SkippedPair: Codable, Sendable {
    /// The feature set.
    public var features: String
    /// The classifier.
    public var classifier: String
    /// Why the pair was not trained.
    public var reason: String
    /// A skipped pair.
    public init(features: String, classifier: String, reason: String) {
        self.features = features
        self.classifier = classifier
        self.reason = reason
    }
}

/// What was read and what cleaning did to it.
public struct DatasetSummary: Codable, Sendable {
    /// The catalog dataset or the input paths.
    public var name: String
    /// Training documents.
    public var trainDocuments: Int
    /// Given test documents, if any.
    public var testDocuments: Int?
    /// Documents per class (training part, plus test part when given).
    public var classes: [String: Int]
    /// Tokens over all documents.
    public var tokens: Int
    /// Distinct tokens.
    public var distinctTokens: Int
    /// Counters from reading and cleaning (invalid bytes replaced, empty documents dropped, ...).
    public var notes: [String: Int]
    /// A summary of the data.
    public init(
        name: String, trainDocuments: Int, testDocuments: Int?, classes: [String: Int], tokens: Int,
        distinctTokens: Int, notes: [String: Int]
    ) {
        self.name = name
        self.trainDocuments = trainDocuments
        self.testDocuments = testDocuments
        self.classes = classes
        self.tokens = tokens
        self.distinctTokens = distinctTokens
        self.notes = notes
    }
}

/// One stage's timing in this run.
public struct StageTiming: Codable, Sendable, Equatable {
    /// `ingest` ... `report`.
    public var stage: String
    /// Seconds spent (reading from the cache included).
    public var seconds: Double
    /// True when the stage's output came from the cache.
    public var cached: Bool
    /// A stage's timing.
    public init(stage: String, seconds: Double, cached: Bool) {
        self.stage = stage
        self.seconds = seconds
        self.cached = cached
    }
}

/// The evaluation of one (feature set, classifier) pair.
public struct ModelResult: Codable, Sendable {
    /// The feature set's name.
    public var features: String
    /// The classifier's name.
    public var classifier: String
    /// `generative` or `discriminative`.
    public var family: String
    /// Accuracy: the mean over folds under cross-validation.
    public var accuracy: Double
    /// Standard deviation over folds (cross-validation only).
    public var accuracyStd: Double?
    /// Macro-F1: the mean over folds under cross-validation.
    public var macroF1: Double
    /// Its standard deviation over folds.
    public var macroF1Std: Double?
    /// Mean log loss over the test documents, for models that give probabilities.
    public var logLoss: Double?
    /// Seconds to fit the final model plus every fold's model, summed over folds (per fold mean below).
    public var trainSeconds: Double
    /// Mean seconds to predict a fold's test documents.
    public var predictSeconds: Double
    /// Columns of the final featurizer.
    public var featureCount: Int
    /// Bytes of the saved model's binary parts.
    public var modelBytes: Int
    /// Per-class metrics and confusion over all test predictions (pooled over folds).
    public var perClass: [ClassMetrics]
    /// `confusion[gold, predicted]` over the pooled test documents.
    public var confusion: ConfusionCounts
    /// Class names in index order.
    public var labels: [String]
    /// Scores per fold.
    public var folds: [FoldScore]
    /// What training did (iterations, convergence, ...).
    public var trainingSummary: [String: String]
    /// The most informative features per class (largest weight toward the class), for linear and NB models.
    public var topFeatures: [String: [String]]
    /// Folder of the saved final model, usable with `textpipe predict --model`.
    public var modelPath: String
    /// For decision trees: the top levels as readable rules.
    public var rules: [String]? = nil
    /// 95% stratified-bootstrap intervals over the (pooled out-of-fold) test documents.
    public var accuracyInterval: Interval? = nil
    /// 95% bootstrap interval of macro-F1.
    public var macroF1Interval: Interval? = nil
    /// Reliability of the top-label probability (probabilistic models only).
    public var calibration: Calibration? = nil
    /// ROC and precision-recall curves (binary tasks only).
    public var curves: BinaryCurves? = nil
    /// A few test documents the model got wrong, most confident first.
    public var misclassified: [MisclassifiedDocument]? = nil
    /// The hyperparameter search, for a searched classifier.
    public var search: SearchResult? = nil

    /// `features + classifier`.
    public var name: String { "\(features) + \(classifier)" }

    /// A result with the scores every model has.
    public init(
        features: String, classifier: String, family: String, accuracy: Double, accuracyStd: Double?, macroF1: Double,
        macroF1Std: Double?, logLoss: Double?, trainSeconds: Double, predictSeconds: Double, featureCount: Int,
        modelBytes: Int, perClass: [ClassMetrics], confusion: ConfusionCounts, labels: [String], folds: [FoldScore],
        trainingSummary: [String: String], topFeatures: [String: [String]], modelPath: String
    ) {
        self.features = features
        self.classifier = classifier
        self.family = family
        self.accuracy = accuracy
        self.accuracyStd = accuracyStd
        self.macroF1 = macroF1
        self.macroF1Std = macroF1Std
        self.logLoss = logLoss
        self.trainSeconds = trainSeconds
        self.predictSeconds = predictSeconds
        self.featureCount = featureCount
        self.modelBytes = modelBytes
        self.perClass = perClass
        self.confusion = confusion
        self.labels = labels
        self.folds = folds
        self.trainingSummary = trainingSummary
        self.topFeatures = topFeatures
        self.modelPath = modelPath
    }
}

/// What a report shows of a result with many classes: the per-class table, the confusion table and the informative
/// features are capped so that a run with thousands of labels gives a readable report of bounded size; every number
/// stays in metrics.json.
extension ModelResult {
    /// Rows of the per-class table (and classes with informative features listed) at most.
    public static let shownClassLimit = 30
    /// Classes of the confusion table at most; above, the classes most involved in errors.
    public static let confusionClassLimit = 20

    /// The per-class rows shown: every class up to the limit, else the most frequent (ties in label order).
    public var shownClasses: [ClassMetrics] {
        guard perClass.count > Self.shownClassLimit else { return perClass }
        return Array(
            perClass.enumerated().sorted { ($1.element.support, $0.offset) < ($0.element.support, $1.offset) }
                .prefix(Self.shownClassLimit).map(\.element))
    }

    /// A sentence saying what the per-class table leaves out, or nil when it shows every class.
    public var shownClassesNote: String? {
        guard perClass.count > Self.shownClassLimit else { return nil }
        return
            "The \(Self.shownClassLimit) most frequent of \(Format.count(perClass.count)) classes; every class is in metrics.json."
    }

    /// Class indices of the confusion table: all of them up to the limit, else the classes most involved in errors.
    public var confusionClasses: [Int] {
        confusion.classCount <= Self.confusionClassLimit
            ? Array(0..<confusion.classCount) : confusion.mostConfusedClasses(limit: Self.confusionClassLimit)
    }

    /// The caption of the confusion table.
    public var confusionCaption: String {
        confusion.classCount <= Self.confusionClassLimit
            ? "Confusion matrix (rows gold, columns predicted)"
            : "Confusion between the \(confusionClasses.count) classes most involved in errors, of \(Format.count(confusion.classCount)) (rows gold, columns predicted; the full matrix is in metrics.json)"
    }

    /// Informative features of the classes the per-class table shows, in label order.
    public var shownTopFeatures: [(label: String, features: [String])] {
        let shown = Set(shownClasses.map(\.label))
        return topFeatures.filter { shown.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// A test document a model got wrong, with its scores.
public struct MisclassifiedDocument: Codable, Sendable, Equatable {
    /// Where the document came from.
    public var source: String
    /// Its class.
    public var gold: String
    /// The class predicted.
    public var predicted: String
    /// The model's score (probability when it has them) for the predicted and the gold class.
    public var predictedScore: Double
    /// The score of its class.
    public var goldScore: Double
    /// The start of the cleaned text.
    public var excerpt: String
    /// A misclassified document.
    public init(
        source: String, gold: String, predicted: String, predictedScore: Double, goldScore: Double, excerpt: String
    ) {
        self.source = source
        self.gold = gold
        self.predicted = predicted
        self.predictedScore = predictedScore
        self.goldScore = goldScore
        self.excerpt = excerpt
    }
}

/// One fold's headline numbers.
public struct FoldScore: Codable, Sendable {
    /// Fold index.
    public var fold: Int
    /// Accuracy on the fold's test documents.
    public var accuracy: Double
    /// Macro-F1 on them.
    public var macroF1: Double
    /// Log loss on them, for models that give probabilities.
    public var logLoss: Double?
    /// A fold's scores.
    public init(fold: Int, accuracy: Double, macroF1: Double, logLoss: Double?) {
        self.fold = fold
        self.accuracy = accuracy
        self.macroF1 = macroF1
        self.logLoss = logLoss
    }
}

/// McNemar's exact test between every pair of models evaluated on the same test documents, Holm-corrected
/// over all pairs. `pValues[i][j]` and `adjusted[i][j]` are symmetric, `models` in ranked order.
public struct SignificanceMatrix: Codable, Sendable, Equatable {
    /// Models, best first.
    public var models: [String]
    /// Raw p-values, `pValues[i][j]` for models i and j.
    public var pValues: [[Double]]
    /// Holm-adjusted p-values.
    public var adjusted: [[Double]]
    /// Documents only model i got right (row) against model j (column).
    public var onlyRight: [[Int]]
    /// The significance level (0.05).
    public var alpha: Double
    /// Which test: McNemar's exact test on documents (also when absent: reports before the field existed), or
    /// a paired bootstrap over sentences (tagging).
    public var testName: String?
    /// The test's name.
    public var test: String { testName ?? "McNemar" }
    /// The best model and the models not significantly different from it (adjusted p >= alpha).
    public var best: String
    /// Models whose difference from the best is not significant.
    public var notDifferentFromBest: [String]

    /// `correct[m][d]`: whether model `m` (in `models` order, best first) got test document `d` right.
    public init(models: [String], correct: [[Bool]], alpha: Double = 0.05) {
        let n = models.count
        self.models = models
        self.alpha = alpha
        var only = [[Int]](repeating: [Int](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0..<n where i != j { only[i][j] = zip(correct[i], correct[j]).filter { $0 && !$1 }.count }
        }
        onlyRight = only
        var p = [[Double]](repeating: [Double](repeating: 1, count: n), count: n)
        var flat: [Double] = []
        var pairs: [(Int, Int)] = []
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) where j < n {
                let v = Significance.mcnemar(b: only[i][j], c: only[j][i])
                p[i][j] = v
                p[j][i] = v
                flat.append(v)
                pairs.append((i, j))
            }
        }
        pValues = p
        var adjusted = [[Double]](repeating: [Double](repeating: 1, count: n), count: n)
        for (k, a) in Significance.holm(flat).enumerated() {
            adjusted[pairs[k].0][pairs[k].1] = a
            adjusted[pairs[k].1][pairs[k].0] = a
        }
        self.adjusted = adjusted
        best = models.first ?? ""
        notDifferentFromBest = []
        notDifferentFromBest = n > 1 ? (1..<n).filter { verdict(0, $0) == .tied }.map { models[$0] } : []
    }

    /// The best model's standing in words.
    /// From pairwise p-values already computed (`p[i][j]`, symmetric, models best first), Holm-corrected here.
    public init(models: [String], pValues p: [[Double]], test: String, alpha: Double = 0.05) {
        let n = models.count
        self.models = models
        self.alpha = alpha
        self.testName = test
        onlyRight = []
        pValues = p
        var flat: [Double] = []
        var pairs: [(Int, Int)] = []
        for i in 0..<n {
            for j in 0..<n where j > i {
                flat.append(p[i][j])
                pairs.append((i, j))
            }
        }
        var adjusted = [[Double]](repeating: [Double](repeating: 1, count: n), count: n)
        for (k, a) in Significance.holm(flat).enumerated() {
            adjusted[pairs[k].0][pairs[k].1] = a
            adjusted[pairs[k].1][pairs[k].0] = a
        }
        self.adjusted = adjusted
        best = models.first ?? ""
        notDifferentFromBest = []
        notDifferentFromBest = n > 1 ? (1..<n).filter { verdict(0, $0) == .tied }.map { models[$0] } : []
    }

    /// The rule that turns these p-values into verdicts.
    public var rule: DecisionRule { DecisionRule(test: test == "McNemar" ? .mcnemar : .pairedBootstrap, alpha: alpha) }

    /// The verdict of model `i` against model `j` (indices into `models`) under `rule`: which is ahead comes from the
    /// discordant counts when known (McNemar), else from the ranking (`models` is best first).
    public func verdict(_ i: Int, _ j: Int) -> DecisionRule.Verdict {
        guard i != j, i < models.count, j < models.count else { return .tied }
        let advantage =
            onlyRight.isEmpty ? Double(j - i) : Double(onlyRight[i][j] - onlyRight[j][i])
        return rule.verdict(adjustedP: adjusted[i][j], advantage: advantage)
    }

    /// The index of a model by name.
    public func index(of model: String) -> Int? { models.firstIndex(of: model) }

    /// The significance result in one sentence, every verdict under `rule`.
    public var sentence: String {
        guard models.count > 1 else { return "Only one model: nothing to compare." }
        let others = models.indices.dropFirst()
        let worse = others.filter { verdict(0, $0) == .worse }.map { models[$0] }
        let better = others.count - worse.count - notDifferentFromBest.count
        var parts: [String] = []
        if notDifferentFromBest.isEmpty && worse.isEmpty {
            return "\(best) is significantly better than every other model under the decision rule."
        }
        if !notDifferentFromBest.isEmpty {
            parts.append("\(best) is tied with \(notDifferentFromBest.joined(separator: ", "))")
        }
        if better > 0 { parts.append("significantly better than the other \(better)") }
        if !worse.isEmpty {
            parts.append(
                "significantly less accurate than \(worse.joined(separator: ", ")) (ranked lower by the headline)")
        }
        return parts.joined(separator: "; ") + " (decision rule: \(test), Holm-adjusted p < \(alpha))."
    }
}
