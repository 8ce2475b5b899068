import Classify
import Foundation
import TextCore

/// A tagger a spec can name, described in its own file: its kind, what it is, its family, its spec keys (type,
/// bounds, default, one line each), the per-token vectors it reads, and how it is trained. `TaggerRegistry.all` lists
/// them; spec decoding, the plan, the train stage, saved-tagger loading, the conformance suite's coverage check and
/// the README's key tables all read it. A new tagger is one file and one line there.
///
/// The settings encode as what cache keys hash.
public protocol TaggerSettings: SpecConfigurable, Codable, Hashable {
    /// Spec name (`crf`).
    static var kind: String { get }
    /// One line for the README: what the tagger is.
    static var summary: String { get }
    /// Its name in the settings' encoded layout (`{"<name>": {"_0": settings}}`, what cache keys hash); the kind
    /// unless the layout predates the registry.
    static var layoutName: String { get }
    /// Generative or discriminative; a per-token classifier has its classifier's.
    var family: ModelFamily { get }
    /// The report name when the spec gives none (`hmm2` for a second-order HMM).
    var defaultName: String { get }
    /// What the tagger is with these settings, in words, for the report.
    var description: String { get }
    /// Per-token vectors it reads, if any (none by default).
    var tokenVectors: TokenVectorSpec? { get }
    /// The settings reading `vectors` instead (the pipeline's resolved paths).
    func withTokenVectors(_ vectors: TokenVectorSpec?) -> Self
    /// Trains on `sentences` with these token features, seed and per-token vectors.
    func fit(
        _ sentences: [TaggedSentence], tags: [String], features: TokenFeatureConfiguration, seed: UInt64,
        vectors: TokenVectorSource?, log: ((String) -> Void)?
    ) throws -> any SequenceTagger
    /// The trained model's type (what `TaggerStore` reads back for this kind).
    static var taggerType: any SequenceTagger.Type { get }
}

extension TaggerSettings {
    /// The kind.
    public var defaultName: String { Self.kind }
    /// The kind.
    public static var layoutName: String { kind }
    /// No vectors.
    public var tokenVectors: TokenVectorSpec? { nil }
    /// No vectors to replace.
    public func withTokenVectors(_ vectors: TokenVectorSpec?) -> Self { self }
    /// The tagger these settings configure.
    public var spec: TaggerSpec { TaggerSpec(self) }
}

/// Every tagger a spec can name, generative first.
public enum TaggerRegistry {
    /// Every tagger, generative first.
    public static let all: [any TaggerSettings.Type] = [
        HiddenMarkovModelConfiguration.self,
        TokenClassifierConfiguration.self,
        StructuredPerceptronConfiguration.self,
        ConditionalRandomFieldConfiguration.self
    ]

    /// Spec names, in registry order.
    public static var kinds: [String] { all.map { $0.kind } }

    /// The settings type for a spec name, or nil.
    public static func settings(kind: String) -> (any TaggerSettings.Type)? { all.first { $0.kind == kind } }
}

/// A tagger of any registered kind: what a spec's `taggers[]` entry decodes to. It forwards to its settings, so
/// nothing outside a tagger's own file switches over kinds; it encodes as `{"<layout name>": {"_0": settings}}`.
public struct TaggerSpec: Sendable, Codable, Hashable {
    /// The settings, of whichever kind.
    public let settings: any TaggerSettings

    /// Wraps settings of any kind.
    public init(_ settings: any TaggerSettings) { self.settings = settings }

    /// Spec names, in registry order.
    public static var kinds: [String] { TaggerRegistry.kinds }

    /// Spec name of the configured tagger.
    public var kind: String { type(of: settings).kind }

    /// HMMs are generative; a per-token classifier has its classifier's family; perceptron and CRF are discriminative.
    public var family: ModelFamily { settings.family }

    /// What the tagger is, in words, for the report.
    public var summary: String { settings.description }

    /// Per-token vectors it reads, if any.
    public var tokenVectors: TokenVectorSpec? { settings.tokenVectors }

    /// The same tagger reading `vectors` instead.
    public func withTokenVectors(_ vectors: TokenVectorSpec?) -> TaggerSpec {
        TaggerSpec(settings.withTokenVectors(vectors))
    }

    /// Trains the configured tagger on `sentences` with these token features, seed and per-token vectors.
    public func fit(
        _ sentences: [TaggedSentence], tags: [String], features: TokenFeatureConfiguration, seed: UInt64,
        vectors: TokenVectorSource? = nil, log: ((String) -> Void)? = nil
    ) throws -> any SequenceTagger {
        try settings.fit(sentences, tags: tags, features: features, seed: seed, vectors: vectors, log: log)
    }

    /// Same kind, same settings.
    public static func == (a: TaggerSpec, b: TaggerSpec) -> Bool { AnyHashable(a.settings) == AnyHashable(b.settings) }

    /// Hashes the settings.
    public func hash(into hasher: inout Hasher) { hasher.combine(AnyHashable(settings)) }

    /// Writes `{"<layout name>": {"_0": settings}}`.
    public func encode(to encoder: Encoder) throws {
        try RegisteredKindCoding.encode(settings, name: type(of: settings).layoutName, to: encoder)
    }

    /// Reads `{"<layout name>": {"_0": settings}}`, the kind looked up in the registry.
    public init(from decoder: Decoder) throws {
        settings = try RegisteredKindCoding.decode(from: decoder, family: "tagger") { name, c in
            try TaggerRegistry.all.first { $0.layoutName == name }.map { try Self.decodeSettings($0, c) }
        }
    }

    private static func decodeSettings<T: TaggerSettings>(
        _: T.Type, _ c: KeyedDecodingContainer<RegisteredKindCoding.Key>
    ) throws -> T {
        try c.decode(T.self, forKey: RegisteredKindCoding.Key("_0"))
    }
}
