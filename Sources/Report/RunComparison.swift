import Evaluate
import Foundation

/// One model's two comparable numbers in a run: accuracy (token accuracy for taggers) and the run's headline metric
/// (macro-F1 for classification; word F1, chunk F1 or token accuracy for tagging).
public struct ModelScore: Sendable, Equatable {
    /// The model.
    public var name: String
    /// Its accuracy.
    public var accuracy: Double
    /// Its headline metric.
    public var headline: Double

    /// A model's scores.
    public init(name: String, accuracy: Double, headline: Double) {
        self.name = name
        self.accuracy = accuracy
        self.headline = headline
    }
}

/// A finished run of either task, as the run-to-run comparison, `report diff` and `--fail-on-regression` see it.
public protocol ScoredRun {
    var pipeline: String { get }
    var runId: String { get }
    /// What the headline metric is called (`macro-F1`, `word F1`, ...).
    var headlineName: String { get }
    var scores: [ModelScore] { get }
    /// Its comparison with the run before it, as written in its report.
    var previous: RunComparison? { get }
    /// Its report, to be written as Markdown and HTML.
    var document: ReportDocument { get }
    /// The spec as written, when the run recorded it.
    var specText: String? { get }
    /// The model the run calls best (saved as `models/best` for classification).
    var bestModel: String? { get }
}

extension RunReport: ScoredRun {
    /// Classification runs compare macro-F1.
    public var headlineName: String { "macro-F1" }
    /// The recorded choice (`BestModelChoice`), else the rule applied to the results.
    public var bestModel: String? { bestChoice?.model }
    /// Accuracy and macro-F1 of every model.
    public var scores: [ModelScore] {
        results.map { ModelScore(name: $0.name, accuracy: $0.accuracy, headline: $0.macroF1) }
    }
}

extension TaggingRunReport: ScoredRun {
    /// The tagger with the highest headline metric.
    public var bestModel: String? { ranked.first?.name }
    /// Token accuracy and the headline metric of every tagger.
    public var scores: [ModelScore] {
        results.map { ModelScore(name: $0.name, accuracy: $0.metrics.tokenAccuracy, headline: $0.headline) }
    }
}

/// Reads a `metrics.json` of either kind (classification, or `kind: tagging`).
public enum ScoredRuns {
    /// A run of either task from its metrics.json.
    public static func decode(_ data: Data) throws -> any ScoredRun {
        try isTagging(data) ? TaggingRunReport.decode(data) : RunReport.decode(data)
    }

    /// Whether a `metrics.json` says it is a tagging run's (`"kind": "tagging"`).
    public static func isTagging(_ data: Data) -> Bool {
        struct Kind: Decodable { var kind: String? }
        return (try? JSONDecoder().decode(Kind.self, from: data))?.kind == "tagging"
    }
}

/// How this run differs from the previous run of the same pipeline, model by model.
///
/// For classification the headline metric is macro-F1; for tagging it is the run's headline (`metric` names it), and
/// the `macro_f1_*` fields of each delta hold it. A regression is a headline drop larger than `threshold`.
public struct RunComparison: Codable, Sendable, Equatable {
    /// One model in both runs.
    public struct Delta: Codable, Sendable, Equatable {
        /// The model.
        public var model: String
        /// Accuracy in the earlier run.
        public var accuracyBefore: Double
        /// Accuracy in this run.
        public var accuracyAfter: Double
        /// The headline metric before and after (macro-F1 for classification).
        public var macroF1Before: Double
        /// The headline metric in this run.
        public var macroF1After: Double
        /// The decision rule's verdict of this run's model against the earlier one: a significant loss of more than
        /// the threshold (paired test on the same documents), or a drop of more than the threshold when no paired
        /// test was possible.
        public var regression: Bool
        /// McNemar's p-value between the two runs' outcomes of this model, uncorrected (paired comparisons only).
        public var pValue: Double? = nil
        /// The same, Holm-adjusted over every model compared.
        public var adjustedP: Double? = nil
        /// The decision rule's verdict of this run against the earlier one (paired comparisons only).
        public var verdict: DecisionRule.Verdict? = nil
    }

    /// The earlier run.
    public var previousRunId: String
    /// A headline drop larger than this is a regression.
    public var threshold: Double
    /// Models in both runs.
    public var deltas: [Delta]
    /// Models only in this run.
    public var added: [String]
    /// Models only in the earlier run.
    public var removed: [String]
    /// The headline metric's name when it is not macro-F1 (tagging runs).
    public var metric: String? = nil
    /// Whether the models were compared by the decision rule's paired test (both runs' outcomes on the same test
    /// documents); false when the documents differ or a run has no outcomes; nil in reports before it was recorded.
    public var paired: Bool? = nil
    /// Models that regressed.
    public var regressions: [String] { deltas.filter(\.regression).map(\.model) }
    /// What the headline metric is called.
    public var metricName: String { metric ?? "macro-F1" }

    /// Compares two runs' scores model by model.
    public init(
        previousRunId: String, previous: [ModelScore], current: [ModelScore], threshold: Double,
        metric: String = "macro-F1", outcomes: (before: RunOutcomes?, after: RunOutcomes?) = (nil, nil),
        rule: DecisionRule = DecisionRule(test: .mcnemar)
    ) {
        self.previousRunId = previousRunId
        self.threshold = threshold
        self.metric = metric == "macro-F1" ? nil : metric
        let before = Dictionary(previous.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        deltas = current.compactMap { r in
            guard let b = before[r.name] else { return nil }
            return Delta(
                model: r.name, accuracyBefore: b.accuracy, accuracyAfter: r.accuracy, macroF1Before: b.headline,
                macroF1After: r.headline, regression: b.headline - r.headline > threshold)
        }
        added = current.map(\.name).filter { before[$0] == nil }
        let now = Set(current.map(\.name))
        removed = previous.map(\.name).filter { !now.contains($0) }
        // The decision rule between runs: McNemar on each model's outcomes in both runs (same documents, same
        // order), Holm over the models compared; a regression is a significant loss larger than the threshold.
        guard let old = outcomes.before, let new = outcomes.after, !old.documents.isEmpty,
            old.documents == new.documents
        else {
            paired = false
            return
        }
        let tested = deltas.indices.filter {
            old.correct[deltas[$0].model] != nil && new.correct[deltas[$0].model] != nil
        }
        guard tested.count == deltas.count else {
            paired = false
            return
        }
        paired = true
        var gained: [Int] = []
        var lost: [Int] = []
        for k in tested {
            let a = old.correct[deltas[k].model] ?? []
            let b = new.correct[deltas[k].model] ?? []
            gained.append(zip(a, b).filter { !$0 && $1 }.count)
            lost.append(zip(a, b).filter { $0 && !$1 }.count)
        }
        let p = tested.indices.map { Significance.mcnemar(b: gained[$0], c: lost[$0]) }
        let adjusted = Significance.holm(p)
        for (n, k) in tested.enumerated() {
            let verdict = rule.verdict(adjustedP: adjusted[n], advantage: Double(gained[n] - lost[n]))
            deltas[k].pValue = p[n]
            deltas[k].adjustedP = adjusted[n]
            deltas[k].verdict = verdict
            deltas[k].regression =
                verdict == .worse && deltas[k].macroF1Before - deltas[k].macroF1After > threshold
        }
    }

    /// The comparison of a run's scores with an earlier run of the same task, paired when both runs' outcomes are
    /// given and cover the same documents.
    public init(
        previous: any ScoredRun, current: [ModelScore], threshold: Double,
        outcomes: (before: RunOutcomes?, after: RunOutcomes?) = (nil, nil)
    ) {
        self.init(
            previousRunId: previous.runId, previous: previous.scores, current: current, threshold: threshold,
            metric: previous.headlineName, outcomes: outcomes)
    }

    /// The comparison of a classification run's results with an earlier run.
    public init(
        previous: RunReport, current: [ModelResult], threshold: Double,
        outcomes: (before: RunOutcomes?, after: RunOutcomes?) = (nil, nil)
    ) {
        self.init(
            previous: previous,
            current: current.map { ModelScore(name: $0.name, accuracy: $0.accuracy, headline: $0.macroF1) },
            threshold: threshold, outcomes: outcomes)
    }
}
