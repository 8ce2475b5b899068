import Foundation
import TextCore
import Tokenize

/// The pipeline's own tokenized documents as a word2vec corpus: each document is one sentence.
public struct TokenizedWord2VecCorpus: Word2VecCorpus {
    /// The documents.
    public let corpus: TokenizedCorpus
    /// The documents trained on.
    public let rows: [Int]
    /// A corpus of these documents.
    public init(corpus: TokenizedCorpus, rows: [Int]) {
        self.corpus = corpus
        self.rows = rows
    }

    /// Calls `body` for each token of the part's documents, and `end` after each document.
    public func forEachToken(
        part: Int, of parts: Int, _ token: (UnsafeBufferPointer<UInt8>) -> Void, endOfSentence: () -> Void
    ) throws {
        // Token strings as UTF-8 once per call; documents are split into contiguous parts.
        let typeBytes = corpus.types.map { Array($0.utf8) }
        let lo = rows.count * part / parts
        let hi = rows.count * (part + 1) / parts
        for r in rows[lo..<hi] {
            for t in corpus.document(r) { typeBytes[Int(t)].withUnsafeBufferPointer { token($0) } }
            endOfSentence()
        }
    }
}

/// A plain-text file streamed from disk in 256 KiB blocks, one sentence per line, never held whole in memory.
/// Parts are byte ranges aligned to line starts, so threads read disjoint pieces.
public struct TextFileWord2VecCorpus: Word2VecCorpus {
    /// The file.
    public let url: URL
    /// How its lines are tokenized.
    public let tokenizer: Tokenizer
    /// A corpus streamed from a text file.
    public init(url: URL, tokenizer: Tokenizer) {
        self.url = url
        self.tokenizer = tokenizer
    }

    /// Calls `body` for each token of the part's lines, and `end` after each line.
    public func forEachToken(
        part: Int, of parts: Int, _ token: (UnsafeBufferPointer<UInt8>) -> Void, endOfSentence: () -> Void
    ) throws {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw TextpipeError(.io, "cannot read the word2vec corpus", file: url.path)
        }
        defer { try? handle.close() }
        let size = Int((try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0)
        var start = size * part / parts
        let end = size * (part + 1) / parts
        // Move to the start of the next line unless at the very beginning (the previous part owns that line).
        if start > 0 {
            try handle.seek(toOffset: UInt64(start - 1))
            while true {
                let b = handle.readData(ofLength: 1)
                if b.isEmpty { return }
                start += 1
                if b.first == 10 { break }
            }
            start -= 1
        }
        if start >= end && part > 0 { return }  // the line that would start here belongs to a later part
        try handle.seek(toOffset: UInt64(start))
        var position = start
        var carry: [UInt8] = []
        while position < end || !carry.isEmpty {
            let block = position < size ? handle.readData(ofLength: 1 << 18) : Data()
            var bytes = carry
            bytes.append(contentsOf: block)
            carry.removeAll(keepingCapacity: true)
            var lineStart = 0
            var i = 0
            var stop = false
            while i < bytes.count {
                if bytes[i] == 10 {
                    bytes.withUnsafeBufferPointer { p in
                        tokenizer.forEachToken(bytes: UnsafeBufferPointer(rebasing: p[lineStart..<i]), token)
                    }
                    endOfSentence()
                    lineStart = i + 1
                    // A line that starts at or past `end` belongs to the next part.
                    if position - (bytes.count - block.count) + lineStart >= end {
                        stop = true
                        break
                    }
                }
                i += 1
            }
            if stop { return }
            position += block.count
            if block.isEmpty {
                if lineStart < bytes.count {
                    bytes.withUnsafeBufferPointer { p in
                        tokenizer.forEachToken(bytes: UnsafeBufferPointer(rebasing: p[lineStart...]), token)
                    }
                    endOfSentence()
                }
                return
            }
            carry = Array(bytes[lineStart...])
        }
    }
}
