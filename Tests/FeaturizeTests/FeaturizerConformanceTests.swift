import Foundation
import TestSupport
import Testing
import TextCore
import Tokenize

@testable import Featurize

/// The shared conformance suite for feature sets: written once, run for every kind (`FeatureSetConfiguration.kinds`)
/// and the settings that change its code path. Shapes, determinism, save/load, empty documents, one document, and
/// documents made only of words the featurizer never saw.
struct FeatureCase: CustomTestStringConvertible, Sendable {
    let name: String
    let configuration: FeatureSetConfiguration
    var testDescription: String { name }
}

let everyFeatureSet: [FeatureCase] = {
    var onehot = NGramConfiguration()
    onehot.weighting = .binary
    var tfidf = NGramConfiguration()
    tfidf.minN = 1
    tfidf.maxN = 2
    tfidf.weighting = .tfidf
    tfidf.sublinearTF = true
    var hashed = NGramConfiguration()
    hashed.maxN = 2
    hashed.hashingBits = 8
    var capped = NGramConfiguration()
    capped.maxFeatures = 10
    var word2vec = AveragedEmbeddingConfiguration()
    var training = Word2VecConfiguration()
    training.dimensions = 8
    training.minCount = 1
    training.epochs = 3
    training.seed = 7
    word2vec.training = training
    var idfWeighted = word2vec
    idfWeighted.weighting = .tfidf
    idfWeighted.normalize = true
    let tiny = Bundle.module.bundleURL.appendingPathComponent("Fixtures/tiny-bert").path
    var cls = BertFeatureConfiguration(model: tiny)
    cls.maxLength = 32  // the tiny model has 64 positions
    var mean = cls
    mean.pooling = .mean
    var cooccurrence = CooccurrenceSettings()
    cooccurrence.dimensions = 8
    cooccurrence.minCount = 1
    cooccurrence.window = 2
    var cooccurrenceIDF = cooccurrence
    cooccurrenceIDF.weighting = .tfidf
    cooccurrenceIDF.normalize = true
    return [
        FeatureCase(name: "onehot", configuration: .onehot(onehot)),
        FeatureCase(name: "ngram tf", configuration: .ngram(NGramConfiguration())),
        FeatureCase(name: "ngram tf-idf (1,2) sublinear", configuration: .ngram(tfidf)),
        FeatureCase(name: "ngram hashed", configuration: .ngram(hashed)),
        FeatureCase(name: "ngram max_features", configuration: .ngram(capped)),
        FeatureCase(name: "word2vec mean", configuration: .word2vec(word2vec)),
        FeatureCase(name: "word2vec tf-idf normalized", configuration: .word2vec(idfWeighted)),
        FeatureCase(name: "bert cls", configuration: .bert(cls)),
        FeatureCase(name: "bert mean", configuration: .bert(mean)),
        FeatureCase(name: "cooccurrence mean", configuration: cooccurrence.configuration),
        FeatureCase(name: "cooccurrence tf-idf normalized", configuration: cooccurrenceIDF.configuration)
    ]
}()

/// Documents over a small vocabulary, two topics, plus an empty one.
func conformanceCorpus(extra: [String] = []) -> TokenizedCorpus {
    var rng = Xoshiro256StarStar(seed: 9)
    let topics = [
        ["the", "film", "great", "moving", "actor", "story"], ["the", "market", "stocks", "rose", "bank", "rates"]
    ]
    var documents: [Document] = []
    for i in 0..<40 {
        let words = topics[i % 2]
        let text = (0..<(6 + rng.nextIndex(6))).map { _ in words[rng.nextIndex(words.count)] }.joined(separator: " ")
        documents.append(Document(source: "d\(i)", text: text, label: i % 2 == 0 ? "film" : "money"))
    }
    documents.append(Document(source: "empty", text: "", label: "film"))
    for (i, t) in extra.enumerated() { documents.append(Document(source: "x\(i)", text: t, label: "film")) }
    return TokenizedCorpus(documents: documents, tokenizer: Tokenizer())
}

/// Serialized: BERT encoding sets OpenBLAS to one thread for its duration (a process-wide setting); two encodes
/// running at once in one test process would change each other's thread count and with it the rounding.
@Suite(.serialized) struct FeaturizerConformance {
    @Test func everyKindIsCovered() {
        #expect(Set(everyFeatureSet.map(\.configuration.kind)) == Set(FeatureSetConfiguration.kinds))
    }

    /// Settings encode as `{"<kind>": {"_0": settings}}`, the layout cache keys and lock files have always hashed
    /// (so a redesign keeps every cached unit), and decode back to equal settings through the registry.
    @Test(arguments: everyFeatureSet)
    func settingsRoundTripInTheHashedLayout(_ c: FeatureCase) throws {
        let json = try StableJSON.encode(c.configuration)
        #expect(String(decoding: json, as: UTF8.self).hasPrefix("{\"\(c.configuration.kind)\":{\"_0\":"))
        let back = try JSONDecoder().decode(FeatureSetConfiguration.self, from: json)
        #expect(back == c.configuration)
        #expect(try StableJSON.encode(back) == json)
    }

    /// Rows and columns: one row per document asked for, the featurizer's column count everywhere, and the matrix
    /// kind its shape declares (sparse for bag-of-words, dense for vectors).
    @Test(arguments: everyFeatureSet)
    func shapes(_ c: FeatureCase) throws {
        let corpus = conformanceCorpus()
        let train = Array(0..<30)
        let test = Array(30..<41)
        let (f, x) = try c.configuration.fitTransform(corpus, rows: train)
        #expect(x.rowCount == train.count && x.columnCount == f.columnCount && f.columnCount > 0)
        let y = try f.transform(corpus, rows: test)
        #expect(y.rowCount == test.count && y.columnCount == f.columnCount)
        var isSparse = false
        if case .sparse = x { isSparse = true }
        #expect(isSparse == c.configuration.shape.isSparse)
        for j in 0..<min(f.columnCount, 5) { #expect(!f.featureName(j).isEmpty) }
        // Every value is finite; bag-of-words values are non-negative as the shape says.
        let values = dense(y).flatMap { $0 }
        #expect(values.allSatisfy { $0.isFinite })
        if c.configuration.shape.isNonNegative { #expect(values.allSatisfy { $0 >= 0 }) }
    }

    /// The same configuration on the same documents gives the same features (word2vec is seeded).
    @Test(arguments: everyFeatureSet)
    func deterministic(_ c: FeatureCase) throws {
        let corpus = conformanceCorpus()
        let (_, a) = try c.configuration.fitTransform(corpus, rows: Array(0..<30))
        let (_, b) = try c.configuration.fitTransform(corpus, rows: Array(0..<30))
        if c.configuration.kind == "bert" {
            // OpenBLAS's thread count is process-wide; another test encoding at the same time can change it, and with
            // it the rounding (a run of the pipeline encodes one feature set at a time).
            let difference =
                zip(dense(a).flatMap { $0 }, dense(b).flatMap { $0 }).map { abs($0 - $1) }.max() ?? .infinity
            #expect(a.rowCount == b.rowCount && difference <= 1e-5)
        } else {
            #expect(a == b)
        }
    }

    /// A saved and reloaded featurizer gives the very same features, from the corpus and from raw text; a
    /// truncated file is an error, never a crash.
    @Test(arguments: everyFeatureSet)
    func saveAndLoad(_ c: FeatureCase) throws {
        let corpus = conformanceCorpus()
        let (f, _) = try c.configuration.fitTransform(corpus, rows: Array(0..<30))
        var w = BinaryWriter()
        try f.encode(into: &w)
        var r = BinaryReader(w.data, name: "featurizer.bin")
        let back = try FeatureSetConfiguration.decode(kind: c.configuration.kind, from: &r)
        #expect(back.columnCount == f.columnCount)
        let before = try f.transform(corpus, rows: Array(30..<41))
        let after = try back.transform(corpus, rows: Array(30..<41))
        #expect(after == before)
        let texts = ["the film was great", "stocks rose"]
        let fromText = try f.transform(texts: texts, tokenizer: Tokenizer())
        let fromTextAfter = try back.transform(texts: texts, tokenizer: Tokenizer())
        #expect(fromTextAfter == fromText)
        var truncated = BinaryReader(w.data.prefix(w.data.count / 2), name: "featurizer.bin")
        #expect(throws: TextpipeError.self) {
            _ = try FeatureSetConfiguration.decode(kind: c.configuration.kind, from: &truncated)
        }
    }

    /// An empty document gives a row of zeros (bag-of-words, averaged vectors) or the encoder's vector of an empty
    /// input (BERT); documents of words never seen in training give zeros too, except under hashing (no vocabulary:
    /// every word has a column) and BERT (WordPiece covers any word); always the right width and finite values.
    /// Fitting on a single document works.
    @Test(arguments: everyFeatureSet)
    func emptyUnseenAndSingleDocuments(_ c: FeatureCase) throws {
        let corpus = conformanceCorpus(extra: ["zebra quantum xylophone", "zebra"])
        let (f, _) = try c.configuration.fitTransform(corpus, rows: Array(0..<30))
        let odd = try f.transform(corpus, rows: [40, 41, 42])
        #expect(odd.rowCount == 3 && odd.columnCount == f.columnCount)
        let rows = dense(odd)
        #expect(rows.allSatisfy { row in row.allSatisfy { $0.isFinite } })
        if c.configuration.kind == "bert" {
            #expect(rows.allSatisfy { row in row.contains { $0 != 0 } })
        } else if (c.configuration.settings as? NGramSettings)?.ngram.hashingBits != nil {
            #expect(rows[0].allSatisfy { $0 == 0 } && rows[1].contains { $0 != 0 } && rows[2].contains { $0 != 0 })
        } else {
            #expect(rows.allSatisfy { row in row.allSatisfy { $0 == 0 } }, "\(c.name)")
        }
        let (single, x) = try c.configuration.fitTransform(corpus, rows: [0])
        #expect(x.rowCount == 1 && single.columnCount > 0)
    }

    func dense(_ m: FeatureMatrix) -> [[Float]] {
        switch m {
        case .sparse(let s): return s.dense()
        case .dense(let d): return (0..<d.rowCount).map { r in (0..<d.columnCount).map { d[r, $0] } }
        }
    }
}
