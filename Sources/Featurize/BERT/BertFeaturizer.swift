import CBLAS
import Foundation
import TextCore
import Tokenize

/// Settings of the `bert` feature set.
public struct BertFeatureConfiguration: Sendable, Codable, Hashable {
    /// A checkpoint folder in the Hugging Face layout (absolute once the pipeline resolved it).
    public var model: String
    /// Which output stands for the document.
    public var pooling: BertPooling = .cls
    /// Tokens per document including [CLS] and [SEP] (at most the model's positions).
    public var maxLength = 128
    /// Settings for a checkpoint folder (or `minilm`), [CLS] pooling, 128 tokens.
    public init(model: String) { self.model = model }
}

/// How far an encode has come: reported every `interval` seconds and once at the end.
public struct EncodeProgress: Sendable {
    /// Texts encoded so far.
    public var done: Int
    /// Texts to encode.
    public var total: Int
    /// Speed so far.
    public var textsPerSecond: Double
    /// Estimated time left.
    public var secondsLeft: Double
    /// Share done.
    public var fraction: Double { total == 0 ? 1 : Double(done) / Double(total) }

    /// `encoding [#########.....................] 1184/4000 texts, 310 texts/s, 9 s left`.
    public var summary: String {
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        return String(
            format: "encoding [%@] %d/%d texts, %.0f texts/s, %.0f s left", bar, done, total, textsPerSecond,
            secondsLeft)
    }
}

/// Document vectors from a pretrained BERT encoder: the cleaned text goes through WordPiece and the encoder;
/// nothing is fitted, so one featurizer (and its cache of encoded documents) serves every fold.
public final class BertFeaturizer: FittedFeaturizer, @unchecked Sendable {
    /// `bert`.
    public var kind: String { "bert" }
    /// Its settings.
    public let configuration: BertFeatureConfiguration
    let model: BertModel
    let tokenizer: WordPieceTokenizer
    private var cache: [Int: [Float]] = [:]
    private let lock = NSLock()
    /// The hidden size.
    public var columnCount: Int { model.configuration.hiddenSize }

    /// Loads the checkpoint and its vocabulary.
    public init(_ c: BertFeatureConfiguration) throws {
        let folder = URL(fileURLWithPath: c.model)
        model = try BertModel(folder: folder)
        tokenizer = try WordPieceTokenizer(vocabularyFile: folder.appendingPathComponent("vocab.txt"))
        guard c.maxLength >= 2, c.maxLength <= model.configuration.maxPositionEmbeddings else {
            throw TextpipeError(
                .spec, "max_length must be in 2...\(model.configuration.maxPositionEmbeddings), got \(c.maxLength)",
                key: "max_length")
        }
        configuration = c
    }

    /// Batches of documents sorted by length (similar lengths together), one batch per task: the grouping `vectors`
    /// encodes with, as indices into `texts`. A document's vector can depend in its last bits on the batch it was
    /// padded and multiplied with, so a cluster that must give the local run's vectors encodes these same batches.
    public func batches(_ texts: [String]) -> [[Int]] {
        Self.batches(texts.map { tokenizer.encode($0, maxLength: configuration.maxLength).ids })
    }

    static func batches(_ ids: [[Int32]]) -> [[Int]] {
        let order = ids.indices.sorted { ids[$0].count < ids[$1].count }
        let batchSize = 32
        return stride(from: 0, to: order.count, by: batchSize).map {
            Array(order[$0..<min(order.count, $0 + batchSize)])
        }
    }

    /// The vectors of one batch of texts, encoded together in this order (as `vectors` encodes each of its batches).
    public func vectors(batch texts: [String]) throws -> [[Float]] {
        let previousThreads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(previousThreads) }
        return try model.pooledBatch(
            texts.map { tokenizer.encode($0, maxLength: configuration.maxLength).ids }, pooling: configuration.pooling)
    }

    /// Encodes texts across the cores (one document per task; OpenBLAS itself runs single-threaded meanwhile).
    func vectors(_ texts: [String], progress: ((EncodeProgress) -> Void)? = nil, interval: Double = 10) throws
        -> DenseMatrix
    {
        let h = columnCount
        var out = DenseMatrix(rowCount: texts.count, columnCount: h)
        let previousThreads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(previousThreads) }
        var failure: Error?
        let ids = texts.map { tokenizer.encode($0, maxLength: configuration.maxLength).ids }
        let batches = Self.batches(ids)
        var clock = ProgressClock(interval: interval)
        var done = 0
        func report(_ n: Int, force: Bool) {  // called under `lock`
            done += n
            guard let progress, clock.isDue(force: force) else { return }
            let rate = Double(done) / max(1e-9, clock.elapsed)
            progress(
                EncodeProgress(
                    done: done, total: texts.count, textsPerSecond: rate,
                    secondsLeft: Double(texts.count - done) / max(rate, 1e-9)))
        }
        out.values.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.start
            DispatchQueue.concurrentPerform(iterations: batches.count) { b in
                do {
                    let vectors = try model.pooledBatch(batches[b].map { ids[$0] }, pooling: configuration.pooling)
                    for (i, v) in zip(batches[b], vectors) { for k in 0..<h { (base + i * h + k).pointee = v[k] } }
                    lock.lock()
                    report(batches[b].count, force: false)
                    lock.unlock()
                } catch {
                    lock.lock()
                    failure = error
                    lock.unlock()
                }
            }
        }
        if let failure { throw failure }
        if progress != nil, !texts.isEmpty {
            lock.lock()
            report(0, force: true)
            lock.unlock()
        }
        return out
    }

    /// Per-word vectors for sequence labelling: each sentence's words (already split, as a CoNLL file gives them)
    /// go through WordPiece, and each word gets the last layer's output at its first piece (`words x hidden`
    /// per sentence). Long sentences are encoded in windows of at most `max_length` pieces.
    public func wordVectors(_ sentences: [[String]]) throws -> [DenseMatrix] {
        let h = columnCount
        var windows: [(sentence: Int, window: Tokenize.WordPieceTokenizer.WordAlignedWindow)] = []
        for (s, words) in sentences.enumerated() where !words.isEmpty {
            for w in tokenizer.encode(words: words, maxLength: configuration.maxLength) { windows.append((s, w)) }
        }
        var out = sentences.map { DenseMatrix(rowCount: $0.count, columnCount: h) }
        let order = windows.indices.sorted { windows[$0].window.ids.count < windows[$1].window.ids.count }
        let batches = stride(from: 0, to: order.count, by: 32).map { Array(order[$0..<min(order.count, $0 + 32)]) }
        let previousThreads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(previousThreads) }
        var results = [[[Float]]](repeating: [], count: batches.count)
        var failure: Error?
        results.withUnsafeMutableBufferPointer { slots in
            let base = slots.start
            DispatchQueue.concurrentPerform(iterations: batches.count) { b in
                do { (base + b).pointee = try model.encodeBatch(batches[b].map { windows[$0].window.ids }) } catch {
                    lock.lock()
                    failure = error
                    lock.unlock()
                }
            }
        }
        if let failure { throw failure }
        for (b, batch) in batches.enumerated() {
            for (j, i) in batch.enumerated() {
                let (s, window) = windows[i]
                let x = results[b][j]
                for (k, start) in window.wordStarts.enumerated() {
                    let row = window.firstWord + k
                    for c in 0..<h { out[s][row, c] = x[start * h + c] }
                }
            }
        }
        return out
    }

    /// The documents `rows` of `corpus`, each encoded once per featurizer and then served from the cache.
    public func encode(
        _ corpus: TokenizedCorpus, rows: [Int], progress: ((EncodeProgress) -> Void)? = nil, interval: Double = 10
    ) throws -> FeatureMatrix {
        lock.lock()
        let missing = rows.filter { cache[$0] == nil }
        lock.unlock()
        if !missing.isEmpty {
            let m = try vectors(missing.map { corpus.texts[$0] }, progress: progress, interval: interval)
            lock.lock()
            for (i, r) in missing.enumerated() { cache[r] = Array(m.values[i * columnCount..<(i + 1) * columnCount]) }
            lock.unlock()
        }
        lock.lock()
        defer { lock.unlock() }
        var values: [Float] = []
        values.reserveCapacity(rows.count * columnCount)
        for r in rows {
            guard let v = cache[r] else { throw TextpipeError(.internal, "document \(r) was not encoded") }
            values += v
        }
        return .dense(DenseMatrix(rowCount: rows.count, columnCount: columnCount, values: values))
    }

    /// The vectors of documents `rows` (cached by row across folds).
    public func transform(_ corpus: TokenizedCorpus, rows: [Int]) throws -> FeatureMatrix {
        try encode(corpus, rows: rows)
    }

    /// The vectors of pre-tokenized documents (joined with spaces).
    public func transform(tokenized documents: [[String]]) throws -> FeatureMatrix {
        .dense(try vectors(documents.map { $0.joined(separator: " ") }))
    }

    /// The vectors of raw texts.
    public func transform(texts: [String], tokenizer: Tokenizer) throws -> FeatureMatrix { .dense(try vectors(texts)) }

    /// `<pooling><column>`.
    public func featureName(_ column: Int) -> String { "\(configuration.pooling.rawValue)\(column)" }

    /// The saved model refers to the checkpoint folder (the weights are not copied into every model folder).
    public func encode(into w: inout BinaryWriter) throws {
        w.write(String(decoding: try StableJSON.encode(configuration), as: UTF8.self))
    }

    /// Reads the settings and loads the checkpoint they name.
    public static func decode(from r: inout BinaryReader) throws -> BertFeaturizer {
        let c = try JSONDecoder().decode(BertFeatureConfiguration.self, from: Data(try r.readString().utf8))
        return try BertFeaturizer(c)
    }
}
