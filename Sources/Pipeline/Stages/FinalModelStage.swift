import Classify
import Featurize
import Foundation
import Ingest
import TextCore
import Tokenize

/// The saved model of a pair (`<folder>/model`, what `textpipe predict` loads) and how long training it took.
struct FinalModel: Artifact {
    let folder: URL
    let seconds: Double
    var modelFolder: URL { folder.appendingPathComponent("model") }

    /// Writes the saved model (`model/`) and its training time.
    static func write(_ bundle: ModelBundle, seconds: Double, to folder: URL) throws {
        try bundle.save(to: folder.appendingPathComponent("model"))
        try AtomicFile.write("\(seconds)", to: folder.appendingPathComponent("seconds"))
    }

    static func read(from folder: URL) throws -> FinalModel {
        FinalModel(folder: folder, seconds: try TrainedFold.seconds(in: folder))
    }
}

/// Trains the deployable model of a (features, classifier) pair: under cross-validation on all training documents
/// with the spec's seed (the folds only estimated how well that does); with one split it is the evaluated fold's
/// model itself (same documents, same seed), bundled with the final featurizer.
struct FinalModelStage: TaskStage {
    typealias Output = FinalModel
    static let taskKind = "final-model"
    let split: Input<FoldAssignment>
    let features: Input<FeatureArtifact>
    /// The evaluated model, reused when there is one split.
    let firstFold: Input<TrainedFold>
    let pair: String
    let feature: NamedFeatureSet
    let classifier: NamedClassifier
    let isCrossValidation: Bool
    let seed: UInt64
    let pipeline: String
    let clean: CleanConfiguration
    let tokenize: TokenizeConfiguration
    /// For a searched classifier under cross-validation: the trial the search over all training documents chose.
    var selection: Input<SearchSelection>? = nil

    var stage: StageName { .train }
    /// Pure in its inputs: runs alongside other units under `run --jobs`.
    var runsAlongsideOthers: Bool { true }
    var unit: String? { pair }
    var part: String? { "final model" }
    var inputs: [UnitReference] {
        [split.reference, features.reference, firstFold.reference] + (selection.map { [$0.reference] } ?? [])
    }
    var outputs: [String] { ["model/model.json", "model/featurizer.bin", "model/classifier.bin", "seconds"] }
    var parameters: [String: String] {
        [
            "classifier": classifier.spec.kind,
            "trained on": isCrossValidation ? "all training documents" : "the evaluated fold's model"
        ]
    }

    func derive(_ key: inout StageKey) throws {
        key.add("classifier", json: classifier.spec)
        key.add("seed", "\(seed)")
        key.add("bundle", json: [pipeline, feature.name, classifier.name])
        key.add("clean", json: clean)
        key.add("tokenize", json: tokenize)
    }

    func run(_ context: StageContext, into folder: URL) throws {
        let assignment = try context.read(split)
        let artifact = try context.read(features)
        let rows = assignment.finalTrainingRows
        let fitted: any Classifier
        let seconds: Double
        if isCrossValidation {
            let chosen = try selection.map { try context.read($0).spec } ?? classifier.spec
            let spec = try chosen.resolvingClassWeights(labels: assignment.labels.names)
            let x = try artifact.finalMatrix()
            let watch = Stopwatch()
            fitted = try spec.fit(
                x, labels: rows.map { assignment.y[$0] }, classCount: assignment.labels.count, seed: seed)
            seconds = watch.seconds
        } else {
            let evaluated = try context.read(firstFold)
            fitted = try evaluated.classifier()
            seconds = evaluated.seconds
        }
        let header = ModelBundle.Header(
            toolVersion: TextpipeVersion.current, pipeline: pipeline, features: feature.name,
            featureKind: feature.configuration.kind, classifier: classifier.name,
            classifierKind: classifier.spec.kind, family: classifier.spec.family.rawValue,
            labels: assignment.labels.names, clean: clean, tokenize: tokenize, trainedOn: rows.count,
            createdAt: ISO8601DateFormatter().string(from: Date()))
        let bundle = ModelBundle(
            header: header, featurizer: try artifact.finalFeaturizer(kind: feature.configuration.kind),
            classifier: fitted)
        try FinalModel.write(bundle, seconds: seconds, to: folder)
    }
}
