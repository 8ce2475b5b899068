import Foundation
import TestSupport
import Testing
import TextCore
import Tokenize

@testable import Featurize

@Suite struct HuffmanTreeTests {
    /// The tree of the doc comment, computed by hand: counts 5, 3, 2, 1.
    @Test func handComputedTree() {
        let t = HuffmanTree(counts: [5, 3, 2, 1])
        #expect(t.innerCount == 3)
        #expect(t.points == [[2], [2, 1], [2, 1, 0], [2, 1, 0]])
        #expect(t.codes == [[0], [1, 1], [1, 0, 1], [1, 0, 0]])
        // The training loop's flat form says the same.
        let flat = HuffmanTree.flatPaths(counts: [5, 3, 2, 1])
        #expect(flat.start == [0, 1, 3, 6, 9])
        #expect(flat.points == [2, 2, 1, 2, 1, 0, 2, 1, 0])
        #expect(flat.labels == [1, 0, 0, 0, 1, 0, 0, 1, 1])
        let big = (1...300).map { 5000 / $0 }
        let a = HuffmanTree(counts: big).flattened()
        let b = HuffmanTree.flatPaths(counts: big)
        #expect(a.start == b.start && a.points == b.points && a.labels == b.labels)
    }

    @Test func codesArePrefixFreeAndFrequentWordsShort() {
        let counts = (1...200).map { 10_000 / $0 }
        let t = HuffmanTree(counts: counts)
        let strings = t.codes.map { $0.map(String.init).joined() }
        #expect(Set(strings).count == 200)
        for a in strings { for b in strings where a != b { #expect(!b.hasPrefix(a)) } }
        #expect(t.codes[0].count <= t.codes[199].count)
        // Kraft equality for a full binary tree.
        #expect(abs(t.codes.reduce(0.0) { $0 + pow(2, -Double($1.count)) } - 1) < 1e-9)
        #expect(t.points.allSatisfy { $0.allSatisfy { $0 >= 0 && Int($0) < t.innerCount } })
    }
}

@Suite struct AliasSamplerTests {
    @Test func noiseFrequenciesFollowCountsToThePower() {
        let counts = [1000, 100, 10, 1]
        let sampler = AliasSampler(counts: counts, power: 0.75)
        var rng = Xoshiro256StarStar(seed: 3)
        var seen = [Int](repeating: 0, count: 4)
        let draws = 400_000
        for _ in 0..<draws { seen[sampler.sample(rng.next())] += 1 }
        let weights = counts.map { pow(Double($0), 0.75) }
        let total = weights.reduce(0, +)
        for i in 0..<4 {
            let expected = weights[i] / total
            let observed = Double(seen[i]) / Double(draws)
            // Five standard deviations of a binomial proportion.
            #expect(
                abs(observed - expected) < 5 * (expected * (1 - expected) / Double(draws)).squareRoot() + 1e-4,
                "index \(i)")
        }
    }
}

@Suite struct Word2VecGradientTests {
    /// The update of one logistic unit equals -alpha times the gradient of -log sigmoid(+-f), for both labels:
    /// the step negative sampling and hierarchical softmax both take.
    @Test(arguments: [Float(1), Float(0)])
    func unitUpdateIsTheLossGradient(label: Float) {
        let d = 12
        var c = Word2VecConfiguration()
        c.dimensions = d
        let state = TrainingState(vocabularySize: 2, dimensions: d, seed: 1, output: .negative)
        defer { state.free() }
        var worker = Worker(
            configuration: c, state: state, noise: nil, keep: [1, 1], shared: SharedProgress(total: 1), seed: 1)
        defer { worker.release() }
        worker.alpha = 0.01
        var rng = Xoshiro256StarStar(seed: 5)
        let l1 = (0..<d).map { _ in Float(rng.nextUnit() - 0.5) }
        var out = (0..<d).map { _ in Float(rng.nextUnit() - 0.5) }
        let before = out
        var error = [Float](repeating: 0, count: d)
        l1.withUnsafeBufferPointer { a in
            out.withUnsafeMutableBufferPointer { o in
                error.withUnsafeMutableBufferPointer { e in
                    worker.unit(a.baseAddress!, o.baseAddress!, label: label, e.baseAddress!)
                }
            }
        }
        func loss(_ o: [Float]) -> Double {
            let f = Double(zip(l1, o).reduce(Float(0)) { $0 + $1.0 * $1.1 })
            let s = 1 / (1 + exp(-f))
            return -log(label == 1 ? s : 1 - s)
        }
        for k in 0..<d {
            var plus = before
            var minus = before
            plus[k] += 1e-3
            minus[k] -= 1e-3
            let gradient = (loss(plus) - loss(minus)) / 2e-3
            // The sigmoid comes from a 1000-entry table on [-6, 6]: agreement to its resolution.
            #expect(abs(Double(out[k] - before[k]) - (-0.01 * gradient)) < 2e-4, "component \(k)")
        }
    }
}

@Suite struct Word2VecTrainingTests {
    /// A corpus where "cat" and "dog" share contexts and "stock" and "bond" share others.
    func corpus() -> TokenizedCorpus {
        var rng = Xoshiro256StarStar(seed: 9)
        var docs: [Document] = []
        let animals = ["cat", "dog"]
        let finance = ["stock", "bond"]
        for i in 0..<3000 {
            let pets = i % 2 == 0
            let w = pets ? animals[rng.nextIndex(2)] : finance[rng.nextIndex(2)]
            let ctx =
                pets
                ? ["the", "furry", "pet", "sleeps", "purrs", "barks", "vet"]
                : ["the", "market", "price", "trader", "yield", "fund", "rate"]
            let text =
                (0..<6).map { _ in ctx[rng.nextIndex(ctx.count)] } + [w]
                + (0..<6).map { _ in ctx[rng.nextIndex(ctx.count)] }
            docs.append(Document(source: "", text: text.joined(separator: " "), label: nil))
        }
        return TokenizedCorpus(documents: docs, tokenizer: Tokenizer())
    }

    @Test(arguments: [
        (Word2VecArchitecture.skipgram, Word2VecOutput.negative), (.skipgram, .hierarchical),
        (.cbow, .negative), (.cbow, .hierarchical)
    ])
    func learnsSharedContexts(_ setting: (Word2VecArchitecture, Word2VecOutput)) throws {
        var c = Word2VecConfiguration()
        c.architecture = setting.0
        c.output = setting.1
        c.dimensions = 20
        c.epochs = 3
        c.minCount = 1
        c.sample = 0
        let data = corpus()
        let v = try Word2VecTrainer(c).train(TokenizedWord2VecCorpus(corpus: data, rows: Array(0..<data.documentCount)))
        // Each word's nearest among the four is its own kind.
        let s = { (a: String, b: String) in v.similarity(a, b)! }
        #expect(
            s("cat", "dog") > max(s("cat", "stock"), s("cat", "bond")),
            "cat~dog \(s("cat", "dog")), cat~stock \(s("cat", "stock"))")
        #expect(s("stock", "bond") > max(s("stock", "cat"), s("stock", "dog")), "stock~bond \(s("stock", "bond"))")
        // One thread and a seed: the same vectors again.
        let again = try Word2VecTrainer(c).train(
            TokenizedWord2VecCorpus(corpus: data, rows: Array(0..<data.documentCount)))
        #expect(again.vectors == v.vectors)
    }

    @Test func tooSmallAVocabularyIsAClearError() {
        let data = TokenizedCorpus(
            documents: [Document(source: "", text: "one two three", label: nil)], tokenizer: Tokenizer())
        #expect {
            try Word2VecTrainer(Word2VecConfiguration()).train(TokenizedWord2VecCorpus(corpus: data, rows: [0]))
        } throws: {
            ($0 as? TextpipeError)?.message.contains("min_count") == true
        }
    }
}

@Suite struct WordVectorFormatTests {
    let vectors = WordVectors(
        words: ["the", "café", "中"], dimensions: 3, vectors: [0.5, -1, 0.25, 1e-3, 2, -3.5, 0, 0, 1])

    @Test func textAndBinaryRoundTrips() throws {
        let dir = TestSupport.temporaryDirectory()
        for (name, data) in [("v.txt", vectors.textFormat()), ("v.bin", vectors.binaryFormat())] {
            let url = dir.appendingPathComponent(name)
            try data.write(to: url)
            let back = try WordVectors.load(url)
            #expect(back.words == vectors.words)
            for (a, b) in zip(back.vectors, vectors.vectors) { #expect(abs(a - b) < 1e-6) }
        }
        #expect(
            try WordVectors.load(
                {
                    let u = dir.appendingPathComponent("v.bin")
                    return u
                }(), limit: 2
            ).words == ["the", "café"])
    }

    @Test func malformedFilesNameTheLine() throws {
        let dir = TestSupport.temporaryDirectory()
        TestSupport.write("2 3\nthe 1 2 3\ncafe 1 x 3\n", to: dir.appendingPathComponent("bad.txt"))
        #expect { try WordVectors.load(dir.appendingPathComponent("bad.txt")) } throws: {
            ($0 as? TextpipeError)?.line == 3
        }
        TestSupport.write("hello\n", to: dir.appendingPathComponent("nohead.txt"))
        #expect { try WordVectors.load(dir.appendingPathComponent("nohead.txt")) } throws: {
            ($0 as? TextpipeError)?.line == 1
        }
        try vectors.binaryFormat().prefix(30).write(to: dir.appendingPathComponent("cut.bin"))
        #expect(throws: TextpipeError.self) { try WordVectors.load(dir.appendingPathComponent("cut.bin")) }
    }

    @Test func neighborsAnalogyAndSpearman() throws {
        let v = WordVectors(
            words: ["man", "woman", "king", "queen", "apple"], dimensions: 2,
            vectors: [1, 0, 1, 1, 3, 0, 3, 1, -1, -3])
        #expect(try v.analogy("man", "woman", "king", count: 1).first?.word == "queen")
        #expect(try v.neighbors(of: "king", count: 1).first?.word == "man")
        #expect(throws: TextpipeError.self) { try v.neighbors(of: "pear") }
        #expect(abs(WordVectorEvaluation.spearman([1, 2, 3, 4], [10, 20, 30, 40]) - 1) < 1e-12)
        #expect(abs(WordVectorEvaluation.spearman([1, 2, 3, 4], [4, 3, 2, 1]) + 1) < 1e-12)
        #expect(abs(WordVectorEvaluation.spearman([1, 2, 2, 3], [1, 2, 3, 4]) - 0.9486832980505138) < 1e-9)
    }
}

@Suite struct TextFileCorpusTests {
    /// Every line is read exactly once, whatever the number of parts.
    @Test(arguments: [1, 2, 3, 7])
    func partsCoverEveryLineOnce(parts: Int) throws {
        let url = TestSupport.temporaryDirectory().appendingPathComponent("c.txt")
        let lines = (0..<500).map { "line\($0) alpha beta" + ($0 % 7 == 0 ? " gamma" : "") }
        TestSupport.write(lines.joined(separator: "\n") + "\n", to: url)
        let corpus = TextFileWord2VecCorpus(url: url, tokenizer: Tokenizer())
        var firsts: [String] = []
        for p in 0..<parts {
            var sentence: [String] = []
            try corpus.forEachToken(
                part: p, of: parts, { sentence.append(String(decoding: $0, as: UTF8.self)) },
                endOfSentence: {
                    if let f = sentence.first { firsts.append(f) }
                    sentence = []
                })
        }
        #expect(firsts.sorted() == (0..<500).map { "line\($0)" }.sorted())
    }
}

/// Files written on Windows (CR LF line ends) read as the same files with LF.
@Suite struct CRLFFileTests {
    @Test func vectorsAndBenchmarkPairsWithCRLF() throws {
        let dir = TestSupport.temporaryDirectory()
        TestSupport.write("2 3\r\ncat 1 0 0.5\r\ndog 0 1 0.5\r\n", to: dir.appendingPathComponent("v.txt"))
        let v = try WordVectors.load(dir.appendingPathComponent("v.txt"))
        #expect(v.words == ["cat", "dog"] && v.dimensions == 3 && v.vector("cat").map(Array.init) == [1, 0, 0.5])
        TestSupport.write("# comment\r\ncat\tdog\t7.5\r\n\r\ndog\tcat\t2\r\n", to: dir.appendingPathComponent("p.tsv"))
        let pairs = try WordVectorEvaluation.readPairs(dir.appendingPathComponent("p.tsv"))
        #expect(pairs.count == 2 && pairs[0].2 == 7.5 && pairs[1].1 == "cat")
        TestSupport.write("word1 word2 x\r\n", to: dir.appendingPathComponent("bad.tsv"))
        #expect { try WordVectorEvaluation.readPairs(dir.appendingPathComponent("bad.tsv")) } throws: {
            ($0 as? TextpipeError)?.line == 1
        }
    }
}

/// Sizes read from a file are checked against the file before anything is allocated (issue 12).
@Suite struct LyingHeaderTests {
    @Test func word2vecHeadersThatCannotBeTrueAreRefused() throws {
        let dir = TestSupport.temporaryDirectory()
        for (header, expected) in [("1000000000 3", "more than the file"), ("2 100000000", "dimensions")] {
            TestSupport.write("\(header)\ncat 1 0 0.5\ndog 0 1 0.5\n", to: dir.appendingPathComponent("v.txt"))
            #expect { _ = try WordVectors.load(dir.appendingPathComponent("v.txt")) } throws: { error in
                guard let e = error as? TextpipeError else { return false }
                return e.line == 1 && e.message.contains(expected)
            }
        }
    }

    @Test func bertConfigsThatCannotBeTrueAreRefused() throws {
        let tiny = Bundle.module.bundleURL.appendingPathComponent("Fixtures/tiny-bert")
        let dir = TestSupport.temporaryDirectory()
        for file in ["vocab.txt", "model.safetensors"] {
            try FileManager.default.copyItem(
                at: tiny.appendingPathComponent(file), to: dir.appendingPathComponent(file))
        }
        let config = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: tiny.appendingPathComponent("config.json")))
                as? [String: Any])
        for (key, value) in [
            ("num_attention_heads", 0), ("num_attention_heads", 7), ("hidden_size", -1), ("num_hidden_layers", 100_000)
        ] {
            var c = config
            c[key] = value
            try JSONSerialization.data(withJSONObject: c).write(to: dir.appendingPathComponent("config.json"))
            #expect { _ = try BertModel(folder: dir) } throws: { ($0 as? TextpipeError)?.key == key }
        }
    }
}
