import Foundation
import TextCore

/// Every document of a corpus as token ids into one shared table of token strings.
///
/// Document `d`'s tokens are `tokens[offsets[d]..<offsets[d+1]]`; each is an index into `types`.
/// Interning once here means featurizers count integers, never strings.
public struct TokenizedCorpus: Sendable {
    /// Distinct token strings, in first-seen order.
    public var types: [String]
    /// Where each document's tokens start in `tokens` (one more entry than documents).
    public var offsets: [Int]
    /// Every document's token ids, concatenated.
    public var tokens: [Int32]
    /// Each document's label (nil for unlabelled text).
    public var labels: [String?]
    /// Where each document came from (`file:line`, a path).
    public var sources: [String]
    /// The cleaned text of each document, for featurizers that read text rather than tokens (BERT).
    public var texts: [String]

    /// The number of documents.
    public var documentCount: Int { offsets.count - 1 }

    /// The token ids of document `d`.
    @inline(__always)
    public func document(_ d: Int) -> ArraySlice<Int32> { tokens[offsets[d]..<offsets[d + 1]] }

    /// Tokenizes documents into one corpus.
    public init(documents: [Document], tokenizer: Tokenizer) {
        var interner = ByteInterner(capacity: 1 << 16)
        var offsets = [0]
        var tokens: [Int32] = []
        offsets.reserveCapacity(documents.count + 1)
        for doc in documents {
            tokenizer.forEachToken(in: doc.text) { tokens.append(interner.intern($0)) }
            offsets.append(tokens.count)
        }
        self.types = interner.strings
        self.offsets = offsets
        self.tokens = tokens
        self.labels = documents.map(\.label)
        self.sources = documents.map(\.source)
        self.texts = documents.map(\.text)
    }

    /// A corpus of documents tokenized elsewhere (a cluster's workers): the same types in the same order as
    /// tokenizing the texts here would give.
    public init(tokenized: [[String]], labels: [String?], sources: [String], texts: [String]) {
        var interner = ByteInterner(capacity: 1 << 16)
        var offsets = [0]
        var tokens: [Int32] = []
        offsets.reserveCapacity(tokenized.count + 1)
        for document in tokenized {
            for token in document { tokens.append(interner.intern(token)) }
            offsets.append(tokens.count)
        }
        self.types = interner.strings
        self.offsets = offsets
        self.tokens = tokens
        self.labels = labels
        self.sources = sources
        self.texts = texts
    }

    /// A corpus from its parts (as `decode` reads them).
    public init(
        types: [String], offsets: [Int], tokens: [Int32], labels: [String?], sources: [String], texts: [String]? = nil
    ) {
        self.types = types
        self.offsets = offsets
        self.tokens = tokens
        self.labels = labels
        self.sources = sources
        self.texts = texts ?? Array(repeating: "", count: labels.count)
    }

    /// Binary form for the stage cache.
    public func encoded() -> Data {
        var w = BinaryWriter()
        w.write(UInt32(2))
        w.write(strings: types)
        w.write(array: offsets.map { Int64($0) })
        w.write(array: tokens)
        w.write(strings: labels.map { $0 ?? "" })
        w.write(array: labels.map { $0 == nil ? UInt8(0) : UInt8(1) })
        w.write(strings: sources)
        w.write(strings: texts)
        return w.data
    }

    /// Reads a corpus written by `encoded()`; `name` is the file, for errors.
    public static func decode(_ data: Data, name: String) throws -> TokenizedCorpus {
        var r = BinaryReader(data, name: name)
        guard try r.read(UInt32.self) == 2 else {
            throw TextpipeError(.io, "unknown tokenized corpus version", file: name)
        }
        let types = try r.readStrings()
        let offsets = try r.readArray(Int64.self).map { Int($0) }
        let tokens = try r.readArray(Int32.self)
        let labelText = try r.readStrings()
        let hasLabel = try r.readArray(UInt8.self)
        let sources = try r.readStrings()
        let texts = try r.readStrings()
        guard labelText.count == hasLabel.count, texts.count == labelText.count, offsets.count == labelText.count + 1,
            offsets.last == tokens.count,
            tokens.allSatisfy({ $0 >= 0 && Int($0) < types.count })
        else {
            throw TextpipeError(.io, "corrupt tokenized corpus", file: name)
        }
        return TokenizedCorpus(
            types: types, offsets: offsets, tokens: tokens,
            labels: zip(labelText, hasLabel).map { $1 == 1 ? $0 : nil }, sources: sources, texts: texts)
    }
}
