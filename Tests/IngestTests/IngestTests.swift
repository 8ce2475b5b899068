import Foundation
import TestSupport
import Testing
import TextCore

@testable import Ingest

@Suite struct DelimitedReaderTests {
    func records(_ s: String, delimiter: Character = ",") throws -> [[String]] {
        let bytes = Array(s.utf8)
        return try bytes.withUnsafeBufferPointer {
            try DelimitedReader(delimiter: UInt8(ascii: try #require(delimiter.unicodeScalars.first))).records(
                $0, file: "t.csv")
        }.map { $0.fields.map { String(decoding: $0, as: UTF8.self) } }
    }

    @Test func quotesDoubledQuotesAndNewlines() throws {
        #expect(try records("a,\"b \"\"c\"\"\",d\n") == [["a", "b \"c\"", "d"]])
        #expect(try records("x,\"line1\nline2\"\r\ny,z\r\n") == [["x", "line1\nline2"], ["y", "z"]])
        #expect(try records("\u{FEFF}\"1\",\"text\"") == [["1", "text"]])
        #expect(try records("a\tb c\n", delimiter: "\t") == [["a", "b c"]])
        #expect(try records("\n\na,b\n\n") == [["a", "b"]])
    }

    @Test func unterminatedQuoteNamesTheLine() {
        do {
            _ = try records("a,b\nc,\"never\nclosed\n")
            Issue.record("expected an error")
        } catch let e as TextpipeError {
            #expect(e.file == "t.csv")
            #expect(e.line == 2)
            #expect(e.message.contains("unterminated"))
        } catch { Issue.record("wrong error \(error)") }
    }
}

/// Unbounded cost (issue 12): a tag with 100,000 attributes, a CSV with 100,000 columns.
@Suite struct HostileSizeTests {
    @Test func attributesBeyondTheCapAreDroppedBeforeLibxml2() {
        let many = (0..<300).map { "a\($0)=\"x > y\"" }.joined(separator: " ")
        let html = Array("<!-- <p \(many)> --><div \(many) id=z>text</div><p b>more</p>".utf8)
        let capped = String(decoding: AttributeCap.capped(html, limit: 256) ?? [], as: UTF8.self)
        // The comment is untouched, the div keeps its first 256 attributes and its content, the <p> is unchanged.
        #expect(capped.hasPrefix("<!-- <p \(many)> -->"))
        #expect(
            capped.contains("a255=\"x > y\"")
                && !capped.replacingOccurrences(of: "<!-- <p \(many)> -->", with: "").contains("a256="))
        #expect(capped.hasSuffix(">text</div><p b>more</p>"))
        #expect(AttributeCap.capped(Array("<p a=1 b='2' c>x</p>".utf8), limit: 3) == nil)
        #expect(AttributeCap.firstOverLimit(Array("ab\n<p a b c d>".utf8), limit: 3) == 3)
        // 100,000 attributes in one tag (1 MB): libxml2 alone took 30 s here; capped it is instant.
        let huge =
            "<html><body><div " + (0..<100_000).map { "a\($0)=\"v\"" }.joined(separator: " ")
            + ">great text</div></body></html>"
        #expect(HTMLCleaner(dropTags: []).clean(huge) == "great text")
    }

    @Test func xmlElementsWithTooManyAttributesAreRefused() {
        var notes: [String: Int] = [:]
        let xml = "<docs>\n<doc " + (0..<2_000).map { "a\($0)='v'" }.joined(separator: " ") + ">t</doc></docs>"
        #expect {
            _ = try XMLRecordReader(recordXPath: "//doc", textXPath: nil, labelXPath: nil).read(
                Array(xml.utf8), file: "wide.xml", notes: &notes)
        } throws: { e in
            let m = "\(e)"
            return m.contains("wide.xml:2") && m.contains("more than 1024 attributes")
        }
    }

    @Test func wideCSVKeepsOnlyItsColumns() throws {
        let dir = TestSupport.temporaryDirectory()
        let columns = 100_000
        var csv = "text,label," + (2..<columns).map { "x\($0)" }.joined(separator: ",") + "\n"
        let pad = String(repeating: ",1", count: columns - 2)
        for r in 0..<20 { csv += (r % 2 == 0 ? "\"great fun\",pos" : "\"dull\",neg") + pad + "\n" }
        TestSupport.write(csv, to: dir.appendingPathComponent("wide.csv"))
        var source = SourceConfiguration(path: "wide.csv", format: .csv)
        source.textColumn = "text"
        source.labelColumn = "label"
        let docs = try CorpusReader(baseDirectory: dir).read(source).documents
        #expect(docs.count == 20 && docs[0].text == "great fun" && docs[1].label == "neg")
        // A missing column names the first columns, not all 100,000.
        source.labelColumn = "nope"
        #expect {
            try CorpusReader(baseDirectory: dir).read(source)
        } throws: { e in
            let m = "\(e)"
            return m.contains("no column 'nope'") && m.contains("100000 in all") && m.count < 600
        }
    }
}

@Suite struct CorpusReaderTests {
    let dir = TestSupport.temporaryDirectory()
    var reader: CorpusReader { CorpusReader(baseDirectory: dir) }

    @Test func csvByNameAndIndex() throws {
        TestSupport.write("label,text\npos,good film\nneg,\"bad, very bad\"\n", to: dir.appendingPathComponent("a.csv"))
        var s = SourceConfiguration(path: "a.csv", format: .csv)
        let r = try reader.read(s)
        #expect(r.documents.map(\.label) == ["pos", "neg"])
        #expect(r.documents[1].text == "bad, very bad")
        #expect(r.documents[1].source == "a.csv:3")
        TestSupport.write("1,yes\n-1,no\n", to: dir.appendingPathComponent("b.csv"))
        s = SourceConfiguration(path: "b.csv", format: .csv)
        s.header = false
        s.labelColumn = "0"
        s.textColumn = "1"
        s.labelNames = ["1": "positive", "-1": "negative"]
        #expect(try reader.read(s).documents.map(\.label) == ["positive", "negative"])
    }

    @Test func missingColumnNamesFileAndColumns() {
        TestSupport.write("label,body\npos,x\n", to: dir.appendingPathComponent("c.csv"))
        do {
            _ = try reader.read(SourceConfiguration(path: "c.csv", format: .csv))
            Issue.record("expected error")
        } catch let e as TextpipeError {
            #expect(e.description.contains("c.csv"))
            #expect(e.description.contains("no column 'text'"))
            #expect(e.description.contains("label, body"))
        } catch { Issue.record("\(error)") }
    }

    @Test func shortRecordNamesItsLine() {
        TestSupport.write("label,text\npos,ok\nneg\n", to: dir.appendingPathComponent("d.csv"))
        do {
            _ = try reader.read(SourceConfiguration(path: "d.csv", format: .csv))
            Issue.record("expected error")
        } catch let e as TextpipeError {
            #expect(e.line == 3)
            #expect(e.file == "d.csv")
        } catch { Issue.record("\(error)") }
    }

    @Test func jsonLinesWithErrorsByLine() throws {
        TestSupport.write(
            "{\"text\": \"a\", \"label\": 1}\n\n{\"text\": \"b\", \"label\": \"x\"}\n",
            to: dir.appendingPathComponent("e.jsonl"))
        var s = SourceConfiguration(path: "e.jsonl", format: .jsonl)
        #expect(try reader.read(s).documents.map(\.label) == ["1", "x"])
        TestSupport.write("{\"text\": \"a\", \"label\": 1}\n{not json\n", to: dir.appendingPathComponent("f.jsonl"))
        s.path = "f.jsonl"
        #expect { try reader.read(s) } throws: { ($0 as? TextpipeError)?.line == 2 }
        TestSupport.write("{\"body\": \"a\", \"label\": 1}\n", to: dir.appendingPathComponent("g.jsonl"))
        s.path = "g.jsonl"
        #expect { try reader.read(s) } throws: { ($0 as? TextpipeError)?.key == "text_column" }
    }

    @Test func linesWithPrefixAndConstantLabel() throws {
        TestSupport.write("__label__pos great\n__label__neg awful\n", to: dir.appendingPathComponent("h.txt"))
        var s = SourceConfiguration(path: "h.txt", format: .lines)
        s.labelColumn = nil
        s.labelPrefix = "__label__"
        let docs = try reader.read(s).documents
        #expect(docs.map(\.label) == ["pos", "neg"])
        #expect(docs[0].text.trimmingCharacters(in: .whitespaces) == "great")
        s.labelPrefix = nil
        s.label = "k"
        #expect(try reader.read(s).documents.allSatisfy { $0.label == "k" })
    }

    /// Windows (CR LF) and old Mac (CR) line ends split lines as LF does: 8 lines are 8 documents, not 1 (in Swift
    /// "\r\n" is a single Character, which a split at "\n" never matches).
    @Test func crlfLineEndsAreLineEnds() throws {
        let lines = (1...8).map { "__label__\($0 % 2 == 0 ? "pos" : "neg") line \($0)" }
        TestSupport.write(lines.joined(separator: "\r\n") + "\r\n", to: dir.appendingPathComponent("crlf.txt"))
        var s = SourceConfiguration(path: "crlf.txt", format: .lines)
        s.labelColumn = nil
        s.labelPrefix = "__label__"
        let docs = try reader.read(s).documents
        #expect(docs.count == 8)
        #expect(docs.map(\.text).allSatisfy { !$0.contains("\r") && !$0.contains("\n") })
        #expect(docs[7].source == "crlf.txt:8" && docs[7].label == "pos")
        TestSupport.write("__label__a one\r__label__b two\r", to: dir.appendingPathComponent("cr.txt"))
        s.path = "cr.txt"
        #expect(try reader.read(s).documents.map(\.label) == ["a", "b"])
        // CoNLL with CR LF: two sentences, tags without a CR.
        TestSupport.write(
            "John NNP B-PER\r\nruns VBZ O\r\n\r\nMary NNP B-PER\r\n", to: dir.appendingPathComponent("crlf.conll"))
        let sentences = try SequenceReader.read(SequenceSource(path: "crlf.conll", format: .conll), baseDirectory: dir)
        #expect(sentences.count == 2 && sentences[0].tags == ["B-PER", "O"])
    }

    /// The source's encoding applies to every column: latin-1 labels `café` and `cafè` stay two labels; read as UTF-8
    /// they would both become `caf\u{FFFD}`, so that is an error naming the file, line and key.
    @Test func latin1LabelsStayDistinct() throws {
        let bytes: [UInt8] =
            Array("label,text\n".utf8) + Array("caf".utf8) + [0xE9] + Array(",un\n".utf8)
            + Array("caf".utf8) + [0xE8] + Array(",deux\n".utf8)
        TestSupport.writeBytes(bytes, to: dir.appendingPathComponent("latin1.csv"))
        var s = SourceConfiguration(path: "latin1.csv", format: .csv)
        s.encoding = .latin1
        #expect(try reader.read(s).documents.map(\.label) == ["café", "cafè"])
        s.encoding = .auto
        #expect(try reader.read(s).documents.map(\.label) == ["café", "cafè"])
        s.encoding = .utf8
        #expect { try reader.read(s) } throws: { error in
            guard let e = error as? TextpipeError else { return false }
            return e.file == "latin1.csv" && e.line == 2 && e.key == "label_column" && e.message.contains("encoding")
        }
        // A header in latin-1 read as UTF-8 is refused the same way.
        TestSupport.writeBytes(
            Array("lab".utf8) + [0xE9] + Array("l,text\npos,fine\n".utf8), to: dir.appendingPathComponent("h1.csv"))
        #expect(throws: TextpipeError.self) { try reader.read(SourceConfiguration(path: "h1.csv", format: .csv)) }
    }

    @Test func foldersWithTextAndHTML() throws {
        TestSupport.write("fine day", to: dir.appendingPathComponent("f/pos/1.txt"))
        TestSupport.write("<p>bad</p>", to: dir.appendingPathComponent("f/neg/2.html"))
        TestSupport.write("ignored", to: dir.appendingPathComponent("f/neg/notes.md"))
        var s = SourceConfiguration(path: "f", format: .folders)
        s.labelColumn = nil
        let docs = try reader.read(s).documents
        #expect(docs.map(\.label) == ["neg", "pos"])
        #expect(docs[0].source == "f/neg/2.html")
    }

    @Test func invalidUTF8IsReplacedAndCounted() throws {
        TestSupport.writeBytes(
            Array("label,text\npos,caf".utf8) + [0xE9] + Array(" ok\nneg,fine\n".utf8),
            to: dir.appendingPathComponent("u.csv"))
        let r = try reader.read(SourceConfiguration(path: "u.csv", format: .csv))
        #expect(r.documents[0].text == "caf\u{FFFD} ok")
        #expect(r.notes["invalid UTF-8 sequences replaced"] == 1)
        var latin = SourceConfiguration(path: "u.csv", format: .csv)
        latin.encoding = .latin1
        #expect(try reader.read(latin).documents[0].text == "café ok")
        latin.encoding = .auto
        #expect(try reader.read(latin).documents[0].text == "café ok")
    }

    @Test func missingPathIsAnInputError() {
        #expect { try reader.read(SourceConfiguration(path: "nope.csv", format: .csv)) } throws: {
            ($0 as? TextpipeError)?.file == "nope.csv"
        }
    }
}

@Suite struct HTMLCleaningTests {
    let cleaner = Cleaner(CleanConfiguration())

    @Test func dropsScriptsStylesAndConfiguredTags() {
        let html =
            "<html><head><title>T</title><style>p{color:red}</style></head><body><nav>menu</nav><p>Hello &amp; <b>welcome</b></p><script>alert(1)</script><noscript>x</noscript><div>Second&nbsp;line</div><footer>foot</footer></body></html>"
        #expect(cleaner.clean(html).text == "Hello & welcome\nSecond line")
    }

    @Test func malformedAndTruncatedHTMLRecover() {
        #expect(cleaner.clean("<div><p>unclosed <b>bold <i>both</div> after").text == "unclosed bold both\nafter")
        #expect(cleaner.clean("<p>truncated at the end <a href=\"x").text == "truncated at the end")
        #expect(cleaner.clean("<<<>>> </p></p> text &bogus; &#x41;").text.contains("text"))
        let deep = String(repeating: "<div>", count: 5000) + "deep" + String(repeating: "</div>", count: 5000)
        #expect(cleaner.clean(deep).text == "deep", "\(cleaner.clean(deep).text.prefix(80))")
        // Text before and after a deep stretch survives too, and 200,000 levels neither crash nor lose it.
        let deeper =
            "<p>before</p>" + String(repeating: "<div>", count: 200_000) + "inside"
            + String(repeating: "</div>", count: 200_000) + "<p>after</p>"
        #expect(cleaner.clean(deeper).text == "before\ninside\nafter", "\(cleaner.clean(deeper).text.prefix(80))")
    }

    @Test func detectionOfMarkup() {
        #expect(HTMLCleaner.looksLikeHTML("a <b>bold</b> move"))
        #expect(HTMLCleaner.looksLikeHTML("<!DOCTYPE HTML PUBLIC><HTML>"))
        #expect(!HTMLCleaner.looksLikeHTML("i <3 it, and 2 < 3 > 1"))
        #expect(cleaner.clean("x <3 y").text == "x <3 y")
    }

    @Test func emptyAndTextlessDocumentsAreDroppedAndCounted() {
        var notes: [String: Int] = [:]
        let docs = [
            Document(source: "a", text: "", label: "x"), Document(source: "b", text: "<p> <br> </p>", label: "x"),
            Document(source: "c", text: "words", label: "y")
        ]
        let out = cleaner.clean(docs, notes: &notes)
        #expect(out.map(\.source) == ["c"])
        #expect(notes["documents with no text after cleaning (dropped)"] == 2)
        var keep = CleanConfiguration()
        keep.dropEmpty = false
        var n2: [String: Int] = [:]
        #expect(Cleaner(keep).clean(docs, notes: &n2).count == 3)
    }

    @Test func whitespaceNormalisation() {
        #expect(TextNormalizer.normalizeWhitespace("  a \t b\n\n\n c ") == "a b\nc")
        #expect(TextNormalizer.normalizeWhitespace("x\u{00A0}y") == "x y")
    }
}

@Suite struct XMLTests {
    let reuters = """
        <?xml version="1.0"?>
        <COLLECTION>
        <REUTERS NEWID="1"><TOPICS><D>crude</D></TOPICS><TEXT><TITLE>Oil</TITLE><BODY>Oil prices rose &amp; fell.</BODY></TEXT></REUTERS>
        <REUTERS NEWID="2"><TOPICS><D>acq</D><D>earn</D></TOPICS><TEXT><BODY>Company bought.</BODY></TEXT></REUTERS>
        <REUTERS NEWID="3"><TOPICS></TOPICS><TEXT><BODY>No topic.</BODY></TEXT></REUTERS>
        </COLLECTION>
        """

    @Test func recordsByXPath() throws {
        var notes: [String: Int] = [:]
        let docs = try XMLRecordReader(recordXPath: "//REUTERS", textXPath: "TEXT/BODY", labelXPath: "TOPICS/D")
            .read(Array(reuters.utf8), file: "r.xml", notes: &notes)
        #expect(docs.map(\.label) == ["crude", "acq"])
        #expect(docs[0].text == "Oil prices rose & fell.")
        #expect(docs[0].source == "r.xml:3")
        #expect(notes["XML records without a label (skipped)"] == 1)
        #expect(notes["XML records with several labels (first kept)"] == 1)
    }

    @Test func malformedXMLNamesTheLine() {
        var notes: [String: Int] = [:]
        do {
            _ = try XMLRecordReader(recordXPath: "/*", textXPath: nil, labelXPath: nil).read(
                Array("<a>\n<b>\n</a>".utf8), file: "bad.xml", notes: &notes)
            Issue.record("expected an error")
        } catch let e as TextpipeError {
            #expect(e.file == "bad.xml")
            #expect(e.line != nil)
            #expect(e.kind == .input)
        } catch { Issue.record("\(error)") }
    }

    @Test func billionLaughsFailsFastAndCleanly() {
        var entities = "<!ENTITY lol \"lol\">\n"
        for i in 1...9 {
            let prev = i == 1 ? "lol" : "lol\(i - 1)"
            entities += "<!ENTITY lol\(i) \"" + String(repeating: "&\(prev);", count: 10) + "\">\n"
        }
        let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n\(entities)]>\n<lolz>&lol9;</lolz>\n"
        var notes: [String: Int] = [:]
        let started = Date()
        do {
            let records = try XMLRecordReader(recordXPath: "/*", textXPath: nil, labelXPath: nil)
                .read(Array(xml.utf8), file: "lol.xml", notes: &notes)
            Issue.record("an entity bomb was read: \(records.count) records")
        } catch let e as TextpipeError {
            // The error names the file, says what is wrong, and is a bad-input error (exit 4), not a crash.
            #expect(e.file == "lol.xml" && e.kind == .input, "\(e)")
            #expect(e.message.lowercased().contains("entit"), "\(e.message)")
        } catch { Issue.record("\(error)") }
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func externalEntitiesAreNeverRead() throws {
        let secret = TestSupport.temporaryDirectory().appendingPathComponent("secret.txt")
        TestSupport.write("TOP-SECRET-CONTENT", to: secret)
        let xml =
            "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file://\(secret.path)\">]>\n<r>before &xxe; after</r>\n"
        var notes: [String: Int] = [:]
        let docs = try XMLRecordReader(recordXPath: "/*", textXPath: nil, labelXPath: nil).read(
            Array(xml.utf8), file: "x.xml", notes: &notes)
        #expect(!docs[0].text.contains("TOP-SECRET"))
        #expect(docs[0].text.contains("before"))
        #expect(notes["external or undefined XML entities left out"] == 1)
    }

    @Test func internalEntitiesExpandWithinBudget() throws {
        let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY co \"Acme Corp\">]>\n<r>&co; rose</r>\n"
        var notes: [String: Int] = [:]
        let docs = try XMLRecordReader(recordXPath: "/*", textXPath: nil, labelXPath: nil).read(
            Array(xml.utf8), file: "x.xml", notes: &notes)
        #expect(docs[0].text == "Acme Corp rose")
    }
}

@Suite struct XMLTextExtractorTests {
    @Test func mediaWikiArticleTextBecomesLines() throws {
        let dir = TestSupport.temporaryDirectory()
        let xml = """
            <mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10">
              <siteinfo><sitename>Wikipedia</sitename></siteinfo>
              <page><title>Anarchism</title><revision><id>1</id><text xml:space="preserve">Anarchism is a political philosophy.

            It rejects &amp; opposes [[hierarchy]].</text></revision></page>
              <page><title>Autism</title><revision><text>Autism is a condition.</text></revision></page>
            </mediawiki>
            """
        TestSupport.write(xml, to: dir.appendingPathComponent("dump.xml"))
        let out = dir.appendingPathComponent("dump.txt")
        #expect(try XMLTextExtractor.extract(dir.appendingPathComponent("dump.xml"), to: out) == 2)
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
        #expect(
            lines == [
                "Anarchism is a political philosophy.", "It rejects & opposes [[hierarchy]].", "Autism is a condition."
            ])
        #expect(!lines.contains { $0.contains("Wikipedia") })  // site info is not article text
    }
}

/// A package whose download does not have the pinned sha256 is refused and nothing of it is kept.
@Suite struct FetcherTests {
    @Test func sha256MismatchIsRefused() throws {
        let cache = TestSupport.temporaryDirectory()
        let wrong = PinnedPackage(
            registry: .pypiWheel, name: "six", version: "1.16.0", sha256: String(repeating: "0", count: 64))
        var messages: [String] = []
        #expect {
            try Fetcher(cacheDirectory: cache, log: { messages.append($0) }).fetch(wrong)
        } throws: { error in
            guard let e = error as? TextpipeError else { return false }
            return e.exitCode == 3 && e.message.contains("sha256 mismatch") && e.message.contains("refusing")
        }
        #expect(Fetcher(cacheDirectory: cache).folder(for: wrong) == nil)
        let left = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter {
            !$0.hasPrefix(".fetch.lock")
        }
        #expect(left.isEmpty, "\(left)")
    }
}
