import Foundation
import TextCore

/// Every classifier a spec can name, generative first, in the order the docs list them.
///
/// This list is the only place a classifier is registered: spec decoding, saved-model loading, the conformance
/// suite and the README's key tables all read it. A new model is one file (its configuration and model) and one
/// line here.
public enum ClassifierRegistry {
    /// Every classifier, generative first.
    public static let all: [any ClassifierConfiguration.Type] = [
        MultinomialNaiveBayesConfiguration.self,
        BernoulliNaiveBayesConfiguration.self,
        ComplementNaiveBayesConfiguration.self,
        GaussianNaiveBayesConfiguration.self,
        NormalBayesConfiguration.self,
        SoftmaxRegressionConfiguration.self,
        LogisticRegressionConfiguration.self,
        LinearSVMConfiguration.self,
        DecisionTreeConfiguration.self,
        NBSVMConfiguration.self,
        RandomForestConfiguration.self,
        KNearestNeighborsConfiguration.self,
        NGramLMConfiguration.self,
        FastTextConfiguration.self,
        MLPConfiguration.self
    ]

    /// Spec names, in registry order.
    public static var kinds: [String] { all.map { $0.kind } }

    /// The configuration type for a spec name, or nil.
    public static func configuration(kind: String) -> (any ClassifierConfiguration.Type)? {
        all.first { $0.kind == kind }
    }
}

/// A classifier's configuration of any kind: what a spec's `classifiers[]` entry decodes to.
///
/// Two specs are equal when they name the same kind with the same settings; it encodes as
/// `{"kind": "linear_svm", "settings": {...}}`, which is what cache keys hash.
public struct ClassifierSpec: Sendable, Hashable, Codable {
    /// The settings, of whichever kind.
    public let configuration: any ClassifierConfiguration

    /// Wraps settings of any kind.
    public init(_ configuration: some ClassifierConfiguration) { self.configuration = configuration }

    /// Spec name.
    public var kind: String { type(of: configuration).kind }
    /// Generative or discriminative.
    public var family: ModelFamily { type(of: configuration).family }
    /// What it needs and gives.
    public var capabilities: ClassifierCapabilities { type(of: configuration).capabilities }
    /// Whether these settings give class probabilities.
    public var givesProbabilities: Bool { configuration.givesProbabilities }

    /// Spec names, in registry order.
    public static var kinds: [String] { ClassifierRegistry.kinds }

    /// Trains the configured classifier.
    public func fit(_ x: FeatureMatrix, labels: [Int], classCount: Int, seed: UInt64) throws -> any Classifier {
        try configuration.fit(x, labels: labels, classCount: classCount, seed: seed)
    }

    /// The same spec with class weights given by label name turned into per-class weights.
    public func resolvingClassWeights(labels: [String]) throws -> ClassifierSpec {
        try Self.resolving(configuration, labels)
    }

    private static func resolving<C: ClassifierConfiguration>(_ c: C, _ labels: [String]) throws -> ClassifierSpec {
        ClassifierSpec(try c.resolvingClassWeights(labels: labels))
    }

    /// Why this classifier cannot use features of this shape, or nil if it can.
    public func incompatibility(with shape: FeatureShape) -> String? {
        type(of: configuration).incompatibility(with: shape)
    }

    /// Same kind, same settings.
    public static func == (a: ClassifierSpec, b: ClassifierSpec) -> Bool {
        AnyHashable(a.configuration) == AnyHashable(b.configuration)
    }

    /// Hashes the settings.
    public func hash(into hasher: inout Hasher) { hasher.combine(AnyHashable(configuration)) }

    enum CodingKeys: String, CodingKey { case kind, settings }

    /// Writes `{kind, settings}` (what cache keys hash).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(configuration, forKey: .settings)
    }

    /// Reads `{kind, settings}`, the kind looked up in the registry.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        guard let type = ClassifierRegistry.configuration(kind: kind) else {
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: c, debugDescription: "unknown classifier '\(kind)'")
        }
        configuration = try Self.decodeSettings(type, c)
    }

    private static func decodeSettings<T: ClassifierConfiguration>(_: T.Type, _ c: KeyedDecodingContainer<CodingKeys>)
        throws -> T
    {
        try c.decode(T.self, forKey: .settings)
    }
}

/// Saves and loads trained classifiers: the kind, then the model's binary body.
public enum ClassifierStore {
    /// The binary body of a classifier, prefixed by its kind.
    public static func encode(_ model: any Classifier) throws -> Data {
        var w = BinaryWriter()
        w.write(UInt32(1))
        w.write(model.kind)
        try model.encode(into: &w)
        return w.data
    }

    /// Reads a classifier written by `encode`, its kind looked up in the registry.
    public static func decode(_ data: Data, name: String) throws -> any Classifier {
        var r = BinaryReader(data, name: name)
        guard try r.read(UInt32.self) == 1 else {
            throw TextpipeError(.model, "unknown model format version", file: name)
        }
        let kind = try r.readString()
        guard let type = ClassifierRegistry.configuration(kind: kind) else {
            throw TextpipeError(
                .model, "unknown classifier '\(kind)' (known: \(ClassifierRegistry.kinds.joined(separator: ", ")))",
                file: name)
        }
        return try decodeModel(type.modelType, &r)
    }

    private static func decodeModel<T: Classifier>(_ type: T.Type, _ r: inout BinaryReader) throws -> any Classifier {
        try T.decode(from: &r)
    }
}
