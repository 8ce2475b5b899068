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
    /// Longest n-gram.
    public var maxN = 1
    /// Counts, tf-idf or binary.
    public var weighting: TermWeighting = .tf
    /// Drop n-grams in fewer documents.
    public var minDF: FrequencyBound = .count(1)
    /// Drop n-grams in more documents.
    public var maxDF: FrequencyBound = .fraction(1.0)
    /// Keep only the most frequent n-grams (by count over the training documents; by document frequency under
    /// binary weighting, as scikit-learn), ties by first column.
    public var maxFeatures: Int? = nil
    /// How often an n-gram counts for `maxFeatures`: its occurrences, or under binary weighting its documents (as
    /// scikit-learn's CountVectorizer, which binarises counts before the cut: a word twice in one document is not
    /// more frequent than a word in two).
    public func frequencyForCap(tf: Int64, df: Int64) -> Int64 { weighting == .binary ? df : tf }
    /// With `2^k` here, n-grams are hashed into columns and no vocabulary is kept.
    public var hashingBits: Int? = nil
    /// Use `1 + ln(tf)` instead of tf (tfidf only).
    public var sublinearTF = false
    /// Keep each document's token sequence beside its row (for `ngram_lm`); nil (absent from stored settings, so
    /// older keys and saved models stay as they were) is false.
    public var sequence: Bool? = nil
    /// Unigram counts, every word kept.
    public init() {}

    /// Whether rows carry their documents' token sequences.
    public var keepsSequences: Bool {
        get { sequence == true }
        set { sequence = newValue ? true : nil }
    }
}

/// A fitted n-gram vectorizer: the vocabulary (or hashing), document frequencies and idf.
///
/// Fit on the documents `[[a, b], [a]]` with n in 1...2 and min_df 1, the columns are `a`, `a b`, `b`
/// (alphabetical, as scikit-learn orders its vocabulary).
public struct NGramVectorizer: Sendable {
    /// Its settings.
    public let configuration: NGramConfiguration
    /// Words used by the kept n-grams (empty in hashing mode).
    public let words: [String]
    /// Smooth idf per column (empty unless tf-idf).
    public let idf: [Float]
    /// Number of training documents the vectorizer was fitted on.
    public let documentCount: Int

    /// Column `c`'s n-gram is `ngramTokens[ngramStarts[c]..<ngramStarts[c + 1]]`, as indices into `words`.
    let ngramTokens: [Int32]
    let ngramStarts: [Int]
    /// Lookup tables from words and n-grams to columns, built on first use (a fit whose only job is
    /// fit-transform and save never needs them).
    private let index = LookupTables()

    /// Vocabulary size, or 2^k when hashing.
    public var columnCount: Int { configuration.hashingBits.map { 1 << $0 } ?? ngramStarts.count - 1 }

    /// Column `c`'s n-gram as indices into `words`.
    public func ngram(_ column: Int) -> ArraySlice<Int32> { ngramTokens[ngramStarts[column]..<ngramStarts[column + 1]] }

    /// The n-gram of a column as text (`"not good"`), or `#1234` in hashing mode.
    public func featureName(_ column: Int) -> String {
        if configuration.hashingBits != nil { return "#\(column)" }
        return ngram(column).map { words[Int($0)] }.joined(separator: " ")
    }

    init(
        configuration: NGramConfiguration, words: [String], ngramTokens: [Int32], ngramStarts: [Int], idf: [Float],
        documentCount: Int
    ) {
        self.configuration = configuration
        self.words = words
        self.ngramTokens = ngramTokens
        self.ngramStarts = ngramStarts
        self.idf = idf
        self.documentCount = documentCount
    }

    /// Words to word indices and n-grams (over word indices) to columns.
    func lookupTables() -> (words: ByteInterner, ngrams: SequenceInterner) {
        index.get {
            var wi = ByteInterner(capacity: words.count)
            for w in words { _ = wi.intern(w) }
            var ni = SequenceInterner(capacity: columnCount)
            ngramTokens.withUnsafeBufferPointer { f in
                for c in 0..<(ngramStarts.count - 1) {
                    _ = ni.intern(UnsafeBufferPointer(rebasing: f[ngramStarts[c]..<ngramStarts[c + 1]]))
                }
            }
            return (wi, ni)
        }
    }

    /// Fits the vocabulary and idf on the documents `rows` of `corpus`.
    public static func fit(_ configuration: NGramConfiguration, corpus: TokenizedCorpus, rows: [Int]) throws
        -> NGramVectorizer
    {
        try fitTransform(configuration, corpus: corpus, rows: rows, transform: false).0
    }

    /// Fits on `rows` and returns their feature matrix too, reusing the n-grams found while counting
    /// (the same result as `fit` then `transform`, without hashing every n-gram twice).
    public static func fitTransform(_ configuration: NGramConfiguration, corpus: TokenizedCorpus, rows: [Int]) throws
        -> (NGramVectorizer, SparseMatrix)
    {
        let (v, m) = try fitTransform(configuration, corpus: corpus, rows: rows, transform: true)
        guard let m else { throw TextpipeError(.internal, "fitting n-grams returned no matrix") }
        return (v, m)
    }

    static func fitTransform(_ configuration: NGramConfiguration, corpus: TokenizedCorpus, rows: [Int], transform: Bool)
        throws -> (NGramVectorizer, SparseMatrix?)
    {
        guard configuration.minN >= 1, configuration.maxN >= configuration.minN else {
            throw TextpipeError(
                .spec,
                "n must be a range of positive integers with min <= max, got \(configuration.minN)...\(configuration.maxN)",
                key: "n")
        }
        let n = rows.count
        if let bits = configuration.hashingBits {
            guard (1...28).contains(bits) else {
                throw TextpipeError(.spec, "hashing bits must be in 1...28, got \(bits)", key: "hashing")
            }
            var idf: [Float] = []
            if configuration.weighting == .tfidf {
                // Document frequencies per hashed column.
                var df = [Int32](repeating: 0, count: 1 << bits)
                var lastDoc = [Int32](repeating: -1, count: 1 << bits)
                let hashes = Self.typeHashes(corpus)
                for (docNumber, d) in rows.enumerated() {
                    Self.forEachHashedColumn(corpus.document(d), hashes, configuration) { c in
                        if lastDoc[c] != Int32(docNumber) {
                            lastDoc[c] = Int32(docNumber)
                            df[c] += 1
                        }
                    }
                }
                idf = df.map { Self.smoothIDF(n: n, df: Int($0)) }
            }
            let v = NGramVectorizer(
                configuration: configuration, words: [], ngramTokens: [], ngramStarts: [0], idf: idf, documentCount: n)
            return (v, transform ? v.transform(corpus, rows: rows) : nil)
        }
        // Count document frequency and total frequency of every n-gram over corpus type ids.
        let tokenCount = rows.reduce(0) { $0 + corpus.offsets[$1 + 1] - corpus.offsets[$1] }
        let orders = configuration.maxN - configuration.minN + 1
        // Distinct n-grams run at roughly a quarter of the occurrences on text corpora; tables grow if needed.
        let capacity = min(1 << 23, max(1 << 12, tokenCount * orders / 4))
        // With `transform`, every occurrence's n-gram id in document order, to build the matrix afterwards.
        var occurrences: [Int32] = []
        var occurrenceStart: [Int] = [0]
        if transform {
            occurrences.reserveCapacity(tokenCount * orders)
            occurrenceStart.reserveCapacity(rows.count + 1)
        }
        let df: [Int32]
        let tf: [Int64]
        /// The token ids of n-gram `id`, by the counting method used.
        let sequenceOf: (Int) -> [Int32]
        if configuration.maxN <= 2 {
            var counter = ShortNGramCounter(capacity: capacity)
            for (docNumber, d) in rows.enumerated() {
                let document = Int32(docNumber)
                corpus.document(d).withUnsafeBufferPointer { t in
                    if configuration.minN == 1 {
                        for i in 0..<t.count {
                            let id = counter.add(ShortNGramCounter.unigram(t[i]), document: document)
                            if transform { occurrences.append(id) }
                        }
                    }
                    if configuration.maxN == 2 && t.count >= 2 {
                        for i in 0..<(t.count - 1) {
                            let id = counter.add(ShortNGramCounter.bigram(t[i], t[i + 1]), document: document)
                            if transform { occurrences.append(id) }
                        }
                    }
                }
                if transform { occurrenceStart.append(occurrences.count) }
            }
            (tf, df) = counter.counts()
            let keys = counter.keys
            sequenceOf = { ShortNGramCounter.tokens(keys[$0]) }
        } else {
            struct Counts {
                var tf: Int64
                var df: Int32
                var lastDocument: Int32
            }
            var interner = SequenceInterner(capacity: capacity)
            var stats: [Counts] = []
            for (docNumber, d) in rows.enumerated() {
                let document = Int32(docNumber)
                corpus.document(d).withUnsafeBufferPointer { tokens in
                    for len in configuration.minN...configuration.maxN where tokens.count >= len {
                        for start in 0...(tokens.count - len) {
                            let id32 = interner.intern(UnsafeBufferPointer(rebasing: tokens[start..<start + len]))
                            let id = Int(id32)
                            if id == stats.count {
                                stats.append(Counts(tf: 1, df: 1, lastDocument: document))
                            } else if stats[id].lastDocument != document {
                                stats[id].tf += 1
                                stats[id].lastDocument = document
                                stats[id].df += 1
                            } else {
                                stats[id].tf += 1
                            }
                            if transform { occurrences.append(id32) }
                        }
                    }
                }
                if transform { occurrenceStart.append(occurrences.count) }
            }
            df = stats.map(\.df)
            tf = stats.map(\.tf)
            let finalInterner = interner
            sequenceOf = { Array(finalInterner.sequence(Int32($0))) }
        }
        let minDF = configuration.minDF.documents(of: n)
        let maxDF = configuration.maxDF.documents(of: n)
        var kept = (0..<df.count).filter { Int(df[$0]) >= minDF && Int(df[$0]) <= maxDF }
        if let maxFeatures = configuration.maxFeatures, kept.count > maxFeatures {
            let rank = kept.map { configuration.frequencyForCap(tf: tf[$0], df: Int64(df[$0])) }
            let order = kept.indices.sorted { rank[$0] != rank[$1] ? rank[$0] > rank[$1] : kept[$0] < kept[$1] }
            kept = order.map { kept[$0] }
            kept = Array(kept.prefix(maxFeatures))
        }
        // Alphabetical order of the n-gram text, computed without building strings: comparing n-grams word by
        // word through each word's rank in UTF-8 byte order equals comparing the space-joined texts
        // (tokens hold no byte below 0x21).
        let typeOrder = corpus.types.indices.sorted { a, b in Self.utf8Less(corpus.types[a], corpus.types[b]) }
        var rank = [Int32](repeating: 0, count: corpus.types.count)
        for (r, t) in typeOrder.enumerated() { rank[t] = Int32(r) + 1 }
        // Each kept n-gram as rank sequence; for n <= 2 one packed key (rank 1 << 32 | rank 2 or 0).
        struct Keyed {
            var key: UInt64
            var id: Int
        }
        if configuration.maxN <= 2 {
            var keyed: [Keyed] = kept.map { id in
                let g = sequenceOf(id)
                return Keyed(key: UInt64(rank[Int(g[0])]) << 32 | (g.count > 1 ? UInt64(rank[Int(g[1])]) : 0), id: id)
            }
            keyed.sort { $0.key < $1.key }
            kept = keyed.map(\.id)
        } else {
            let ranked = Dictionary(uniqueKeysWithValues: kept.map { ($0, sequenceOf($0).map { rank[Int($0)] }) })
            kept.sort { a, b in ranked[a, default: []].lexicographicallyPrecedes(ranked[b, default: []]) }
        }
        var words: [String] = []
        var wordOfType = [Int32](repeating: -1, count: corpus.types.count)
        var ngramTokens: [Int32] = []
        var ngramStarts: [Int] = [0]
        ngramTokens.reserveCapacity(kept.count * configuration.maxN)
        ngramStarts.reserveCapacity(kept.count + 1)
        var idf: [Float] = []
        idf.reserveCapacity(kept.count)
        var columnOfID = [Int32](repeating: -1, count: transform ? df.count : 0)
        for (column, id) in kept.enumerated() {
            if transform { columnOfID[id] = Int32(column) }
            for type in sequenceOf(id) {
                if wordOfType[Int(type)] < 0 {
                    wordOfType[Int(type)] = Int32(words.count)
                    words.append(corpus.types[Int(type)])
                }
                ngramTokens.append(wordOfType[Int(type)])
            }
            ngramStarts.append(ngramTokens.count)
            idf.append(smoothIDF(n: n, df: Int(df[id])))
        }
        let v = NGramVectorizer(
            configuration: configuration, words: words, ngramTokens: ngramTokens, ngramStarts: ngramStarts, idf: idf,
            documentCount: n)
        guard transform else { return (v, nil) }
        var matrix = SparseMatrix(columnCount: v.columnCount)
        matrix.rowStart.reserveCapacity(rows.count + 1)
        var counts = [Float](repeating: 0, count: v.columnCount)
        var touched: [Int32] = []
        for r in 0..<rows.count {
            for k in occurrenceStart[r]..<occurrenceStart[r + 1] {
                let column = columnOfID[Int(occurrences[k])]
                if column < 0 { continue }
                if counts[Int(column)] == 0 { touched.append(column) }
                counts[Int(column)] += 1
            }
            v.appendWeighted(&matrix, &counts, &touched)
        }
        return (v, matrix)
    }

    /// Byte-wise (code point) order of two strings, as Python compares `str`.
    static func utf8Less(_ a: String, _ b: String) -> Bool {
        var x = a
        var y = b
        return x.withUTF8 { p in
            y.withUTF8 { q in
                let m = min(p.count, q.count)
                let c = m == 0 ? 0 : memcmp(p.start, q.start, m)
                return c != 0 ? c < 0 : p.count < q.count
            }
        }
    }

    static func smoothIDF(n: Int, df: Int) -> Float { Float(log(Double(1 + n) / Double(1 + df)) + 1) }

    static func typeHashes(_ corpus: TokenizedCorpus) -> [UInt64] {
        corpus.types.map { t in
            var s = t
            return s.withUTF8 { ByteInterner.hash($0) }
        }
    }

    @inline(__always)
    static func forEachHashedColumn(
        _ doc: ArraySlice<Int32>, _ hashes: [UInt64], _ configuration: NGramConfiguration, _ body: (Int) -> Void
    ) {
        guard let bits = configuration.hashingBits else { return }
        let mask = (1 << bits) - 1
        doc.withUnsafeBufferPointer { tokens in
            for len in configuration.minN...configuration.maxN where tokens.count >= len {
                for start in 0...(tokens.count - len) {
                    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(len)
                    for k in start..<start + len {
                        h = (h &* 0x100_0000_01b3) ^ hashes[Int(tokens[k])]
                        h ^= h >> 31
                    }
                    body(Int(truncatingIfNeeded: h) & mask)
                }
            }
        }
    }

    /// The feature matrix of documents `rows` of `corpus`; unknown n-grams are ignored.
    public func transform(_ corpus: TokenizedCorpus, rows: [Int]) -> SparseMatrix {
        var matrix = SparseMatrix(columnCount: columnCount)
        matrix.rowStart.reserveCapacity(rows.count + 1)
        // A dense accumulator plus the list of touched columns: no hashing of counts per document.
        var counts = [Float](repeating: 0, count: columnCount)
        var touched: [Int32] = []
        if configuration.hashingBits != nil {
            let hashes = Self.typeHashes(corpus)
            for d in rows {
                Self.forEachHashedColumn(corpus.document(d), hashes, configuration) { c in
                    if counts[c] == 0 { touched.append(Int32(c)) }
                    counts[c] += 1
                }
                appendWeighted(&matrix, &counts, &touched)
            }
            return matrix
        }
        // Map corpus types to vectorizer words once; then each n-gram is an integer-sequence lookup.
        let (wordIndex, ngramIndex) = lookupTables()
        let wordOfType: [Int32] = corpus.types.map { wordIndex.lookup($0) ?? -1 }
        var window: [Int32] = []
        for d in rows {
            window.removeAll(keepingCapacity: true)
            for t in corpus.document(d) { window.append(wordOfType[Int(t)]) }
            window.withUnsafeBufferPointer { w in
                for len in configuration.minN...configuration.maxN where w.count >= len {
                    for start in 0...(w.count - len) {
                        let gram = UnsafeBufferPointer(rebasing: w[start..<start + len])
                        if gram.contains(-1) { continue }
                        if let column = ngramIndex.lookup(gram) {
                            let c = Int(column)
                            if counts[c] == 0 { touched.append(column) }
                            counts[c] += 1
                        }
                    }
                }
            }
            appendWeighted(&matrix, &counts, &touched)
        }
        return matrix
    }

    /// The feature matrix of new token sequences (used by `predict`).
    public func transform(tokenized documents: [[String]]) -> SparseMatrix {
        var types = ByteInterner()
        var offsets = [0]
        var tokens: [Int32] = []
        for doc in documents {
            for t in doc { tokens.append(types.intern(t)) }
            offsets.append(tokens.count)
        }
        let c = TokenizedCorpus(
            types: types.strings, offsets: offsets, tokens: tokens,
            labels: Array(repeating: nil, count: documents.count), sources: Array(repeating: "", count: documents.count)
        )
        return transform(c, rows: Array(0..<documents.count))
    }

    /// Appends one row from the accumulator and resets the touched entries. Columns within a row stay in
    /// first-occurrence order (CSR does not require sorted columns; sorting cost 7% of featurize time).
    func appendWeighted(_ matrix: inout SparseMatrix, _ counts: inout [Float], _ touched: inout [Int32]) {
        let first = matrix.values.count
        for c in touched {
            matrix.columns.append(c)
            matrix.values.append(counts[Int(c)])
            counts[Int(c)] = 0
        }
        touched.removeAll(keepingCapacity: true)
        let last = matrix.values.count
        switch configuration.weighting {
        case .tf: break
        case .binary: for i in first..<last { matrix.values[i] = 1 }
        case .tfidf:
            var norm: Float = 0
            for i in first..<last {
                let tf = configuration.sublinearTF ? 1 + log(matrix.values[i]) : matrix.values[i]
                let v = tf * idf[Int(matrix.columns[i])]
                matrix.values[i] = v
                norm += v * v
            }
            if norm > 0 {
                let inv = 1 / norm.squareRoot()
                for i in first..<last { matrix.values[i] *= inv }
            }
        }
        matrix.rowStart.append(last)
    }

    /// Binary form for model folders and the stage cache.
    public func encode(into w: inout BinaryWriter) throws {
        let header = try StableJSON.encode(configuration)
        w.write(String(decoding: header, as: UTF8.self))
        w.write(UInt64(documentCount))
        w.write(strings: words)
        w.write(array: zip(ngramStarts.dropFirst(), ngramStarts).map { Int64($0 - $1) })
        w.write(array: ngramTokens)
        w.write(array: idf)
    }

    /// Reads a vectorizer written by `encode`, checking its sizes.
    public static func decode(from r: inout BinaryReader) throws -> NGramVectorizer {
        let configuration = try JSONDecoder().decode(NGramConfiguration.self, from: Data(try r.readString().utf8))
        let documentCount = try r.readCount()
        let words = try r.readStrings()
        let lengths = try r.readArray(Int64.self)
        let flat = try r.readArray(Int32.self)
        let idf = try r.readFloats()
        // Each n-gram's length is at most the token list's (so the sum cannot overflow), settings as a spec allows.
        guard lengths.allSatisfy({ $0 >= 0 && $0 <= flat.count }), lengths.reduce(0, +) == Int64(flat.count),
            flat.allSatisfy({ $0 >= 0 && Int($0) < words.count }),
            configuration.hashingBits != nil || idf.count == lengths.count,
            configuration.hashingBits.map({ (1...28).contains($0) }) ?? true,
            configuration.minN >= 1, configuration.minN <= configuration.maxN, configuration.maxN <= 16,
            idf.allSatisfy(\.isFinite)
        else {
            throw TextpipeError(.model, "corrupt n-gram vocabulary")
        }
        var starts = [0]
        starts.reserveCapacity(lengths.count + 1)
        for l in lengths { starts.append((starts.last ?? 0) + Int(l)) }
        return NGramVectorizer(
            configuration: configuration, words: words, ngramTokens: flat, ngramStarts: starts, idf: idf,
            documentCount: documentCount)
    }
}

/// A lazily built value shared by copies of a vectorizer, built once under a lock.
final class LookupTables: @unchecked Sendable {
    private let lock = NSLock()
    private var tables: (words: ByteInterner, ngrams: SequenceInterner)?
    func get(_ build: () -> (words: ByteInterner, ngrams: SequenceInterner)) -> (
        words: ByteInterner, ngrams: SequenceInterner
    ) {
        lock.lock()
        defer { lock.unlock() }
        if let tables { return tables }
        let t = build()
        tables = t
        return t
    }
}
