import Foundation
import TextCore
import Tokenize

/// A fitted feature extractor: turns tokenized documents into a feature matrix.
///
/// Fitting happens on training documents only (per fold under cross-validation), so nothing about the
/// test documents leaks into the vocabulary or the idf.
public protocol FittedFeaturizer: Sendable {
    /// The spec name of the feature family (`ngram`, `onehot`).
    var kind: String { get }
    var columnCount: Int { get }
    /// Features of documents `rows`. Throws when the features cannot be computed (an encoder failure): never a zero
    /// row standing in for a document that was not encoded.
    func transform(_ corpus: TokenizedCorpus, rows: [Int]) throws -> FeatureMatrix
    func transform(tokenized documents: [[String]]) throws -> FeatureMatrix
    /// Features of raw (cleaned) texts, as `predict` needs; token-based featurizers tokenize with `tokenizer`.
    func transform(texts: [String], tokenizer: Tokenizer) throws -> FeatureMatrix
    /// Human-readable name of a column (`"not good"`).
    func featureName(_ column: Int) -> String
    func encode(into w: inout BinaryWriter) throws
}

extension FittedFeaturizer {
    /// Tokenizes the texts, then transforms the tokens.
    public func transform(texts: [String], tokenizer: Tokenizer) throws -> FeatureMatrix {
        try transform(tokenized: texts.map { tokenizer.tokens($0) })
    }
}

/// How far a fit has come, for a live progress line: word2vec training and encoder passes report here.
public struct FeaturizeProgress: Sendable {
    /// Word-vector training progress.
    public var training: (@Sendable (Word2VecProgress) -> Void)?
    /// Encoding progress (a checkpoint over every document).
    public var encoding: (@Sendable (EncodeProgress) -> Void)?
    /// Seconds between reports.
    public var interval: Double
    /// Callbacks reporting every `interval` seconds (none by default).
    public init(
        training: (@Sendable (Word2VecProgress) -> Void)? = nil, encoding: (@Sendable (EncodeProgress) -> Void)? = nil,
        interval: Double = 10
    ) {
        self.training = training
        self.encoding = encoding
        self.interval = interval
    }
}

/// How a cluster computes a feature set: counted on the workers and merged, encoded on the workers, or on the driver.
public enum FeatureClusterPlan: Sendable {
    /// Everything runs on the driver (trained vectors).
    case driver
    /// Per-partition n-gram statistics merged on the driver into each fold's vectorizer, then every document
    /// featurized on the workers.
    case ngramStatistics(NGramConfiguration)
    /// Nothing is fitted: every document encoded once on the workers with the checkpoint shipped to them.
    case encoder(BertFeatureConfiguration)
}

/// A feature set of any registered kind: what a spec's `features[]` entry decodes to.
///
/// It carries the kind's settings and forwards to them, so nothing outside a kind's own file switches over kinds.
/// It encodes as `{"<kind>": {"_0": <settings>}}`, the layout cache keys and lock files have always hashed.
public struct FeatureSetConfiguration: Sendable, Hashable, Codable {
    /// The settings, of whichever kind.
    public let settings: any FeatureSetSettings

    /// Wraps settings of any kind.
    public init(_ settings: any FeatureSetSettings) { self.settings = settings }

    /// The names the spec accepts, in registry order.
    public static var kinds: [String] { FeatureSetRegistry.kinds }

    /// Spec name of the configured feature set.
    public var kind: String { type(of: settings).kind }

    /// What the features look like to a classifier.
    public var shape: FeatureShape { settings.shape }

    /// The outside files it reads (checkpoints, vectors, corpora), by spec key.
    public var artifacts: [ArtifactReference] { settings.artifacts }

    /// The same settings with each outside file's name or path replaced by `paths[key]` (absolute paths the
    /// pipeline resolved and fetched).
    public func resolvingArtifacts(_ paths: [String: String]) -> FeatureSetConfiguration {
        FeatureSetConfiguration(settings.resolvingArtifacts(paths))
    }

    /// How a cluster computes it.
    public var clusterPlan: FeatureClusterPlan { settings.clusterPlan }

    /// The n-gram settings of a feature set whose statistics a cluster can count (nil for the others).
    public var ngramConfiguration: NGramConfiguration? {
        if case .ngramStatistics(let c) = settings.clusterPlan { return c }
        return nil
    }

    /// Fits on documents `rows`.
    public func fit(_ corpus: TokenizedCorpus, rows: [Int]) throws -> any FittedFeaturizer {
        try fitTransform(corpus, rows: rows).0
    }

    /// Fits on `rows` and returns their features as well (one pass where the featurizer allows it); `previous` is
    /// the featurizer of the fold before, which a kind may reuse when its fit does not depend on the documents.
    public func fitTransform(
        _ corpus: TokenizedCorpus, rows: [Int], reusing previous: (any FittedFeaturizer)? = nil,
        progress: FeaturizeProgress = FeaturizeProgress()
    ) throws -> (any FittedFeaturizer, FeatureMatrix) {
        try settings.fitTransform(corpus, rows: rows, reusing: previous, progress: progress)
    }

    /// A featurizer with nothing to fit (an encoder: a checkpoint, pretrained vectors averaged), or nil when the
    /// features must be fitted on training documents first.
    public func encoder() throws -> (any FittedFeaturizer)? { try settings.encoder() }

    /// Reads a fitted featurizer written by `FittedFeaturizer.encode`, by its kind's registry entry.
    public static func decode(kind: String, from r: inout BinaryReader) throws -> any FittedFeaturizer {
        guard let settings = FeatureSetRegistry.settings(kind: kind) else {
            throw TextpipeError(.model, "unknown feature set '\(kind)' (known: \(kinds.joined(separator: ", ")))")
        }
        return try settings.decodeFeaturizer(from: &r)
    }

    /// Same kind, same settings.
    public static func == (a: FeatureSetConfiguration, b: FeatureSetConfiguration) -> Bool {
        AnyHashable(a.settings) == AnyHashable(b.settings)
    }

    /// Hashes the settings.
    public func hash(into hasher: inout Hasher) { hasher.combine(AnyHashable(settings)) }

    /// Writes `{"<kind>": {"_0": settings}}`.
    public func encode(to encoder: Encoder) throws {
        try RegisteredKindCoding.encode(settings, name: kind, to: encoder)
    }

    /// Reads `{"<kind>": {"_0": settings}}`, the kind looked up in the registry.
    public init(from decoder: Decoder) throws {
        settings = try RegisteredKindCoding.decode(from: decoder, family: "feature set") { name, c in
            try FeatureSetRegistry.settings(kind: name).map { try Self.decodeSettings($0, c) }
        }
    }

    private static func decodeSettings<T: FeatureSetSettings>(
        _: T.Type, _ c: KeyedDecodingContainer<RegisteredKindCoding.Key>
    ) throws -> T {
        try c.decode(T.self, forKey: RegisteredKindCoding.Key("_0"))
    }
}
