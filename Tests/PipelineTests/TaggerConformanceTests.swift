import Classify
import Foundation
import Tagging
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// The shared conformance suite for taggers: written once, run for every kind a spec can name
/// (`TaggerSpec.kinds`) and the settings that change its code path. One tag per token from the tag set,
/// determinism under a seed, save/load, empty input, a single tag, and words never seen in training.
struct TaggerCase: CustomTestStringConvertible, Sendable {
    let name: String
    let spec: TaggerSpec
    var testDescription: String { name }
}

let everyTagger: [TaggerCase] = {
    var hmm2 = HiddenMarkovModelConfiguration()
    hmm2.order = 2
    var perceptron = StructuredPerceptronConfiguration()
    perceptron.epochs = 3
    var crf = ConditionalRandomFieldConfiguration()
    crf.maxIterations = 30
    var l1 = crf
    l1.c1 = 0.1
    return [
        TaggerCase(name: "hmm", spec: HiddenMarkovModelConfiguration().spec),
        TaggerCase(name: "hmm order 2", spec: hmm2.spec),
        TaggerCase(
            name: "token multinomial_nb",
            spec: TokenClassifierConfiguration(classifier: ClassifierSpec(MultinomialNaiveBayesConfiguration())).spec),
        TaggerCase(
            name: "token linear_svm",
            spec: TokenClassifierConfiguration(classifier: ClassifierSpec(LinearSVMConfiguration())).spec),
        TaggerCase(name: "perceptron", spec: perceptron.spec),
        TaggerCase(name: "crf", spec: crf.spec),
        TaggerCase(name: "crf l1", spec: l1.spec)
    ]
}()

/// Sentences of a tiny grammar where "run" is a noun after "the" and a verb after "they".
func taggerCorpus(_ count: Int, seed: UInt64) -> [TaggedSentence] {
    var rng = Xoshiro256StarStar(seed: seed)
    let nouns = ["dog", "cat", "bird", "park"]
    let verbs = ["sees", "likes"]
    return (0..<count).map { i in
        if rng.next() % 2 == 0 {
            return TaggedSentence(
                tokens: [
                    "the", nouns[rng.nextIndex(4)], verbs[rng.nextIndex(2)], "the",
                    rng.nextIndex(3) == 0 ? "run" : nouns[rng.nextIndex(4)]
                ],
                tags: ["DT", "NN", "VBZ", "DT", "NN"], source: "s\(i)")
        }
        return TaggedSentence(
            tokens: ["they", "run", "to", "the", nouns[rng.nextIndex(4)]], tags: ["PRP", "VB", "TO", "DT", "NN"],
            source: "s\(i)")
    }
}

@Suite struct TaggerConformance {
    let train = taggerCorpus(120, seed: 1), test = taggerCorpus(40, seed: 2)
    var tags: [String] { Array(Set(train.flatMap(\.tags))).sorted() }

    func fit(_ c: TaggerCase, _ sentences: [TaggedSentence]? = nil, tags given: [String]? = nil) throws
        -> any SequenceTagger
    {
        var features = TokenFeatureConfiguration()
        features.kind = .words
        return try c.spec.fit(sentences ?? train, tags: given ?? tags, features: features, seed: 5)
    }

    @Test func everyKindIsCovered() {
        #expect(Set(everyTagger.map(\.spec.kind)) == Set(TaggerSpec.kinds))
    }

    /// One tag per token, every tag from the tag set, and the planted problem learned.
    /// Settings encode as `{"<layout name>": {"_0": settings}}`, the layout cache keys have always hashed (the
    /// per-token classifier's name is `tokenClassifier`, from before the registry), and decode back through it.
    @Test(arguments: everyTagger)
    func settingsRoundTripInTheHashedLayout(_ c: TaggerCase) throws {
        let json = try StableJSON.encode(c.spec)
        let name = c.spec.kind == "token_classifier" ? "tokenClassifier" : c.spec.kind
        #expect(String(decoding: json, as: UTF8.self).hasPrefix("{\"\(name)\":{\"_0\":"))
        let back = try JSONDecoder().decode(TaggerSpec.self, from: json)
        #expect(back == c.spec)
        #expect(try StableJSON.encode(back) == json)
    }

    @Test(arguments: everyTagger)
    func oneTagPerTokenFromTheTagSet(_ c: TaggerCase) throws {
        let tagger = try fit(c)
        #expect(tagger.tags == tags && tagger.kind == c.spec.kind)
        let predicted = try tagger.predict(test.map(\.tokens))
        #expect(predicted.count == test.count)
        #expect(zip(predicted, test).allSatisfy { $0.count == $1.tokens.count })
        #expect(predicted.allSatisfy { $0.allSatisfy(tags.contains) })
        let right = zip(predicted, test).reduce(0) { n, pair in n + zip(pair.0, pair.1.tags).filter { $0 == $1 }.count }
        #expect(Double(right) / Double(test.count * 5) > 0.9, "\(c.name)")
    }

    /// The same sentences, settings and seed give the same tagger: the same tags, the same summary of training.
    @Test(arguments: everyTagger)
    func deterministic(_ c: TaggerCase) throws {
        let a = try fit(c)
        let b = try fit(c)
        #expect(try a.predict(test.map(\.tokens)) == b.predict(test.map(\.tokens)))
        #expect(
            a.trainingSummary.filter { !$0.key.contains("seconds") }
                == b.trainingSummary.filter { !$0.key.contains("seconds") })
    }

    /// A saved and reloaded tagger tags exactly as the original; a truncated file is an error, not a crash.
    @Test(arguments: everyTagger)
    func saveAndLoad(_ c: TaggerCase) throws {
        let tagger = try fit(c)
        let data = try TaggerStore.encode(tagger)
        let loaded = try TaggerStore.decode(data, name: "tagger.bin", vectors: TokenVectors.source)
        #expect(loaded.kind == tagger.kind && loaded.tags == tagger.tags)
        let before = try tagger.predict(test.map(\.tokens))
        let after = try loaded.predict(test.map(\.tokens))
        #expect(after == before)
        for cut in [1, data.count / 3, data.count - 1] {
            #expect(throws: TextpipeError.self, "\(c.name) cut at \(cut)") {
                _ = try TaggerStore.decode(data.prefix(cut), name: "tagger.bin", vectors: TokenVectors.source)
            }
        }
    }

    /// No sentences, an empty sentence, and a sentence of unseen words are tagged without a crash; training on no
    /// sentences is an error; training on sentences with a single tag gives a tagger that answers with it.
    @Test(arguments: everyTagger)
    func emptyUnseenAndSingleTag(_ c: TaggerCase) throws {
        let tagger = try fit(c)
        #expect(try tagger.predict([]).isEmpty)
        #expect(try tagger.predict([[]]) == [[]])
        let unseen = try tagger.predict([["zebra", "quantum", "xylophone"]])
        #expect(unseen.count == 1 && unseen[0].count == 3 && unseen[0].allSatisfy(tags.contains))
        #expect(throws: TextpipeError.self) { _ = try fit(c, []) }
        let single = train.map { TaggedSentence(tokens: $0.tokens, tags: $0.tags.map { _ in "X" }, source: $0.source) }
        do {
            let one = try fit(c, single, tags: ["X"])
            #expect(try one.predict(test.map(\.tokens)).allSatisfy { $0.allSatisfy { $0 == "X" } })
        } catch let e as TextpipeError {
            // A clear refusal is acceptable (a per-token classifier needs two classes).
            #expect(e.message.contains("tag") || e.message.contains("one class"), "\(c.name): \(e.message)")
        }
    }
}
