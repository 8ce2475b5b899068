import Classify
import Featurize
import Foundation
import Ingest
import TextCore
import Tokenize

/// A saved, deployable model: everything `textpipe predict` needs to go from raw text to a label.
///
/// Folder layout: `model.json` (a small header: kinds, labels, clean and tokenize settings, versions),
/// `featurizer.bin` and `classifier.bin` (binary weights).
public struct ModelBundle {
    public struct Header: Codable {
        public var formatVersion = SavedModel.formatVersion
        public var toolVersion: String
        public var pipeline: String
        public var features: String
        public var featureKind: String
        public var classifier: String
        public var classifierKind: String
        public var family: String
        public var labels: [String]
        public var clean: CleanConfiguration
        public var tokenize: TokenizeConfiguration
        public var trainedOn: Int
        public var createdAt: String
    }

    public var header: Header
    public var featurizer: any FittedFeaturizer
    public var classifier: any Classifier

    public func save(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var fw = BinaryWriter()
        try featurizer.encode(into: &fw)
        try AtomicFile.write(fw.data, to: folder.appendingPathComponent("featurizer.bin"))
        try AtomicFile.write(
            try ClassifierStore.encode(classifier), to: folder.appendingPathComponent("classifier.bin"))
        try AtomicFile.write(try SnakeCaseJSON.encode(header), to: folder.appendingPathComponent("model.json"))
    }

    public static func load(from folder: URL) throws -> ModelBundle {
        let headerURL = folder.appendingPathComponent("model.json")
        let data = try SavedModel.header(.classification, in: folder)
        let header: Header
        do { header = try SnakeCaseJSON.decode(Header.self, from: data) } catch {
            throw TextpipeError(.model, "model.json is not a textpipe model header: \(error)", file: headerURL.path)
        }
        try SavedModel.checkVersion(header.formatVersion, file: headerURL)
        let featPath = folder.appendingPathComponent("featurizer.bin")
        var fr = BinaryReader(try AtomicFile.read(featPath), name: featPath.path)
        let featurizer = try FeatureSetConfiguration.decode(kind: header.featureKind, from: &fr)
        let clsPath = folder.appendingPathComponent("classifier.bin")
        let classifier = try ClassifierStore.decode(try AtomicFile.read(clsPath), name: clsPath.path)
        guard classifier.classCount == header.labels.count else {
            throw TextpipeError(
                .model, "classifier has \(classifier.classCount) classes but model.json lists \(header.labels.count)",
                file: folder.path)
        }
        return ModelBundle(header: header, featurizer: featurizer, classifier: classifier)
    }

    /// One prediction: the label and, for probabilistic models, every class's probability.
    public struct Prediction {
        public var source: String
        public var label: String
        public var probabilities: [String: Double]?
        public var scores: [Double]
    }

    /// Cleans, tokenizes, featurizes and classifies raw documents the way the pipeline did in training.
    public func predict(_ documents: [Document]) throws -> [Prediction] {
        let cleaner = Cleaner(header.clean)
        let tokenizer = Tokenizer(header.tokenize)
        let x = try featurizer.transform(
            texts: documents.map { cleaner.clean($0.text, source: $0.source).text }, tokenizer: tokenizer)
        let scores = classifier.scores(x)
        let probabilities = classifier.predictProbabilities(x)
        let predicted = classifier.predict(x)
        return documents.indices.map { i in
            Prediction(
                source: documents[i].source, label: header.labels[predicted[i]],
                probabilities: probabilities.map { p in
                    Dictionary(uniqueKeysWithValues: header.labels.enumerated().map { ($1, Double(p[i, $0])) })
                },
                scores: (0..<scores.columnCount).map { Double(scores[i, $0]) })
        }
    }
}
