import Foundation
import TextCore

/// BERT's tokenizer: the basic tokenizer (clean control characters, every CJK ideograph its own token,
/// optional lowercasing with accent stripping, split on whitespace and punctuation) followed by WordPiece,
/// greedy longest-match-first with `##` continuations (Devlin et al. 2019; the Hugging Face `tokenizers`
/// BertNormalizer + BertPreTokenizer + WordPiece pipeline).
///
/// With bert-base-uncased's vocabulary, `"Unaffable café!"` gives `[CLS] una ##ff ##able cafe ! [SEP]`.
public struct WordPieceTokenizer: Sendable {
    /// Token strings by id, in the vocabulary file's order.
    public let vocabulary: [String]
    let index: [String: Int32]
    /// Lowercase and strip accents before splitting (uncased models).
    public let lowercase: Bool
    /// Words longer than this become `[UNK]`.
    public let maxCharactersPerWord: Int
    public let unknown: Int32, classToken: Int32, separator: Int32, padding: Int32

    /// Reads a BERT `vocab.txt` (one token per line; the line number is the id).
    public init(vocabularyFile url: URL, lowercase: Bool = true, maxCharactersPerWord: Int = 100) throws {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw TextpipeError(.io, "cannot read the vocabulary", file: url.path)
        }
        var words = text.textLines().map(String.init)
        if words.last == "" { words.removeLast() }
        try self.init(
            vocabulary: words.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }, lowercase: lowercase,
            maxCharactersPerWord: maxCharactersPerWord, file: url.path)
    }

    /// A tokenizer over `vocabulary` (one token per line of `vocab.txt`); `file` names it in errors.
    public init(vocabulary: [String], lowercase: Bool = true, maxCharactersPerWord: Int = 100, file: String? = nil)
        throws
    {
        var index: [String: Int32] = [:]
        for (i, w) in vocabulary.enumerated() where index[w] == nil { index[w] = Int32(i) }
        func id(_ t: String) throws -> Int32 {
            guard let i = index[t] else { throw TextpipeError(.model, "the vocabulary has no \(t) token", file: file) }
            return i
        }
        self.vocabulary = vocabulary
        self.index = index
        self.lowercase = lowercase
        self.maxCharactersPerWord = maxCharactersPerWord
        unknown = try id("[UNK]")
        classToken = try id("[CLS]")
        separator = try id("[SEP]")
        padding = try id("[PAD]")
    }

    // MARK: basic tokenizer

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == "\t" || s == "\n" || s == "\r" || s.properties.isWhitespace
    }

    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) {
            return true
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    static func isChineseCharacter(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2A6DF).contains(v)
            || (0x2A700...0x2B73F).contains(v) || (0x2B740...0x2B81F).contains(v) || (0x2B820...0x2CEAF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }

    /// Cleaning, CJK padding, accent stripping and lowercasing, then split into words and punctuation.
    public func basicTokens(_ text: String) -> [String] {
        var cleaned = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s.value == 0 || s.value == 0xFFFD || Self.isControl(s) { continue }
            if Self.isWhitespace(s) {
                cleaned.append(" ")
                continue
            }
            if Self.isChineseCharacter(s.value) {
                cleaned.append(" ")
                cleaned.append(s)
                cleaned.append(" ")
                continue
            }
            cleaned.append(s)
        }
        var normalized = String(cleaned)
        if lowercase {
            // Accents go with lowercasing (the uncased models): NFD, drop nonspacing marks, then lowercase.
            var stripped = String.UnicodeScalarView()
            for s in normalized.decomposedStringWithCanonicalMapping.unicodeScalars
            where s.properties.generalCategory != .nonspacingMark {
                stripped.append(s)
            }
            normalized = String(stripped).lowercased()
        }
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty {
                tokens.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        for s in normalized.unicodeScalars {
            if Self.isWhitespace(s) {
                flush()
            } else if Self.isPunctuation(s) {
                flush()
                tokens.append(String(s))
            } else {
                current.append(s)
            }
        }
        flush()
        return tokens
    }

    // MARK: WordPiece

    /// Greedy longest-match-first: `unaffable` -> `una ##ff ##able`; no match anywhere makes the word `[UNK]`.
    public func wordPieces(_ word: String) -> [Int32] {
        let scalars = Array(word.unicodeScalars)
        if scalars.count > maxCharactersPerWord { return [unknown] }
        var pieces: [Int32] = []
        var start = 0
        while start < scalars.count {
            var end = scalars.count
            var found: Int32? = nil
            while start < end {
                var piece = String(String.UnicodeScalarView(scalars[start..<end]))
                if start > 0 { piece = "##" + piece }
                if let id = index[piece] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else { return [unknown] }
            pieces.append(id)
            start = end
        }
        return pieces
    }

    /// Model input for one text: `[CLS] pieces [SEP]`, truncated to `maxLength` tokens in all.
    public struct Encoding: Sendable, Equatable {
        /// Token ids, `[CLS]` first and `[SEP]` last.
        public var ids: [Int32]
        /// 1 for every token (no padding here).
        public var attentionMask: [Int32]
        /// 0 for every token (single segment).
        public var tokenTypes: [Int32]
    }

    /// `[CLS] pieces... [SEP]` for a text, cut to `maxLength` ids.
    public func encode(_ text: String, maxLength: Int = 128) -> Encoding {
        var ids: [Int32] = [classToken]
        let budget = max(0, maxLength - 2)
        outer: for word in basicTokens(text) {
            for p in wordPieces(word) {
                if ids.count - 1 >= budget { break outer }
                ids.append(p)
            }
        }
        ids.append(separator)
        return Encoding(
            ids: ids, attentionMask: [Int32](repeating: 1, count: ids.count),
            tokenTypes: [Int32](repeating: 0, count: ids.count))
    }

    /// The token strings of ids.
    public func tokens(_ ids: [Int32]) -> [String] { ids.map { vocabulary[Int($0)] } }

    /// Model input for pre-split words (a tagging corpus): each word's pieces in order, and for every word
    /// the position of its first piece, the row whose output vector stands for the word. A sentence whose
    /// pieces do not fit `maxLength` is cut into consecutive windows, each `[CLS] ... [SEP]`, never inside a word
    /// (a single word longer than a window keeps only its first pieces). A word with no pieces of its own
    /// (only control characters) is `[UNK]`.
    public struct WordAlignedWindow: Sendable, Equatable {
        /// Token ids of the window, `[CLS]` first and `[SEP]` last.
        public var ids: [Int32]
        /// The first word of the window in the sentence.
        public var firstWord: Int
        /// Position in `ids` of each of the window's words' first piece.
        public var wordStarts: [Int]
    }

    /// Pre-split words (a CoNLL sentence) as windows of at most `maxLength` ids that never split a word.
    public func encode(words: [String], maxLength: Int = 128) -> [WordAlignedWindow] {
        let budget = max(1, maxLength - 2)
        var windows: [WordAlignedWindow] = []
        var current = WordAlignedWindow(ids: [classToken], firstWord: 0, wordStarts: [])
        for (w, word) in words.enumerated() {
            var pieces = basicTokens(word).flatMap { wordPieces($0) }
            if pieces.isEmpty { pieces = [unknown] }
            if pieces.count > budget { pieces = Array(pieces.prefix(budget)) }
            if current.ids.count - 1 + pieces.count > budget {
                current.ids.append(separator)
                windows.append(current)
                current = WordAlignedWindow(ids: [classToken], firstWord: w, wordStarts: [])
            }
            current.wordStarts.append(current.ids.count)
            current.ids += pieces
        }
        current.ids.append(separator)
        windows.append(current)
        return windows
    }
}
