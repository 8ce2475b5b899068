import Foundation
import TestSupport
import Testing
import TextCore

@testable import Classify

/// `ngram_lm` (issue 16): class-conditional n-gram language models.
@Suite struct NGramLMTests {
    /// Rows with no features, carrying `documents` as token sequences.
    static func sequences(_ documents: [[String]]) -> FeatureMatrix {
        var m = SparseMatrix(columnCount: 1, rowStart: Array(repeating: 0, count: documents.count + 1))
        m.sequences = TokenSequences(documents: documents)
        return .sparse(m)
    }

    struct Fixture: Decodable {
        struct Class: Decodable {
            var test_sentences: [Int]
            var perplexity: Double
            var ngrams_scored: Int
        }
        struct Case: Decodable {
            var unit: String
            var order: Int
            var smoothing: String
            var discount: Double?
            var classes: [String: Class]
        }
        var nltk_version: String
        var min_count: Int
        var labels: [String]
        var train: [String: [[String]]]
        var test: [String: [[String]]]
        var cases: [Case]
    }

    /// Each class model's perplexity on held-out Pang & Lee sentences equals NLTK's (`nltk.lm` KneserNeyInterpolated,
    /// WittenBellInterpolated, AbsoluteDiscountingInterpolated) to 1e-6, words and characters
    /// (`scripts/reference/make_ngram_lm_fixture.py`).
    @Test func perplexityEqualsNLTK() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/nltk_ngram_lm", withExtension: "json"))
        let f = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let documents = f.labels.flatMap { f.train[$0]! }
        let labels = f.labels.indices.flatMap { k in Array(repeating: k, count: f.train[f.labels[k]]!.count) }
        #expect(f.cases.count >= 12)
        for c in f.cases {
            var settings = NGramLMConfiguration()
            settings.unit = try #require(NGramLMConfiguration.Unit(rawValue: c.unit))
            settings.order = c.order
            settings.smoothing = try #require(LanguageModelSmoothing(rawValue: c.smoothing))
            settings.discount = c.discount ?? 0.75
            settings.minCount = f.min_count
            let model = try settings.fit(Self.sequences(documents), labels: labels, classCount: 2, seed: 1)
            for (k, label) in f.labels.enumerated() {
                let expected = try #require(c.classes[label])
                let test = expected.test_sentences.map { f.test[label]![$0] }
                let perplexity = model.perplexity(test, classIndex: k)
                #expect(
                    abs(perplexity - expected.perplexity) <= 1e-6 * expected.perplexity,
                    "\(c.unit) order \(c.order) \(c.smoothing) \(c.discount ?? 0) \(label): \(perplexity) vs NLTK \(expected.perplexity)"
                )
            }
        }
    }

    /// Modified Kneser-Ney and additive smoothing are distributions: p(w | h) sums to 1 over the vocabulary for
    /// seen, unseen and partly seen histories, at every order.
    @Test func probabilitiesSumToOne() throws {
        let docs = [["a", "b", "a", "c", "a", "b"], ["b", "b", "c", "a", "d", "d"], ["a", "c", "c", "b", "a", "a"]]
        for smoothing in [LanguageModelSmoothing.modifiedKneserNey, .additive] {
            for order in 1...4 {
                var settings = NGramLMConfiguration()
                settings.order = order
                settings.smoothing = smoothing
                settings.minCount = 1
                let model = try settings.fit(
                    Self.sequences(docs + docs), labels: [0, 0, 0, 1, 1, 1], classCount: 2, seed: 1)
                let size = Int32(model.vocabulary.words.count + NGramLM.reserved)
                for history: [Int32] in [[1, 1, 1], [3, 4], [4, 4, 3], [6, 5], [0], [], [2, 2, 2]] {
                    let sum = (0..<size).reduce(0.0) { $0 + model.models[0].probability($1, context: history[...]) }
                    #expect(abs(sum - 1) < 1e-9, "\(smoothing) order \(order) history \(history): \(sum)")
                }
            }
        }
    }

    /// Order 1 with additive smoothing and no boundary symbols is multinomial naive Bayes over the same tokens: the
    /// vocabulary is the training words plus the three reserved units (`<unk>`, `<s>`, `</s>`), so it equals
    /// `multinomial_nb` with the same alpha on the count matrix with three more (empty) columns.
    @Test func orderOneIsMultinomialNaiveBayes() throws {
        let (x, y) = toyData()
        guard case .sparse(var m) = x else { return }
        var lm = NGramLMConfiguration()
        lm.order = 1
        lm.smoothing = .additive
        lm.alpha = 0.5
        lm.boundaries = false
        lm.minCount = 1
        let a = try lm.fit(x, labels: y, classCount: 3, seed: 1).scores(x)
        m = SparseMatrix(columnCount: m.columnCount + 3, rowStart: m.rowStart, columns: m.columns, values: m.values)
        var nb = MultinomialNaiveBayesConfiguration()
        nb.alpha = 0.5
        let b = try nb.fit(.sparse(m), labels: y, classCount: 3, seed: 1).scores(.sparse(m))
        for r in 0..<a.rowCount {
            for k in 0..<3 { #expect(abs(a[r, k] - b[r, k]) <= 1e-3 * max(1, abs(b[r, k])), "row \(r) class \(k)") }
        }
        // With boundary symbols each document also scores its end symbol: the difference is one log p(</s> | y).
        lm.boundaries = true
        let c = try lm.fit(x, labels: y, classCount: 3, seed: 1).scores(x)
        let shift = (0..<3).map { c[0, $0] - a[0, $0] }
        for r in 0..<a.rowCount { for k in 0..<3 { #expect(abs(c[r, k] - a[r, k] - shift[k]) < 1e-2) } }
    }

    /// Character models read the characters of any script: Chinese text without word segmentation is classified by
    /// its character n-grams.
    @Test func characterModelsWorkOnChineseText() throws {
        let sports = ["他们在比赛中踢足球", "球队赢得了冠军", "足球比赛很精彩", "运动员在球场上奔跑", "篮球比赛结束了"]
        let finance = ["股票市场今天上涨", "银行提高了利率", "投资者买入股票", "公司利润增长", "市场利率下降了"]
        var settings = NGramLMConfiguration()
        settings.unit = .char
        settings.minCount = 1
        let train = (sports + finance).map { [$0] }
        let model = try settings.fit(
            Self.sequences(train), labels: Array(repeating: 0, count: 5) + Array(repeating: 1, count: 5), classCount: 2,
            seed: 1)
        #expect(model.predict(Self.sequences([["足球比赛"], ["股票利率"], ["球队比赛"], ["银行股票"]])) == [0, 1, 0, 1])
    }

    /// Counts made apart and merged give the model counted at once (training is mergeable, for a cluster).
    @Test func countsMerge() throws {
        let docs: [[Int32]] = [[1, 1, 5, 6, 7, 2, 2], [1, 1, 6, 6, 5, 2, 2], [1, 1, 7, 5, 2, 2]]
        var whole = NGramLanguageModel(
            order: 3, smoothing: .modifiedKneserNey, discount: 0.75, alpha: 1, vocabularySize: 8)
        var part1 = whole
        var part2 = whole
        for d in docs { whole.count(d) }
        part1.count(docs[0])
        for d in docs.dropFirst() { part2.count(d) }
        part1.merge(part2)
        #expect(part1.counts == whole.counts)
    }

    /// Modified Kneser-Ney's discounts follow Chen & Goodman (1999, eq. 26) from the counts of counts of the highest
    /// order, worked by hand: bigrams of 0 1 0 1 0 1 2 3 2 3 4 occur 3, 2, 1, 2, 1, 1 times, so n1..n4 = 3, 2, 1, 0,
    /// Y = n1 / (n1 + 2 n2) = 3/7, D1 = 1 - 2Y n2/n1 = 3/7, D2 = 2 - 3Y n3/n2 = 19/14, D3 = 3 - 4Y n4/n3 = 3. Counts of
    /// counts shifted by one (n1 taken from the count-2 n-grams) give 1/2, 2 and 2 instead.
    @Test func modifiedKneserNeyDiscountsFollowChenAndGoodman() {
        let (d1, d2, d3) = NGramLanguageModel.modifiedDiscounts([10, 5, 3, 2])
        // Y = 10 / 20: D1 = 1 - 2 (0.5) 5/10, D2 = 2 - 3 (0.5) 3/5, D3 = 3 - 4 (0.5) 2/3.
        #expect(abs(d1 - 0.5) < 1e-12 && abs(d2 - 1.1) < 1e-12 && abs(d3 - 5.0 / 3) < 1e-12)
        var model = NGramLanguageModel(
            order: 2, smoothing: .modifiedKneserNey, discount: 0.75, alpha: 1, vocabularySize: 5)
        model.count([0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 4])
        model.prepare()
        let (b1, b2, b3) = model.discounts[1]
        #expect(abs(b1 - 3.0 / 7) < 1e-12, "D1 \(b1)")
        #expect(abs(b2 - 19.0 / 14) < 1e-12, "D2 \(b2)")
        #expect(abs(b3 - 3) < 1e-12, "D3 \(b3)")
    }

    struct KenLMFixture: Decodable {
        struct Case: Decodable {
            var label: String
            var order: Int
            var log10: [[Double]]
        }
        var labels: [String]
        var train: [String: [[String]]]
        var test: [[String]]
        var cases: [Case]
    }

    /// Modified Kneser-Ney equals KenLM's `lmplz` (scripts/reference/make_kenlm_fixture.py): each class's model of
    /// orders 2, 3 and 4, trained on 400 Pang & Lee sentences, gives every token of 200 held-out sentences (`</s>`
    /// and unknown words included) KenLM's probability to 2e-6 relative (99.5% of them to 5e-7; KenLM stores float32). The counts of counts shifted, raw counts
    /// where KenLM uses continuation counts, NLTK's padding or a uniform base over another vocabulary all miss.
    @Test func modifiedKneserNeyEqualsKenLM() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/kenlm_ngram_lm", withExtension: "json"))
        let f = try JSONDecoder().decode(KenLMFixture.self, from: Data(contentsOf: url))
        #expect(f.cases.count == 6)
        var worst = 0.0
        var tokens = 0
        var above = 0
        for c in f.cases {
            // KenLM's vocabulary: every word of the class's training sentences, plus <unk>, <s> and </s>.
            let train = try #require(f.train[c.label])
            let words = Set(train.flatMap { $0 }).sorted()
            var ids: [String: Int32] = [:]
            for (i, w) in words.enumerated() { ids[w] = Int32(i + NGramLM.reserved) }
            var model = NGramLanguageModel(
                order: c.order, smoothing: .modifiedKneserNey, discount: 0.75, alpha: 1,
                vocabularySize: words.count + NGramLM.reserved, sentenceConventions: true)
            for sentence in train { model.count([1] + sentence.map { ids[$0] ?? 0 } + [2]) }
            model.prepare()
            for (sentence, expected) in zip(f.test, c.log10) {
                let sequence: [Int32] = [1] + sentence.map { ids[$0] ?? 0 } + [2]
                #expect(expected.count == sequence.count - 1)
                sequence.withUnsafeBufferPointer { p in
                    for (i, log10p) in expected.enumerated() {
                        let ours = model.probability(at: i + 1, in: p)
                        let theirs = pow(10, log10p)
                        worst = max(worst, abs(ours - theirs) / theirs)
                        if abs(ours - theirs) / theirs > 5e-7 { above += 1 }
                        tokens += 1
                    }
                }
            }
        }
        #expect(tokens > 20_000)
        // KenLM keeps log10 probabilities and backoffs as float32: a value near -6 is stored to about 4e-7, which is
        // 1e-6 relative in p, and a backoff chain adds two such values. Nearly every token agrees to 5e-7.
        #expect(worst < 2e-6, "largest relative difference from KenLM \(worst) over \(tokens) tokens")
        #expect(Double(above) < 0.01 * Double(tokens), "\(above) of \(tokens) tokens differ by more than 5e-7")
    }

    /// `ngram_lm`'s `fit` builds exactly the estimator checked against KenLM: each class's model of a fitted
    /// classifier (modified Kneser-Ney, trigrams, the shared vocabulary) gives the held-out sentences the perplexity
    /// of a model counted by hand over `<s> w1 ... wn </s>` with KenLM's conventions.
    @Test func fitUsesKenLMsConventions() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/kenlm_ngram_lm", withExtension: "json"))
        let f = try JSONDecoder().decode(KenLMFixture.self, from: Data(contentsOf: url))
        let documents = f.labels.flatMap { f.train[$0]! }
        let labels = f.labels.indices.flatMap { k in Array(repeating: k, count: f.train[f.labels[k]]!.count) }
        var settings = NGramLMConfiguration()
        settings.minCount = 1
        let fitted = try settings.fit(Self.sequences(documents), labels: labels, classCount: 2, seed: 1)
        let words = Set(documents.flatMap { $0 }).sorted()
        var ids: [String: Int32] = [:]
        for (i, w) in words.enumerated() { ids[w] = Int32(i + NGramLM.reserved) }
        for k in 0..<2 {
            var model = NGramLanguageModel(
                order: 3, smoothing: .modifiedKneserNey, discount: 0.75, alpha: 1,
                vocabularySize: words.count + NGramLM.reserved, sentenceConventions: true)
            for sentence in f.train[f.labels[k]]! { model.count([1] + sentence.map { ids[$0] ?? 0 } + [2]) }
            model.prepare()
            var total = 0.0
            var n = 0
            for sentence in f.test {
                let sequence: [Int32] = [1] + sentence.map { ids[$0] ?? 0 } + [2]
                total -= model.logProbability(sequence, from: 1)
                n += sequence.count - 1
            }
            let expected = exp(total / Double(n))
            let ours = fitted.perplexity(f.test, classIndex: k)
            #expect(abs(ours - expected) <= 1e-9 * expected, "class \(k): \(ours) against \(expected)")
        }
    }
}
