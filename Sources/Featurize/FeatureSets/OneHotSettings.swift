import Foundation
import TextCore

/// `onehot`: a binary bag of words over the training documents' vocabulary (unigrams, 1 if present).
public struct OneHotSettings: FeatureSetSettings {
    public var ngram: NGramConfiguration = {
        var c = NGramConfiguration()
        c.weighting = .binary
        return c
    }()
    public init() {}

    public static let kind = "onehot"
    public static let summary = "binary bag of words: 1 if the word occurs in the document"
    public var configuration: FeatureSetConfiguration { .onehot(ngram) }

    public static let parameters: [Parameter<OneHotSettings>] = [
        .frequency("min_df", \.ngram.minDF, "drop words in fewer documents (count) or a smaller fraction of them"),
        .frequency("max_df", \.ngram.maxDF, "drop words in more documents (count) or a larger fraction of them"),
        .optionalInteger("max_features", \.ngram.maxFeatures, minimum: 1, "keep the most frequent words only")
    ]

    public static func decodeFeaturizer(from r: inout BinaryReader) throws -> any FittedFeaturizer {
        NGramFeaturizer(kind: kind, vectorizer: try NGramVectorizer.decode(from: &r))
    }
}
