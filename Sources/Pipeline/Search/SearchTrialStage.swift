import Classify
import Evaluate
import Foundation
import TextCore

/// One trial's inner cross-validation scores.
struct TrialScore: Artifact, Codable {
    /// The search metric on each inner fold (log loss negated: higher is better).
    var scores: [Double]
    /// Their mean: what trials are ranked by.
    var mean: Double
    /// Seconds the trial took.
    var seconds: Double

    func write(to folder: URL) throws {
        try AtomicFile.write(try StableJSON.encode(self), to: folder.appendingPathComponent("trial.json"))
    }

    static func read(from folder: URL) throws -> TrialScore {
        let url = folder.appendingPathComponent("trial.json")
        do { return try JSONDecoder().decode(TrialScore.self, from: try AtomicFile.read(url)) } catch {
            throw TextpipeError(.io, "not a trial score: \(error)", file: url.path)
        }
    }
}

/// Scores one trial of a searched classifier by cross-validation inside one outer fold's training part (nested
/// cross-validation): `train [ngram + linear_svm] search fold 2 trial 5`. `outer` nil is the search over all training
/// documents that picks the saved model's settings. The outer fold's test documents are never read: the features are
/// the outer fold's training matrix, split into `inner_folds` stratified folds (seeded by `search.seed` and the outer
/// fold), the same for every trial, so trials differ only in the classifier's settings.
struct SearchTrialStage: TaskStage, BudgetedStage {
    typealias Output = TrialScore
    static let taskKind = "search-trial"
    let split: Input<FoldAssignment>
    let features: Input<FeatureArtifact>
    let pair: String
    let trial: SearchTrial
    let index: Int
    let outer: Int?
    let settings: SearchSettings

    var stage: StageName { .train }
    /// Alongside other units unless a time budget makes the order of trials matter.
    var runsAlongsideOthers: Bool { budgetSeconds == nil }
    var unit: String? { pair }
    /// `search fold 2 C=0.1`: named by its values, not its position, so that the key (which includes the part) of
    /// every other trial stays the same when a value is added to a list.
    var part: String? {
        (outer.map { "search fold \($0 + 1)" } ?? "search all") + " "
            + trial.assignment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
    var inputs: [UnitReference] { [split.reference, features.reference] }
    var outputs: [String] { ["trial.json"] }
    var parameters: [String: String] { trial.assignment }
    var budgetGroup: String { "\(pair)|\(outer.map(String.init) ?? "all")" }
    var budgetSeconds: Double? { settings.seconds }

    func derive(_ key: inout StageKey) throws {
        // The trial's settings, not its position: adding a value to a list leaves the other trials' keys alone.
        key.add("classifier", json: trial.spec)
        key.add("outer", outer.map(String.init) ?? "all")
        key.add("inner", "\(settings.innerFolds) \(settings.seed) \(settings.metric.rawValue)")
    }

    func run(_ context: StageContext, into folder: URL) throws {
        let watch = Stopwatch()
        let assignment = try context.read(split)
        let artifact = try context.read(features)
        let (x, rows) = try Self.outerTraining(assignment, artifact, outer: outer)
        let y = rows.map { assignment.y[$0] }
        let spec = try trial.spec.resolvingClassWeights(labels: assignment.labels.names)
        var scores: [Double] = []
        for (i, fold) in try Self.innerFolds(y, classCount: assignment.labels.count, settings: settings, outer: outer)
            .enumerated()
        {
            let fitted = try spec.fit(
                x.rows(fold.train), labels: fold.train.map { y[$0] }, classCount: assignment.labels.count,
                seed: settings.seed &+ UInt64(i))
            let test = x.rows(fold.test)
            let metrics = Metrics(
                gold: fold.test.map { y[$0] }, predicted: fitted.predict(test),
                probabilities: settings.metric == .logLoss ? fitted.predictProbabilities(test) : nil,
                labels: assignment.labels.names)
            switch settings.metric {
            case .macroF1: scores.append(metrics.macroF1)
            case .accuracy: scores.append(metrics.accuracy)
            case .logLoss:
                guard let l = metrics.logLoss else {
                    throw TextpipeError(
                        .spec, "\(pair) gives no probabilities; search it by macro_f1 or accuracy", key: "search.metric"
                    )
                }
                scores.append(-l)
            }
        }
        try TrialScore(scores: scores, mean: scores.reduce(0, +) / Double(max(1, scores.count)), seconds: watch.seconds)
            .write(to: folder)
    }

    /// The training matrix the search sees and its documents: outer fold `outer`'s training part, or every training
    /// document (the final model's search).
    static func outerTraining(_ a: FoldAssignment, _ artifact: FeatureArtifact, outer: Int?) throws
        -> (FeatureMatrix, [Int])
    {
        if let outer { return (try artifact.fold(outer).train, a.folds[outer].train) }
        return (try artifact.finalMatrix(), a.finalTrainingRows)
    }

    /// The inner folds (row positions within the outer training part).
    static func innerFolds(_ y: [Int], classCount: Int, settings: SearchSettings, outer: Int?) throws -> [Fold] {
        try Stratified.kFold(
            labels: y, classCount: classCount, folds: settings.innerFolds,
            seed: settings.seed &+ UInt64((outer ?? -1) + 1) &* 7919)
    }
}

/// The trial a search chose, with every trial's mean inner score (trial order; nil for a trial the time budget
/// left unrun).
struct SearchSelection: Artifact, Codable {
    var chosen: Int
    var assignment: [String: String]
    var spec: ClassifierSpec
    var means: [Double?]

    func write(to folder: URL) throws {
        try AtomicFile.write(try StableJSON.encode(self), to: folder.appendingPathComponent("selection.json"))
    }

    static func read(from folder: URL) throws -> SearchSelection {
        let url = folder.appendingPathComponent("selection.json")
        do { return try JSONDecoder().decode(SearchSelection.self, from: try AtomicFile.read(url)) } catch {
            throw TextpipeError(.io, "not a search selection: \(error)", file: url.path)
        }
    }
}

/// Picks the trial with the best mean inner score (the first in trial order on ties, as scikit-learn's
/// `GridSearchCV` does): `train [ngram + linear_svm] search fold 2 choice`.
struct SearchSelectStage: TaskStage {
    typealias Output = SearchSelection
    static let taskKind = "search-select"
    let pair: String
    let trials: [Input<TrialScore>]
    let candidates: [SearchTrial]
    let outer: Int?

    var stage: StageName { .train }
    /// Pure in its inputs: runs alongside other units under `run --jobs`.
    var runsAlongsideOthers: Bool { true }
    var unit: String? { pair }
    var part: String? { (outer.map { "search fold \($0 + 1)" } ?? "search all") + " choice" }
    var inputs: [UnitReference] { trials.map(\.reference) }
    var outputs: [String] { ["selection.json"] }

    func derive(_ key: inout StageKey) throws {
        key.add("candidates", json: candidates.map(\.spec))
        if candidates.contains(where: { $0.features != nil }) {
            key.add("featurizers", json: candidates.map { $0.features ?? 0 })
        }
    }

    func run(_ context: StageContext, into folder: URL) throws {
        let means = trials.map { context.readIfAvailable($0)?.mean }
        var best: Int? = nil
        for (i, m) in means.enumerated() {
            guard let m else { continue }
            if best.flatMap({ means[$0] }).map({ m > $0 }) ?? true { best = i }
        }
        guard let best else { throw TextpipeError(.internal, "\(displayName): no trial ran") }
        try SearchSelection(
            chosen: best, assignment: candidates[best].assignment, spec: candidates[best].spec, means: means
        )
        .write(to: folder)
        let ran = means.compactMap { $0 }.count
        if ran < means.count {
            // Chosen among the trials the budget allowed; the next run goes on with the others.
            try Provisional.mark(folder, because: "\(ran) of \(means.count) trials ran")
        }
    }
}
