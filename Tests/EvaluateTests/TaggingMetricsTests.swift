import Foundation
import TestSupport
import Testing
import TextCore

@testable import Evaluate

/// Chunk scoring against conlleval's own counts, and segmentation scoring as SIGHAN defines it.
@Suite struct TaggingMetricsTests {
    struct Fixture: Decodable {
        struct Sentence: Decodable {
            var gold: [String]
            var predicted: [String]
        }
        struct Counts: Decodable {
            var gold: Int
            var pred: Int
            var correct: Int
        }
        struct Case: Decodable {
            var scheme: String
            var sentences: [Sentence]
            var chunks: Counts
            var by_type: [String: Counts]
            var token_accuracy: Double
        }
        var cases: [Case]
    }

    /// 180 random sentences (a third invalid in some way) in IOB1, IOB2 and IOBES: every count equals conlleval's.
    @Test func chunkCountsEqualConlleval() throws {
        let url = Bundle.module.url(forResource: "Fixtures/conlleval", withExtension: "json")!
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        #expect(fixture.cases.count == 3)
        for c in fixture.cases {
            let scheme = TagScheme(rawValue: c.scheme)!
            let tags = Array(Set(c.sentences.flatMap { $0.gold + $0.predicted })).sorted()
            let m = TaggingMetrics(
                gold: c.sentences.map(\.gold), predicted: c.sentences.map(\.predicted), scheme: scheme, tags: tags)
            #expect(
                m.chunks?.gold == c.chunks.gold && m.chunks?.predicted == c.chunks.pred
                    && m.chunks?.correct == c.chunks.correct, "\(c.scheme)")
            #expect(abs(m.tokenAccuracy - c.token_accuracy) < 1e-12)
            for (type, counts) in c.by_type {
                let mine = m.chunksByType.first { $0.type == type }
                #expect(
                    mine?.gold == counts.gold && mine?.predicted == counts.pred && mine?.correct == counts.correct,
                    "\(c.scheme) \(type)")
            }
        }
    }

    /// A worked example: gold 迈向 / 充满 / 的, predicted 迈 / 向 / 充满的; 充满 is not in the training words.
    @Test func segmentationScoresAsSIGHAN() {
        let tokens = [["迈", "向", "充", "满", "的"]]
        let gold = [["B", "E", "B", "E", "S"]]
        let predicted = [["S", "S", "B", "M", "E"]]
        let m = TaggingMetrics(
            gold: gold, predicted: predicted, scheme: .bmes, tags: ["B", "E", "M", "S"],
            tokens: tokens, trainingWords: ["迈向", "的"])
        let s = m.segmentation!
        #expect(s.words.gold == 3 && s.words.predicted == 3 && s.words.correct == 0)
        #expect(s.oovWords == 1 && s.oovCorrect == 0 && s.inVocabularyWords == 2)
        #expect(abs(s.oovRate - 1.0 / 3) < 1e-12)
        let right = TaggingMetrics(
            gold: gold, predicted: gold, scheme: .bmes, tags: ["B", "E", "M", "S"], tokens: tokens,
            trainingWords: ["迈向", "的"])
        #expect(right.segmentation!.words.f1 == 1 && right.segmentation!.oovRecall == 1 && right.sentenceAccuracy == 1)
    }

    /// Plain tags (POS): token accuracy and the per-tag table, no chunks.
    @Test func plainTagsHaveNoChunks() {
        let m = TaggingMetrics(
            gold: [["DT", "NN", "VBZ"]], predicted: [["DT", "VB", "VBZ"]], scheme: .none,
            tags: ["DT", "NN", "VB", "VBZ"])
        #expect(m.chunks == nil && abs(m.tokenAccuracy - 2.0 / 3) < 1e-12 && m.sentenceAccuracy == 0)
        #expect(m.perTag.confusion[1, 2] == 1)
    }
}
