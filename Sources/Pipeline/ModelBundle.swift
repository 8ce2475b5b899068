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
    /// What `model.json` holds.
    public struct Header: Codable {
        /// The saved-model format (`SavedModel.formatVersion`).
        public var formatVersion = SavedModel.formatVersion
        /// The textpipe that trained it.
        public var toolVersion: String
        /// The pipeline it came from.
        public var pipeline: String
        /// The feature set's name in the spec.
        public var features: String
        /// The feature set's kind (`ngram`).
        public var featureKind: String
        /// The classifier's name in the spec.
        public var classifier: String
        /// The classifier's kind (`softmax`).
        public var classifierKind: String
        /// `generative` or `discriminative`.
        public var family: String
        /// Class names in index order.
        public var labels: [String]
        /// How raw text is cleaned before featurizing.
        public var clean: CleanConfiguration
        /// How cleaned text is tokenized.
        public var tokenize: TokenizeConfiguration
        /// Training documents.
        public var trainedOn: Int
        /// When it was trained (ISO 8601).
        public var createdAt: String
        /// SHA-256 of `featurizer.bin` and `classifier.bin`, recorded when saved and checked when loaded (absent in
        /// models saved before textpipe 0.4.0).
        public var checksums: [String: String]? = nil
    }

    /// The header.
    public var header: Header
    /// The fitted featurizer.
    public var featurizer: any FittedFeaturizer
    /// The trained classifier.
    public var classifier: any Classifier

    /// Writes `model.json`, `featurizer.bin` and `classifier.bin` into `folder`.
    public func save(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var fw = BinaryWriter()
        try featurizer.encode(into: &fw)
        let classifierData = try ClassifierStore.encode(classifier)
        try AtomicFile.write(fw.data, to: folder.appendingPathComponent("featurizer.bin"))
        try AtomicFile.write(classifierData, to: folder.appendingPathComponent("classifier.bin"))
        // The header is written last, with the parts' checksums: a folder whose header is there is whole.
        var header = self.header
        header.checksums = ["featurizer.bin": SHA256.hex(fw.data), "classifier.bin": SHA256.hex(classifierData)]
        try AtomicFile.write(try SnakeCaseJSON.encode(header), to: folder.appendingPathComponent("model.json"))
    }

    /// Reads a saved model, checking its format version and that its parts agree on the classes.
    public static func load(from folder: URL) throws -> ModelBundle {
        let headerURL = folder.appendingPathComponent("model.json")
        let data = try SavedModel.header(.classification, in: folder)
        let header: Header
        do { header = try SnakeCaseJSON.decode(Header.self, from: data) } catch {
            throw TextpipeError(.model, "model.json is not a textpipe model header: \(error)", file: headerURL.path)
        }
        try SavedModel.checkVersion(header.formatVersion, file: headerURL)
        guard !header.labels.isEmpty, Set(header.labels).count == header.labels.count else {
            throw TextpipeError(.input, "model.json's labels must be distinct and not empty", file: headerURL.path)
        }
        let featPath = folder.appendingPathComponent("featurizer.bin")
        var fr = BinaryReader(
            try SavedModel.part("featurizer.bin", in: folder, checksums: header.checksums), name: featPath.path)
        let featurizer = try FeatureSetConfiguration.decode(kind: header.featureKind, from: &fr)
        let clsPath = folder.appendingPathComponent("classifier.bin")
        let classifier = try ClassifierStore.decode(
            try SavedModel.part("classifier.bin", in: folder, checksums: header.checksums), name: clsPath.path)
        guard classifier.classCount == header.labels.count else {
            throw TextpipeError(
                .model, "classifier has \(classifier.classCount) classes but model.json lists \(header.labels.count)",
                file: folder.path)
        }
        return ModelBundle(header: header, featurizer: featurizer, classifier: classifier)
    }

    /// One prediction: the label and, for probabilistic models, every class's probability.
    public struct Prediction {
        /// The document's source (file name, or `-`).
        public var source: String
        /// The predicted class.
        public var label: String
        /// Every class's probability, for models that give them.
        public var probabilities: [String: Double]?
        /// Every class's score.
        public var scores: [Double]
        /// False when the document has no feature the model knows (no known word): its label is then only the
        /// model's prior, and `predict` says so.
        public var hasKnownFeatures = true

        /// The `k` best classes with their probabilities (or scores, for models without probabilities), best first;
        /// ties in label order.
        public func top(_ k: Int, labels: [String]) -> [(label: String, value: Double)] {
            let values = probabilities.map { p in labels.map { p[$0] ?? 0 } } ?? scores
            return zip(labels, values).enumerated().sorted { a, b in
                a.element.1 != b.element.1 ? a.element.1 > b.element.1 : a.offset < b.offset
            }.prefix(max(0, k)).map { ($0.element.0, $0.element.1) }
        }
    }

    /// Cleans, tokenizes, featurizes and classifies raw documents the way the pipeline did in training.
    public func predict(_ documents: [Document]) throws -> [Prediction] {
        let cleaner = Cleaner(header.clean)
        let tokenizer = Tokenizer(header.tokenize)
        let x = try featurizer.transform(
            texts: documents.map { cleaner.clean($0.text, source: $0.source).text }, tokenizer: tokenizer)
        let (scores, predicted, probabilities) = classifier.outputs(x)
        return documents.indices.map { i in
            Prediction(
                source: documents[i].source, label: header.labels[predicted[i]],
                probabilities: probabilities.map { p in
                    Dictionary(uniqueKeysWithValues: header.labels.enumerated().map { ($1, Double(p[i, $0])) })
                },
                scores: (0..<scores.columnCount).map { Double(scores[i, $0]) }, hasKnownFeatures: !x.rowIsEmpty(i))
        }
    }
}
