import Foundation
import TestSupport
import Testing
import TextCore

@testable import Ingest

/// Scheme conversion and the corpus readers, on hand-made cases and malformed files.
@Suite struct TagSchemeTests {
    @Test func conversionsRoundTrip() {
        var s = TaggedSentence(
            tokens: Array(repeating: "w", count: 7), tags: ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC", "O"])
        #expect(TagSchemes.convert(&s, from: .iob2, to: .iobes) == 0)
        #expect(s.tags == ["B-PER", "E-PER", "O", "S-LOC", "B-LOC", "E-LOC", "O"])
        #expect(TagSchemes.convert(&s, from: .iobes, to: .iob1) == 0)
        #expect(s.tags == ["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-LOC", "O"])
        #expect(TagSchemes.convert(&s, from: .iob1, to: .iob2) == 0)
        #expect(s.tags == ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC", "O"])
        var chars = TaggedSentence(tokens: ["迈", "向", "新", "世", "纪"], tags: ["B", "E", "S", "B", "E"])
        #expect(TagSchemes.convert(&chars, from: .bmes, to: .iob2) == 0)
        #expect(chars.tags == ["B", "I", "B", "B", "I"])
    }

    @Test func invalidSequencesAreRepairedAndCounted() {
        // I-PER after O opens a chunk; E-LOC with no B-LOC; a type switch inside a chunk.
        var s = TaggedSentence(
            tokens: Array(repeating: "w", count: 6), tags: ["O", "I-PER", "I-PER", "E-LOC", "B-ORG", "I-MISC"])
        let repaired = TagSchemes.convert(&s, from: .iob2, to: .iob2)
        #expect(s.tags == ["O", "B-PER", "I-PER", "B-LOC", "B-ORG", "B-MISC"])
        #expect(repaired == 3)
        var bmes = TaggedSentence(tokens: ["a", "b", "c"], tags: ["M", "E", "E"])
        #expect(TagSchemes.convert(&bmes, from: .bmes, to: .bmes) == 2)
        #expect(bmes.tags == ["B", "E", "S"])
    }

    func parse(_ text: String, _ format: SequenceFormat, _ edit: (inout SequenceSource) -> Void = { _ in }) throws
        -> [TaggedSentence]
    {
        var source = SequenceSource(path: "x.txt", format: format)
        edit(&source)
        return try SequenceReader.parse(text, source: source)
    }

    @Test func readersOfEveryFormat() throws {
        let conll = try parse(
            "-DOCSTART- -X- O O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nPeter NNP B-NP B-PER\r\n", .conll)
        #expect(
            conll.map(\.tokens) == [["EU", "rejects"], ["Peter"]] && conll[0].tags == ["B-ORG", "O"]
                && conll[0].source == "x.txt:3")
        let pos = try parse("EU NNP B-NP B-ORG\n", .conll) { $0.tagColumn = 1 }
        #expect(pos[0].tags == ["NNP"])
        let conllu = try parse(
            "# text = Ali geldi.\n1\tAli\tAli\tPROPN\tProp\t_\t2\tnsubj\t_\t_\n1-2\tx\t_\t_\t_\t_\t_\t_\t_\t_\n2\tgeldi\tgel\tVERB\tVerb\t_\t0\troot\t_\t_\n\n",
            .conllu)
        #expect(conllu[0].tokens == ["Ali", "geldi"] && conllu[0].tags == ["PROPN", "VERB"])
        let wordTag = try parse("Pierre/NNP Vinken/NNP ,/, 1/2/CD\n[中国/ns  政府/n]nt  ，/w\n", .wordTag)
        #expect(wordTag[0].tokens == ["Pierre", "Vinken", ",", "1/2"] && wordTag[0].tags == ["NNP", "NNP", ",", "CD"])
        #expect(wordTag[1].tokens == ["中国", "政府", "，"] && wordTag[1].tags == ["ns", "n", "w"])
        let bmes = try parse("迈/b 向/e 的/s\n", .bmes)
        #expect(bmes[0].tags == ["B", "E", "S"])
        let segmented = try parse("迈向  充满希望 的\n", .segmented)
        #expect(segmented[0].tokens.joined() == "迈向充满希望的" && segmented[0].tags == ["B", "E", "B", "M", "M", "E", "S"])
    }

    @Test func malformedFilesNameTheLine() {
        func message(_ body: () throws -> Void) -> String {
            do {
                try body()
                return ""
            } catch { return "\(error)" }
        }
        #expect(message { _ = try parse("a/b\nnoslash here\n", .wordTag) }.contains("x.txt:2"))
        #expect(message { _ = try parse("迈/b 向/x\n", .bmes) }.contains("b, m, e or s"))
        #expect(message { _ = try parse("1\tonly\tthree\n", .conllu) }.contains("x.txt:1"))
        #expect(message { _ = try parse("EU NNP\nrejects\n", .conll) { $0.tagColumn = 1 } }.contains("x.txt:2"))
        #expect(message { _ = try parse("\n\n", .conll) }.contains("no sentences"))
    }
}
