import CBLAS
import Foundation
import TextCore
import Tokenize

/// Settings of the `bert` feature set.
public struct BertFeatureConfiguration: Sendable, Codable, Hashable {
    /// A checkpoint folder in the Hugging Face layout (absolute once the pipeline resolved it).
    public var model: String
    public var pooling: BertPooling = .cls
    /// Tokens per document including [CLS] and [SEP] (at most the model's positions).
    public var maxLength = 128
    public init(model: String) { self.model = model }
}

/// Document vectors from a pretrained BERT encoder: the cleaned text goes through WordPiece and the encoder;
/// nothing is fitted, so one featurizer (and its cache of encoded documents) serves every fold.
public final class BertFeaturizer: FittedFeaturizer, @unchecked Sendable {
    public var kind: String { "bert" }
    public let configuration: BertFeatureConfiguration
    let model: BertModel
    let tokenizer: WordPieceTokenizer
    private var cache: [Int: [Float]] = [:]
    private let lock = NSLock()
    public var columnCount: Int { model.configuration.hiddenSize }

    public init(_ c: BertFeatureConfiguration) throws {
        let folder = URL(fileURLWithPath: c.model)
        model = try BertModel(folder: folder)
        tokenizer = try WordPieceTokenizer(vocabularyFile: folder.appendingPathComponent("vocab.txt"))
        guard c.maxLength >= 2, c.maxLength <= model.configuration.maxPositionEmbeddings else {
            throw TextpipeError(.spec, "max_length must be in 2...\(model.configuration.maxPositionEmbeddings), got \(c.maxLength)", key: "max_length")
        }
        configuration = c
    }

    /// Encodes texts across the cores (one document per task; OpenBLAS itself runs single-threaded meanwhile).
    func vectors(_ texts: [String]) throws -> DenseMatrix {
        let h = columnCount
        var out = DenseMatrix(rowCount: texts.count, columnCount: h)
        let previousThreads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(previousThreads) }
        var failure: Error?
        // Batches of documents sorted by length (similar lengths together), one batch per task.
        let ids = texts.map { tokenizer.encode($0, maxLength: configuration.maxLength).ids }
        let order = ids.indices.sorted { ids[$0].count < ids[$1].count }
        let batchSize = 32
        let batches = stride(from: 0, to: order.count, by: batchSize).map { Array(order[$0..<min(order.count, $0 + batchSize)]) }
        out.values.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: batches.count) { b in
                do {
                    let vectors = try model.pooledBatch(batches[b].map { ids[$0] }, pooling: configuration.pooling)
                    for (i, v) in zip(batches[b], vectors) { for k in 0..<h { (base + i * h + k).pointee = v[k] } }
                } catch { lock.lock(); failure = error; lock.unlock() }
            }
        }
        if let failure { throw failure }
        return out
    }

    /// The documents `rows` of `corpus`, each encoded once per featurizer and then served from the cache.
    public func encode(_ corpus: TokenizedCorpus, rows: [Int]) throws -> FeatureMatrix {
        lock.lock(); let missing = rows.filter { cache[$0] == nil }; lock.unlock()
        if !missing.isEmpty {
            let m = try vectors(missing.map { corpus.texts[$0] })
            lock.lock()
            for (i, r) in missing.enumerated() { cache[r] = Array(m.values[i * columnCount..<(i + 1) * columnCount]) }
            lock.unlock()
        }
        lock.lock(); defer { lock.unlock() }
        return .dense(DenseMatrix(rowCount: rows.count, columnCount: columnCount, values: rows.flatMap { cache[$0]! }))
    }

    public func transform(_ corpus: TokenizedCorpus, rows: [Int]) -> FeatureMatrix {
        (try? encode(corpus, rows: rows)) ?? .dense(DenseMatrix(rowCount: rows.count, columnCount: columnCount))
    }

    public func transform(tokenized documents: [[String]]) -> FeatureMatrix {
        (try? vectors(documents.map { $0.joined(separator: " ") })).map { .dense($0) } ?? .dense(DenseMatrix(rowCount: documents.count, columnCount: columnCount))
    }

    public func transform(texts: [String], tokenizer: Tokenizer) throws -> FeatureMatrix { .dense(try vectors(texts)) }

    public func featureName(_ column: Int) -> String { "\(configuration.pooling.rawValue)\(column)" }

    /// The saved model refers to the checkpoint folder (the weights are not copied into every model folder).
    public func encode(into w: inout BinaryWriter) throws {
        w.write(String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self))
    }

    public static func decode(from r: inout BinaryReader) throws -> BertFeaturizer {
        let c = try JSONDecoder().decode(BertFeatureConfiguration.self, from: Data(try r.readString().utf8))
        return try BertFeaturizer(c)
    }
}
