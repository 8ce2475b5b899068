import Foundation
import TextCore
import Tokenize

/// A fitted feature extractor: turns tokenized documents into a feature matrix.
///
/// Fitting happens on training documents only (per fold under cross-validation), so nothing about the
/// test documents leaks into the vocabulary or the idf.
public protocol FittedFeaturizer: Sendable {
    /// The spec name of the feature family (`ngram`, `onehot`).
    var kind: String { get }
    var columnCount: Int { get }
    /// Features of documents `rows`. Throws when the features cannot be computed (an encoder failure): never a zero
    /// row standing in for a document that was not encoded.
    func transform(_ corpus: TokenizedCorpus, rows: [Int]) throws -> FeatureMatrix
    func transform(tokenized documents: [[String]]) throws -> FeatureMatrix
    /// Features of raw (cleaned) texts, as `predict` needs; token-based featurizers tokenize with `tokenizer`.
    func transform(texts: [String], tokenizer: Tokenizer) throws -> FeatureMatrix
    /// Human-readable name of a column (`"not good"`).
    func featureName(_ column: Int) -> String
    func encode(into w: inout BinaryWriter) throws
}

extension FittedFeaturizer {
    /// Tokenizes the texts, then transforms the tokens.
    public func transform(texts: [String], tokenizer: Tokenizer) throws -> FeatureMatrix {
        try transform(tokenized: texts.map { tokenizer.tokens($0) })
    }
}

/// The feature sets a spec can ask for.
public enum FeatureSetConfiguration: Sendable, Codable, Hashable {
    /// Binary bag of words over a vocabulary.
    case onehot(NGramConfiguration)
    /// Word n-grams with tf, tf-idf or binary weighting, optionally hashed.
    case ngram(NGramConfiguration)
    /// Averaged word2vec vectors, trained in-house or loaded: dense.
    case word2vec(AveragedEmbeddingConfiguration)
    /// A pretrained BERT encoder's [CLS] (or mean, or pooler) vector: dense.
    case bert(BertFeatureConfiguration)

    /// The n-gram settings of an `onehot` or `ngram` feature set (nil for dense feature sets).
    public var ngramConfiguration: NGramConfiguration? {
        switch self {
        case .onehot(let c), .ngram(let c): return c
        case .word2vec, .bert: return nil
        }
    }

    /// The names the spec accepts, in registry order.
    public static var kinds: [String] { FeatureSetRegistry.kinds }

    /// Spec name of the configured feature set.
    public var kind: String {
        switch self {
        case .onehot: return "onehot"
        case .ngram: return "ngram"
        case .word2vec: return "word2vec"
        case .bert: return "bert"
        }
    }

    /// What the features look like to a classifier: bag-of-words counts are sparse and non-negative, averaged
    /// vectors and encoder outputs dense and signed.
    public var shape: FeatureShape {
        switch self {
        case .onehot(let c), .ngram(let c):
            return FeatureShape(isSparse: true, isNonNegative: true, hasSequences: c.keepsSequences)
        case .word2vec, .bert: return FeatureShape(isSparse: false, isNonNegative: false)
        }
    }

    /// Fits on documents `rows`.
    public func fit(_ corpus: TokenizedCorpus, rows: [Int]) throws -> any FittedFeaturizer {
        try fitTransform(corpus, rows: rows).0
    }

    /// Fits on `rows` and returns their features as well (one pass where the featurizer allows it).
    public func fitTransform(
        _ corpus: TokenizedCorpus, rows: [Int], reusing previous: (any FittedFeaturizer)? = nil,
        progress: ((Word2VecProgress) -> Void)? = nil,
        encodeProgress: ((EncodeProgress) -> Void)? = nil, progressInterval: Double = 10
    ) throws -> (any FittedFeaturizer, FeatureMatrix) {
        switch self {
        case .onehot(let c), .ngram(let c):
            let (v, m) = try NGramVectorizer.fitTransform(c, corpus: corpus, rows: rows)
            let f = NGramFeaturizer(kind: kind, vectorizer: v)
            return (f, f.withSequences(m, corpus: corpus, rows: rows))
        case .word2vec(let c):
            // Vectors from a separate corpus or a file are the same for every fold: reuse them.
            let reused = c.vectorsDependOnDocuments ? nil : (previous as? AveragedEmbeddingFeaturizer)?.vectors
            let f = try AveragedEmbeddingFeaturizer.fit(
                c, corpus: corpus, rows: rows, reusing: reused, progress: progress, progressInterval: progressInterval)
            return (f, f.transform(corpus, rows: rows))
        case .bert(let c):
            // Nothing is fitted: the encoder (and its cache of encoded documents) is shared by every fold.
            let f = try (previous as? BertFeaturizer) ?? BertFeaturizer(c)
            return (f, try f.encode(corpus, rows: rows, progress: encodeProgress, interval: progressInterval))
        }
    }

    /// Reads a fitted featurizer written by `FittedFeaturizer.encode`, by its kind's registry entry.
    public static func decode(kind: String, from r: inout BinaryReader) throws -> any FittedFeaturizer {
        guard let settings = FeatureSetRegistry.settings(kind: kind) else {
            throw TextpipeError(.model, "unknown feature set '\(kind)' (known: \(kinds.joined(separator: ", ")))")
        }
        return try settings.decodeFeaturizer(from: &r)
    }
}

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
    /// The n-gram of a column.
    public func featureName(_ column: Int) -> String { vectorizer.featureName(column) }
    /// Writes the vectorizer.
    public func encode(into w: inout BinaryWriter) throws { try vectorizer.encode(into: &w) }
}
