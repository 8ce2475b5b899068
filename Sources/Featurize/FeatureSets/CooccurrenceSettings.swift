import Foundation
import TextCore
import Tokenize

/// `cooccurrence`: word vectors from a word-word co-occurrence matrix, weighted by positive PMI with
/// context-distribution smoothing and reduced by a truncated SVD (Levy, Goldberg and Dagan 2015: the count-based
/// step before word2vec, tuned as carefully); each document is the mean of its words' vectors, like `word2vec`.
///
/// Counts come from the training documents of each fold (or from a `corpus` file, then once for every fold); the
/// SVD is randomized (Halko et al. 2011) and seeded, so a run is reproducible.
public struct CooccurrenceSettings: FeatureSetSettings {
    /// Vector size: singular vectors kept.
    public var dimensions = 100
    /// Context words on each side.
    public var window = 5
    /// Words rarer than this are out of the vocabulary.
    public var minCount = 5
    /// Keep only the most frequent words.
    public var maxVocabulary: Int? = nil
    /// Context-distribution smoothing exponent α (1: none).
    public var smoothing = 0.75
    /// Shifted PPMI: subtract log k.
    public var shift = 1
    /// Word vectors are U Σ^p.
    public var eigenvalueWeight = 0.5
    /// Extra random directions sampled beyond `dimensions`.
    public var oversampling = 50
    /// Power iterations of the randomized SVD.
    public var powerIterations = 15
    /// Seed of the random projection.
    public var seed: UInt64 = 1
    /// A text file or resource to count on instead of the training documents.
    public var corpus: String? = nil
    /// Plain mean, or idf-weighted.
    public var weighting: EmbeddingWeighting = .mean
    /// Scale each document vector to unit length.
    public var normalize = false
    /// The defaults.
    public init() {}

    /// Spec name.
    public static let kind = "cooccurrence"
    /// One line for the README.
    public static let summary =
        "averaged word vectors from a PPMI-weighted co-occurrence matrix reduced by a randomized truncated SVD"

    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<CooccurrenceSettings>] = [
        .integer("dimensions", \.dimensions, minimum: 1, "vector size (singular vectors kept)"),
        .integer("window", \.window, minimum: 1, "context words on each side, every one counted once"),
        .integer("min_count", \.minCount, minimum: 1, "ignore rarer words"),
        .optionalInteger("max_vocab", \.maxVocabulary, minimum: 2, "keep the most frequent words only"),
        .number(
            "smoothing", \.smoothing,
            .number(minimum: 0, minimumInclusive: false, maximum: 1, maximumInclusive: true),
            "context-distribution smoothing: context counts raised to this power (1: none)"),
        .integer("shift", \.shift, minimum: 1, "shifted PPMI: subtract log(shift) before clipping at 0"),
        .number("eigenvalue_weight", \.eigenvalueWeight, .unitInterval, "word vectors are U Σ^p with p this"),
        .integer("oversampling", \.oversampling, minimum: 0, "extra random directions of the randomized SVD"),
        .integer("power_iterations", \.powerIterations, minimum: 0, "power iterations of the randomized SVD"),
        .seed("seed", \.seed, "random seed of the projection"),
        .text(
            "corpus", \.corpus,
            "a text file (one sentence per line), a MediaWiki export or a resource name to count on"),
        .choice("weighting", \.weighting, "`tfidf` weights each word by its idf"),
        .boolean("normalize", \.normalize, "scale document vectors to unit length")
    ]

    /// Dense, signed vectors.
    public var shape: FeatureShape { FeatureShape(isSparse: false, isNonNegative: false) }
    /// The corpus, when given.
    public var artifacts: [ArtifactReference] {
        corpus.map { [ArtifactReference(key: "corpus", value: $0, kind: .textCorpus)] } ?? []
    }
    /// The corpus as a resolved path.
    public func resolvingArtifacts(_ paths: [String: String]) -> CooccurrenceSettings {
        var s = self
        s.corpus = corpus.map { paths["corpus"] ?? $0 }
        return s
    }

    /// Counts, weights and decomposes (once for all folds when the counts come from a separate corpus), then
    /// averages each document's word vectors.
    public func fitTransform(
        _ corpus: TokenizedCorpus, rows: [Int], reusing previous: (any FittedFeaturizer)?, progress: FeaturizeProgress
    ) throws -> (any FittedFeaturizer, FeatureMatrix) {
        let reused = self.corpus == nil ? nil : (previous as? CooccurrenceFeaturizer)
        let vectors =
            try reused?.vectors
            ?? wordVectors(
                self.corpus.map { TextFileWord2VecCorpus(url: URL(fileURLWithPath: $0), tokenizer: Tokenizer()) }
                    ?? TokenizedWord2VecCorpus(corpus: corpus, rows: rows))
        let f = CooccurrenceFeaturizer(
            settings: self, vectors: vectors, idf: weighting == .tfidf ? vectors.idf(corpus, rows: rows) : [])
        return (f, f.transform(corpus, rows: rows))
    }

    /// The word vectors of a corpus: counts, PPMI, randomized SVD, U Σ^p.
    public func wordVectors(_ source: Word2VecCorpus) throws -> WordVectors {
        let counts = try CooccurrenceCounts.count(
            source, window: window, minCount: minCount, maxVocabulary: maxVocabulary)
        guard counts.words.count >= 2 else {
            throw TextpipeError(
                .data, "cooccurrence: \(counts.words.count) word(s) occur at least min_count = \(minCount) times",
                key: "min_count")
        }
        let svd = try RandomizedSVD.compute(
            counts.ppmi(smoothing: smoothing, shift: shift), rank: dimensions, oversampling: oversampling,
            powerIterations: powerIterations, seed: seed)
        let k = svd.rank
        var values = [Float](repeating: 0, count: counts.words.count * dimensions)
        for w in 0..<counts.words.count {
            for j in 0..<k {
                values[w * dimensions + j] = Float(svd.u[w * k + j] * pow(svd.singularValues[j], eigenvalueWeight))
            }
        }
        return WordVectors(words: counts.words, dimensions: dimensions, vectors: values, counts: counts.frequencies)
    }

    /// Reads a fitted featurizer of this kind.
    public static func decodeFeaturizer(from r: inout BinaryReader) throws -> any FittedFeaturizer {
        try CooccurrenceFeaturizer.decode(from: &r)
    }
}

/// Document vectors as the (optionally idf-weighted, optionally normalised) mean of PPMI-SVD word vectors.
public struct CooccurrenceFeaturizer: WordVectorAverager {
    /// `cooccurrence`.
    public var kind: String { CooccurrenceSettings.kind }
    /// Its settings.
    public let settings: CooccurrenceSettings
    /// The word vectors.
    public let vectors: WordVectors
    /// Per vocabulary word (empty unless tf-idf weighting).
    public let idf: [Float]
    /// Whether document vectors are scaled to unit length.
    public var normalizes: Bool { settings.normalize }

    /// Writes the settings, vectors and idf.
    public func encode(into w: inout BinaryWriter) throws {
        w.write(String(decoding: try StableJSON.encode(settings), as: UTF8.self))
        vectors.encode(idf: idf, into: &w)
    }

    /// Reads a featurizer written by `encode`.
    public static func decode(from r: inout BinaryReader) throws -> CooccurrenceFeaturizer {
        let settings = try JSONDecoder().decode(CooccurrenceSettings.self, from: Data(try r.readString().utf8))
        let (vectors, idf) = try WordVectors.decode(withIDF: &r, kind: CooccurrenceSettings.kind)
        return CooccurrenceFeaturizer(settings: settings, vectors: vectors, idf: idf)
    }
}
