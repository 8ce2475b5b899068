import Foundation
import TextCore
import Tokenize

/// `ngram`: word n-grams with tf, tf-idf or binary weighting, optionally hashed into 2^k columns.
public struct NGramSettings: NGramFeatureSettings {
    /// The vectorizer settings.
    public var ngram = NGramConfiguration()
    /// The defaults.
    public init() {}

    /// Spec name.
    public static let kind = "ngram"
    /// One line for the README.
    public static let summary = "word n-grams (tf, tf-idf or binary), vocabulary from the training documents or hashed"

    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<NGramSettings>] = [
        Parameter(
            key: "n", type: .integerRange(minimum: 1, maximum: 8), summary: "n-gram length, or [min, max]",
            defaultValue: "1"
        ) {
            c, v in
            if case .range(let lo, let hi) = v {
                c.ngram.minN = lo
                c.ngram.maxN = hi
            }
        },
        .choice("weighting", \.ngram.weighting, "`tfidf`: smooth idf and l2-normalised rows, as scikit-learn"),
        .frequency("min_df", \.ngram.minDF, "drop n-grams in fewer documents (count) or a smaller fraction of them"),
        .frequency("max_df", \.ngram.maxDF, "drop n-grams in more documents (count) or a larger fraction of them"),
        .optionalInteger("max_features", \.ngram.maxFeatures, minimum: 1, "keep the most frequent n-grams only"),
        Parameter(
            key: "hashing", type: .integer(minimum: 1, allowsNone: false),
            summary: "hash n-grams into 2^k columns (1...28) instead of a vocabulary", defaultValue: "none"
        ) { c, v in
            if case .integer(let bits?) = v { c.ngram.hashingBits = bits }
        },
        .boolean("sublinear_tf", \.ngram.sublinearTF, "use 1 + log(tf) for counts"),
        .boolean("sequence", \.ngram.keepsSequences, "also keep each document's tokens in order (for `ngram_lm`)")
    ]

    /// Cross-key rules.
    public func validate(present: Set<String>) throws {
        if let bits = ngram.hashingBits {
            guard bits <= 28 else {
                throw SettingsConflict(
                    key: "hashing", "hashing takes the number of bits k (2^k columns), 1...28; got \(bits)")
            }
            if present.contains("max_features") {
                throw SettingsConflict(key: "hashing", "hashing has no vocabulary, so max_features does not apply")
            }
        }
    }
}

extension FeatureSetConfiguration {
    /// `ngram` with these vectorizer settings.
    public static func ngram(_ c: NGramConfiguration) -> FeatureSetConfiguration {
        var s = NGramSettings()
        s.ngram = c
        return FeatureSetConfiguration(s)
    }
}
