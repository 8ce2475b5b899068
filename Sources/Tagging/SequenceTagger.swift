import Classify
import Foundation
import TextCore

/// A trained tagger: one tag per token. Generative (HMM) or discriminative (per-token classifier,
/// structured perceptron, CRF); reports mark the family as they do for classifiers.
public protocol SequenceTagger: Sendable {
    /// Spec name (`hmm`, `token_classifier`, `perceptron`, `crf`).
    static var kind: String { get }
    static var family: ModelFamily { get }
    /// The tag set, in index order.
    var tags: [String] { get }
    /// Tags for each sentence's tokens. Throws when a tagger's inputs cannot be computed (its per-token vectors'
    /// encoder failed): never tags guessed from missing vectors.
    func predict(_ sentences: [[String]]) throws -> [[String]]
    /// What training did (iterations, parameters, ...), for the report.
    var trainingSummary: [String: String] { get }
    /// Writes the model's own parameters (`TaggerStore` writes the version, kind, tags and summary before them).
    func encodeBody(into w: inout BinaryWriter) throws
    /// Reads what `encodeBody` wrote; `vectors` rebuilds a per-token vector source for taggers that had one.
    static func decodeBody(
        tags: [String], summary: [String: String], from r: inout BinaryReader,
        vectors: (TokenVectorSpec) throws -> TokenVectorSource
    ) throws -> Self
}

extension SequenceTagger {
    /// Spec name of this tagger.
    public var kind: String { Self.kind }
    /// Generative or discriminative.
    public var family: ModelFamily { Self.family }
}

/// Training sentences turned into attribute sequences and tag indices, with the extractor and index that
/// made them (kept by the model to read new sentences the same way).
struct PreparedTrainingData {
    let extractor: TokenFeatureExtractor
    var attributes: AttributeIndex
    let x: [AttributeSequence]
    let y: [[Int32]]

    init(_ sentences: [TaggedSentence], tags: [String], features: TokenFeatureConfiguration) throws {
        guard !sentences.isEmpty else { throw TextpipeError(.data, "no training sentences") }
        let tagIndex = Dictionary(uniqueKeysWithValues: tags.enumerated().map { ($1, Int32($0)) })
        y = try sentences.map { s in
            try s.tags.map { t in
                guard let i = tagIndex[t] else { throw TextpipeError(.internal, "tag '\(t)' is not in the tag set") }
                return i
            }
        }
        extractor = TokenFeatureExtractor(features.resolved(for: sentences))
        var index = AttributeIndex()
        x = index.encode(sentences.map(\.tokens), extractor: extractor, grow: true)
        attributes = index
    }

    /// Attribute strings given per token (reference tests feed another tool's exact attributes).
    init(attributeStrings: [[[String]]], tags: [[String]], tagSet: [String]) {
        let tagIndex = Dictionary(uniqueKeysWithValues: tagSet.enumerated().map { ($1, Int32($0)) })
        y = tags.map { $0.map { tagIndex[$0] ?? 0 } }
        var c = TokenFeatureConfiguration()
        c.kind = .words
        extractor = TokenFeatureExtractor(c)
        var index = AttributeIndex()
        x = index.encode(attributeStrings: attributeStrings, grow: true)
        attributes = index
    }
}
