import Foundation
import TextCore
import Tokenize

/// How n-gram counts become feature values.
public enum TermWeighting: String, Sendable, CaseIterable, Codable {
    /// Raw counts.
    case tf
    /// Counts times smooth idf, `ln((1 + n) / (1 + df)) + 1`, then l2-normalised rows (as scikit-learn's TfidfVectorizer).
    case tfidf
    /// 1 if present, else 0.
    case binary
}

/// A document-frequency bound given as an absolute count (`2`) or a fraction of documents (`0.95`).
public enum FrequencyBound: Sendable, Codable, Hashable {
    case count(Int)
    case fraction(Double)

    func documents(of total: Int) -> Int {
        switch self {
        case .count(let c): return c
        case .fraction(let f): return Int((f * Double(total)).rounded(.up))
        }
    }
}

/// Settings shared by the `ngram` and `onehot` feature sets.
public struct NGramConfiguration: Sendable, Codable, Hashable {
    /// Smallest and largest n (inclusive): `[1, 2]` is unigrams and bigrams.
    public var minN = 1
    public var maxN = 1
    public var weighting: TermWeighting = .tf
    public var minDF: FrequencyBound = .count(1)
    public var maxDF: FrequencyBound = .fraction(1.0)
    /// Keep only the most frequent n-grams (by count over the training documents), ties by first column.
    public var maxFeatures: Int? = nil
    /// With `2^k` here, n-grams are hashed into columns and no vocabulary is kept.
    public var hashingBits: Int? = nil
    /// Use `1 + ln(tf)` instead of tf (tfidf only).
    public var sublinearTF = false
    public init() {}
}

/// A fitted n-gram vectorizer: the vocabulary (or hashing), document frequencies and idf.
///
/// Fit on the documents `[[a, b], [a]]` with n in 1...2 and min_df 1, the columns are `a`, `b`, `a b`.
public struct NGramVectorizer: Sendable {
    public let configuration: NGramConfiguration
    /// Words used by the kept n-grams (empty in hashing mode).
    public let words: [String]
    /// Each column's n-gram as indices into `words` (empty in hashing mode).
    public let ngrams: [[Int32]]
    public let idf: [Float]
    /// Number of training documents the vectorizer was fitted on.
    public let documentCount: Int

    private let wordIndex: ByteInterner
    private let ngramIndex: SequenceInterner

    public var columnCount: Int { configuration.hashingBits.map { 1 << $0 } ?? ngrams.count }

    /// The n-gram of a column as text (`"not good"`), or `#1234` in hashing mode.
    public func featureName(_ column: Int) -> String {
        if configuration.hashingBits != nil { return "#\(column)" }
        return ngrams[column].map { words[Int($0)] }.joined(separator: " ")
    }

    init(configuration: NGramConfiguration, words: [String], ngrams: [[Int32]], idf: [Float], documentCount: Int) {
        self.configuration = configuration; self.words = words; self.ngrams = ngrams; self.idf = idf; self.documentCount = documentCount
        var wi = ByteInterner(capacity: words.count)
        for w in words { _ = wi.intern(w) }
        var ni = SequenceInterner(capacity: ngrams.count)
        for g in ngrams { _ = g.withUnsafeBufferPointer { ni.intern($0) } }
        wordIndex = wi; ngramIndex = ni
    }

    /// Fits the vocabulary and idf on the documents `rows` of `corpus`.
    public static func fit(_ configuration: NGramConfiguration, corpus: TokenizedCorpus, rows: [Int]) throws -> NGramVectorizer {
        guard configuration.minN >= 1, configuration.maxN >= configuration.minN else {
            throw TextpipeError(.spec, "n must be a range of positive integers with min <= max, got \(configuration.minN)...\(configuration.maxN)", key: "n")
        }
        let n = rows.count
        if let bits = configuration.hashingBits {
            guard (1...28).contains(bits) else { throw TextpipeError(.spec, "hashing bits must be in 1...28, got \(bits)", key: "hashing") }
            var v = NGramVectorizer(configuration: configuration, words: [], ngrams: [], idf: [], documentCount: n)
            if configuration.weighting == .tfidf {
                // Document frequencies per hashed column.
                var df = [Int32](repeating: 0, count: 1 << bits)
                let hashes = Self.typeHashes(corpus)
                var seen = Set<Int>()
                for d in rows {
                    seen.removeAll(keepingCapacity: true)
                    v.forEachHashedColumn(corpus.document(d), hashes) { seen.insert($0) }
                    for c in seen { df[c] += 1 }
                }
                v = NGramVectorizer(configuration: configuration, words: [], ngrams: [], idf: df.map { Self.smoothIDF(n: n, df: Int($0)) }, documentCount: n)
            }
            return v
        }
        // Count document frequency and total frequency of every n-gram over corpus type ids.
        var interner = SequenceInterner(capacity: 1 << 16)
        var df: [Int32] = [], tf: [Int64] = []
        var lastDoc: [Int32] = []
        for (docNumber, d) in rows.enumerated() {
            let doc = corpus.document(d)
            doc.withUnsafeBufferPointer { tokens in
                for len in configuration.minN...configuration.maxN where tokens.count >= len {
                    for start in 0...(tokens.count - len) {
                        let id = Int(interner.intern(UnsafeBufferPointer(rebasing: tokens[start..<start + len])))
                        if id == df.count { df.append(0); tf.append(0); lastDoc.append(-1) }
                        tf[id] += 1
                        if lastDoc[id] != Int32(docNumber) { lastDoc[id] = Int32(docNumber); df[id] += 1 }
                    }
                }
            }
        }
        let minDF = configuration.minDF.documents(of: n), maxDF = configuration.maxDF.documents(of: n)
        var kept = (0..<df.count).filter { Int(df[$0]) >= minDF && Int(df[$0]) <= maxDF }
        if let maxFeatures = configuration.maxFeatures, kept.count > maxFeatures {
            kept.sort { tf[$0] != tf[$1] ? tf[$0] > tf[$1] : $0 < $1 }
            kept = Array(kept.prefix(maxFeatures))
        }
        // Columns in alphabetical order of the n-gram text, as scikit-learn orders its vocabulary.
        let texts = kept.map { interner.sequence(Int32($0)).map { corpus.types[Int($0)] }.joined(separator: " ") }
        let order = kept.indices.sorted { texts[$0] < texts[$1] }
        var words: [String] = [], wordOfType: [Int32: Int32] = [:]
        var ngrams: [[Int32]] = [], idf: [Float] = []
        ngrams.reserveCapacity(kept.count)
        for i in order {
            let seq = interner.sequence(Int32(kept[i])).map { type -> Int32 in
                if let w = wordOfType[type] { return w }
                let w = Int32(words.count); words.append(corpus.types[Int(type)]); wordOfType[type] = w
                return w
            }
            ngrams.append(seq)
            idf.append(smoothIDF(n: n, df: Int(df[kept[i]])))
        }
        return NGramVectorizer(configuration: configuration, words: words, ngrams: ngrams, idf: idf, documentCount: n)
    }

    static func smoothIDF(n: Int, df: Int) -> Float { Float(log(Double(1 + n) / Double(1 + df)) + 1) }

    static func typeHashes(_ corpus: TokenizedCorpus) -> [UInt64] {
        corpus.types.map { t in var s = t; return s.withUTF8 { ByteInterner.hash($0) } }
    }

    @inline(__always)
    func forEachHashedColumn(_ doc: ArraySlice<Int32>, _ hashes: [UInt64], _ body: (Int) -> Void) {
        let mask = (1 << configuration.hashingBits!) - 1
        doc.withUnsafeBufferPointer { tokens in
            for len in configuration.minN...configuration.maxN where tokens.count >= len {
                for start in 0...(tokens.count - len) {
                    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(len)
                    for k in start..<start + len { h = (h &* 0x100_0000_01b3) ^ hashes[Int(tokens[k])]; h ^= h >> 31 }
                    body(Int(truncatingIfNeeded: h) & mask)
                }
            }
        }
    }

    /// The feature matrix of documents `rows` of `corpus`; unknown n-grams are ignored.
    public func transform(_ corpus: TokenizedCorpus, rows: [Int]) -> SparseMatrix {
        var matrix = SparseMatrix(columnCount: columnCount)
        matrix.rowStart.reserveCapacity(rows.count + 1)
        var counts: [Int32: Float] = [:]
        if configuration.hashingBits != nil {
            let hashes = Self.typeHashes(corpus)
            for d in rows {
                counts.removeAll(keepingCapacity: true)
                forEachHashedColumn(corpus.document(d), hashes) { counts[Int32($0), default: 0] += 1 }
                appendWeighted(&matrix, counts)
            }
            return matrix
        }
        // Map corpus types to vectorizer words once; then each n-gram is an integer-sequence lookup.
        let wordOfType: [Int32] = corpus.types.map { wordIndex.lookup($0) ?? -1 }
        var window: [Int32] = []
        for d in rows {
            counts.removeAll(keepingCapacity: true)
            let doc = corpus.document(d)
            window.removeAll(keepingCapacity: true)
            for t in doc { window.append(wordOfType[Int(t)]) }
            countNGrams(window, into: &counts)
            appendWeighted(&matrix, counts)
        }
        return matrix
    }

    /// The feature matrix of new token sequences (used by `predict`).
    public func transform(tokenized documents: [[String]]) -> SparseMatrix {
        var types = ByteInterner()
        var offsets = [0], tokens: [Int32] = []
        for doc in documents { for t in doc { tokens.append(types.intern(t)) }; offsets.append(tokens.count) }
        let c = TokenizedCorpus(types: types.strings, offsets: offsets, tokens: tokens,
                                labels: Array(repeating: nil, count: documents.count), sources: Array(repeating: "", count: documents.count))
        return transform(c, rows: Array(0..<documents.count))
    }

    private func countNGrams(_ window: [Int32], into counts: inout [Int32: Float]) {
        window.withUnsafeBufferPointer { w in
            for len in configuration.minN...configuration.maxN where w.count >= len {
                for start in 0...(w.count - len) {
                    let gram = UnsafeBufferPointer(rebasing: w[start..<start + len])
                    if gram.contains(-1) { continue }
                    if let column = ngramIndex.lookup(gram) { counts[column, default: 0] += 1 }
                }
            }
        }
    }

    private func appendWeighted(_ matrix: inout SparseMatrix, _ counts: [Int32: Float]) {
        let sorted = counts.sorted { $0.key < $1.key }
        var values = sorted.map(\.value)
        switch configuration.weighting {
        case .tf: break
        case .binary: for i in values.indices { values[i] = 1 }
        case .tfidf:
            var norm: Float = 0
            for i in values.indices {
                let tf = configuration.sublinearTF ? 1 + log(values[i]) : values[i]
                values[i] = tf * idf[Int(sorted[i].key)]
                norm += values[i] * values[i]
            }
            if norm > 0 { let inv = 1 / norm.squareRoot(); for i in values.indices { values[i] *= inv } }
        }
        for (i, entry) in sorted.enumerated() { matrix.columns.append(entry.key); matrix.values.append(values[i]) }
        matrix.rowStart.append(matrix.columns.count)
    }

    /// Binary form for model folders and the stage cache.
    public func encode(into w: inout BinaryWriter) throws {
        let header = try JSONEncoder().encode(configuration)
        w.write(String(decoding: header, as: UTF8.self))
        w.write(UInt64(documentCount))
        w.write(strings: words)
        w.write(array: ngrams.map { Int64($0.count) })
        w.write(array: ngrams.flatMap { $0 })
        w.write(array: idf)
    }

    public static func decode(from r: inout BinaryReader) throws -> NGramVectorizer {
        let configuration = try JSONDecoder().decode(NGramConfiguration.self, from: Data(try r.readString().utf8))
        let documentCount = try r.readCount()
        let words = try r.readStrings()
        let lengths = try r.readArray(Int64.self)
        let flat = try r.readArray(Int32.self)
        let idf = try r.readFloats()
        var ngrams: [[Int32]] = [], at = 0
        ngrams.reserveCapacity(lengths.count)
        for l in lengths {
            guard l >= 0, at + Int(l) <= flat.count else { throw TextpipeError(.io, "corrupt n-gram vocabulary") }
            ngrams.append(Array(flat[at..<at + Int(l)])); at += Int(l)
        }
        return NGramVectorizer(configuration: configuration, words: words, ngrams: ngrams, idf: idf, documentCount: documentCount)
    }
}
