import Foundation
import TextCore
import Tokenize

/// Word-word co-occurrence counts in a symmetric window, and their positive pointwise mutual information.
///
/// Every pair of in-vocabulary tokens at most `window` positions apart in one sentence counts once in each
/// direction; out-of-vocabulary tokens keep their positions (as hyperwords' `corpus2pairs` does). For
/// `the cat the` with window 2 the counts are (the, cat) 2, (cat, the) 2, (the, the) 2.
public struct CooccurrenceCounts: Sendable {
    /// The vocabulary, most frequent first.
    public let words: [String]
    /// Occurrences of each word in the corpus.
    public let frequencies: [Int]
    /// `counts[w, c]`: how often `c` occurred within the window of `w`.
    public let counts: SparseRows

    /// Counts `corpus` over the words with at least `minCount` occurrences (the `maxVocabulary` most frequent).
    public static func count(
        _ corpus: Word2VecCorpus, window: Int, minCount: Int, maxVocabulary: Int?
    ) throws -> CooccurrenceCounts {
        let (words, frequencies, index) = try Word2VecTrainer.vocabulary(
            corpus, minCount: minCount, maxVocabulary: maxVocabulary)
        var pairs = PairCounter()
        var recent = [Int32](repeating: -1, count: window)  // the last `window` tokens' ids, a ring
        var position = 0
        try corpus.forEachToken(
            part: 0, of: 1,
            { bytes in
                let w = index.lookup(bytes) ?? -1
                if w >= 0 {
                    for back in stride(from: 1, through: min(window, position), by: 1) {
                        let c = recent[(position - back) % window]
                        // Each pair of positions once, as (smaller id, larger id); both directions are made below.
                        if c >= 0 { pairs.add(UInt64(UInt32(min(w, c))) << 32 | UInt64(UInt32(max(w, c)))) }
                    }
                }
                if window > 0 { recent[position % window] = w }
                position += 1
            }, endOfSentence: { position = 0 })
        let (keys, values) = pairs.finish()
        // Row r holds (r, y) from the keys (y, r), y < r, then (r, x) from the keys (r, x), x >= r: filled in key
        // order, every row comes out sorted by column. A word paired with itself counts from both positions.
        var offsets = [Int](repeating: 0, count: words.count + 1)
        for k in keys {
            let (a, b) = (Int(k >> 32), Int(k & 0xFFFF_FFFF))
            offsets[a + 1] += 1
            if a != b { offsets[b + 1] += 1 }
        }
        for r in 0..<words.count { offsets[r + 1] += offsets[r] }
        var next = offsets
        var columns = [Int32](repeating: 0, count: offsets[words.count])
        var counts = [Double](repeating: 0, count: offsets[words.count])
        for (k, n) in zip(keys, values) {
            let (a, b) = (Int(k >> 32), Int(k & 0xFFFF_FFFF))
            columns[next[a]] = Int32(b)
            counts[next[a]] = a == b ? 2 * Double(n) : Double(n)
            next[a] += 1
            if a != b {
                columns[next[b]] = Int32(a)
                counts[next[b]] = Double(n)
                next[b] += 1
            }
        }
        let matrix = SparseRows(
            rowCount: words.count, columnCount: words.count, offsets: offsets, columns: columns, values: counts)
        return CooccurrenceCounts(words: words, frequencies: frequencies, counts: matrix)
    }

    /// Positive PMI with context-distribution smoothing (Levy, Goldberg and Dagan 2015), as hyperwords'
    /// `counts2pmi` and `PositiveExplicit` compute it:
    /// `PPMI(w, c) = max(0, log(#(w, c) · Σ_c' #(c')^α / (#(w) · #(c)^α)) − log k)`, where `#(w)` and `#(c)` are the
    /// row and column sums of the counts, `α` the smoothing exponent (0.75) and `k` the shift (1: none).
    /// Entries that come out zero are dropped.
    public func ppmi(smoothing alpha: Double, shift k: Int) -> SparseRows {
        let m = counts
        var rowSums = [Double](repeating: 0, count: m.rowCount)
        var columnSums = [Double](repeating: 0, count: m.columnCount)
        for r in 0..<m.rowCount {
            for e in m.offsets[r]..<m.offsets[r + 1] {
                rowSums[r] += m.values[e]
                columnSums[Int(m.columns[e])] += m.values[e]
            }
        }
        let smoothed = columnSums.map { pow($0, alpha) }
        let total = smoothed.reduce(0, +)
        let shift = log(Double(k))
        var offsets = [0]
        var columns: [Int32] = []
        var values: [Double] = []
        for r in 0..<m.rowCount {
            for e in m.offsets[r]..<m.offsets[r + 1] {
                let c = Int(m.columns[e])
                let pmi = log(m.values[e] / rowSums[r] / smoothed[c] * total) - shift
                if pmi > 0 {
                    columns.append(Int32(c))
                    values.append(pmi)
                }
            }
            offsets.append(values.count)
        }
        return SparseRows(
            rowCount: m.rowCount, columnCount: m.columnCount, offsets: offsets, columns: columns, values: values)
    }
}

/// Counts 64-bit keys with bounded memory: keys are buffered, sorted and run-length counted a block at a time, then
/// merged into the sorted totals.
struct PairCounter {
    private var buffer: [UInt64] = []
    private var keys: [UInt64] = []
    private var counts: [UInt32] = []
    private let blockSize = 1 << 22

    mutating func add(_ key: UInt64) {
        buffer.append(key)
        if buffer.count >= blockSize { flush() }
    }

    /// The distinct keys in ascending order and their counts.
    mutating func finish() -> ([UInt64], [UInt32]) {
        flush()
        return (keys, counts)
    }

    private mutating func flush() {
        guard !buffer.isEmpty else { return }
        buffer.sort()
        var blockKeys: [UInt64] = []
        var blockCounts: [UInt32] = []
        for k in buffer {
            if blockKeys.last == k {
                blockCounts[blockCounts.count - 1] += 1
            } else {
                blockKeys.append(k)
                blockCounts.append(1)
            }
        }
        buffer.removeAll(keepingCapacity: true)
        var mergedKeys: [UInt64] = []
        var mergedCounts: [UInt32] = []
        mergedKeys.reserveCapacity(keys.count + blockKeys.count)
        mergedCounts.reserveCapacity(keys.count + blockKeys.count)
        var i = 0
        var j = 0
        while i < keys.count || j < blockKeys.count {
            if j == blockKeys.count || (i < keys.count && keys[i] < blockKeys[j]) {
                mergedKeys.append(keys[i])
                mergedCounts.append(counts[i])
                i += 1
            } else if i == keys.count || blockKeys[j] < keys[i] {
                mergedKeys.append(blockKeys[j])
                mergedCounts.append(blockCounts[j])
                j += 1
            } else {
                mergedKeys.append(keys[i])
                mergedCounts.append(counts[i] + blockCounts[j])
                i += 1
                j += 1
            }
        }
        keys = mergedKeys
        counts = mergedCounts
    }
}
