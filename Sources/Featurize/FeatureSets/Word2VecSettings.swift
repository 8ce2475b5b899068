import Foundation
import TextCore
import Tokenize

/// `word2vec`: each document as the mean of its words' vectors, trained in-house on the training documents (or a
/// `corpus` file) or loaded `pretrained`.
public struct Word2VecSettings: FeatureSetSettings {
    /// Where vectors come from and how documents average them.
    public var embedding = AveragedEmbeddingConfiguration()
    /// How vectors are trained when nothing is pretrained.
    public var training = Word2VecConfiguration()
    /// The defaults.
    public init() {}

    /// Spec name.
    public static let kind = "word2vec"
    /// One line for the README.
    public static let summary = "averaged word2vec vectors, trained in-house (skip-gram or CBOW) or pretrained"
    /// The settings as one value: the training settings only when nothing is pretrained.
    public var merged: AveragedEmbeddingConfiguration {
        var c = embedding
        c.training = c.pretrained == nil ? training : nil
        return c
    }

    /// Settings standing for `merged`.
    public init(_ merged: AveragedEmbeddingConfiguration) {
        embedding = merged
        training = merged.training ?? Word2VecConfiguration()
    }

    /// Dense, signed vectors.
    public var shape: FeatureShape { FeatureShape(isSparse: false, isNonNegative: false) }
    /// Pretrained vectors and a training corpus, when given.
    public var artifacts: [ArtifactReference] {
        [
            embedding.pretrained.map { ArtifactReference(key: "pretrained", value: $0, kind: .file) },
            embedding.corpus.map { ArtifactReference(key: "corpus", value: $0, kind: .textCorpus) }
        ].compactMap { $0 }
    }
    /// The vectors file and corpus as resolved paths.
    public func resolvingArtifacts(_ paths: [String: String]) -> Word2VecSettings {
        var s = self
        s.embedding.pretrained = embedding.pretrained.map { paths["pretrained"] ?? $0 }
        s.embedding.corpus = embedding.corpus.map { paths["corpus"] ?? $0 }
        return s
    }

    /// Trains (or loads) the vectors; vectors from a separate corpus or a file are the same for every fold, so the
    /// previous fold's are reused.
    public func fitTransform(
        _ corpus: TokenizedCorpus, rows: [Int], reusing previous: (any FittedFeaturizer)?, progress: FeaturizeProgress
    ) throws -> (any FittedFeaturizer, FeatureMatrix) {
        let c = merged
        let reused = c.vectorsDependOnDocuments ? nil : (previous as? AveragedEmbeddingFeaturizer)?.vectors
        let f = try AveragedEmbeddingFeaturizer.fit(
            c, corpus: corpus, rows: rows, reusing: reused, progress: progress.training,
            progressInterval: progress.interval)
        return (f, f.transform(corpus, rows: rows))
    }

    /// Pretrained vectors with plain-mean weighting need no fit; idf weighting and trained vectors do.
    public func encoder() throws -> (any FittedFeaturizer)? {
        guard embedding.pretrained != nil, embedding.weighting != .tfidf else { return nil }
        let empty = TokenizedCorpus(types: [], offsets: [0], tokens: [], labels: [], sources: [])
        return try AveragedEmbeddingFeaturizer.fit(merged, corpus: empty, rows: [])
    }

    /// Encoded as the merged settings.
    public init(from decoder: Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(AveragedEmbeddingConfiguration.self))
    }
    /// Encoded as the merged settings.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(merged)
    }
    /// Equal when the merged settings are.
    public static func == (a: Word2VecSettings, b: Word2VecSettings) -> Bool { a.merged == b.merged }
    /// Hashes the merged settings.
    public func hash(into hasher: inout Hasher) { hasher.combine(merged) }

    /// Keys that train vectors: with `pretrained` nothing is trained, so they are an error.
    static let trainingKeys = [
        "architecture", "output", "dimensions", "window", "negative", "sample", "min_count", "max_vocab", "alpha",
        "epochs", "threads", "corpus"
    ]

    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<Word2VecSettings>] = [
        .choice("architecture", \.training.architecture, "skip-gram predicts context words, CBOW the word"),
        .choice("output", \.training.output, "negative sampling or hierarchical softmax"),
        .integer("dimensions", \.training.dimensions, minimum: 1, "vector size"),
        .integer("window", \.training.window, minimum: 1, "context words on each side"),
        .integer("negative", \.training.negative, minimum: 1, "noise words per positive example"),
        .number("sample", \.training.sample, .nonNegative, "subsampling threshold for frequent words (0: none)"),
        .integer("min_count", \.training.minCount, minimum: 1, "ignore rarer words"),
        .optionalInteger("max_vocab", \.training.maxVocabulary, minimum: 2, "keep the most frequent words only"),
        .optionalNumber("alpha", \.training.alpha, .positive, "starting learning rate (0.025 skip-gram, 0.05 CBOW)"),
        .integer("epochs", \.training.epochs, minimum: 1, "passes over the corpus"),
        .integer("threads", \.training.threads, minimum: 1, "training threads (results depend on the count)"),
        .seed("seed", \.training.seed, "random seed"),
        .text(
            "corpus", \.embedding.corpus,
            "a text file (one sentence per line), a MediaWiki export or a resource name to train on"),
        .text("pretrained", \.embedding.pretrained, "vectors in word2vec format (text or binary) or a resource name"),
        .optionalInteger("limit", \.embedding.limit, minimum: 1, "read only the first vectors of a pretrained file"),
        .choice("weighting", \.embedding.weighting, "`tfidf` weights each word by its idf"),
        .boolean("normalize", \.embedding.normalize, "scale document vectors to unit length")
    ]

    /// Cross-key rules.
    public func validate(present: Set<String>) throws {
        do { try training.check() } catch let e as TextpipeError {
            throw SettingsConflict(key: e.key ?? "dimensions", e.message)
        }
        if embedding.pretrained != nil, let k = Self.trainingKeys.first(where: present.contains) {
            throw SettingsConflict(key: k, "'\(k)' is a training setting; with 'pretrained' nothing is trained")
        }
    }

    /// Reads a fitted featurizer of this kind.
    public static func decodeFeaturizer(from r: inout BinaryReader) throws -> any FittedFeaturizer {
        try AveragedEmbeddingFeaturizer.decode(from: &r)
    }
}

extension FeatureSetConfiguration {
    /// `word2vec` with these settings.
    public static func word2vec(_ c: AveragedEmbeddingConfiguration) -> FeatureSetConfiguration {
        FeatureSetConfiguration(Word2VecSettings(c))
    }
}
