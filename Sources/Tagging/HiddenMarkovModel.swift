import Classify
import Foundation
import TextCore

/// Hyperparameters of the hidden Markov model tagger.
public struct HiddenMarkovModelConfiguration: Sendable, Codable, Hashable {
    /// 1: p(t_i | t_{i-1}) (bigram); 2: p(t_i | t_{i-2}, t_{i-1}) (trigram, as TnT).
    public var order = 1
    /// Longest suffix used to guess the tags of unknown words.
    public var suffixLength = 5
    /// Words seen at most this often train the unknown-word (suffix) model.
    public var rareWordCount = 10
    /// Order 1, suffixes up to 5 characters, words seen at most 10 times train the suffix model.
    public init() {}
}

/// A generative tagger: p(words, tags) = prod_i p(t_i | history) p(w_i | t_i), decoded by Viterbi in log space
/// (Brants 2000, "TnT"). Transitions interpolate unigram, bigram and (order 2) trigram estimates with weights
/// found by deleted interpolation; sentences are padded with start and end states. Known words emit by their
/// relative frequency and may only take tags seen with them; unknown words get p(t | suffix) from a suffix
/// tree of rare words (successive abstraction with TnT's theta), kept apart by shape (capitalised, lowercase,
/// digits, other), turned into p(w | t) proportional to p(t | suffix) / p(t).
public struct HiddenMarkovModel: SequenceTagger {
    /// Spec name.
    public static let kind = "hmm"
    /// Generative: models p(words, tags).
    public static let family = ModelFamily.generative
    /// The tag set.
    public let tags: [String]
    /// Its settings.
    public let configuration: HiddenMarkovModelConfiguration
    /// log p(t | t1) at `t1 * S + t` (order 1) or log p(t | t0, t1) at `(t0 * S + t1) * S + t` (order 2),
    /// S = tags + start + end, interpolated.
    let logTransition: [Double]
    let lambdas: [Double]
    let lexicon: [String: [(tag: Int32, logEmission: Double)]]
    let suffixes: [String: [Double]]  // class|suffix -> p(t | suffix) by successive abstraction
    let tagPrior: [Double]  // p(t) among rare words
    let theta: Double
    /// Interpolation weights and lexicon size.
    public let trainingSummary: [String: String]

    var stateCount: Int { tags.count + 2 }
    var start: Int { tags.count }
    var end: Int { tags.count + 1 }

    /// Counts transitions, emissions and suffixes over `sentences`, and finds the interpolation weights.
    public static func fit(_ c: HiddenMarkovModelConfiguration, sentences: [TaggedSentence], tags: [String]) throws
        -> HiddenMarkovModel
    {
        guard c.order == 1 || c.order == 2 else { throw TextpipeError(.spec, "order must be 1 or 2", key: "order") }
        guard !sentences.isEmpty else { throw TextpipeError(.data, "no training sentences") }
        let T = tags.count
        let S = T + 2
        let start = T
        let end = T + 1
        let index = Dictionary(uniqueKeysWithValues: tags.enumerated().map { ($1, $0) })
        func tagIndex(_ tag: String) throws -> Int {
            guard let i = index[tag] else { throw TextpipeError(.data, "tag '\(tag)' is not in the tag set") }
            return i
        }
        /// The first position of the largest value (deleted interpolation credits the first of equal ratios).
        func firstLargest(_ r: [Double]) -> Int {
            var best = 0
            for i in r.indices where r[i] > r[best] { best = i }
            return best
        }
        var uni = [Double](repeating: 0, count: S)
        var bi: [Int: Double] = [:]
        var tri: [Int: Double] = [:]
        var wordTag: [String: [Int: Int]] = [:]
        var wordCount: [String: Int] = [:]
        for s in sentences {
            let seq = try [start, start] + s.tags.map(tagIndex) + [end]
            for i in 2..<seq.count {
                uni[seq[i]] += 1
                bi[seq[i - 1] * S + seq[i], default: 0] += 1
                tri[(seq[i - 2] * S + seq[i - 1]) * S + seq[i], default: 0] += 1
            }
            for (w, t) in zip(s.tokens, s.tags) {
                wordTag[w, default: [:]][try tagIndex(t), default: 0] += 1
                wordCount[w, default: 0] += 1
            }
        }
        // Context counts: how often each history is followed by anything (start counts as a history).
        var ctx1 = [Double](repeating: 0, count: S)
        var ctx2: [Int: Double] = [:]
        for (k, v) in bi { ctx1[k / S] += v }
        for (k, v) in tri { ctx2[k / S, default: 0] += v }
        let N = uni.reduce(0, +)
        // Deleted interpolation (Brants 2000, figure 1).
        var l = [0.0, 0.0, 0.0]
        func ratio(_ a: Double, _ b: Double) -> Double { b > 1 ? (a - 1) / (b - 1) : 0 }
        if c.order == 2 {
            for (k, f) in tri {
                let t3 = k % S
                let t2 = (k / S) % S
                let r = [ratio(uni[t3], N), ratio(bi[t2 * S + t3] ?? 0, ctx1[t2]), ratio(f, ctx2[k / S] ?? 0)]
                l[firstLargest(r)] += f
            }
        } else {
            for (k, f) in bi {
                let t2 = k % S
                let t1 = k / S
                let r = [ratio(uni[t2], N), ratio(f, ctx1[t1])]
                l[firstLargest(r)] += f
            }
        }
        let total = l.reduce(0, +)
        // Every order keeps at least a little weight (0.1%), so no transition has probability zero: a corpus where
        // the trigrams decide everything would otherwise give unseen histories nothing to fall back on.
        var lambdas = l.map { total > 0 ? $0 / total : 1.0 / Double(c.order + 1) }
        for i in 0...c.order { lambdas[i] = max(lambdas[i], 1e-3) }
        let sum = lambdas.prefix(c.order + 1).reduce(0, +)
        for i in 0...c.order { lambdas[i] /= sum }
        let unigram = uni.map { max($0, 0.5) / N }
        var logTransition = [Double](repeating: 0, count: c.order == 2 ? S * S * S : S * S)
        for t1 in 0..<S {
            for t in 0..<S {
                let p2 = lambdas[0] * unigram[t] + lambdas[1] * (ctx1[t1] > 0 ? (bi[t1 * S + t] ?? 0) / ctx1[t1] : 0)
                if c.order == 1 {
                    logTransition[t1 * S + t] = log(p2)
                    continue
                }
                for t0 in 0..<S {
                    let history = t0 * S + t1
                    let p3 = ctx2[history].map { (tri[history * S + t] ?? 0) / $0 } ?? 0
                    logTransition[history * S + t] = log(p2 + lambdas[2] * p3)
                }
            }
        }
        // Emissions of known words, and the suffix model from rare words.
        var tagTotals = [Double](repeating: 0, count: T)
        for (_, counts) in wordTag { for (t, n) in counts { tagTotals[t] += Double(n) } }
        var lexicon: [String: [(tag: Int32, logEmission: Double)]] = [:]
        for (w, counts) in wordTag {
            lexicon[w] = counts.sorted { $0.key < $1.key }.map {
                (Int32($0.key), log(Double($0.value) / tagTotals[$0.key]))
            }
        }
        var suffixCounts: [String: [Double]] = [:]
        var rarePrior = [Double](repeating: 0, count: T)
        for (w, counts) in wordTag where wordCount[w, default: 0] <= c.rareWordCount {
            let chars = Array(w)
            let cls = Self.wordClass(w)
            for (t, n) in counts {
                rarePrior[t] += Double(n)
                for k in 1...max(1, min(c.suffixLength, chars.count)) where k <= chars.count {
                    suffixCounts[
                        "\(cls)|\(String(chars[(chars.count - k)...]))", default: [Double](repeating: 0, count: T)][
                            t] += Double(n)
                }
            }
        }
        let rareTotal = max(1, rarePrior.reduce(0, +))
        let prior = rarePrior.map { ($0 + 0.5) / (rareTotal + 0.5 * Double(T)) }
        let mean = 1.0 / Double(T)
        let theta = T > 1 ? (prior.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(T - 1)).squareRoot() : 1
        let suffixes = suffixCounts.mapValues { counts -> [Double] in
            let n = counts.reduce(0, +)
            return counts.map { $0 / n }
        }
        return HiddenMarkovModel(
            tags: tags, configuration: c, logTransition: logTransition, lambdas: lambdas, lexicon: lexicon,
            suffixes: suffixes,
            tagPrior: prior, theta: theta,
            trainingSummary: [
                "order": "\(c.order)",
                "lambdas": lambdas.prefix(c.order + 1).map { String(format: "%.3f", $0) }.joined(separator: ","),
                "words": "\(lexicon.count)", "suffixes": "\(suffixes.count)", "theta": String(format: "%.4f", theta)
            ])
    }

    /// Capitalised, lowercase, digits or other: unknown words of different shapes keep separate suffix statistics.
    static func wordClass(_ w: String) -> Character {
        guard let f = w.first else { return "o" }
        if f.isUppercase { return "C" }
        if f.isLowercase { return "l" }
        if f.isNumber { return "d" }
        return "o"
    }

    /// log p(t | history).
    @inline(__always) func transition(_ t0: Int, _ t1: Int, _ t: Int) -> Double {
        let S = stateCount
        return configuration.order == 2 ? logTransition[(t0 * S + t1) * S + t] : logTransition[t1 * S + t]
    }

    /// Candidate tags of a word and log p(w | t) (up to a constant per word for unknown words).
    func emissions(_ w: String) -> [(tag: Int32, logEmission: Double)] {
        if let known = lexicon[w] { return known }
        let T = tags.count
        let chars = Array(w)
        let cls = Self.wordClass(w)
        var p = tagPrior
        for k in 1...max(1, min(configuration.suffixLength, chars.count)) where k <= chars.count {
            guard let s = suffixes["\(cls)|\(String(chars[(chars.count - k)...]))"] else { break }
            for t in 0..<T { p[t] = (s[t] + theta * p[t]) / (1 + theta) }
        }
        // Tags far below the best are left out (a beam), which keeps the second-order search small.
        let best = p.max() ?? 0
        return (0..<T).compactMap { t in p[t] >= best * 1e-4 ? (Int32(t), log(p[t] / tagPrior[t])) : nil }
    }

    /// Viterbi tags of each sentence.
    public func predict(_ sentences: [[String]]) -> [[String]] {
        Parallel.map(sentences) { words in viterbi(words).map { tags[Int($0)] } }
    }

    /// Viterbi over states (previous tag, tag); for order 1 the previous tag only carries the path.
    func viterbi(_ words: [String]) -> [Int32] {
        let n = words.count
        guard n > 0 else { return [] }
        let candidates = words.map(emissions)
        // delta[(prev, cur)] over the candidate lists of positions i-1 and i; back pointers to position i-2's choice.
        typealias Key = Int
        let S = stateCount
        var delta: [Key: Double] = [start * S + start: 0]
        var back: [[Key: Int]] = []
        for i in 0..<n {
            var next: [Key: Double] = [:]
            var pointer: [Key: Int] = [:]
            for (key, score) in delta {
                let t0 = key / S
                let t1 = key % S
                for (t, e) in candidates[i] {
                    let v = score + transition(t0, t1, Int(t)) + e
                    // Order 1 needs only the current tag as state: the previous one goes to the back pointer.
                    let k = configuration.order == 2 ? t1 * S + Int(t) : start * S + Int(t)
                    if next[k].map({ v > $0 }) ?? true {
                        next[k] = v
                        pointer[k] = configuration.order == 2 ? t0 : t1
                    }
                }
            }
            delta = next
            back.append(pointer)
        }
        var bestKey = -1
        var bestScore = -Double.infinity
        for (key, score) in delta.sorted(by: { $0.key < $1.key }) {
            let v = score + transition(key / S, key % S, end)
            if bestKey < 0 || v > bestScore {
                bestScore = v
                bestKey = key
            }
        }
        var path = [Int32](repeating: 0, count: n)
        var key = bestKey
        for i in stride(from: n - 1, through: 0, by: -1) {
            path[i] = Int32(key % S)
            // Every state on the best path has a back pointer; a missing one would be a bug, and ends the walk.
            guard let previous = back[i][key] else { break }
            key = configuration.order == 2 ? previous * S + key / S : start * S + previous
        }
        return path
    }
}

extension HiddenMarkovModelConfiguration: TaggerSettings {
    /// Spec name.
    public static let kind = "hmm"
    /// One line for the README.
    public static let summary =
        "hidden Markov model of order 1 or 2 (TnT: deleted interpolation, suffix model), Viterbi"
    /// Generative.
    public var family: ModelFamily { .generative }
    /// `hmm2` for a second-order model.
    public var defaultName: String { order == 2 ? "hmm2" : "hmm" }
    /// `hidden Markov model, order 1 (Viterbi)`.
    public var description: String { "hidden Markov model, order \(order) (Viterbi)" }
    /// Counts and smooths.
    public func fit(
        _ sentences: [TaggedSentence], tags: [String], features: TokenFeatureConfiguration, seed: UInt64,
        vectors: TokenVectorSource?, log: ((String) -> Void)?
    ) throws -> any SequenceTagger {
        try HiddenMarkovModel.fit(self, sentences: sentences, tags: tags)
    }
    /// `HiddenMarkovModel`.
    public static var taggerType: any SequenceTagger.Type { HiddenMarkovModel.self }

    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<HiddenMarkovModelConfiguration>] = [
        .integer("order", \.order, minimum: 1, "1: bigram transitions; 2: trigram, as TnT"),
        .integer("suffix_length", \.suffixLength, minimum: 0, "longest suffix used to guess unknown words' tags"),
        .integer("rare_word_count", \.rareWordCount, minimum: 1, "words seen at most this often train the suffix model")
    ]

    /// The order is 1 or 2.
    public func validate(present: Set<String>) throws {
        guard order <= 2 else { throw SettingsConflict(key: "order", "order is 1 or 2, got \(order)") }
    }
}
