import Foundation
import TextCore
import Tokenize

/// `onehot`: a binary bag of words over the training documents' vocabulary (unigrams, 1 if present).
public struct OneHotSettings: NGramFeatureSettings {
    /// The vectorizer settings.
    public var ngram: NGramConfiguration = {
        var c = NGramConfiguration()
        c.weighting = .binary
        return c
    }()
    /// The defaults.
    public init() {}

    /// Spec name.
    public static let kind = "onehot"
    /// One line for the README.
    public static let summary = "binary bag of words: 1 if the word occurs in the document"

    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<OneHotSettings>] = [
        .frequency("min_df", \.ngram.minDF, "drop words in fewer documents (count) or a smaller fraction of them"),
        .frequency("max_df", \.ngram.maxDF, "drop words in more documents (count) or a larger fraction of them"),
        .optionalInteger("max_features", \.ngram.maxFeatures, minimum: 1, "keep the most frequent words only"),
        .boolean("sequence", \.ngram.keepsSequences, "also keep each document's tokens in order (for `ngram_lm`)")
    ]
}

extension FeatureSetConfiguration {
    /// `onehot` with these vectorizer settings.
    public static func onehot(_ c: NGramConfiguration) -> FeatureSetConfiguration {
        var s = OneHotSettings()
        s.ngram = c
        return FeatureSetConfiguration(s)
    }
}
