import Foundation
import TextCore
import Tokenize

/// How word vectors are combined into a document vector.
public enum EmbeddingWeighting: String, Sendable, Codable, Hashable, CaseIterable {
    /// The plain mean of the document's known word vectors.
    case mean
    /// Each occurrence weighted by the word's smooth idf over the training documents.
    case tfidf
}

/// Settings of the `word2vec` feature set: where the vectors come from and how documents average them.
public struct AveragedEmbeddingConfiguration: Sendable, Codable, Hashable {
    /// Train on the pipeline's training documents (or on `corpus`) with these settings...
    public var training: Word2VecConfiguration? = Word2VecConfiguration()
    /// ...or load vectors in word2vec text or binary format (an absolute path once the pipeline resolved it).
    public var pretrained: String? = nil
    /// Keep only the first `limit` vectors of a pretrained file (they are sorted by frequency).
    public var limit: Int? = nil
    /// A plain-text file (one sentence per line) to train on instead of the training documents.
    public var corpus: String? = nil
    /// Plain mean, or idf-weighted.
    public var weighting: EmbeddingWeighting = .mean
    /// Scale each document vector to unit length.
    public var normalize = false
    /// Trained in-house with the default settings, plain mean.
    public init() {}
}

extension AveragedEmbeddingConfiguration {
    /// Whether the vectors depend on which training documents are used (false for a separate corpus or a
    /// pretrained file, which are then trained or loaded once for all folds).
    public var vectorsDependOnDocuments: Bool { pretrained == nil && corpus == nil }
}

/// Document vectors as the (optionally idf-weighted, optionally normalised) mean of their word vectors;
/// a document with no known word gets the zero vector.
public struct AveragedEmbeddingFeaturizer: WordVectorAverager {
    /// `word2vec`.
    public var kind: String { "word2vec" }
    /// Its settings.
    public let configuration: AveragedEmbeddingConfiguration
    /// The word vectors.
    public let vectors: WordVectors
    /// Per vocabulary word (empty unless tf-idf weighting).
    public let idf: [Float]
    /// Whether document vectors are scaled to unit length.
    public var normalizes: Bool { configuration.normalize }

    /// Trains (or loads) the vectors and fits the idf on documents `rows`.
    public static func fit(
        _ c: AveragedEmbeddingConfiguration, corpus: TokenizedCorpus, rows: [Int],
        tokenizer: Tokenizer = Tokenizer(), reusing given: WordVectors? = nil,
        progress: ((Word2VecProgress) -> Void)? = nil, progressInterval: Double = 10
    ) throws -> AveragedEmbeddingFeaturizer {
        let vectors: WordVectors
        if let given {
            vectors = given
        } else if let path = c.pretrained {
            vectors = try WordVectors.load(URL(fileURLWithPath: path), limit: c.limit)
        } else if let training = c.training {
            let source: Word2VecCorpus =
                c.corpus.map { TextFileWord2VecCorpus(url: URL(fileURLWithPath: $0), tokenizer: tokenizer) }
                ?? TokenizedWord2VecCorpus(corpus: corpus, rows: rows)
            vectors = try Word2VecTrainer(training, progressInterval: progressInterval, progress: progress)
                .train(source)
        } else {
            throw TextpipeError(.spec, "word2vec needs either 'train' settings or a 'pretrained' file", key: "word2vec")
        }
        let idf = c.weighting == .tfidf ? vectors.idf(corpus, rows: rows) : []
        return AveragedEmbeddingFeaturizer(configuration: c, vectors: vectors, idf: idf)
    }

    /// Writes the settings, vectors and idf.
    public func encode(into w: inout BinaryWriter) throws {
        w.write(String(decoding: try StableJSON.encode(configuration), as: UTF8.self))
        vectors.encode(idf: idf, into: &w)
    }

    /// Reads a featurizer written by `encode`.
    public static func decode(from r: inout BinaryReader) throws -> AveragedEmbeddingFeaturizer {
        let c = try JSONDecoder().decode(AveragedEmbeddingConfiguration.self, from: Data(try r.readString().utf8))
        let (vectors, idf) = try WordVectors.decode(withIDF: &r, kind: "word2vec")
        return AveragedEmbeddingFeaturizer(configuration: c, vectors: vectors, idf: idf)
    }
}

/// A fitted featurizer whose document vectors average word vectors (`word2vec`, `cooccurrence`): columns, both
/// transforms and feature names come from here.
public protocol WordVectorAverager: FittedFeaturizer {
    /// The word vectors.
    var vectors: WordVectors { get }
    /// Per vocabulary word (empty unless tf-idf weighting).
    var idf: [Float] { get }
    /// Whether document vectors are scaled to unit length.
    var normalizes: Bool { get }
}

extension WordVectorAverager {
    /// The vector size.
    public var columnCount: Int { vectors.dimensions }

    /// The document vectors of documents `rows`.
    public func transform(_ corpus: TokenizedCorpus, rows: [Int]) -> FeatureMatrix {
        .dense(vectors.average(corpus, rows: rows, idf: idf, normalize: normalizes))
    }

    /// The document vectors of pre-tokenized documents.
    public func transform(tokenized documents: [[String]]) -> FeatureMatrix {
        .dense(vectors.average(documents.map { $0.map { vectors.id($0) ?? -1 } }, idf: idf, normalize: normalizes))
    }

    /// `dim<column>`.
    public func featureName(_ column: Int) -> String { "dim\(column)" }
}

extension WordVectors {
    /// The smooth idf of every vocabulary word over documents `rows`, as scikit-learn's: log((1 + n) / (1 + df)) + 1.
    public func idf(_ corpus: TokenizedCorpus, rows: [Int]) -> [Float] {
        var df = [Int](repeating: 0, count: words.count)
        let idOfType = corpus.types.map { id($0) ?? -1 }
        var seen = Set<Int>()
        for r in rows {
            seen.removeAll(keepingCapacity: true)
            for t in corpus.document(r) where idOfType[Int(t)] >= 0 { seen.insert(idOfType[Int(t)]) }
            for w in seen { df[w] += 1 }
        }
        return df.map { Float(log(Double(1 + rows.count) / Double(1 + $0)) + 1) }
    }

    /// Writes the dimensions, words, vectors and per-word `idf` (empty when unweighted), as a fitted featurizer
    /// stores them.
    public func encode(idf: [Float], into w: inout BinaryWriter) {
        w.write(UInt64(dimensions))
        w.write(strings: words)
        w.write(array: vectors)
        w.write(array: idf)
    }

    /// Reads what `encode(idf:into:)` wrote; `kind` names the feature set in the error.
    public static func decode(withIDF r: inout BinaryReader, kind: String) throws -> (WordVectors, [Float]) {
        let d = try r.readCount()
        let words = try r.readStrings()
        let values = try r.readFloats()
        let idf = try r.readFloats()
        guard d > 0, values.count == words.count * d, idf.isEmpty || idf.count == words.count else {
            throw TextpipeError(.model, "corrupt \(kind) feature set")
        }
        return (WordVectors(words: words, dimensions: d, vectors: values), idf)
    }

    /// The document vectors of documents `rows` of a corpus (see `average(_:idf:normalize:)`).
    public func average(_ corpus: TokenizedCorpus, rows: [Int], idf: [Float], normalize: Bool) -> DenseMatrix {
        let idOfType = corpus.types.map { id($0) ?? -1 }
        return average(rows.map { r in corpus.document(r).map { idOfType[Int($0)] } }, idf: idf, normalize: normalize)
    }

    /// Document vectors: the mean of each document's known word vectors (ids, -1 for unknown words), each occurrence
    /// weighted by `idf` when given, optionally scaled to unit length; a document with no known word is all zeros.
    public func average(_ documents: [[Int]], idf: [Float], normalize: Bool) -> DenseMatrix {
        let d = dimensions
        var out = DenseMatrix(rowCount: documents.count, columnCount: d)
        vectors.withUnsafeBufferPointer { v in
            for (r, ids) in documents.enumerated() {
                var total: Float = 0
                for w in ids where w >= 0 {
                    let weight = idf.isEmpty ? 1 : idf[w]
                    total += weight
                    for k in 0..<d { out.values[r * d + k] += weight * v[w * d + k] }
                }
                guard total > 0 else { continue }  // no known word: the zero vector
                var norm: Float = 0
                for k in 0..<d {
                    out.values[r * d + k] /= total
                    norm += out.values[r * d + k] * out.values[r * d + k]
                }
                if normalize && norm > 0 {
                    let inv = 1 / norm.squareRoot()
                    for k in 0..<d { out.values[r * d + k] *= inv }
                }
            }
        }
        return out
    }
}
