import Foundation
import TextCore
import Tokenize

/// What an n-gram fit needs to know about its documents, counted per group of documents and mergeable in any order
/// and grouping: per n-gram and group, its count, its document frequency and where it was first seen.
///
/// A fit is over a set of groups (under 10-fold cross-validation fold `f`'s training part is every group but `f`).
/// `vectorizer(groups:)` built from statistics merged from any partitions is exactly `NGramVectorizer.fit` over those
/// documents: the same columns in the same order, the same idf to the last bit. That is what lets a cluster count
/// partitions on its executors (`textpipe stream stats`) and the driver merge them (`textpipe stream merge-stats`).
///
/// Example, n = 1, group 0 = rows 0 `a b` and 1 `a`, group 1 = row 2 `b`:
/// `a`: group 0 tf 2, df 2, first (0, 0); `b`: group 0 tf 1, df 1, first (0, 1), group 1 tf 1, df 1, first (2, 0).
public struct NGramStatistics: Sendable {
    /// Where an n-gram was first seen: the document's row, then its position in the order a fit meets n-grams (all
    /// n-grams of the smallest n left to right, then those of the next n). Ties in `max_features` go to the earliest.
    public struct Occurrence: Sendable, Hashable, Comparable {
        /// The document's row in the corpus.
        public var row: Int
        /// The n-gram's position within the document.
        public var position: Int
        /// Never seen.
        public static let never = Occurrence(row: .max, position: .max)

        /// Earlier document first, then earlier position.
        public static func < (a: Occurrence, b: Occurrence) -> Bool {
            a.row != b.row ? a.row < b.row : a.position < b.position
        }
    }

    /// One n-gram's counts within one group.
    public struct Counts: Sendable, Equatable {
        /// Occurrences.
        public var tf: Int64 = 0
        /// Documents containing it.
        public var df: Int64 = 0
        /// Its first occurrence.
        public var first = Occurrence.never
    }

    /// The n-gram settings counted for (n range, hashing; the rest only matters when a vectorizer is built).
    public let configuration: NGramConfiguration
    /// Number of groups.
    public let groupCount: Int
    /// Documents counted per group.
    public private(set) var documents: [Int]
    /// Counts per group of every n-gram, keyed by its tokens joined with one space (tokens never hold a space), or
    /// in hashing mode by its column number.
    public private(set) var ngrams: [String: [Counts]] = [:]
    /// Rows counted, to refuse a document counted twice.
    private var lastRow = -1
    /// Most groups (folds plus the final fit, with room to spare; every n-gram keeps a count per group).
    public static let maximumGroups = 1024
    /// Most n-gram x group counts a stored partial may claim (1.6 GB of counts): a count costs memory without taking
    /// room in the file, so it is bounded here, not by the file's size.
    public static let maximumCounts = 1 << 26

    /// Empty statistics for `groupCount` groups.
    public init(configuration: NGramConfiguration, groupCount: Int) throws {
        guard (1...Self.maximumGroups).contains(groupCount) else {
            throw TextpipeError(.usage, "n-gram statistics need 1...\(Self.maximumGroups) groups, got \(groupCount)")
        }
        guard configuration.minN >= 1, configuration.maxN >= configuration.minN, configuration.maxN <= 16 else {
            throw TextpipeError(.spec, "n must be a range within 1...16", key: "n")
        }
        guard configuration.hashingBits.map({ (1...28).contains($0) }) ?? true else {
            throw TextpipeError(.spec, "hashing bits must be in 1...28", key: "hashing")
        }
        self.configuration = configuration
        self.groupCount = groupCount
        self.documents = Array(repeating: 0, count: groupCount)
    }

    /// Counts one document's tokens as row `row` of group `group`. Rows must grow within one partition.
    public mutating func add(tokens: [String], row: Int, group: Int) throws {
        guard (0..<groupCount).contains(group) else {
            throw TextpipeError(.input, "group \(group) is outside 0..<\(groupCount)", key: "group")
        }
        guard row > lastRow else {
            throw TextpipeError(
                .input, "rows must increase within a partition (row \(row) after \(lastRow))", key: "row")
        }
        lastRow = row
        documents[group] += 1
        let empty = [Counts](repeating: Counts(), count: groupCount)
        var seen = Set<String>()
        func update(_ c: inout Counts, isNew: Bool, position: Int) {
            c.tf += 1
            if isNew {
                c.df += 1
                if c.first == .never { c.first = Occurrence(row: row, position: position) }
            }
        }
        func count(_ key: String, _ position: Int) {
            // In place through the default subscript: no copy of the per-group array per occurrence.
            update(&ngrams[key, default: empty][group], isNew: seen.insert(key).inserted, position: position)
        }
        if configuration.hashingBits != nil {
            // Columns as the vectorizer hashes them: each token by its bytes, n-grams by the token hashes.
            let hashes = tokens.map { t in
                var s = t
                return s.withUTF8 { ByteInterner.hash($0) }
            }
            var position = 0
            NGramVectorizer.forEachHashedColumn(
                ArraySlice(tokens.indices.map { Int32($0) }), hashes, configuration
            ) { c in
                count(String(c), position)
                position += 1
            }
            return
        }
        var position = 0
        for length in configuration.minN...configuration.maxN where tokens.count >= length {
            for start in 0...(tokens.count - length) {
                count(tokens[start..<start + length].joined(separator: " "), position + start)
            }
            position += tokens.count - length + 1
        }
    }

    /// Adds another partition's counts (any order and grouping gives the same result).
    public mutating func merge(_ other: NGramStatistics) throws {
        guard other.configuration == configuration, other.groupCount == groupCount else {
            throw TextpipeError(.input, "n-gram statistics of different settings or groups cannot be merged")
        }
        for g in 0..<groupCount { documents[g] = Int(try Self.sum(Int64(documents[g]), Int64(other.documents[g]))) }
        for (key, theirs) in other.ngrams {
            guard var mine = ngrams[key] else {
                ngrams[key] = theirs
                continue
            }
            for g in 0..<groupCount {
                mine[g].tf = try Self.sum(mine[g].tf, theirs[g].tf)
                mine[g].df = try Self.sum(mine[g].df, theirs[g].df)
                mine[g].first = min(mine[g].first, theirs[g].first)
            }
            ngrams[key] = mine
        }
        lastRow = max(lastRow, other.lastRow)
    }

    /// The vectorizer `NGramVectorizer.fit` gives on the documents of `groups`, under `configuration` (the counted
    /// one with its weighting and frequency bounds, which may differ).
    public func vectorizer(groups: [Int], configuration fitted: NGramConfiguration? = nil) throws -> NGramVectorizer {
        let configuration = fitted ?? self.configuration
        guard configuration.minN == self.configuration.minN, configuration.maxN == self.configuration.maxN,
            configuration.hashingBits == self.configuration.hashingBits
        else {
            throw TextpipeError(.usage, "these statistics were counted for other n-gram settings")
        }
        guard groups.allSatisfy({ (0..<groupCount).contains($0) }) else {
            throw TextpipeError(.usage, "a group is outside 0..<\(groupCount)")
        }
        let chosen = Array(Set(groups)).sorted()
        let n = try chosen.reduce(0) { Int(try Self.sum(Int64($0), Int64(documents[$1]))) }
        func total(_ counts: [Counts]) throws -> Counts {
            var t = Counts()
            for g in chosen {
                t.tf = try Self.sum(t.tf, counts[g].tf)
                t.df = try Self.sum(t.df, counts[g].df)
                t.first = min(t.first, counts[g].first)
            }
            return t
        }
        if let bits = configuration.hashingBits {
            var idf: [Float] = []
            if configuration.weighting == .tfidf {
                var df = [Int64](repeating: 0, count: 1 << bits)
                for (key, counts) in ngrams {
                    guard let c = Int(key), (0..<df.count).contains(c) else {
                        throw TextpipeError(.input, "hashed n-gram statistics hold a column outside 2^\(bits)")
                    }
                    df[c] = try total(counts).df
                }
                idf = df.map { NGramVectorizer.smoothIDF(n: n, df: Int($0)) }
            }
            return NGramVectorizer(
                configuration: configuration, words: [], ngramTokens: [], ngramStarts: [0], idf: idf, documentCount: n)
        }
        let minDF = configuration.minDF.documents(of: n)
        let maxDF = configuration.maxDF.documents(of: n)
        var kept: [(key: String, counts: Counts)] = []
        for (key, counts) in ngrams {
            let t = try total(counts)
            if t.df > 0, t.df >= minDF, t.df <= maxDF { kept.append((key, t)) }
        }
        if let maxFeatures = configuration.maxFeatures, kept.count > maxFeatures {
            let frequency = { (c: Counts) in configuration.frequencyForCap(tf: c.tf, df: c.df) }
            kept.sort {
                frequency($0.counts) != frequency($1.counts)
                    ? frequency($0.counts) > frequency($1.counts) : $0.counts.first < $1.counts.first
            }
            kept = Array(kept.prefix(maxFeatures))
        }
        // Alphabetical by tokens in UTF-8 byte order, a shorter n-gram before the longer ones it starts.
        let sequences = kept.map { $0.key.split(separator: " ").map(String.init) }
        let order = sequences.indices.sorted { a, b in
            sequences[a].lexicographicallyPrecedes(sequences[b], by: NGramVectorizer.utf8Less)
        }
        var words: [String] = []
        var wordIndex: [String: Int32] = [:]
        var ngramTokens: [Int32] = []
        var ngramStarts: [Int] = [0]
        var idf: [Float] = []
        for i in order {
            for token in sequences[i] {
                if wordIndex[token] == nil {
                    wordIndex[token] = Int32(words.count)
                    words.append(token)
                }
                ngramTokens.append(wordIndex[token] ?? 0)
            }
            ngramStarts.append(ngramTokens.count)
            idf.append(NGramVectorizer.smoothIDF(n: n, df: Int(kept[i].counts.df)))
        }
        return NGramVectorizer(
            configuration: configuration, words: words, ngramTokens: ngramTokens, ngramStarts: ngramStarts, idf: idf,
            documentCount: n)
    }

    /// `a + b`, or an error when counts read from partials add up past what a count can hold (they are not real).
    static func sum(_ a: Int64, _ b: Int64) throws -> Int64 {
        let (s, overflow) = a.addingReportingOverflow(b)
        guard !overflow, s <= Int64(Int32.max) << 24 else {
            throw TextpipeError(.input, "n-gram statistics whose counts add up past any real corpus")
        }
        return s
    }

    /// Binary form (stream partials travel as one base64 line of it); n-grams in sorted order, so equal statistics
    /// are equal bytes.
    public func encode(into w: inout BinaryWriter) throws {
        w.write(UInt32(0x5350_4E54))  // "TNPS"
        w.write(String(decoding: try StableJSON.encode(configuration), as: UTF8.self))
        w.write(UInt32(groupCount))
        w.write(array: documents.map { Int64($0) })
        w.write(Int64(lastRow))
        w.write(UInt64(ngrams.count))
        for key in ngrams.keys.sorted() {
            guard let counts = ngrams[key] else { continue }
            w.write(key)
            let present = (0..<groupCount).filter { counts[$0].tf > 0 }
            w.write(UInt32(present.count))
            for g in present {
                w.write(UInt32(g))
                w.write(counts[g].tf)
                w.write(counts[g].df)
                w.write(Int64(counts[g].first.row))
                w.write(Int64(counts[g].first.position))
            }
        }
    }

    /// Reads statistics written by `encode`, checking every count and index.
    public static func decode(from r: inout BinaryReader) throws -> NGramStatistics {
        let corrupt = TextpipeError(.input, "corrupt n-gram statistics", file: r.name)
        guard try r.read(UInt32.self) == 0x5350_4E54 else { throw corrupt }
        let configuration: NGramConfiguration
        do {
            configuration = try JSONDecoder().decode(NGramConfiguration.self, from: Data(try r.readString().utf8))
        } catch { throw corrupt }
        let groupCount = Int(try r.read(UInt32.self))
        var s = try NGramStatistics(configuration: configuration, groupCount: groupCount)
        let documents = try r.readArray(Int64.self)
        guard documents.count == groupCount, documents.allSatisfy({ $0 >= 0 && $0 <= Int32.max }) else { throw corrupt }
        s.documents = documents.map { Int($0) }
        s.lastRow = Int(try r.read(Int64.self))
        let count = try r.readCount()
        // Each stored n-gram takes at least 44 bytes (key length, one group's counts); none may be claimed beyond that.
        guard count <= r.remaining / 44, count * groupCount <= maximumCounts else { throw corrupt }
        s.ngrams.reserveCapacity(count)
        for _ in 0..<count {
            let key = try r.readString()
            let present = Int(try r.read(UInt32.self))
            guard present >= 1, present <= groupCount, s.ngrams[key] == nil else { throw corrupt }
            var counts = [Counts](repeating: Counts(), count: groupCount)
            for _ in 0..<present {
                let g = Int(try r.read(UInt32.self))
                let tf = try r.read(Int64.self)
                let df = try r.read(Int64.self)
                let row = try r.read(Int64.self)
                let position = try r.read(Int64.self)
                guard g < groupCount, counts[g].tf == 0, tf >= 1, df >= 1, df <= tf, df <= documents[g], row >= 0,
                    position >= 0
                else { throw corrupt }
                counts[g] = Counts(tf: tf, df: df, first: Occurrence(row: Int(row), position: Int(position)))
            }
            s.ngrams[key] = counts
        }
        return s
    }
}

extension NGramStatistics: Equatable {
    /// Same settings, groups, document counts and n-gram counts.
    public static func == (a: NGramStatistics, b: NGramStatistics) -> Bool {
        a.configuration == b.configuration && a.groupCount == b.groupCount && a.documents == b.documents
            && a.ngrams == b.ngrams
    }
}
