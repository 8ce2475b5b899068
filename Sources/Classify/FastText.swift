import CKernels
import Foundation
import TextCore

/// Hyperparameters of the fastText-style classifier (Joulin et al. 2016, "Bag of Tricks for Efficient Text
/// Classification"): the averaged embeddings of a document's words and hashed word n-grams, a linear softmax on top,
/// trained by SGD with a linearly decaying learning rate, as `fasttext supervised`.
public struct FastTextConfiguration: ClassifierConfiguration {
    /// The output layer.
    public enum Loss: String, Sendable, Codable, Hashable, CaseIterable {
        /// A full softmax over the classes.
        case softmax
        /// Hierarchical softmax over a Huffman tree of the class counts (fast with many classes).
        case hs
    }
    /// Embedding size.
    public var dim = 100
    /// Longest word n-gram (1: words only).
    public var wordNgrams = 1
    /// Hash buckets for word n-grams (used when `word_ngrams` > 1).
    public var buckets = 2_000_000
    /// Words seen fewer times are dropped (their hashes still enter n-grams, as fastText does).
    public var minCount = 1
    /// Passes over the training documents.
    public var epochs = 5
    /// The learning rate at the start; it decays linearly to 0.
    public var lr = 0.1
    /// Softmax or hierarchical softmax.
    public var loss = Loss.softmax
    /// Parallel SGD shards: the model depends on the seed and this number, never on the machine.
    public var threads = 1
    /// fastText's defaults for `supervised`.
    public init() {}

    /// One line for the README.
    public static let summary =
        "fastText's supervised model (Joulin et al. 2016): averaged word and hashed word n-gram embeddings, a linear "
        + "softmax (or hierarchical softmax), SGD with a linearly decaying rate; reads token sequences"
    /// What it needs and gives (declared once, read before training).
    public static let capabilities: ClassifierCapabilities = [.needsSequences, .givesProbabilities, .usesSeed]
    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<Self>] = [
        .integer("dim", \.dim, minimum: 1, "embedding size"),
        .integer("word_ngrams", \.wordNgrams, minimum: 1, "longest word n-gram (1: words only)"),
        .integer("buckets", \.buckets, minimum: 1, "hash buckets of the word n-grams (with word_ngrams > 1)"),
        .integer("min_count", \.minCount, minimum: 1, "rarer words are dropped (their n-grams stay)"),
        .integer("epochs", \.epochs, minimum: 1, "passes over the training documents"),
        .number("lr", \.lr, .positive, "learning rate at the start, decaying linearly to 0"),
        .choice("loss", \.loss, "`softmax`, or `hs`: hierarchical softmax over a Huffman tree of the class counts"),
        .integer(
            "threads", \.threads, minimum: 1,
            "parallel SGD shards, run on up to that many cores; the model depends on the seed and this number only")
    ]

    /// Checks the sizes.
    public func validate(present: Set<String>) throws {
        guard dim <= 4096 else { throw SettingsConflict(key: "dim", "dim is at most 4096, got \(dim)") }
        guard wordNgrams <= 8 else {
            throw SettingsConflict(key: "word_ngrams", "word_ngrams is at most 8, got \(wordNgrams)")
        }
        guard threads <= 64 else { throw SettingsConflict(key: "threads", "threads is at most 64, got \(threads)") }
        guard buckets <= 1 << 26 else {
            throw SettingsConflict(key: "buckets", "buckets is at most 67108864, got \(buckets)")
        }
    }

    /// SGD over the training documents in a seeded order, reshuffled every epoch, on `threads` shards (`ShardedSGD`):
    /// the same model for the same seed and shard count on every machine.
    public func fit(_ x: FeatureMatrix, labels: [Int], classCount K: Int, seed: UInt64) throws -> FastText {
        try fit(x, labels: labels, classCount: K, seed: seed, workers: nil)
    }

    /// `fit` with the shards run on `workers` threads (nil: one per core): the model is the same for any number.
    func fit(_ x: FeatureMatrix, labels: [Int], classCount K: Int, seed: UInt64, workers: Int?) throws -> FastText {
        try TrainingData.validate(x, labels: labels, classCount: K, model: FastText.kind)
        try validate(present: [])
        let sequences = try TrainingData.sequences(x, model: FastText.kind)
        var frequency: [String: Int] = [:]
        for r in 0..<sequences.count {
            for t in sequences.strings(r) { frequency[t, default: 0] += 1 }
            frequency[FastText.eos, default: 0] += 1
        }
        // fastText's order: by count, most frequent first (ties by the word, so the order is stable).
        let words = frequency.filter { $0.value >= minCount }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            .map(\.key)
        // Only the n-gram buckets the training documents hash into get rows (fastText allocates all of them; a bucket
        // no training document reaches keeps its initial value there, and counts as zero here).
        var vocabulary = FastText.Vocabulary(
            words: words, wordNgrams: wordNgrams, buckets: wordNgrams > 1 ? buckets : 0)
        for r in 0..<sequences.count { vocabulary.register(sequences.strings(r)) }
        let rows = vocabulary.rowCount
        guard rows.multipliedReportingOverflow(by: dim).partialValue < 1 << 31 else {
            throw TextpipeError(.spec, "fasttext: \(rows) x \(dim) embeddings are too many; lower buckets or dim")
        }
        let lines = (0..<sequences.count).map { vocabulary.line(sequences.strings($0)) }
        var rng = Xoshiro256StarStar(seed: seed)
        // Input embeddings uniform in [-1/dim, 1/dim] (each row from its own seeded stream, so a row's start does not
        // depend on which other buckets exist), output weights zero: fastText's initialisation.
        var input = [Float](repeating: 0, count: rows * dim)
        let bound = 1 / Float(dim)
        for row in 0..<rows {
            var stream = Xoshiro256StarStar(
                seed: seed ^ (UInt64(truncatingIfNeeded: vocabulary.rowKey(row)) &* 0x9E37_79B9_7F4A_7C15))
            for j in 0..<dim { input[row * dim + j] = (Float(stream.nextUnit()) * 2 - 1) * bound }
        }
        let classCounts = TrainingData.classCounts(labels, classCount: K)
        let tree = loss == .hs ? FastText.HuffmanTree(classCounts) : nil
        var output = [Float](repeating: 0, count: (tree.map { $0.innerNodes } ?? K) * dim)
        var sgd = FastText.ShardedSGD(
            lines: lines, tokens: (0..<sequences.count).map { sequences.row($0).count + 1 }, labels: labels,
            settings: self, tree: tree, classCount: K)
        sgd.workers = workers
        let trained = sgd.train(input: &input, output: &output, rng: &rng)
        return FastText(
            settings: self, classCount: K, vocabulary: vocabulary, input: input, output: output,
            classCounts: classCounts,
            tree: tree, lastEpochLoss: trained.loss, meanTrainingLoss: trained.meanLoss)
    }
}

/// A trained fastText-style model: `p(y | x) = softmax(B · mean(A[ids(x)]))`.
public struct FastText: Classifier {
    /// Spec name.
    public static let kind = "fasttext"
    /// Generative or discriminative.
    public static let family = ModelFamily.discriminative
    /// The end-of-line token fastText adds to every line.
    static let eos = "</s>"

    /// Words to rows, and a document's rows: its known words, the end token, and its hashed word n-grams.
    struct Vocabulary: Sendable {
        let words: [String]
        let ids: [String: Int32]
        let wordNgrams: Int
        /// The hash modulus of word n-grams (0: none).
        let buckets: Int
        /// The buckets that have rows, in row order (after the words' rows), and their rows.
        private(set) var bucketList: [Int32] = []
        private var bucketRows: [Int32: Int32] = [:]

        init(words: [String], wordNgrams: Int, buckets: Int, bucketList: [Int32] = []) {
            self.words = words
            var ids: [String: Int32] = [:]
            for (i, w) in words.enumerated() { ids[w] = Int32(i) }
            self.ids = ids
            self.wordNgrams = wordNgrams
            self.buckets = buckets
            for b in bucketList { addBucket(b) }
        }

        /// Rows: the words', then the buckets'.
        var rowCount: Int { words.count + bucketList.count }

        /// What seeds row `row`'s initial values: the word's index, or the bucket id offset past every word index.
        func rowKey(_ row: Int) -> Int { row < words.count ? row : (1 << 40) + Int(bucketList[row - words.count]) }

        private mutating func addBucket(_ b: Int32) {
            guard bucketRows[b] == nil else { return }
            bucketRows[b] = Int32(words.count + bucketList.count)
            bucketList.append(b)
        }

        /// fastText's 32-bit FNV-1a over the word's bytes, each sign-extended as a C `int8_t`.
        static func hash(_ word: String) -> UInt32 {
            var h: UInt32 = 2_166_136_261
            for b in word.utf8 {
                h ^= UInt32(bitPattern: Int32(Int8(bitPattern: b)))
                h = h &* 16_777_619
            }
            return h
        }

        /// The buckets of a document's word n-grams, as `Dictionary::addWordNgrams` computes them.
        func ngramBuckets(_ tokens: [String]) -> [Int32] {
            guard wordNgrams > 1, buckets > 0 else { return [] }
            let hashes = (tokens + [FastText.eos]).map { Int32(bitPattern: Self.hash($0)) }
            var out: [Int32] = []
            for i in hashes.indices {
                var h = UInt64(bitPattern: Int64(hashes[i]))
                var j = i + 1
                while j < hashes.count && j < i + wordNgrams {
                    h = h &* 116_049_371 &+ UInt64(bitPattern: Int64(hashes[j]))
                    out.append(Int32(h % UInt64(buckets)))
                    j += 1
                }
            }
            return out
        }

        /// Gives every n-gram bucket of a training document a row.
        mutating func register(_ tokens: [String]) {
            for b in ngramBuckets(tokens) { addBucket(b) }
        }

        /// The rows a document's tokens select (known words, the end token, n-gram buckets that have rows) and how
        /// many ids it has in all (fastText averages over every id, a bucket without a row counting as zero).
        func line(_ tokens: [String]) -> (rows: [Int32], count: Int) {
            var out: [Int32] = []
            out.reserveCapacity(tokens.count * wordNgrams + 1)
            for t in tokens + [FastText.eos] { if let id = ids[t] { out.append(id) } }
            let wordRows = out.count
            let grams = ngramBuckets(tokens)
            for b in grams { if let row = bucketRows[b] { out.append(row) } }
            return (out, wordRows + grams.count)
        }
    }

    /// Hierarchical softmax's tree: Huffman-coded classes (frequent classes near the root), as fastText builds it.
    struct HuffmanTree: Sendable {
        /// Per class, the inner nodes on its path (output rows) and the branch taken at each (1: right).
        let paths: [[Int32]]
        let codes: [[Bool]]
        let innerNodes: Int

        init(_ counts: [Int]) {
            let K = counts.count
            let count = counts.map { Int64(max(1, $0)) }
            // Leaves sorted by count ascending, as fastText's (which sorts labels by count descending and walks back).
            let (parent, binary) = HuffmanCoding.merge(
                counts: count, order: (0..<K).sorted { (count[$0], $0) < (count[$1], $1) })
            var paths: [[Int32]] = []
            var codes: [[Bool]] = []
            for k in 0..<K {
                var p: [Int32] = []
                var c: [Bool] = []
                var j = k
                while parent[j] != -1 {
                    p.append(Int32(parent[j] - K))
                    c.append(binary[j])
                    j = parent[j]
                }
                paths.append(p)
                codes.append(c)
            }
            self.paths = paths
            self.codes = codes
            innerNodes = max(1, K - 1)
        }
    }

    let settings: FastTextConfiguration
    /// Classes.
    public let classCount: Int
    let vocabulary: Vocabulary
    /// Input embeddings, row-major (words, then the n-gram buckets that have rows) x dim.
    let input: [Float]
    /// Output weights, row-major: classes (or the tree's inner nodes) x dim.
    let output: [Float]
    /// Training documents per class (hierarchical softmax's tree is built from them).
    let classCounts: [Int]
    let tree: HuffmanTree?
    let lastEpochLoss: Double
    /// The mean loss per document over every epoch: fastText's `avg.loss` (nil in models saved before it was kept).
    let meanTrainingLoss: Double?

    /// Feature columns it was trained on (none: it reads sequences).
    public var featureCount: Int { 0 }
    /// Logits (log-probabilities for hierarchical softmax): probabilities by softmax.
    public var scoreKind: ScoreKind { .logit }
    /// Vocabulary, the last epoch's mean loss and the mean over all epochs (fastText's `avg.loss`), for the report.
    public var trainingSummary: [String: String] {
        var s = [
            "vocabulary": "\(vocabulary.words.count) words + \(vocabulary.bucketList.count) n-gram buckets",
            "last epoch loss": String(format: "%.4f", lastEpochLoss)
        ]
        if let meanTrainingLoss { s["mean training loss"] = String(format: "%.6f", meanTrainingLoss) }
        return s
    }

    /// Per-class logits (softmax), or log-probabilities along the tree (hierarchical softmax), with the kernels
    /// training uses. A document with no known word or n-gram has a zero hidden layer.
    public func scores(_ x: FeatureMatrix) -> DenseMatrix {
        var out = DenseMatrix(rowCount: x.rowCount, columnCount: classCount)
        guard let sequences = x.sequences else { return out }
        let dim = settings.dim
        var hidden = [Float](repeating: 0, count: dim)
        input.withUnsafeBufferPointer { inputBuffer in
            output.withUnsafeBufferPointer { outputBuffer in
                hidden.withUnsafeMutableBufferPointer { hiddenBuffer in
                    guard let w = inputBuffer.baseAddress, let o = outputBuffer.baseAddress,
                        let h = hiddenBuffer.baseAddress
                    else { return }
                    for r in 0..<sequences.count {
                        // The hidden layer: the mean of the document's rows.
                        let line = vocabulary.line(sequences.strings(r))
                        h.update(repeating: 0, count: dim)
                        for id in line.rows { textpipe_saxpy(1, w + Int(id) * dim, h, Int32(dim)) }
                        let scale = 1 / Float(max(1, line.count))
                        for j in 0..<dim { h[j] *= scale }
                        for k in 0..<classCount {
                            guard let tree else {
                                out[r, k] = textpipe_sdot(o + k * dim, h, Int32(dim))
                                continue
                            }
                            var logp: Float = 0
                            for (node, code) in zip(tree.paths[k], tree.codes[k]) {
                                let s = textpipe_sdot(o + Int(node) * dim, h, Int32(dim))
                                // log sigmoid(s) or log sigmoid(-s), computed stably.
                                let z = code ? s : -s
                                logp += -(max(-z, 0) + log1p(exp(-abs(z))))
                            }
                            out[r, k] = logp
                        }
                    }
                }
            }
        }
        return out
    }

    /// Writes the settings, vocabulary and both matrices (plain row-major floats: easy to quantize later).
    public func encode(into w: inout BinaryWriter) throws {
        w.write(String(decoding: try JSONEncoder().encode(settings), as: UTF8.self))
        w.write(UInt64(classCount))
        w.write(UInt64(vocabulary.buckets))
        w.write(strings: vocabulary.words)
        w.write(array: vocabulary.bucketList)
        w.write(array: input)
        w.write(array: output)
        w.write(array: classCounts.map { Int64($0) })
        w.write(array: [lastEpochLoss] + (meanTrainingLoss.map { [$0] } ?? []))
    }

    /// Reads a model written by `encode`, checking every size.
    public static func decode(from r: inout BinaryReader) throws -> FastText {
        let settings: FastTextConfiguration
        do {
            settings = try JSONDecoder().decode(FastTextConfiguration.self, from: Data(try r.readString().utf8))
        } catch { throw TextpipeError(.model, "corrupt fasttext settings: \(error)") }
        let K = try r.readCount()
        let buckets = try r.readCount()
        let words = try r.readStrings()
        let bucketList = try r.readArray(Int32.self)
        let input = try r.readFloats()
        let output = try r.readFloats()
        let counts = try r.readArray(Int64.self).map { Int($0) }
        let loss = try r.readDoubles()
        guard K >= 2, counts.count == K, counts.allSatisfy({ $0 >= 0 }), settings.dim >= 1,
            bucketList.allSatisfy({ $0 >= 0 && Int($0) < buckets }), Set(bucketList).count == bucketList.count,
            input.count == (words.count + bucketList.count) * settings.dim, loss.count == 1 || loss.count == 2
        else { throw TextpipeError(.model, "corrupt fasttext model") }
        // The tree is rebuilt from the class counts it was made from.
        let tree = settings.loss == .hs ? HuffmanTree(counts) : nil
        guard output.count == (tree?.innerNodes ?? K) * settings.dim else {
            throw TextpipeError(.model, "corrupt fasttext model")
        }
        return FastText(
            settings: settings, classCount: K,
            vocabulary: Vocabulary(
                words: words, wordNgrams: settings.wordNgrams, buckets: buckets, bucketList: bucketList), input: input,
            output: output, classCounts: counts, tree: tree, lastEpochLoss: loss[0],
            meanTrainingLoss: loss.count == 2 ? loss[1] : nil)
    }
}
