import Foundation
import TextCore

/// File formats of tagging corpora.
public enum SequenceFormat: String, Sendable, CaseIterable, Codable {
    /// CoNLL columns separated by whitespace, one token a line, blank lines between sentences, `-DOCSTART-`
    /// lines ignored; any column can be the tag.
    case conll
    /// CoNLL-U: ten tab-separated columns, `#` comments; multiword-token and empty-node lines are skipped.
    case conllu
    /// One sentence a line of `word/TAG` tokens (split at the last `/`); People's Daily's bracketed compounds
    /// `[中国/ns 政府/n]nt` keep their inner tags.
    case wordTag = "word_tag"
    /// One sentence a line of `char/tag` with tags `b`, `m`, `e`, `s` (word segmentation).
    case bmes
    /// One sentence a line of words separated by spaces; each character gets its B/M/E/S tag.
    case segmented
}

/// Where a tagging corpus is and how to read it.
public struct SequenceSource: Sendable, Codable, Hashable {
    /// File, relative to the project root or the dataset.
    public var path: String
    /// How sentences and tags are written.
    public var format: SequenceFormat
    /// CoNLL: the token's column (0-based; negative counts from the end).
    public var wordColumn = 0
    /// CoNLL: the tag's column (0-based; -1 is the last).
    public var tagColumn = -1
    /// CoNLL-U: `upos` (column 4) or `xpos` (column 5).
    public var conlluTag = "upos"
    /// A source with default columns.
    public init(path: String, format: SequenceFormat) {
        self.path = path
        self.format = format
    }
}

/// Reads tagging corpora. Malformed lines are errors naming the file and line.
public enum SequenceReader {
    /// The tagged sentences of a source; a malformed line is an error naming the file and line.
    public static func read(_ source: SequenceSource, baseDirectory: URL) throws -> [TaggedSentence] {
        let url =
            source.path.hasPrefix("/")
            ? URL(fileURLWithPath: source.path) : baseDirectory.appendingPathComponent(source.path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TextpipeError(.input, "no such file (or not readable)", file: source.path)
        }
        let text = TextDecoder(.utf8).decode([UInt8](data)).text
        return try parse(text, source: source)
    }

    /// Parses the text of a file (`source.path` names it in errors).
    public static func parse(_ text: String, source: SequenceSource) throws -> [TaggedSentence] {
        var sentences: [TaggedSentence] = []
        var tokens: [String] = []
        var tags: [String] = []
        var start = 0
        func flush() {
            if !tokens.isEmpty {
                sentences.append(TaggedSentence(tokens: tokens, tags: tags, source: "\(source.path):\(start)"))
            }
            tokens = []
            tags = []
        }
        func fail(_ line: Int, _ message: String) -> TextpipeError {
            TextpipeError(.data, message, file: source.path, line: line)
        }
        var lineNumber = 0
        var columnCount: (count: Int, line: Int)? = nil
        for line in text.textLines() {
            lineNumber += 1
            switch source.format {
            case .conll:
                let columns = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if columns.isEmpty {
                    flush()
                    continue
                }
                if columns[0] == "-DOCSTART-" {
                    flush()
                    continue
                }
                // Every token line of a CoNLL file has the same columns.
                if let first = columnCount, first.count != columns.count {
                    throw fail(lineNumber, "\(columns.count) columns, but line \(first.line) has \(first.count)")
                }
                columnCount = columnCount ?? (columns.count, lineNumber)
                let w = source.wordColumn < 0 ? columns.count + source.wordColumn : source.wordColumn
                let t = source.tagColumn < 0 ? columns.count + source.tagColumn : source.tagColumn
                guard columns.indices.contains(w), columns.indices.contains(t), w != t else {
                    throw fail(
                        lineNumber,
                        "\(columns.count) column(s), but the word is column \(source.wordColumn) and the tag column \(source.tagColumn)"
                    )
                }
                if tokens.isEmpty { start = lineNumber }
                tokens.append(String(columns[w]))
                tags.append(String(columns[t]))
            case .conllu:
                if line.hasPrefix("#") { continue }
                if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                    flush()
                    continue
                }
                let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard columns.count == 10 else {
                    throw fail(lineNumber, "CoNLL-U needs 10 tab-separated columns, found \(columns.count)")
                }
                if columns[0].contains("-") || columns[0].contains(".") { continue }
                guard Int(columns[0]) != nil else {
                    throw fail(lineNumber, "the ID column is '\(columns[0])', not a number")
                }
                if tokens.isEmpty { start = lineNumber }
                tokens.append(String(columns[1]))
                tags.append(String(columns[source.conlluTag == "xpos" ? 4 : 3]))
            case .wordTag, .bmes:
                start = lineNumber
                for item in line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\u{3000}" }) {
                    guard let slash = item.lastIndex(of: "/"), slash != item.startIndex,
                        item.index(after: slash) != item.endIndex
                    else {
                        throw fail(lineNumber, "'\(item)' is not word/TAG")
                    }
                    var word = item[..<slash]
                    var tag = item[item.index(after: slash)...]
                    if source.format == .wordTag {
                        // People's Daily compounds: "[中国/ns" opens, "政府/n]nt" closes; the inner tags are kept.
                        if word.hasPrefix("["), word.count > 1 { word = word.dropFirst() }
                        if let close = tag.firstIndex(of: "]") { tag = tag[..<close] }
                        tokens.append(String(word))
                        tags.append(String(tag))
                    } else {
                        let t = tag.uppercased()
                        guard ["B", "M", "E", "S"].contains(t) else {
                            throw fail(lineNumber, "'\(item)': a BMES tag is b, m, e or s")
                        }
                        guard word.count == 1 else {
                            throw fail(lineNumber, "'\(item)': BMES tags one character at a time")
                        }
                        tokens.append(String(word))
                        tags.append(t)
                    }
                }
                flush()
            case .segmented:
                start = lineNumber
                for word in line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\u{3000}" }) {
                    let characters = word.map(String.init)
                    tokens += characters
                    tags +=
                        characters.count == 1
                        ? ["S"] : ["B"] + Array(repeating: "M", count: characters.count - 2) + ["E"]
                }
                flush()
            }
        }
        flush()
        guard !sentences.isEmpty else {
            throw TextpipeError(.data, "no sentences found (format \(source.format.rawValue))", file: source.path)
        }
        return sentences
    }
}
