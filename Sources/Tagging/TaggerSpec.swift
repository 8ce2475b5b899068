import Classify
import Foundation
import TextCore

/// A tagger a spec can name, described in its own file: its kind, what it is, its family and its spec keys (type,
/// bounds, default, one line each). `TaggerRegistry.all` lists them; spec decoding, the conformance suite's coverage
/// check and the README's key tables all read it. A new tagger is one file and one line there.
public protocol TaggerSettings: SpecConfigurable {
    /// Spec name (`crf`).
    static var kind: String { get }
    /// One line for the README: what the tagger is.
    static var summary: String { get }
    /// Generative or discriminative; a per-token classifier has its classifier's.
    var family: ModelFamily { get }
    /// The report name when the spec gives none (`hmm2` for a second-order HMM).
    var defaultName: String { get }
    /// The tagger these settings configure.
    var spec: TaggerSpec { get }
    /// The trained model's type (what `TaggerStore` reads back for this kind).
    static var taggerType: any SequenceTagger.Type { get }
}

extension TaggerSettings {
    /// The kind.
    public var defaultName: String { Self.kind }
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

/// The taggers a spec can name.
public enum TaggerSpec: Sendable, Codable, Hashable {
    case hmm(HiddenMarkovModelConfiguration)
    case tokenClassifier(TokenClassifierConfiguration)
    case perceptron(StructuredPerceptronConfiguration)
    case crf(ConditionalRandomFieldConfiguration)

    /// Spec names, in registry order.
    public static var kinds: [String] { TaggerRegistry.kinds }

    /// Spec name of the configured tagger.
    public var kind: String {
        switch self {
        case .hmm: return "hmm"
        case .tokenClassifier: return "token_classifier"
        case .perceptron: return "perceptron"
        case .crf: return "crf"
        }
    }

    /// HMMs are generative; a per-token classifier has its classifier's family; perceptron and CRF are discriminative.
    public var family: ModelFamily {
        switch self {
        case .hmm: return .generative
        case .tokenClassifier(let c): return c.classifier.family
        case .perceptron, .crf: return .discriminative
        }
    }

    /// What the tagger is, in words, for the report.
    public var summary: String {
        switch self {
        case .hmm(let c): return "hidden Markov model, order \(c.order) (Viterbi)"
        case .tokenClassifier(let c):
            return "per-token \(c.classifier.kind) on window features" + (c.vectors.map { " + \($0.summary)" } ?? "")
        case .perceptron(let c): return "averaged structured perceptron, \(c.epochs) epochs (Viterbi)"
        case .crf(let c):
            return "linear-chain CRF, L-BFGS, c1 \(c.c1), c2 \(c.c2), at most \(c.maxIterations) iterations (Viterbi)"
        }
    }

    /// Trains the configured tagger on `sentences` with these token features, seed and per-token vectors.
    public func fit(
        _ sentences: [TaggedSentence], tags: [String], features: TokenFeatureConfiguration, seed: UInt64,
        vectors: TokenVectorSource? = nil, log: ((String) -> Void)? = nil
    ) throws -> any SequenceTagger {
        switch self {
        case .hmm(let c): return try HiddenMarkovModel.fit(c, sentences: sentences, tags: tags)
        case .tokenClassifier(var c):
            c.features = features
            return try TokenClassifierTagger.fit(c, sentences: sentences, tags: tags, seed: seed, vectors: vectors)
        case .perceptron(var c):
            c.features = features
            return try StructuredPerceptron.fit(c, sentences: sentences, tags: tags, seed: seed)
        case .crf(var c):
            c.features = features
            return try ConditionalRandomField.fit(c, sentences: sentences, tags: tags, log: log)
        }
    }
}
