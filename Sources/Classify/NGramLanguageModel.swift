import Foundation
import TextCore

/// How an n-gram language model spreads probability to n-grams it never saw.
public enum LanguageModelSmoothing: String, Sendable, Codable, Hashable, CaseIterable {
    /// Interpolated modified Kneser-Ney (Chen & Goodman 1999): three discounts per order (for counts 1, 2 and 3+)
    /// from the count-of-counts, continuation counts below the highest order, down to a uniform distribution over
    /// the vocabulary. Never gives probability zero.
    case modifiedKneserNey = "modified_kneser_ney"
    /// Interpolated Kneser-Ney with one discount, exactly as NLTK's `nltk.lm.KneserNeyInterpolated`: its lowest order
    /// is the continuation unigram, so a vocabulary word the model never saw has probability zero.
    case kneserNey = "kneser_ney"
    /// Witten-Bell interpolation, exactly as NLTK's `nltk.lm.WittenBell`: its lowest order is the maximum-likelihood
    /// unigram, so a vocabulary word the model never saw has probability zero.
    case wittenBell = "witten_bell"
    /// Interpolated absolute discounting (Ney, Essen & Kneser 1994) with one discount on raw counts at every order,
    /// exactly as NLTK's `nltk.lm.AbsoluteDiscountingInterpolated`: its lowest order is the maximum-likelihood
    /// unigram.
    case absolute
    /// Additive (Lidstone) smoothing of the highest order alone: `(c(h, w) + alpha) / (c(h) + alpha |V|)`. At order 1
    /// without boundary symbols this is multinomial naive Bayes' estimate.
    case additive
}

/// The n-grams of one model, up to order 6, as two 64-bit words (21 bits per id): an id is below 2^21.
struct Gram: Hashable, Sendable {
    var a: UInt64
    var b: UInt64

    static let bits: UInt64 = 21
    static let maximumId = (1 << 21) - 1

    /// The gram of `ids[range]` (at most 6 ids).
    @inline(__always)
    init(_ ids: UnsafeBufferPointer<Int32>, _ lower: Int, _ upper: Int) {
        var a: UInt64 = 0
        var b: UInt64 = 0
        var shift: UInt64 = 0
        var i = lower
        while i < upper && i < lower + 3 {
            a |= UInt64(UInt32(bitPattern: ids[i])) << shift
            shift += Self.bits
            i += 1
        }
        shift = 0
        while i < upper {
            b |= UInt64(UInt32(bitPattern: ids[i])) << shift
            shift += Self.bits
            i += 1
        }
        self.a = a
        self.b = b
    }

    init(a: UInt64, b: UInt64) {
        self.a = a
        self.b = b
    }
}

/// What follows one context: how often (`total`), how many distinct words, and how many of those were seen exactly
/// once, twice, three or more times (for modified Kneser-Ney's discounts).
struct FollowerStats: Sendable {
    var total: Double = 0
    var distinct: Double = 0
    var once: Double = 0
    var twice: Double = 0
    var more: Double = 0

    mutating func add(_ count: Double) {
        total += count
        distinct += 1
        if count == 1 {
            once += 1
        } else if count == 2 {
            twice += 1
        } else {
            more += 1
        }
    }
}

/// One n-gram language model over word (or character) ids: the counts of every n-gram of order 1...`order` in the
/// padded training sequences (`order - 1` start symbols before, as many end symbols after, as NLTK's
/// `padded_everygram_pipeline`), and the probability of a word after a context under one of the smoothings.
///
/// Training is counting: two models' counts merge by addition (`merge`), so counts made on separate machines give
/// the model one machine would.
struct NGramLanguageModel: Sendable {
    /// Highest order.
    let order: Int
    let smoothing: LanguageModelSmoothing
    /// Kneser-Ney's (single) or absolute discounting's discount.
    let discount: Double
    /// Additive smoothing's pseudo-count.
    let alpha: Double
    /// Size of the vocabulary the uniform base (and additive smoothing) spreads over.
    let vocabularySize: Int
    /// KenLM's sentence conventions (modified Kneser-Ney as `lmplz` estimates it): a sequence is `<s> w1 ... wn
    /// </s>` with one symbol on each side; n-grams that begin with `<s>` keep their raw counts at the lower orders
    /// (nothing can precede them, so a continuation count would make every sentence start look seen once); `<s>` is
    /// never predicted, so it has no unigram count and the uniform base spreads over the vocabulary without it.
    let sentenceConventions: Bool
    /// Raw counts by order (index 0: unigrams).
    private(set) var counts: [[Gram: Double]]
    /// Derived tables, rebuilt by `prepare()`.
    private var followers: [[Gram: FollowerStats]] = []
    private var continuation: [[Gram: Double]] = []
    private var continuationFollowers: [[Gram: FollowerStats]] = []
    private(set) var discounts: [(Double, Double, Double)] = []
    private var continuationDiscounts: [(Double, Double, Double)] = []
    private var unigramTotal = 0.0
    private var continuationUnigramTotal = 0.0
    private var continuationUnigramStats = FollowerStats()
    private var unigramStats = FollowerStats()

    init(
        order: Int, smoothing: LanguageModelSmoothing, discount: Double, alpha: Double, vocabularySize: Int,
        sentenceConventions: Bool = false, counts: [[Gram: Double]]? = nil
    ) {
        self.order = order
        self.smoothing = smoothing
        self.discount = discount
        self.alpha = alpha
        self.vocabularySize = vocabularySize
        self.sentenceConventions = sentenceConventions
        self.counts = counts ?? Array(repeating: [:], count: order)
    }

    /// Counts every n-gram of orders 1...`order` in `ids` (already padded).
    mutating func count(_ ids: [Int32]) {
        ids.withUnsafeBufferPointer { p in
            for start in 0..<p.count {
                for n in 1...order where start + n <= p.count {
                    if n == 1 && sentenceConventions && p[start] == NGramLanguageModel.sentenceStart { continue }
                    counts[n - 1][Gram(p, start, start + n), default: 0] += 1
                }
            }
        }
    }

    /// Adds another model's counts (same order).
    mutating func merge(_ other: NGramLanguageModel) {
        for n in 0..<order { counts[n].merge(other.counts[n]) { $0 + $1 } }
    }

    /// The context (first n-1 ids) and the last id of an n-gram stored in `gram`.
    static func split(_ g: Gram, order n: Int) -> (context: Gram, last: UInt64) {
        let mask: UInt64 = (1 << Gram.bits) - 1
        let lastIndex = n - 1
        let last: UInt64
        var context = g
        if lastIndex < 3 {
            let shift = UInt64(lastIndex) * Gram.bits
            last = (g.a >> shift) & mask
            context.a &= ~(mask << shift)
        } else {
            let shift = UInt64(lastIndex - 3) * Gram.bits
            last = (g.b >> shift) & mask
            context.b &= ~(mask << shift)
        }
        return (context, last)
    }

    /// The n-gram without its first id (a suffix of order n-1).
    static func suffix(_ g: Gram, order n: Int) -> Gram {
        let mask: UInt64 = (1 << Gram.bits) - 1
        // Shift every id one place down: a's three, then b's first into a's last place.
        let a = (g.a >> Gram.bits) | ((g.b & mask) << (2 * Gram.bits))
        let b = g.b >> Gram.bits
        _ = n
        return Gram(a: a & ((1 << (3 * Gram.bits)) - 1), b: b)
    }

    /// Chen & Goodman's three discounts from the count-of-counts n1...n4 (each clamped into [0, count]).
    static func modifiedDiscounts(_ countsOfCounts: [Double]) -> (Double, Double, Double) {
        let n1 = countsOfCounts[0]
        let n2 = countsOfCounts[1]
        let n3 = countsOfCounts[2]
        let n4 = countsOfCounts[3]
        guard n1 > 0 else { return (0.5, 1, 1.5) }
        let y = n1 / (n1 + 2 * n2)
        func clamp(_ d: Double, _ c: Double) -> Double { d.isFinite ? min(max(d, 0), c) : c * 0.5 }
        let d1 = clamp(1 - 2 * y * n2 / n1, 1)
        let d2 = n2 > 0 ? clamp(2 - 3 * y * n3 / n2, 2) : d1
        let d3 = n3 > 0 ? clamp(3 - 4 * y * n4 / n3, 3) : d2
        return (d1, d2, d3)
    }

    /// Builds the follower statistics, continuation counts and discounts from the counts.
    mutating func prepare() {
        followers = Array(repeating: [:], count: order)
        continuation = Array(repeating: [:], count: order)
        continuationFollowers = Array(repeating: [:], count: order)
        discounts = Array(repeating: (0, 0, 0), count: order)
        continuationDiscounts = Array(repeating: (0, 0, 0), count: order)
        unigramTotal = counts[0].values.reduce(0, +)
        unigramStats = FollowerStats()
        for c in counts[0].values { unigramStats.add(c) }
        for n in 2...max(2, order) where n <= order {
            for (g, c) in counts[n - 1] {
                followers[n - 1][Self.split(g, order: n).context, default: FollowerStats()].add(c)
                // Continuation count of the (n-1)-gram suffix: one more distinct word before it.
                continuation[n - 2][Self.suffix(g, order: n), default: 0] += 1
            }
        }
        if sentenceConventions {
            // KenLM: below the highest order, an n-gram that starts a sentence keeps its raw count.
            for n in 2...max(2, order) where n < order {
                for (g, c) in counts[n - 1] where g.a & ((1 << Gram.bits) - 1) == UInt64(Self.sentenceStart) {
                    continuation[n - 1][g] = c
                }
            }
        }
        for n in 2...max(2, order) where n < order {
            for (g, c) in continuation[n - 1] {
                continuationFollowers[n - 1][Self.split(g, order: n).context, default: FollowerStats()].add(c)
            }
        }
        continuationUnigramStats = FollowerStats()
        if order > 1 { for c in continuation[0].values { continuationUnigramStats.add(c) } }
        continuationUnigramTotal = continuationUnigramStats.total
        func countsOfCounts(_ values: Dictionary<Gram, Double>.Values) -> [Double] {
            var n = [0.0, 0, 0, 0]
            for c in values where c >= 1 && c <= 4 { n[Int(c) - 1] += 1 }
            return n
        }
        for n in 1...order {
            discounts[n - 1] = Self.modifiedDiscounts(countsOfCounts(counts[n - 1].values))
            if n < order {
                continuationDiscounts[n - 1] = Self.modifiedDiscounts(countsOfCounts(continuation[n - 1].values))
            }
        }
    }

    /// p(w | context), `context` the ids before `w` (its last `order - 1` are used).
    func probability(_ w: Int32, context: ArraySlice<Int32>) -> Double {
        let ids = Array(context.suffix(order - 1)) + [w]
        return ids.withUnsafeBufferPointer { probability(at: $0.count - 1, in: $0) }
    }

    /// p(ids[i] | the ids before it), read in place.
    @inline(__always)
    func probability(at i: Int, in ids: UnsafeBufferPointer<Int32>) -> Double {
        let start = max(0, i - order + 1)
        return smoothing == .additive
            ? additive(ids, start: start, end: i + 1) : interpolated(ids, start: start, end: i + 1)
    }

    /// The sum of log p(ids[i] | the ids before it) over i in `first..<ids.count`.
    func logProbability(_ ids: [Int32], from first: Int) -> Double {
        ids.withUnsafeBufferPointer { p in
            var sum = 0.0
            for i in first..<p.count { sum += log(probability(at: i, in: p)) }
            return sum
        }
    }

    private func additive(_ p: UnsafeBufferPointer<Int32>, start: Int, end: Int) -> Double {
        let n = end - start
        let v = Double(vocabularySize)
        if n == 1 { return ((counts[0][Gram(p, start, end)] ?? 0) + alpha) / (unigramTotal + alpha * v) }
        let c = counts[n - 1][Gram(p, start, end)] ?? 0
        let h = followers[n - 1][Gram(p, start, end - 1)]?.total ?? 0
        return (c + alpha) / (h + alpha * v)
    }

    /// The interpolated estimate of `p[end - 1]` after `p[start..<end - 1]`: raw counts at the model's highest order,
    /// continuation counts below it for Kneser-Ney.
    private func interpolated(_ p: UnsafeBufferPointer<Int32>, start: Int, end: Int) -> Double {
        let n = end - start
        if n == 1 { return unigram(p[end - 1]) }
        let gram = Gram(p, start, end)
        let context = Gram(p, start, end - 1)
        func lower() -> Double { interpolated(p, start: start + 1, end: end) }
        switch smoothing {
        case .wittenBell:
            guard let f = followers[n - 1][context], f.total > 0 else { return lower() }
            let gamma = f.distinct / (f.distinct + f.total)
            let mle = (counts[n - 1][gram] ?? 0) / f.total
            return (1 - gamma) * mle + gamma * lower()
        case .absolute:
            guard let f = followers[n - 1][context], f.total > 0 else { return lower() }
            let c = counts[n - 1][gram] ?? 0
            return max(c - discount, 0) / f.total + discount * f.distinct / f.total * lower()
        case .kneserNey:
            // NLTK: raw counts at the highest order; below, continuation counts over their total, with the number of
            // distinct raw followers of the context in the interpolation weight.
            guard let f = followers[n - 1][context], f.total > 0 else { return lower() }
            if n == order {
                let c = counts[n - 1][gram] ?? 0
                return max(c - discount, 0) / f.total + discount * f.distinct / f.total * lower()
            }
            guard let cf = continuationFollowers[n - 1][context], cf.total > 0 else { return lower() }
            let c = continuation[n - 1][gram] ?? 0
            return max(c - discount, 0) / cf.total + discount * f.distinct / cf.total * lower()
        case .modifiedKneserNey:
            let top = n == order
            guard let f = (top ? followers[n - 1][context] : continuationFollowers[n - 1][context]), f.total > 0
            else { return lower() }
            let c = (top ? counts[n - 1][gram] : continuation[n - 1][gram]) ?? 0
            let (d1, d2, d3) = top ? discounts[n - 1] : continuationDiscounts[n - 1]
            let d = c == 0 ? 0 : c == 1 ? d1 : c == 2 ? d2 : d3
            let gamma = (d1 * f.once + d2 * f.twice + d3 * f.more) / f.total
            return max(c - d, 0) / f.total + gamma * lower()
        case .additive:
            return additive(p, start: start, end: end)
        }
    }

    /// The lowest order.
    private func unigram(_ w: Int32) -> Double {
        var id = w
        let g = withUnsafePointer(to: &id) { Gram(UnsafeBufferPointer(start: $0, count: 1), 0, 1) }
        // Under KenLM's conventions `<s>` is never predicted (probability 0, as lmplz's -99): the uniform base
        // leaves it out.
        if sentenceConventions && w == Self.sentenceStart { return 0 }
        let uniform = 1 / Double(max(1, vocabularySize - (sentenceConventions ? 1 : 0)))
        switch smoothing {
        case .kneserNey:
            return continuationUnigramTotal > 0 ? (continuation[0][g] ?? 0) / continuationUnigramTotal : 0
        case .wittenBell, .absolute:
            return unigramTotal > 0 ? (counts[0][g] ?? 0) / unigramTotal : 0
        case .modifiedKneserNey:
            let useContinuation = order > 1
            let stats = useContinuation ? continuationUnigramStats : unigramStats
            guard stats.total > 0 else { return uniform }
            let c = (useContinuation ? continuation[0][g] : counts[0][g]) ?? 0
            let (d1, d2, d3) = useContinuation ? continuationDiscounts[0] : discounts[0]
            let d = c == 0 ? 0 : c == 1 ? d1 : c == 2 ? d2 : d3
            let gamma = (d1 * stats.once + d2 * stats.twice + d3 * stats.more) / stats.total
            return max(c - d, 0) / stats.total + gamma * uniform
        case .additive:
            return ((counts[0][g] ?? 0) + alpha) / (unigramTotal + alpha * Double(vocabularySize))
        }
    }

    /// Writes the counts (the derived tables are rebuilt on reading).
    func encode(into w: inout BinaryWriter) {
        for table in counts {
            let keys = table.keys.sorted { ($0.a, $0.b) < ($1.a, $1.b) }
            w.write(array: keys.map(\.a))
            w.write(array: keys.map(\.b))
            w.write(array: keys.map { table[$0] ?? 0 })
        }
    }

    /// The id of `<s>` (NGramLM's reserved ids: 0 `<unk>`, 1 `<s>`, 2 `</s>`).
    static let sentenceStart: Int32 = 1

    /// Reads counts written by `encode` into a model with these settings.
    static func decode(
        from r: inout BinaryReader, order: Int, smoothing: LanguageModelSmoothing, discount: Double, alpha: Double,
        vocabularySize: Int, sentenceConventions: Bool = false
    ) throws -> NGramLanguageModel {
        var counts: [[Gram: Double]] = []
        for _ in 0..<order {
            let a = try r.readArray(UInt64.self)
            let b = try r.readArray(UInt64.self)
            let c = try r.readDoubles()
            guard a.count == b.count, b.count == c.count, c.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw TextpipeError(.model, "corrupt n-gram counts")
            }
            var table: [Gram: Double] = [:]
            table.reserveCapacity(a.count)
            for i in a.indices { table[Gram(a: a[i], b: b[i])] = c[i] }
            counts.append(table)
        }
        var model = NGramLanguageModel(
            order: order, smoothing: smoothing, discount: discount, alpha: alpha, vocabularySize: vocabularySize,
            sentenceConventions: sentenceConventions, counts: counts)
        model.prepare()
        return model
    }
}
