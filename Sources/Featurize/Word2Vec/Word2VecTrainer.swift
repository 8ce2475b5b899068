import CKernels
import Foundation
import TextCore
import Tokenize

/// word2vec's two architectures.
public enum Word2VecArchitecture: String, Sendable, Codable, Hashable, CaseIterable {
    /// The word predicts each context word (trained, as in word2vec.c and gensim, as context -> word pairs).
    case skipgram
    /// The mean of the context vectors predicts the word.
    case cbow
}

/// word2vec's two output layers.
public enum Word2VecOutput: String, Sendable, Codable, Hashable, CaseIterable {
    /// Noise words drawn from the unigram distribution to the 0.75 (Mikolov et al. 2013b).
    case negative
    /// A logistic unit per inner node of a Huffman tree over word counts (Mikolov et al. 2013a).
    case hierarchical
}

/// Hyperparameters of word2vec training.
public struct Word2VecConfiguration: Sendable, Codable, Hashable {
    /// The largest vector size accepted (a typo such as `1e8` would otherwise ask for terabytes).
    public static let maximumDimensions = 10_000

    /// Refuses settings training cannot use, naming the setting: sizes out of range, a non-finite or non-positive
    /// learning rate or subsampling threshold.
    public func check() throws {
        func refuse(_ key: String, _ message: String) -> TextpipeError { TextpipeError(.spec, message, key: key) }
        guard (1...Self.maximumDimensions).contains(dimensions) else {
            throw refuse("dimensions", "dimensions must be in 1...\(Self.maximumDimensions), got \(dimensions)")
        }
        guard window >= 1 else { throw refuse("window", "window must be at least 1, got \(window)") }
        guard negative >= 0 else { throw refuse("negative", "negative must be at least 0, got \(negative)") }
        guard minCount >= 1 else { throw refuse("min_count", "min_count must be at least 1, got \(minCount)") }
        guard epochs >= 1 else { throw refuse("epochs", "epochs must be at least 1, got \(epochs)") }
        guard (1...1024).contains(threads) else {
            throw refuse("threads", "threads must be in 1...1024, got \(threads)")
        }
        guard sample.isFinite, sample >= 0 else {
            throw refuse("sample", "sample must be a finite number >= 0, got \(sample)")
        }
        if let alpha, !(alpha.isFinite && alpha > 0) {
            throw refuse("alpha", "alpha must be a finite number > 0, got \(alpha)")
        }
    }

    /// Skip-gram or CBOW.
    public var architecture: Word2VecArchitecture = .skipgram
    /// Negative sampling or hierarchical softmax.
    public var output: Word2VecOutput = .negative
    /// Vector size.
    public var dimensions = 100
    /// Context words on each side (shrunk at random per word, as word2vec.c).
    public var window = 5
    /// Noise words per positive example.
    public var negative = 5
    /// Subsampling threshold for frequent words (0 disables it).
    public var sample = 1e-3
    /// Ignore rarer words.
    public var minCount = 5
    /// Keep the most frequent words only.
    public var maxVocabulary: Int? = nil
    /// Starting learning rate; nil means 0.025 for skip-gram and 0.05 for CBOW (word2vec.c's defaults).
    public var alpha: Double? = nil
    /// Passes over the corpus.
    public var epochs = 5
    /// Worker threads (lock-free "Hogwild" updates); 1 with a seed is deterministic.
    public var threads = 1
    /// Random seed.
    public var seed: UInt64 = 1
    /// word2vec.c's defaults.
    public init() {}

    var startingAlpha: Float { Float(alpha ?? (architecture == .skipgram ? 0.025 : 0.05)) }
}

/// Training progress, reported every so often.
public struct Word2VecProgress: Sendable {
    /// Share of the training done.
    public var fraction: Double
    /// Speed so far.
    public var wordsPerSecond: Double
    /// Mean loss per update since the start.
    public var loss: Double
    /// Estimated time left.
    public var secondsLeft: Double
    /// The current epoch (1-based).
    public var epoch: Int

    /// `epoch 2, 40%, 812345 words/s, loss 2.1043, 12 s left`.
    public var summary: String {
        String(
            format: "epoch %d, %3.0f%%, %.0f words/s, loss %.4f, %.0f s left", epoch, fraction * 100, wordsPerSecond,
            loss, secondsLeft)
    }
}

/// A corpus for word2vec: sentences of token strings, visited in `parts` disjoint parts (one per thread).
public protocol Word2VecCorpus {
    /// Calls `body` with the bytes of each token of each sentence of part `part`, and `end` after each sentence.
    func forEachToken(
        part: Int, of parts: Int, _ token: (UnsafeBufferPointer<UInt8>) -> Void, endOfSentence: () -> Void) throws
}

/// Trains word vectors: skip-gram or CBOW, negative sampling or hierarchical softmax, frequent-word
/// subsampling, a random window shrink and a linearly decaying learning rate, as in word2vec.c.
public struct Word2VecTrainer {
    /// Its settings.
    public let configuration: Word2VecConfiguration
    /// Called every `progressInterval` seconds and at each epoch's end.
    public var progress: ((Word2VecProgress) -> Void)?
    /// Seconds between progress reports during an epoch (a live bar wants about 0.25; cron logs 10 or more).
    public var progressInterval: Double

    /// A trainer with these settings.
    public init(
        _ configuration: Word2VecConfiguration, progressInterval: Double = 10,
        progress: ((Word2VecProgress) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.progress = progress
        self.progressInterval = progressInterval
    }

    /// Counts words, keeps those with at least `minCount` occurrences (and the `maxVocabulary` most frequent),
    /// sorted by descending count (ties by first occurrence).
    public func vocabulary(_ corpus: Word2VecCorpus) throws -> (words: [String], counts: [Int], index: ByteInterner) {
        try Self.vocabulary(corpus, minCount: configuration.minCount, maxVocabulary: configuration.maxVocabulary)
    }

    /// Counts words, keeps those with at least `minCount` occurrences (and the `maxVocabulary` most frequent),
    /// sorted by descending count (ties by first occurrence).
    public static func vocabulary(_ corpus: Word2VecCorpus, minCount: Int, maxVocabulary: Int?) throws -> (
        words: [String], counts: [Int], index: ByteInterner
    ) {
        var interner = ByteInterner(capacity: 1 << 16)
        var counts: [Int] = []
        try corpus.forEachToken(
            part: 0, of: 1,
            { bytes in
                let id = Int(interner.intern(bytes))
                if id == counts.count { counts.append(0) }
                counts[id] += 1
            }, endOfSentence: {})
        var kept = counts.indices.filter { counts[$0] >= minCount }
        kept.sort { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
        if let m = maxVocabulary, kept.count > m { kept = Array(kept.prefix(m)) }
        let words = kept.map { interner.string(Int32($0)) }
        var index = ByteInterner(capacity: words.count)
        for w in words { _ = index.intern(w) }
        return (words, kept.map { counts[$0] }, index)
    }

    /// Counts the vocabulary, builds the noise table or Huffman tree, and trains.
    public func train(_ corpus: Word2VecCorpus) throws -> WordVectors {
        try configuration.check()
        let c = configuration
        guard c.dimensions > 0, c.window > 0, c.epochs > 0, c.threads > 0, c.negative >= 0, c.sample >= 0 else {
            throw TextpipeError(
                .spec, "word2vec needs dimensions, window, epochs, threads > 0 and negative, sample >= 0",
                key: "word2vec")
        }
        let (words, counts, index) = try vocabulary(corpus)
        guard words.count >= 2 else {
            throw TextpipeError(
                .data,
                "word2vec: only \(words.count) word(s) occur at least min_count = \(c.minCount) times; lower min_count or give a larger corpus"
            )
        }
        let v = words.count
        let d = c.dimensions
        let totalWords = counts.reduce(0, +)
        // Only the flattened paths are kept; the tree's per-word arrays and the counting table are freed and
        // handed back to the system before the weight matrices are allocated.
        let paths = c.output == .hierarchical ? HuffmanTree.flatPaths(counts: counts) : nil
        textpipe_release_free_memory()
        let state = TrainingState(vocabularySize: v, dimensions: d, seed: c.seed, output: c.output)
        let noise = c.output == .negative ? AliasSampler(counts: counts, power: 0.75) : nil
        // Keep probability per word (word2vec.c): (sqrt(f / (s N)) + 1) (s N) / f.
        let keep: [Float] = counts.map { n in
            guard c.sample > 0 else { return 1 }
            let threshold = c.sample * Double(totalWords)
            return Float(((Double(n) / threshold).squareRoot() + 1) * threshold / Double(n))
        }
        let shared = SharedProgress(
            total: Double(totalWords) * Double(c.epochs), interval: progressInterval, report: progress)
        var failure: Error?
        let lock = NSLock()
        for epoch in 0..<c.epochs {
            shared.epoch = epoch + 1
            DispatchQueue.concurrentPerform(iterations: c.threads) { part in
                var worker = Worker(
                    configuration: c, state: state, noise: noise, keep: keep, shared: shared,
                    seed: c.seed &+ UInt64(epoch) &* 0x9E37_79B9 &+ UInt64(part) &* 7919, paths: paths)
                do {
                    var sentence: [Int32] = []
                    try corpus.forEachToken(
                        part: part, of: c.threads,
                        { bytes in
                            if let id = index.lookup(bytes) { sentence.append(id) }
                            if sentence.count >= 10_000 {
                                worker.trainSentence(sentence)
                                sentence.removeAll(keepingCapacity: true)
                            }
                        },
                        endOfSentence: {
                            worker.trainSentence(sentence)
                            sentence.removeAll(keepingCapacity: true)
                        })
                    worker.trainSentence(sentence)
                    worker.flush()
                    worker.release()
                } catch {
                    lock.lock()
                    failure = error
                    lock.unlock()
                }
            }
            if let failure {
                state.free()
                throw failure
            }
            if let progress { progress(shared.snapshot(epoch: epoch + 1)) }
        }
        // Free the output layer before copying the input vectors out, so peak memory holds two matrices, not three.
        state.output.deallocate()
        let result = Array(UnsafeBufferPointer(start: state.input, count: v * d))
        state.input.deallocate()
        return WordVectors(words: words, dimensions: d, vectors: result, counts: counts)
    }
}

/// The weights shared by all threads (updated without locks, as in word2vec.c).
final class TrainingState: @unchecked Sendable {
    let input: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let dimensions: Int
    init(vocabularySize v: Int, dimensions d: Int, seed: UInt64, output kind: Word2VecOutput) {
        input = .allocate(capacity: v * d)
        output = .allocate(capacity: v * d)
        output.initialize(repeating: 0, count: v * d)
        // word2vec.c: uniform in [-0.5, 0.5) / d.
        var rng = Xoshiro256StarStar(seed: seed)
        for i in 0..<(v * d) { input[i] = (Float(rng.nextUnit()) - 0.5) / Float(d) }
        dimensions = d
    }
    func free() {
        input.deallocate()
        output.deallocate()
    }
}

/// Words processed and loss, shared by threads (each adds its counts every few thousand words); reports
/// progress every `interval` seconds from whichever thread passes the mark.
final class SharedProgress: @unchecked Sendable {
    let total: Double
    var epoch = 1
    private var words = 0.0, loss = 0.0, lossCount = 0.0
    private var clock: ProgressClock
    private let report: ((Word2VecProgress) -> Void)?
    private let lock = NSLock()
    init(total: Double, interval: Double = 10, report: ((Word2VecProgress) -> Void)? = nil) {
        self.total = total
        clock = ProgressClock(interval: interval)
        self.report = report
    }
    func add(words w: Int, loss l: Double, updates u: Int) -> Double {
        lock.lock()
        words += Double(w)
        loss += l
        lossCount += Double(u)
        let done = words
        let due = report != nil && clock.isDue()
        lock.unlock()
        if due, let report { report(snapshot(epoch: epoch)) }
        return done
    }
    /// The current progress: fraction done, speed, mean loss per update since the start, time left.
    func snapshot(epoch: Int) -> Word2VecProgress {
        lock.lock()
        defer { lock.unlock() }
        let seconds = clock.elapsed
        return Word2VecProgress(
            fraction: min(1, words / total), wordsPerSecond: words / max(seconds, 1e-9),
            loss: lossCount > 0 ? loss / lossCount : 0,
            secondsLeft: seconds * (total - words) / max(words, 1), epoch: epoch)
    }
    func processed() -> Double {
        lock.lock()
        defer { lock.unlock() }
        return words
    }
    func meanLoss() -> Double {
        lock.lock()
        defer { lock.unlock() }
        return lossCount > 0 ? loss / lossCount : 0
    }
}
