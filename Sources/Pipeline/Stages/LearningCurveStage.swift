import Classify
import Evaluate
import Featurize
import Foundation
import Report
import TextCore

/// `evaluate.learning_curve`: training fractions and repeats.
public struct LearningCurveSpec: Sendable, Codable, Hashable {
    /// Training fractions, each a point of the curve.
    public var sizes: [Double] = [0.05, 0.1, 0.2, 0.4, 0.7, 1.0]
    /// Subsets drawn per fraction and fold.
    public var repeats = 3
    /// At most this many of the evaluation's folds are used (the curves' cost grows with each).
    public var folds = 10
    /// The defaults.
    public init() {}
}

extension FeatureMatrix {
    /// The rows `indices`, in that order.
    func rows(_ indices: [Int]) -> FeatureMatrix {
        switch self {
        case .sparse(let m): return .sparse(m.rows(indices))
        case .dense(let m):
            var out = DenseMatrix(rowCount: indices.count, columnCount: m.columnCount)
            for (r, i) in indices.enumerated() { for c in 0..<m.columnCount { out[r, c] = m[i, c] } }
            return .dense(out)
        }
    }
}

/// One pair's learning curve: test error at each training fraction (`curve.json`).
struct LearningCurve: Artifact {
    var points: [LearningCurves.Point]

    func write(to folder: URL) throws {
        try AtomicFile.write(
            try SnakeCaseJSON.encode(points, compact: true), to: folder.appendingPathComponent("curve.json"))
    }

    static func read(from folder: URL) throws -> LearningCurve {
        LearningCurve(
            points: try SnakeCaseJSON.decode(
                [LearningCurves.Point].self, from: try AtomicFile.read(folder.appendingPathComponent("curve.json"))))
    }
}

/// Test error of one (features, classifier) pair at each training fraction: for each fold (up to `spec.folds`) and
/// repeat, a stratified subset of the fold's training documents (at least one per class present), the model refitted
/// on it and scored on the fold's test documents. The features are the fold's (fitted on its full training part, as
/// the main evaluation's are).
struct LearningCurveStage: TaskStage {
    typealias Output = LearningCurve
    static let taskKind = "learning-curve"
    let split: Input<FoldAssignment>
    let features: Input<FeatureArtifact>
    let pair: String
    let classifier: NamedClassifier
    let curve: LearningCurveSpec
    let seed: UInt64
    /// For a searched classifier: the settings chosen on all training documents.
    var selection: Input<SearchSelection>? = nil

    var stage: StageName { .evaluate }
    /// Pure in its inputs: runs alongside other units under `run --jobs`.
    var runsAlongsideOthers: Bool { true }
    var unit: String? { pair }
    var part: String? { "learning curve" }
    var inputs: [UnitReference] { [split.reference, features.reference] + (selection.map { [$0.reference] } ?? []) }
    var outputs: [String] { ["curve.json"] }
    var parameters: [String: String] {
        [
            "sizes": curve.sizes.map { "\($0)" }.joined(separator: ","), "repeats": "\(curve.repeats)",
            "folds": "\(curve.folds)"
        ]
    }

    func derive(_ key: inout StageKey) throws {
        key.add("classifier", json: classifier.spec)
        key.add("seed", "\(seed)")
        key.add("curve", json: curve)
    }

    func run(_ context: StageContext, into folder: URL) throws {
        let assignment = try context.read(split)
        let artifact = try context.read(features)
        let y = assignment.y
        let folds = assignment.folds
        let labels = assignment.labels
        let chosen = try selection.map { try context.read($0).spec } ?? self.classifier.spec
        let classifier = try chosen.resolvingClassWeights(labels: labels.names)
        var points: [LearningCurves.Point] = []
        let used = Array(folds.prefix(max(1, curve.folds)).enumerated())
        let matrices = try used.map { i, _ in try artifact.fold(i) }
        for fraction in curve.sizes {
            var errors: [Double] = []
            var sizes: [Double] = []
            for ((i, fold), x) in zip(used, matrices) {
                for r in 0..<curve.repeats {
                    var rng = Xoshiro256StarStar(seed: seed &+ UInt64(1000 * i + r) &+ UInt64(fraction * 1e6))
                    // Stratified: the same fraction of each class, at least one document of each.
                    var byClass: [Int: [Int]] = [:]
                    for (row, doc) in fold.train.enumerated() { byClass[y[doc], default: []].append(row) }
                    var chosen: [Int] = []
                    for k in byClass.keys.sorted() {
                        var rows = byClass[k] ?? []
                        rows.shuffle(using: &rng)
                        chosen += rows.prefix(max(1, Int((Double(rows.count) * fraction).rounded())))
                    }
                    chosen.sort()
                    let trainLabels = chosen.map { y[fold.train[$0]] }
                    guard Set(trainLabels).count >= 2 else { continue }
                    let fitted = try classifier.fit(
                        x.train.rows(chosen), labels: trainLabels, classCount: labels.count, seed: seed &+ UInt64(r))
                    let predicted = fitted.predict(x.test)
                    let wrong = zip(predicted, fold.test).filter { $0 != y[$1] }.count
                    errors.append(Double(wrong) / Double(max(1, fold.test.count)))
                    sizes.append(Double(chosen.count))
                }
            }
            let e = meanAndDeviation(errors)
            points.append(
                LearningCurves.Point(
                    fraction: fraction, trainDocuments: sizes.reduce(0, +) / Double(max(1, sizes.count)),
                    error: e.mean, errorStd: e.deviation))
        }
        try LearningCurve(points: points).write(to: folder)
    }
}
