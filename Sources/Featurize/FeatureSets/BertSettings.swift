import Foundation
import TextCore
import Tokenize

/// `bert`: a pretrained BERT encoder's output at [CLS] (or the mean of the tokens, or the pooler) per document.
public struct BertSettings: FeatureSetSettings {
    /// The encoder settings.
    public var bert = BertFeatureConfiguration(model: "")
    /// The defaults.
    public init() {}

    /// Spec name.
    public static let kind = "bert"
    /// One line for the README.
    public static let summary =
        "a pretrained BERT encoder's [CLS], mean or pooler vector (a checkpoint folder or `minilm`)"

    /// Dense, signed vectors.
    public var shape: FeatureShape { FeatureShape(isSparse: false, isNonNegative: false) }
    /// The checkpoint.
    public var artifacts: [ArtifactReference] {
        [ArtifactReference(key: "model", value: bert.model, kind: .checkpoint)]
    }
    /// The checkpoint as a resolved folder.
    public func resolvingArtifacts(_ paths: [String: String]) -> BertSettings {
        var s = self
        s.bert.model = paths["model"] ?? bert.model
        return s
    }
    /// Encoded on the workers with the checkpoint shipped to them.
    public var clusterPlan: FeatureClusterPlan { .encoder(bert) }

    /// Nothing is fitted: the encoder (and its cache of encoded documents) is shared by every fold.
    public func fitTransform(
        _ corpus: TokenizedCorpus, rows: [Int], reusing previous: (any FittedFeaturizer)?, progress: FeaturizeProgress
    ) throws -> (any FittedFeaturizer, FeatureMatrix) {
        let f = try (previous as? BertFeaturizer) ?? BertFeaturizer(bert)
        return (f, try f.encode(corpus, rows: rows, progress: progress.encoding, interval: progress.interval))
    }

    /// The encoder itself.
    public func encoder() throws -> (any FittedFeaturizer)? { try BertFeaturizer(bert) }

    /// Encoded as its encoder settings.
    public init(from decoder: Decoder) throws {
        bert = try decoder.singleValueContainer().decode(BertFeatureConfiguration.self)
    }
    /// Encoded as its encoder settings.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(bert)
    }

    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<BertSettings>] = [
        Parameter(
            key: "model", type: .text, summary: "checkpoint folder (Hugging Face layout) or `minilm` (required)",
            defaultValue: "none"
        ) {
            c, v in
            if case .text(let t) = v { c.bert.model = t }
        },
        .choice("pooling", \.bert.pooling, "`cls`, `mean` of the tokens, or the `pooler` layer"),
        .integer("max_length", \.bert.maxLength, minimum: 2, "WordPiece tokens per document, [CLS] and [SEP] included")
    ]

    /// Cross-key rules.
    public func validate(present: Set<String>) throws {
        guard present.contains("model") else {
            throw SettingsConflict(key: "model", "bert needs a 'model': a checkpoint folder or 'minilm'")
        }
    }

    /// Reads a fitted featurizer of this kind.
    public static func decodeFeaturizer(from r: inout BinaryReader) throws -> any FittedFeaturizer {
        try BertFeaturizer.decode(from: &r)
    }
}

extension FeatureSetConfiguration {
    /// `bert` with these encoder settings.
    public static func bert(_ c: BertFeatureConfiguration) -> FeatureSetConfiguration {
        var s = BertSettings()
        s.bert = c
        return FeatureSetConfiguration(s)
    }
}
