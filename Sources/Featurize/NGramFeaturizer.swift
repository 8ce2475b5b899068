import Foundation
import TextCore
import Tokenize

/// `onehot` and `ngram` share one implementation: one-hot is unigrams with binary weighting.
public struct NGramFeaturizer: FittedFeaturizer {
    /// `onehot` or `ngram`.
    public let kind: String
    /// The fitted vectorizer.
    public let vectorizer: NGramVectorizer
    /// A fitted `onehot` or `ngram` featurizer.
    public init(kind: String, vectorizer: NGramVectorizer) {
        self.kind = kind
        self.vectorizer = vectorizer
    }
    /// Its columns.
    public var columnCount: Int { vectorizer.columnCount }
    /// The rows of documents `rows`.
    public func transform(_ corpus: TokenizedCorpus, rows: [Int]) -> FeatureMatrix {
        withSequences(vectorizer.transform(corpus, rows: rows), corpus: corpus, rows: rows)
    }
    /// The rows of pre-tokenized documents.
    public func transform(tokenized documents: [[String]]) -> FeatureMatrix {
        var m = vectorizer.transform(tokenized: documents)
        if vectorizer.configuration.keepsSequences { m.sequences = TokenSequences(documents: documents) }
        return .sparse(m)
    }
    /// The matrix with its documents' token sequences when the settings keep them.
    func withSequences(_ matrix: SparseMatrix, corpus: TokenizedCorpus, rows: [Int]) -> FeatureMatrix {
        guard vectorizer.configuration.keepsSequences else { return .sparse(matrix) }
        var m = matrix
        var s = TokenSequences(types: corpus.types)
        for d in rows {
            s.tokens.append(contentsOf: corpus.document(d))
            s.offsets.append(s.tokens.count)
        }
        m.sequences = s
        return .sparse(m)
    }
    /// Fits the vectorizer on documents `rows` and returns it with their rows (one pass).
    static func fitTransform(kind: String, _ c: NGramConfiguration, corpus: TokenizedCorpus, rows: [Int]) throws
        -> (any FittedFeaturizer, FeatureMatrix)
    {
        let (v, m) = try NGramVectorizer.fitTransform(c, corpus: corpus, rows: rows)
        let f = NGramFeaturizer(kind: kind, vectorizer: v)
        return (f, f.withSequences(m, corpus: corpus, rows: rows))
    }

    /// The n-gram of a column.
    public func featureName(_ column: Int) -> String { vectorizer.featureName(column) }
    /// Writes the vectorizer.
    public func encode(into w: inout BinaryWriter) throws { try vectorizer.encode(into: &w) }
}

/// Settings of the bag-of-words feature sets (`onehot`, `ngram`): everything but their keys comes from here.
public protocol NGramFeatureSettings: FeatureSetSettings {
    /// The vectorizer settings.
    var ngram: NGramConfiguration { get set }
}

extension NGramFeatureSettings {
    /// Sparse counts, non-negative; with the token sequences when `sequence` is set.
    public var shape: FeatureShape {
        FeatureShape(isSparse: true, isNonNegative: true, hasSequences: ngram.keepsSequences)
    }
    /// A cluster counts n-gram statistics per partition.
    public var clusterPlan: FeatureClusterPlan { .ngramStatistics(ngram) }

    /// Fits the vocabulary (and idf) on `rows`.
    public func fitTransform(
        _ corpus: TokenizedCorpus, rows: [Int], reusing previous: (any FittedFeaturizer)?, progress: FeaturizeProgress
    ) throws -> (any FittedFeaturizer, FeatureMatrix) {
        try NGramFeaturizer.fitTransform(kind: Self.kind, ngram, corpus: corpus, rows: rows)
    }

    /// Reads a fitted featurizer of this kind.
    public static func decodeFeaturizer(from r: inout BinaryReader) throws -> any FittedFeaturizer {
        NGramFeaturizer(kind: kind, vectorizer: try NGramVectorizer.decode(from: &r))
    }

    /// Encoded as its vectorizer settings.
    public init(from decoder: Decoder) throws {
        self.init()
        ngram = try decoder.singleValueContainer().decode(NGramConfiguration.self)
    }
    /// Encoded as its vectorizer settings.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(ngram)
    }
}
