import Foundation
import TestSupport
import Testing
import TextCore

@testable import Classify

/// `fasttext` (issue 16): fastText's supervised model.
@Suite struct FastTextTests {
    /// The same seed gives the same model bit for bit; another seed another one.
    @Test func deterministicForASeed() throws {
        let (x, y) = toyData()
        var c = FastTextConfiguration()
        c.dim = 16
        c.wordNgrams = 2
        c.buckets = 1000
        c.epochs = 3
        let a = try c.fit(x, labels: y, classCount: 3, seed: 7)
        let b = try c.fit(x, labels: y, classCount: 3, seed: 7)
        let other = try c.fit(x, labels: y, classCount: 3, seed: 8)
        #expect(a.input == b.input && a.output == b.output && a.scores(x) == b.scores(x))
        #expect(a.input != other.input)
    }

    /// Parallel shards give one model for a seed and a shard count, however many threads run them; another shard
    /// count is another model, and it still learns the classes.
    @Test func shardsGiveTheSameModelOnAnyNumberOfThreads() throws {
        let (x, y) = toyData(rows: 240, classes: 3)
        var c = FastTextConfiguration()
        c.dim = 16
        c.wordNgrams = 2
        c.buckets = 5000
        c.epochs = 5
        c.lr = 0.3
        c.threads = 3
        let one = try c.fit(x, labels: y, classCount: 3, seed: 11, workers: 1)
        for workers in [2, 3, nil] {
            let other = try c.fit(x, labels: y, classCount: 3, seed: 11, workers: workers)
            #expect(one.input == other.input && one.output == other.output)
        }
        var sequential = c
        sequential.threads = 1
        let plain = try sequential.fit(x, labels: y, classCount: 3, seed: 11)
        #expect(plain.input != one.input)
        func accuracy(_ m: FastText) -> Double {
            Double(zip(m.predict(x), y).filter { $0 == $1 }.count) / Double(y.count)
        }
        #expect(accuracy(plain) > 0.8)
        #expect(accuracy(one) > accuracy(plain) - 0.05)
        c.loss = .hs
        let tree = try c.fit(x, labels: y, classCount: 3, seed: 11, workers: 1)
        let treeTwo = try c.fit(x, labels: y, classCount: 3, seed: 11, workers: 2)
        #expect(tree.input == treeTwo.input && tree.output == treeTwo.output && accuracy(tree) > 0.8)
    }

    /// fastText's hash is FNV-1a over bytes sign-extended as C `int8_t`: ASCII as the textbook FNV-1a, bytes above
    /// 0x7f differ from it.
    @Test func hashIsFastTextsFNV() {
        func plain(_ s: String) -> UInt32 {
            var h: UInt32 = 2_166_136_261
            for b in s.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
            return h
        }
        #expect(FastText.Vocabulary.hash("</s>") == plain("</s>"))
        #expect(FastText.Vocabulary.hash("a") == 0xE40C_292C)
        #expect(FastText.Vocabulary.hash("é") != plain("é"))
        // Word bigrams of n tokens (plus the end token) give n bucket ids.
        let v = FastText.Vocabulary(words: [], wordNgrams: 2, buckets: 97)
        #expect(
            v.ngramBuckets(["a", "b", "c"]).count == 3
                && v.ngramBuckets(["a", "b", "c"]).allSatisfy { $0 >= 0 && $0 < 97 })
    }

    /// Hierarchical softmax's class log-probabilities are a distribution over the classes, and the frequent class
    /// sits nearer the root (a shorter code).
    @Test func hierarchicalSoftmaxIsADistribution() throws {
        let (x, y) = toyData(rows: 90, classes: 3)
        var c = FastTextConfiguration()
        c.loss = .hs
        c.dim = 8
        let rows = y.indices.filter { y[$0] != 2 || $0 % 3 == 0 }
        let model = try c.fit(x.rows(rows), labels: rows.map { y[$0] }, classCount: 3, seed: 1)
        let s = model.scores(x)
        for r in 0..<s.rowCount {
            let total = (0..<3).reduce(0.0) { $0 + exp(Double(s[r, $1])) }
            #expect(abs(total - 1) < 1e-4)
        }
        let tree = try #require(model.tree)
        #expect(tree.paths[2].count >= tree.paths[0].count)
    }

    /// The tree of class counts 5, 3, 2, 1 by hand, as fastText's `buildTree` makes it: leaves by ascending count
    /// (3, 2, 1, 0); node 4 = {3, 2} (count 3), node 5 = {node 4, 1} (a tie goes to the inner node; count 6), root
    /// 6 = {0, node 5}; paths leaf to root as inner-node rows (node - 4), codes the second-child flags.
    @Test func huffmanTreeByHand() {
        let tree = FastText.HuffmanTree([5, 3, 2, 1])
        #expect(tree.paths == [[2], [1, 2], [0, 1, 2], [0, 1, 2]])
        #expect(tree.codes == [[false], [true, true], [true, false, true], [false, false, true]])
        #expect(tree.innerNodes == 3)
        let one = FastText.HuffmanTree([7])
        #expect(one.paths == [[]] && one.innerNodes == 1)
    }

    /// A document of words never seen is scored from the end token's row alone: finite scores, a prediction.
    @Test func unknownWordsStillGetAPrediction() throws {
        let (x, y) = toyData()
        let model = try FastTextConfiguration().fit(x, labels: y, classCount: 3, seed: 1)
        var m = SparseMatrix(columnCount: 12, rowStart: [0, 0])
        m.sequences = TokenSequences(documents: [["never", "seen"]])
        let s = model.scores(.sparse(m))
        #expect((0..<3).allSatisfy { s[0, $0].isFinite } && model.predict(.sparse(m)).count == 1)
    }

    /// The learning rate per processed token: fastText's linear decay from lr to 0 over all epochs' tokens.
    @Test func learningRateDecaysLinearlyToZero() {
        #expect(FastText.learningRate(0.5, processed: 0, total: 1_000) == 0.5)
        #expect(FastText.learningRate(0.5, processed: 250, total: 1_000) == 0.375)
        #expect(FastText.learningRate(0.5, processed: 500, total: 1_000) == 0.25)
        #expect(FastText.learningRate(0.5, processed: 999, total: 1_000) == Float(0.5 * 0.001))
        #expect(FastText.learningRate(0.5, processed: 1_000, total: 1_000) == 0)
        // Past the end (the last document's tokens are counted before its update): never negative.
        #expect(FastText.learningRate(0.5, processed: 1_200, total: 1_000) == 0)
    }

    /// The trainer follows that schedule: its last update, after every epoch's tokens, runs at a rate of at most
    /// lr x (the longest document's tokens x shards) / (all tokens), on one shard and on several (a trainer that
    /// keeps lr constant ends at lr).
    @Test(arguments: [1, 3]) func trainerEndsItsScheduleNearZero(_ threads: Int) {
        var settings = FastTextConfiguration()
        settings.dim = 8
        settings.epochs = 4
        settings.lr = 0.5
        settings.threads = threads
        var rng = Xoshiro256StarStar(seed: 3)
        let documents = 300
        let lines: [(rows: [Int32], count: Int)] = (0..<documents).map { _ in
            let words = (0..<(2 + rng.nextIndex(6))).map { _ in Int32(rng.nextIndex(40)) }
            return (words, words.count)
        }
        let tokens = lines.map { $0.count + 1 }
        let labels = (0..<documents).map { $0 % 2 }
        let sgd = FastText.ShardedSGD(
            lines: lines, tokens: tokens, labels: labels, settings: settings, tree: nil, classCount: 2)
        var input = (0..<(40 * 8)).map { _ in Float(rng.nextUnit() - 0.5) / 8 }
        var output = [Float](repeating: 0, count: 2 * 8)
        let (loss, _, lastRate) = sgd.train(input: &input, output: &output, rng: &rng)
        let total = Double(tokens.reduce(0, +) * settings.epochs)
        let bound = 0.5 * Double((tokens.max() ?? 0) * threads) / total
        #expect(lastRate >= 0 && Double(lastRate) <= bound, "last rate \(lastRate), bound \(bound)")
        #expect(loss.isFinite && loss > 0)
    }
}
