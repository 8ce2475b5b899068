import Classify
import Foundation
import TextCore

/// A classifier trained on one fold's training documents, and how long that took.
struct TrainedFold: Artifact {
    let folder: URL
    let seconds: Double

    /// Writes a trained classifier and its training time.
    static func write(_ model: any Classifier, seconds: Double, to folder: URL) throws {
        try AtomicFile.write(try ClassifierStore.encode(model), to: folder.appendingPathComponent("model.bin"))
        try AtomicFile.write("\(seconds)", to: folder.appendingPathComponent("seconds"))
    }

    static func read(from folder: URL) throws -> TrainedFold {
        TrainedFold(folder: folder, seconds: try seconds(in: folder))
    }

    /// The training time stored in a folder.
    static func seconds(in folder: URL) throws -> Double {
        let url = folder.appendingPathComponent("seconds")
        guard let s = Double(String(decoding: try AtomicFile.read(url), as: UTF8.self)), s.isFinite else {
            throw TextpipeError(.io, "not a duration", file: url.path)
        }
        return s
    }

    func classifier() throws -> any Classifier {
        let url = folder.appendingPathComponent("model.bin")
        return try ClassifierStore.decode(try AtomicFile.read(url), name: url.path)
    }
}

/// Trains one (features, classifier) pair on one fold's training documents: `train [ngram + softmax] fold 3`.
/// Under cross-validation fold `i` trains with seed `seed + i`; with one split, with the spec's seed.
struct TrainStage: TaskStage {
    typealias Output = TrainedFold
    static let taskKind = "train"
    let split: Input<FoldAssignment>
    let features: Input<FeatureArtifact>
    let pair: String
    let classifier: NamedClassifier
    let fold: Int
    let foldCount: Int
    let seed: UInt64
    /// For a searched classifier: the trial its search on this fold's training part chose (nested CV).
    var selection: Input<SearchSelection>? = nil

    var stage: StageName { .train }
    /// Pure in its inputs: runs alongside other units under `run --jobs`.
    var runsAlongsideOthers: Bool { true }
    var unit: String? { pair }
    var part: String? { "fold \(fold + 1)" }
    var inputs: [UnitReference] { [split.reference, features.reference] + (selection.map { [$0.reference] } ?? []) }
    var outputs: [String] { ["model.bin", "seconds"] }
    var parameters: [String: String] { ["classifier": classifier.spec.kind, "seed": "\(foldSeed)"] }
    var foldSeed: UInt64 { foldCount == 1 ? seed : seed &+ UInt64(fold) }

    func derive(_ key: inout StageKey) throws {
        key.add("classifier", json: classifier.spec)
        key.add("seed", "\(foldSeed)")
        key.add("fold", "\(fold)")
    }

    func run(_ context: StageContext, into folder: URL) throws {
        let assignment = try context.read(split)
        guard fold < assignment.folds.count else {
            throw TextpipeError(.internal, "fold \(fold + 1) of \(assignment.folds.count)")
        }
        let chosen = try selection.map { try context.read($0).spec } ?? classifier.spec
        let spec = try chosen.resolvingClassWeights(labels: assignment.labels.names)
        let x = try context.read(features).fold(fold).train
        let watch = Stopwatch()
        let fitted = try spec.fit(
            x, labels: assignment.folds[fold].train.map { assignment.y[$0] }, classCount: assignment.labels.count,
            seed: foldSeed)
        let seconds = watch.seconds
        try TrainedFold.write(fitted, seconds: seconds, to: folder)
    }
}
