import Foundation
import TestSupport
import Testing
import TextCore
import Tokenize

@testable import Featurize

/// The co-occurrence feature set against hyperwords' PPMI and scikit-learn's exact truncated SVD (ARPACK) on 1,000
/// Pang & Lee sentences (Fixtures/ppmi_svd.json, made by scripts/reference/make_ppmi_svd_fixture.py).
@Suite struct CooccurrenceTests {
    struct Fixture: Decodable {
        struct Entry: Decodable {
            let word: String
            let context: String
            let value: Double
        }
        struct Pair: Decodable {
            let a: String
            let b: String
            let cosine: Double
        }
        let window: Int
        let minCount: Int
        let smoothing: Double
        let shift: Int
        let dimensions: Int
        let eigenvalueWeight: Double
        let sentences: [String]
        let vocabulary: [String]
        let ppmiEntries: Int
        let ppmiTotal: Double
        let ppmiSample: [Entry]
        let singularValues: [Double]
        let cosines: [Pair]
    }

    static let fixture: Fixture = {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try d.decode(
                Fixture.self,
                from: Data(contentsOf: TestSupport.resource("Fixtures/ppmi_svd", withExtension: "json", in: .module)))
        } catch { fatalError("Fixtures/ppmi_svd.json: \(error)") }
    }()

    /// The fixture's sentences, in the script's order, as a tokenized corpus.
    static let corpus = corpusOf(fixture.sentences.map { $0.split(separator: " ").map(String.init) })

    static func corpusOf(_ sentences: [[String]]) -> TokenizedCorpus {
        var types: [String] = []
        var ids: [String: Int32] = [:]
        var tokens: [Int32] = []
        var offsets = [0]
        for s in sentences {
            for t in s {
                if ids[t] == nil {
                    ids[t] = Int32(types.count)
                    types.append(t)
                }
                tokens.append(ids[t] ?? 0)
            }
            offsets.append(tokens.count)
        }
        return TokenizedCorpus(
            types: types, offsets: offsets, tokens: tokens, labels: sentences.map { _ in "x" },
            sources: sentences.indices.map { "s\($0)" })
    }

    static var settings: CooccurrenceSettings {
        var s = CooccurrenceSettings()
        s.window = fixture.window
        s.minCount = fixture.minCount
        s.smoothing = fixture.smoothing
        s.shift = fixture.shift
        s.dimensions = fixture.dimensions
        s.eigenvalueWeight = fixture.eigenvalueWeight
        return s
    }

    static func counts() throws -> CooccurrenceCounts {
        try CooccurrenceCounts.count(
            TokenizedWord2VecCorpus(corpus: corpus, rows: Array(0..<corpus.documentCount)), window: fixture.window,
            minCount: fixture.minCount, maxVocabulary: nil)
    }

    /// The counts of the doc comment's example, by hand: `the cat the`, window 2.
    @Test func handCountedWindow() throws {
        let c = try CooccurrenceCounts.count(
            TokenizedWord2VecCorpus(corpus: Self.corpusOf([["the", "cat", "the"]]), rows: [0]), window: 2, minCount: 1,
            maxVocabulary: nil)
        #expect(c.words == ["the", "cat"])
        #expect(c.counts.offsets == [0, 2, 3])
        #expect(c.counts.columns == [0, 1, 0])
        #expect(c.counts.values == [2, 2, 2])
        // Window 1: the two `the`s are two apart, so only (the, cat) and (cat, the), twice each.
        let one = try CooccurrenceCounts.count(
            TokenizedWord2VecCorpus(corpus: Self.corpusOf([["the", "cat", "the"], ["cat"]]), rows: [0, 1]), window: 1,
            minCount: 1, maxVocabulary: nil)
        #expect(one.counts.columns == [1, 0] && one.counts.values == [2, 2])
    }

    /// Vocabulary, number of positive entries, their total and 400 sampled values equal hyperwords' (1e-9 relative).
    @Test func ppmiEqualsHyperwords() throws {
        let f = Self.fixture
        let c = try Self.counts()
        #expect(c.words == f.vocabulary)
        let ppmi = c.ppmi(smoothing: f.smoothing, shift: f.shift)
        #expect(ppmi.entryCount == f.ppmiEntries)
        #expect(abs(ppmi.values.reduce(0, +) - f.ppmiTotal) <= 1e-9 * f.ppmiTotal)
        let index = Dictionary(uniqueKeysWithValues: c.words.enumerated().map { ($1, $0) })
        var worst = 0.0
        for e in f.ppmiSample {
            let (w, x) = (try #require(index[e.word]), try #require(index[e.context]))
            let range = ppmi.offsets[w]..<ppmi.offsets[w + 1]
            let k = try #require(range.first { ppmi.columns[$0] == Int32(x) }, "\(e.word) \(e.context)")
            worst = max(worst, abs(ppmi.values[k] - e.value) / e.value)
        }
        #expect(worst <= 1e-9, "largest relative difference \(worst)")
    }

    /// The randomized SVD with the default oversampling and power iterations gives scikit-learn's exact singular
    /// values (ARPACK) to 1e-4 relative, every one of the 50, although the last ones are close together (36.35,
    /// 36.21, 36.16); with scikit-learn's own defaults for `randomized_svd` (10 extra directions, few power iterations) they
    /// are visibly off.
    @Test func singularValuesEqualTruncatedSVD() throws {
        let f = Self.fixture
        let s = Self.settings
        let ppmi = try Self.counts().ppmi(smoothing: f.smoothing, shift: f.shift)
        let svd = try RandomizedSVD.compute(
            ppmi, rank: f.dimensions, oversampling: s.oversampling, powerIterations: s.powerIterations, seed: 1)
        let relative = zip(svd.singularValues, f.singularValues).map { abs($0 - $1) / $1 }
        #expect(svd.singularValues.count == f.singularValues.count)
        #expect(relative.max() ?? 1 <= 1e-4, "\(relative.max() ?? 1)")
        let rough = try RandomizedSVD.compute(ppmi, rank: f.dimensions, oversampling: 10, powerIterations: 2, seed: 1)
        let roughRelative = zip(rough.singularValues, f.singularValues).map { abs($0 - $1) / $1 }
        #expect(roughRelative.max() ?? 0 > 1e-2, "\(roughRelative.max() ?? 0)")
        // Orthonormal columns.
        for a in 0..<3 {
            for b in 0..<3 {
                let dot = (0..<ppmi.rowCount).map { svd.u[$0 * svd.rank + a] * svd.u[$0 * svd.rank + b] }.reduce(0, +)
                #expect(abs(dot - (a == b ? 1 : 0)) <= 1e-9)
            }
        }
    }

    /// Word vectors U Σ^0.5 from the whole feature set give the reference's cosine similarities for 300 word pairs.
    @Test func wordSimilaritiesEqualTheReference() throws {
        let f = Self.fixture
        let vectors = try Self.settings.wordVectors(
            TokenizedWord2VecCorpus(corpus: Self.corpus, rows: Array(0..<Self.corpus.documentCount)))
        var worst = 0.0
        for p in f.cosines {
            let a = try #require(vectors.vector(p.a)).map(Double.init)
            let b = try #require(vectors.vector(p.b)).map(Double.init)
            let dot = zip(a, b).map { $0 * $1 }.reduce(0, +)
            let norm = (a.map { $0 * $0 }.reduce(0, +) * b.map { $0 * $0 }.reduce(0, +)).squareRoot()
            worst = max(worst, abs(dot / norm - p.cosine))
        }
        #expect(worst <= 1e-3, "largest difference \(worst)")
    }

    /// Same settings and seed, same vectors; a different seed gives the same subspace (cosines within 1e-3).
    @Test func seededAndReproducible() throws {
        let source = TokenizedWord2VecCorpus(corpus: Self.corpus, rows: Array(0..<400))
        var s = Self.settings
        s.dimensions = 20
        let a = try s.wordVectors(source)
        let b = try s.wordVectors(source)
        #expect(a.vectors == b.vectors)
    }

    /// CholeskyQR2 gives orthonormal columns; columns that are dependent (a rank below the basis asked for) fall back
    /// to Householder QR, whose columns are orthonormal all the same.
    @Test func orthonormalizeWithAndWithoutFullRank() throws {
        var rng = Xoshiro256StarStar(seed: 3)
        let rows = 40
        var x = (0..<rows * 3).map { _ in rng.nextUnit() - 0.5 }
        for dependent in [false, true] {
            if dependent { for r in 0..<rows { x[r * 3 + 2] = 2 * x[r * 3] } }
            let q = try RandomizedSVD.orthonormalize(x, rows: rows, width: 3)
            for a in 0..<3 {
                for b in 0..<3 {
                    let dot = (0..<rows).map { q[$0 * 3 + a] * q[$0 * 3 + b] }.reduce(0, +)
                    #expect(abs(dot - (a == b ? 1 : 0)) <= 1e-12, "dependent \(dependent): \(a), \(b)")
                }
            }
        }
        #expect(!RandomizedSVD.choleskyStep(&x, rows: rows, width: 3))
    }

    /// Too few words for a decomposition is an error naming the key, not a crash.
    @Test func tooFewWordsIsAnError() throws {
        var s = Self.settings
        s.minCount = 100_000
        #expect(throws: TextpipeError.self) {
            _ = try s.wordVectors(TokenizedWord2VecCorpus(corpus: Self.corpus, rows: [0, 1]))
        }
    }
}
