import Foundation
import TestSupport
import Testing
import TextCore

@testable import Tokenize

@Suite struct TokenizerTests {
    @Test func defaultsLowercaseSplitAndDropPunctuation() {
        #expect(Tokenizer().tokens("Don't STOP, 2 cafés! 中文") == ["don", "t", "stop", "2", "cafés", "中", "文"])
        #expect(Tokenizer().tokens("ÉCOLE Straße") == ["école", "straße"])
        #expect(Tokenizer().tokens("") == [])
        #expect(Tokenizer().tokens("  ,,, !!! ") == [])
    }

    @Test func punctuationKeptAsTokens() {
        var c = TokenizeConfiguration()
        c.punctuation = .keep
        #expect(Tokenizer(c).tokens("great!! really?") == ["great", "!", "!", "really", "?"])
        #expect(Tokenizer(c).tokens("wow…") == ["wow", "…"])
    }

    @Test func apostrophesMinLengthAndCase() {
        var c = TokenizeConfiguration()
        c.splitApostrophes = false
        #expect(Tokenizer(c).tokens("don't 'quoted'") == ["don't", "quoted"])
        c = TokenizeConfiguration()
        c.minLength = 2
        #expect(Tokenizer(c).tokens("a bc d efg") == ["bc", "efg"])
        c = TokenizeConfiguration()
        c.lowercase = false
        #expect(Tokenizer(c).tokens("Hello World") == ["Hello", "World"])
    }

    @Test func cjkEveryIdeographIsAToken() {
        #expect(Tokenizer().tokens("人民日报1998年") == ["人", "民", "日", "报", "1998", "年"])
        #expect(Tokenizer().tokens("東京タワー") == ["東", "京", "タワー"])  // kana stays a word
    }

    @Test func invalidAndMixedBytesNeverCrash() {
        let bytes: [UInt8] = [0x61, 0xFF, 0x62, 0xE4, 0xB8, 0x20, 0xF0, 0x9F, 0x98, 0x80, 0x63]
        var out: [String] = []
        bytes.withUnsafeBufferPointer {
            Tokenizer().forEachToken(bytes: $0) { out.append(String(decoding: $0, as: UTF8.self)) }
        }
        #expect(out.contains("a") && out.contains("c"))
    }
}

@Suite struct InternerTests {
    @Test func bytesInternInFirstSeenOrder() {
        var i = ByteInterner(capacity: 2)
        let words = (0..<10_000).map { "w\($0 % 3000)" }
        let ids = words.map { i.intern($0) }
        #expect(i.count == 3000)
        #expect(ids[0] == 0 && ids[3000] == 0 && ids[2999] == 2999)
        #expect(i.string(17) == "w17")
        #expect(i.lookup("w5") == 5)
        #expect(i.lookup("nope") == nil)
        #expect(i.intern("") == 3000)
    }

    @Test func sequencesIntern() {
        var s = SequenceInterner(capacity: 1)
        func id(_ a: [Int32]) -> Int32 { a.withUnsafeBufferPointer { s.intern($0) } }
        #expect(id([3, 7]) == 0)
        #expect(id([7]) == 1)
        #expect(id([3, 7]) == 0)
        #expect(id([7, 3]) == 2)
        for k in 0..<5000 { _ = id([Int32(k), 1]) }
        #expect(Array(s.sequence(2)) == [7, 3])
        #expect([Int32](arrayLiteral: 3, 7).withUnsafeBufferPointer { s.lookup($0) } == 0)
    }

    @Test func tokenizedCorpusRoundTrip() throws {
        let docs = [
            Document(source: "a", text: "the cat sat", label: "x"), Document(source: "b", text: "the dog", label: nil)
        ]
        let c = TokenizedCorpus(documents: docs, tokenizer: Tokenizer())
        #expect(c.types == ["the", "cat", "sat", "dog"])
        #expect(Array(c.document(1)) == [0, 3])
        let back = try TokenizedCorpus.decode(c.encoded(), name: "c")
        #expect(
            back.types == c.types && back.tokens == c.tokens && back.labels == c.labels && back.sources == c.sources)
        #expect(throws: TextpipeError.self) { try TokenizedCorpus.decode(c.encoded().prefix(10), name: "c") }
    }
}
