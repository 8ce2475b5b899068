import Foundation
import TestSupport
import Testing
import TextCore
import Tokenize

@testable import Featurize

struct TfidfFixture: Decodable {
    struct Case: Decodable {
        var name: String
        var vocabulary: [String]
        var matrix: [[Double]]
    }
    var documents: [String]
    var cases: [Case]
    static func load() throws -> TfidfFixture {
        let url = try TestSupport.resource("Fixtures/sklearn_tfidf", withExtension: "json", in: Bundle.module)
        return try JSONDecoder().decode(TfidfFixture.self, from: Data(contentsOf: url))
    }
}

@Suite struct NGramVectorizerTests {
    func corpus(_ texts: [String]) -> TokenizedCorpus {
        TokenizedCorpus(documents: texts.map { Document(source: "", text: $0, label: nil) }, tokenizer: Tokenizer())
    }

    @Test func handComputedCounts() throws {
        let c = corpus(["a b a", "b c"])
        var config = NGramConfiguration()
        config.maxN = 2
        let v = try NGramVectorizer.fit(config, corpus: c, rows: [0, 1])
        #expect((0..<v.columnCount).map(v.featureName) == ["a", "a b", "b", "b a", "b c", "c"])
        #expect(v.transform(c, rows: [0, 1]).dense() == [[2, 1, 1, 1, 0, 0], [0, 0, 1, 0, 1, 1]])
    }

    @Test(arguments: ["tf_1_2", "tfidf_1_2", "tfidf_1_1_min_df_2", "binary_1_1_max_features_10"])
    func matchesScikitLearn(_ name: String) throws {
        let fixture = try TfidfFixture.load()
        let expected = fixture.cases.first { $0.name == name }!
        var config = NGramConfiguration()
        switch name {
        case "tf_1_2": config.maxN = 2
        case "tfidf_1_2":
            config.maxN = 2
            config.weighting = .tfidf
        case "tfidf_1_1_min_df_2":
            config.weighting = .tfidf
            config.minDF = .count(2)
        default:
            config.weighting = .binary
            config.maxFeatures = 10
        }
        let c = corpus(fixture.documents)
        let v = try NGramVectorizer.fit(config, corpus: c, rows: Array(0..<c.documentCount))
        let names = (0..<v.columnCount).map(v.featureName)
        if name.hasPrefix("binary") {
            // Ties at the cut may be broken differently (scikit-learn's argsort is not stable), so: every word more
            // frequent than the 10th-ranked document frequency is in both, and both hold only words at least as
            // frequent as it.
            var plain = NGramConfiguration()
            plain.weighting = .binary
            let all = try NGramVectorizer.fit(plain, corpus: c, rows: Array(0..<c.documentCount))
            let m = all.transform(c, rows: Array(0..<c.documentCount)).dense()
            var df: [String: Float] = [:]
            for j in 0..<all.columnCount { df[all.featureName(j)] = m.reduce(0) { $0 + $1[j] } }
            let cut = df.values.sorted(by: >)[9]
            let above = Set(df.filter { $0.value > cut }.keys)
            for chosen in [Set(names), Set(expected.vocabulary)] {
                #expect(
                    chosen.count == 10 && above.isSubset(of: chosen),
                    "\(chosen.sorted()) lacks \(above.subtracting(chosen))")
                #expect(
                    chosen.allSatisfy { (df[$0] ?? 0) >= cut },
                    "\(chosen.map { "\($0)=\(df[$0] ?? -1)" }.sorted()) cut \(cut)")
            }
            return
        }
        #expect(names == expected.vocabulary)
        let dense = v.transform(c, rows: Array(0..<c.documentCount)).dense()
        for (r, row) in expected.matrix.enumerated() {
            for (j, value) in row.enumerated() {
                #expect(abs(Double(dense[r][j]) - value) < 1e-5, "row \(r) col \(names[j])")
            }
        }
    }

    @Test func unseenWordsAndEmptyDocuments() throws {
        let train = corpus(["good film", "bad film"])
        var config = NGramConfiguration()
        config.maxN = 2
        let v = try NGramVectorizer.fit(config, corpus: train, rows: [0, 1])
        let m = v.transform(tokenized: [["good", "unseen", "film"], []])
        #expect(m.rowCount == 2)
        #expect(m.dense()[0].reduce(0, +) == 2)  // "good" and "film"; no bigram crosses the unseen word
        #expect(m.dense()[1].allSatisfy { $0 == 0 })
    }

    @Test func documentFrequencyBoundsAndMaxFeatures() throws {
        let c = corpus(["a b", "a c", "a d", "b e"])
        var config = NGramConfiguration()
        config.minDF = .count(2)
        #expect(try NGramVectorizer.fit(config, corpus: c, rows: [0, 1, 2, 3]).words == ["a", "b"])
        config = NGramConfiguration()
        config.maxDF = .fraction(0.5)
        #expect(!(try NGramVectorizer.fit(config, corpus: c, rows: [0, 1, 2, 3]).words.contains("a")))
        config = NGramConfiguration()
        config.maxFeatures = 2
        #expect(try NGramVectorizer.fit(config, corpus: c, rows: [0, 1, 2, 3]).words == ["a", "b"])
        // Fitting on a subset of rows sees only those documents.
        #expect(try NGramVectorizer.fit(NGramConfiguration(), corpus: c, rows: [3]).words == ["b", "e"])
    }

    @Test func hashingModeHasFixedWidthAndIsDeterministic() throws {
        let c = corpus(["the cat sat on the mat", "a dog"])
        var config = NGramConfiguration()
        config.hashingBits = 10
        config.maxN = 2
        config.weighting = .tfidf
        let v = try NGramVectorizer.fit(config, corpus: c, rows: [0, 1])
        let m1 = v.transform(c, rows: [0, 1])
        let m2 = v.transform(c, rows: [0, 1])
        #expect(m1.columnCount == 1024)
        #expect(m1 == m2)
        let norm = m1.dense()[0].reduce(Float(0)) { $0 + $1 * $1 }
        #expect(abs(norm - 1) < 1e-5)
        // Pinned columns: saved models and other runs depend on where an n-gram lands. Worked out from the documented
        // hash (64-bit FNV-1a of the UTF-8 bytes with a murmur finaliser per word; per n-gram h = h * FNV prime ^
        // word hash, h ^= h >> 31, seeded with 0x9E3779B97F4A7C15 * n; low k bits) by an independent script.
        var tf = NGramConfiguration()
        tf.hashingBits = 10
        tf.maxN = 2
        let pinned = try NGramVectorizer.fit(tf, corpus: corpus(["the cat", "café"]), rows: [0, 1])
        let rows = pinned.transform(corpus(["the cat", "café"]), rows: [0, 1]).dense()
        #expect(rows[0].indices.filter { rows[0][$0] != 0 } == [737, 743, 801])
        #expect(rows[1].indices.filter { rows[1][$0] != 0 } == [268])
    }

    @Test func saveLoadRoundTrip() throws {
        let c = corpus(["good film", "bad film", "good good"])
        var config = NGramConfiguration()
        config.maxN = 2
        config.weighting = .tfidf
        let f = try FeatureSetConfiguration.ngram(config).fit(c, rows: [0, 1, 2])
        var w = BinaryWriter()
        try f.encode(into: &w)
        var r = BinaryReader(w.data, name: "f")
        let back = try FeatureSetConfiguration.decode(kind: "ngram", from: &r)
        let original = try f.transform(c, rows: [0, 1, 2])
        let restored = try back.transform(c, rows: [0, 1, 2])
        #expect(restored == original)
        #expect(back.featureName(0) == f.featureName(0))
        var bad = BinaryReader(w.data.prefix(20), name: "f")
        #expect(throws: (any Error).self) { try FeatureSetConfiguration.decode(kind: "ngram", from: &bad) }
    }
}

@Suite struct FitTransformTests {
    @Test(arguments: [(1, 1), (1, 2), (2, 3), (1, 4)])
    func oneePassEqualsFitThenTransform(_ range: (Int, Int)) throws {
        let texts = ["the cat sat on the mat", "the dog sat", "a cat and a dog and a cat", "", "mat mat mat"]
        let c = TokenizedCorpus(
            documents: texts.map { Document(source: "", text: $0, label: nil) }, tokenizer: Tokenizer())
        for weighting in TermWeighting.allCases {
            var config = NGramConfiguration()
            config.minN = range.0
            config.maxN = range.1
            config.weighting = weighting
            config.minDF = .count(1)
            let rows = [0, 2, 3, 4]
            let (v, m) = try NGramVectorizer.fitTransform(config, corpus: c, rows: rows)
            let separate = try NGramVectorizer.fit(config, corpus: c, rows: rows)
            #expect(m == separate.transform(c, rows: rows))
            #expect(m == v.transform(c, rows: rows))
            #expect((0..<v.columnCount).map(v.featureName) == (0..<separate.columnCount).map(separate.featureName))
            // Vocabulary order is alphabetical (byte order of the joined n-gram), as scikit-learn's.
            let names = (0..<v.columnCount).map(v.featureName)
            #expect(names == names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        }
    }
}
