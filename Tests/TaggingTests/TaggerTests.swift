import Classify
import Foundation
import TestSupport
import Testing
import TextCore

@testable import Tagging

/// The taggers on small planted problems, and the CRF's objective against brute force and finite differences.
@Suite struct TaggerTests {
    /// Sentences over a tiny lexicon where each word has one tag, except "run" (NN after "the", VB after "they"),
    /// which only a tagger that looks at context (or transitions) gets right.
    static func plantedCorpus(_ count: Int, seed: UInt64) -> [TaggedSentence] {
        var rng = Xoshiro256StarStar(seed: seed)
        let nouns = ["dog", "cat", "bird", "park", "tree"]
        let verbs = ["sees", "likes", "finds"]
        return (0..<count).map { i in
            var tokens: [String] = []
            var tags: [String] = []
            if rng.next() % 2 == 0 {
                tokens = [
                    "the", nouns[Int(rng.next() % 5)], verbs[Int(rng.next() % 3)], "the",
                    Int(rng.next() % 3) == 0 ? "run" : nouns[Int(rng.next() % 5)]
                ]
                tags = ["DT", "NN", "VBZ", "DT", "NN"]
            } else {
                tokens = ["they", "run", "to", "the", nouns[Int(rng.next() % 5)]]
                tags = ["PRP", "VB", "TO", "DT", "NN"]
            }
            return TaggedSentence(tokens: tokens, tags: tags, source: "planted:\(i)")
        }
    }

    func accuracy(_ tagger: any SequenceTagger, _ test: [TaggedSentence]) throws -> Double {
        let p = try tagger.predict(test.map(\.tokens))
        var right = 0
        var total = 0
        for (a, s) in zip(p, test) {
            for (x, y) in zip(a, s.tags) {
                total += 1
                if x == y { right += 1 }
            }
        }
        return Double(right) / Double(total)
    }

    @Test func everyTaggerLearnsThePlantedCorpus() throws {
        let train = Self.plantedCorpus(300, seed: 1)
        let test = Self.plantedCorpus(100, seed: 2)
        let tags = Array(Set(train.flatMap(\.tags))).sorted()
        var words = TokenFeatureConfiguration()
        words.kind = .words
        var crf = ConditionalRandomFieldConfiguration()
        crf.features = words
        var perceptron = StructuredPerceptronConfiguration()
        perceptron.features = words
        var hmm2 = HiddenMarkovModelConfiguration()
        hmm2.order = 2
        var token = TokenClassifierConfiguration(classifier: ClassifierSpec(SoftmaxRegressionConfiguration()))
        token.features = words
        let taggers: [any SequenceTagger] = [
            try HiddenMarkovModel.fit(HiddenMarkovModelConfiguration(), sentences: train, tags: tags),
            try HiddenMarkovModel.fit(hmm2, sentences: train, tags: tags),
            try StructuredPerceptron.fit(perceptron, sentences: train, tags: tags, seed: 3),
            try ConditionalRandomField.fit(crf, sentences: train, tags: tags),
            try TokenClassifierTagger.fit(token, sentences: train, tags: tags, seed: 3)
        ]
        for t in taggers { #expect(try accuracy(t, test) == 1, "\(t.kind)") }
        // Unknown words: an HMM guesses from the suffix and the context, never crashes.
        let unknown = try taggers[0].predict([["the", "zebra", "sees", "the", "dog"]])[0]
        #expect(unknown.count == 5 && unknown[0] == "DT" && unknown[1] == "NN")
    }

    /// Every tagger kind saved and loaded tags new sentences exactly as before; a damaged file is an error.
    @Test func saveAndLoadEveryTagger() throws {
        let train = Self.plantedCorpus(200, seed: 1)
        let test = Self.plantedCorpus(50, seed: 2).map(\.tokens) + [["the", "zebra", "runs"]]
        let tags = Array(Set(train.flatMap(\.tags))).sorted()
        var words = TokenFeatureConfiguration()
        words.kind = .words
        var crf = ConditionalRandomFieldConfiguration()
        crf.features = words
        crf.maxIterations = 30
        var perceptron = StructuredPerceptronConfiguration()
        perceptron.features = words
        var hmm2 = HiddenMarkovModelConfiguration()
        hmm2.order = 2
        var token = TokenClassifierConfiguration(classifier: ClassifierSpec(LinearSVMConfiguration()))
        token.features = words
        let taggers: [any SequenceTagger] = [
            try HiddenMarkovModel.fit(hmm2, sentences: train, tags: tags),
            try StructuredPerceptron.fit(perceptron, sentences: train, tags: tags, seed: 3),
            try ConditionalRandomField.fit(crf, sentences: train, tags: tags),
            try TokenClassifierTagger.fit(token, sentences: train, tags: tags, seed: 3)
        ]
        for t in taggers {
            let data = try TaggerStore.encode(t)
            let loaded = try TaggerStore.decode(data, name: "t.bin", vectors: { _ in { _ in [] } })
            #expect(loaded.kind == t.kind && loaded.tags == t.tags && loaded.trainingSummary == t.trainingSummary)
            let before = try t.predict(test)
            let after = try loaded.predict(test)
            #expect(after == before, "\(t.kind)")
            #expect(throws: TextpipeError.self) {
                _ = try TaggerStore.decode(data.prefix(data.count / 2), name: "t.bin", vectors: { _ in { _ in [] } })
            }
        }
    }

    @Test func trainingIsDeterministic() throws {
        let train = Self.plantedCorpus(120, seed: 5)
        let tags = Array(Set(train.flatMap(\.tags))).sorted()
        var c = StructuredPerceptronConfiguration()
        c.features.kind = .words
        c.epochs = 3
        let a = try StructuredPerceptron.fit(c, sentences: train, tags: tags, seed: 9)
        let b = try StructuredPerceptron.fit(c, sentences: train, tags: tags, seed: 9)
        #expect(a.model.chain.weights == b.model.chain.weights)
        var r = ConditionalRandomFieldConfiguration()
        r.features.kind = .words
        r.maxIterations = 15
        let x = try ConditionalRandomField.fit(r, sentences: train, tags: tags)
        let y = try ConditionalRandomField.fit(r, sentences: train, tags: tags)
        #expect(x.model.chain.weights == y.model.chain.weights)
    }

    /// A tiny random chain: log Z from the scaled forward pass equals the log-sum-exp over all 3^4 paths, the
    /// gradient equals central finite differences, and Viterbi finds the best of all paths.
    @Test func objectiveGradientAndViterbiAgainstBruteForce() {
        let T = 3
        let n = 4
        let A = 5
        var rng = Xoshiro256StarStar(seed: 11)
        func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) * 2 - 1 }
        // Every attribute may go with every tag.
        let chain0 = LinearChain(
            tagCount: T, stateStart: (0...A).map { Int32($0 * T) }, stateTag: (0..<(A * T)).map { Int32($0 % T) })
        var offsets: [Int32] = [0]
        var ids: [Int32] = []
        for _ in 0..<n {
            ids += [Int32(rng.next() % UInt64(A)), Int32(rng.next() % UInt64(A))]
            offsets.append(Int32(ids.count))
        }
        let x = AttributeSequence(offsets: offsets, ids: ids)
        let y: [Int32] = [0, 2, 1, 1]
        let w = (0..<chain0.weights.count).map { _ in uniform() }
        let objective = LogLikelihood(chain: chain0, x: [x], y: [y], c2: 0.1, threads: 1)
        var g = [Double](repeating: 0, count: w.count)
        let f = objective.evaluate(w, gradient: &g)
        // Brute force.
        func score(_ path: [Int]) -> Double {
            var s = 0.0
            for t in 0..<n {
                for a in x.attributes(of: t) { s += w[Int(a) * T + path[t]] }
                if t > 0 { s += w[chain0.transitionOffset + path[t - 1] * T + path[t]] }
            }
            return s
        }
        var paths: [[Int]] = [[]]
        for _ in 0..<n { paths = paths.flatMap { p in (0..<T).map { p + [$0] } } }
        let scores = paths.map(score)
        let m = scores.max()!
        let logZ = m + log(scores.reduce(0) { $0 + exp($1 - m) })
        let expected = logZ - score(y.map(Int.init)) + 0.1 * w.reduce(0) { $0 + $1 * $1 }
        #expect(abs(f - expected) < 1e-9)
        for i in 0..<w.count {
            var up = w
            var down = w
            up[i] += 1e-5
            down[i] -= 1e-5
            var scratch = g
            let numeric =
                (objective.evaluate(up, gradient: &scratch) - objective.evaluate(down, gradient: &scratch)) / 2e-5
            #expect(abs(numeric - g[i]) < 1e-5, "parameter \(i)")
        }
        var chain = chain0
        chain.weights = w
        let best = paths[scores.firstIndex(of: m)!]
        #expect(chain.decode(x).map(Int.init) == best)
    }

    /// 17 tags take the BLAS path: log Z equals a log-space forward pass, and the gradient finite differences.
    @Test func largeTagSetObjectiveAndGradient() {
        let T = 17
        let n = 6
        let A = 4
        var rng = Xoshiro256StarStar(seed: 12)
        func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) * 2 - 1 }
        let chain = LinearChain(
            tagCount: T, stateStart: (0...A).map { Int32($0 * T) }, stateTag: (0..<(A * T)).map { Int32($0 % T) })
        var offsets: [Int32] = [0]
        var ids: [Int32] = []
        for _ in 0..<n {
            ids += [Int32(rng.next() % UInt64(A))]
            offsets.append(Int32(ids.count))
        }
        let x = AttributeSequence(offsets: offsets, ids: ids)
        let y: [Int32] = [3, 16, 0, 7, 7, 2]
        let w = (0..<chain.weights.count).map { _ in uniform() }
        let objective = LogLikelihood(chain: chain, x: [x], y: [y], c2: 0, threads: 1)
        var g = [Double](repeating: 0, count: w.count)
        let f = objective.evaluate(w, gradient: &g)
        func state(_ t: Int, _ k: Int) -> Double { x.attributes(of: t).reduce(0) { $0 + w[Int($1) * T + k] } }
        var alpha = (0..<T).map { state(0, $0) }
        for t in 1..<n {
            alpha = (0..<T).map { k in
                let terms = (0..<T).map { alpha[$0] + w[chain.transitionOffset + $0 * T + k] }
                let m = terms.max()!
                return m + log(terms.reduce(0) { $0 + exp($1 - m) }) + state(t, k)
            }
        }
        let m = alpha.max()!
        let logZ = m + log(alpha.reduce(0) { $0 + exp($1 - m) })
        var gold = 0.0
        for t in 0..<n {
            gold += state(t, Int(y[t])) + (t > 0 ? w[chain.transitionOffset + Int(y[t - 1]) * T + Int(y[t])] : 0)
        }
        #expect(abs(f - (logZ - gold)) < 1e-9)
        for i in stride(from: 0, to: w.count, by: 7) {
            var up = w
            var down = w
            up[i] += 1e-5
            down[i] -= 1e-5
            var scratch = g
            let numeric =
                (objective.evaluate(up, gradient: &scratch) - objective.evaluate(down, gradient: &scratch)) / 2e-5
            #expect(abs(numeric - g[i]) < 1e-5, "parameter \(i)")
        }
    }

    @Test func featureTemplates() {
        let words = TokenFeatureExtractor(
            {
                var c = TokenFeatureConfiguration()
                c.kind = .words
                c.affixes = 2
                c.window = 1
                return c
            }())
        let a = words.attributes(["Pierre", "Vinken", ","])
        #expect(
            a[1].contains("w=Vinken") && a[1].contains("lw=vinken") && a[1].contains("shape=Xx")
                && a[1].contains("s2=en")
                && a[1].contains("w-1=pierre") && a[1].contains("w+1=,") && !a[1].contains("w-2=<s>"))
        #expect(a[0].contains("w-1=<s>") && a[2].contains("w+1=</s>"))
        #expect(TokenFeatureExtractor.shape("U.S.") == "X.X." && TokenFeatureExtractor.shape("1,984") == "d,d")
        let chars = TokenFeatureExtractor(
            {
                var c = TokenFeatureConfiguration()
                c.kind = .characters
                return c
            }())
        let b = chars.attributes(["迈", "向", "１"])
        #expect(
            b[1].contains("c0=向") && b[1].contains("c-1c0=迈向") && b[1].contains("c-1c+1=迈１") && b[1].contains("t3=CCD"))
        var auto = TokenFeatureConfiguration()
        #expect(auto.resolved(for: [TaggedSentence(tokens: ["迈", "向"], tags: ["B", "E"])]).kind == .characters)
        auto.kind = .auto
        #expect(auto.resolved(for: [TaggedSentence(tokens: ["the", "dog"], tags: ["DT", "NN"])]).kind == .words)
    }
}
