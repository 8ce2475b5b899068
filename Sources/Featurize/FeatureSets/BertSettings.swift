import Foundation
import TextCore

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
    /// The configuration these settings stand for.
    public var configuration: FeatureSetConfiguration { .bert(bert) }

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
