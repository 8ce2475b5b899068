import Foundation
import TextCore

/// A 95% (or other) confidence interval.
public struct Interval: Sendable, Codable, Equatable {
    /// Lower end.
    public var low: Double
    /// Upper end.
    public var high: Double
    /// The interval [low, high].
    public init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }
}

/// Confidence intervals by the stratified bootstrap: each resample draws, within every gold class, as many
/// documents as the class has, with replacement (seeded), and recomputes the metric; the interval is the
/// 2.5th and 97.5th percentile of the resampled values.
public enum Bootstrap {
    /// 95% intervals of accuracy and macro-F1 from a stratified bootstrap over the documents (1,000 seeded resamples).
    public static func intervals(
        gold: [Int], predicted: [Int], labels: [String], resamples: Int = 1000, seed: UInt64,
        level: Double = 0.95
    ) -> (accuracy: Interval, macroF1: Interval) {
        guard !gold.isEmpty else { return (Interval(low: 0, high: 0), Interval(low: 0, high: 0)) }
        var byClass: [Int: [Int]] = [:]
        for (i, g) in gold.enumerated() { byClass[g, default: []].append(i) }
        let groups = byClass.keys.sorted().map { byClass[$0] ?? [] }
        var rng = Xoshiro256StarStar(seed: seed)
        var accuracies: [Double] = []
        var f1s: [Double] = []
        accuracies.reserveCapacity(resamples)
        f1s.reserveCapacity(resamples)
        var g = [Int](repeating: 0, count: gold.count)
        var p = g
        for _ in 0..<resamples {
            var k = 0
            for group in groups {
                for _ in 0..<group.count {
                    let i = group[Int(rng.next() % UInt64(group.count))]
                    g[k] = gold[i]
                    p[k] = predicted[i]
                    k += 1
                }
            }
            let m = Metrics.headline(gold: g, predicted: p, classCount: labels.count)
            accuracies.append(m.accuracy)
            f1s.append(m.macroF1)
        }
        return (percentiles(accuracies, level), percentiles(f1s, level))
    }

    /// An interval for a ratio-style metric summed over sentences: each sentence contributes counts
    /// (numerator, denominator parts), resampled with replacement (seeded), and `metric` turns the summed counts
    /// into the value. Token accuracy: counts (right, tokens), metric right / tokens; F1: (correct, gold, predicted).
    public static func sentenceInterval(
        counts: [[Double]], resamples: Int = 1000, seed: UInt64, level: Double = 0.95,
        metric: ([Double]) -> Double
    ) -> Interval {
        guard let width = counts.first?.count else { return Interval(low: 0, high: 0) }
        var rng = Xoshiro256StarStar(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(resamples)
        for _ in 0..<resamples {
            var sum = [Double](repeating: 0, count: width)
            for _ in 0..<counts.count {
                let c = counts[Int(rng.next() % UInt64(counts.count))]
                for k in 0..<width { sum[k] += c[k] }
            }
            values.append(metric(sum))
        }
        return percentiles(values, level)
    }

    /// Two-sided p-value of a paired bootstrap over sentences (Koehn 2004's test, two-sided): resample sentences,
    /// recompute both systems' metric on the same resample, and count how often the sign of the difference
    /// disagrees with the observed one: p = min(1, 2 * (count + 1) / (resamples + 1)).
    public static func pairedPValue(
        _ a: [[Double]], _ b: [[Double]], resamples: Int = 1000, seed: UInt64,
        metric: ([Double]) -> Double
    ) -> Double {
        guard let width = a.first?.count, a.count == b.count else { return 1 }
        func total(_ rows: [[Double]]) -> [Double] {
            rows.reduce([Double](repeating: 0, count: width)) { zip($0, $1).map(+) }
        }
        let observed = metric(total(a)) - metric(total(b))
        guard observed != 0 else { return 1 }
        var rng = Xoshiro256StarStar(seed: seed)
        var against = 0
        for _ in 0..<resamples {
            var sa = [Double](repeating: 0, count: width)
            var sb = sa
            for _ in 0..<a.count {
                let i = Int(rng.next() % UInt64(a.count))
                for k in 0..<width {
                    sa[k] += a[i][k]
                    sb[k] += b[i][k]
                }
            }
            let d = metric(sa) - metric(sb)
            if d == 0 || (d > 0) != (observed > 0) { against += 1 }
        }
        return min(1, 2 * Double(against + 1) / Double(resamples + 1))
    }

    static func percentiles(_ values: [Double], _ level: Double) -> Interval {
        let s = values.sorted()
        func at(_ q: Double) -> Double {
            let position = q * Double(s.count - 1)
            let lo = Int(position.rounded(.down))
            let hi = min(s.count - 1, lo + 1)
            return s[lo] + (s[hi] - s[lo]) * (position - Double(lo))
        }
        return Interval(low: at((1 - level) / 2), high: at(1 - (1 - level) / 2))
    }
}

/// McNemar's exact test and Holm's correction.
public enum Significance {
    /// Two-sided exact McNemar p-value from the discordant counts: `b` documents only the first model got
    /// right, `c` only the second: p = min(1, 2 P(X <= min(b, c))), X ~ Binomial(b + c, 1/2).
    ///
    /// b = 10, c = 2: p = 2 * (1 + 12 + 66) / 4096 = 0.0386.
    public static func mcnemar(b: Int, c: Int) -> Double {
        let n = b + c
        guard n > 0 else { return 1 }
        let k = min(b, c)
        // log C(n, i) - n log 2, summed in probability space from the smallest term up.
        var logTerm = -Double(n) * log(2.0)  // i = 0
        var total = exp(logTerm)
        if k > 0 {
            for i in 1...k {
                logTerm += log(Double(n - i + 1)) - log(Double(i))
                total += exp(logTerm)
            }
        }
        return min(1, 2 * total)
    }

    /// Holm's step-down adjusted p-values (same order as `p`): sort ascending, multiply the i-th smallest by
    /// (m - i), keep them monotone, cap at 1.
    public static func holm(_ p: [Double]) -> [Double] {
        let m = p.count
        let order = p.indices.sorted { p[$0] < p[$1] }
        var adjusted = [Double](repeating: 1, count: m)
        var running = 0.0
        for (rank, i) in order.enumerated() {
            running = max(running, min(1, Double(m - rank) * p[i]))
            adjusted[i] = running
        }
        return adjusted
    }
}

/// Calibration of the top-label probability: documents grouped into equal-width bins of their highest class
/// probability; each bin's mean confidence against its accuracy. ECE = sum over bins of |bin| / n * |accuracy - confidence|.
public struct Calibration: Sendable, Codable, Equatable {
    /// One confidence bin.
    public struct Bin: Sendable, Codable, Equatable {
        /// Lower confidence bound of the bin.
        public var low: Double
        /// Upper confidence bound of the bin.
        public var high: Double
        /// Predictions in the bin.
        public var count: Int
        /// Their mean top probability.
        public var confidence: Double
        /// Their accuracy.
        public var accuracy: Double
    }
    /// Equal-width bins of the top probability.
    public var bins: [Bin]
    /// Mean |accuracy - confidence| weighted by bin size.
    public var expectedCalibrationError: Double

    /// Bins the top probability of each prediction and compares it with how often it was right.
    public init(gold: [Int], probabilities: DenseMatrix, binCount: Int = 10) {
        self.init(gold: gold, top: gold.indices.map { Self.top(probabilities, row: $0) }, binCount: binCount)
    }

    /// The most probable class of a row and its probability (the first one on ties).
    public static func top(_ probabilities: DenseMatrix, row r: Int) -> (label: Int, probability: Float) {
        var best = 0
        for k in 1..<probabilities.columnCount where probabilities[r, k] > probabilities[r, best] { best = k }
        return (best, probabilities[r, best])
    }

    /// Bins each prediction's top class and probability (`Calibration.top`) against the gold class.
    public init(gold: [Int], top: [(label: Int, probability: Float)], binCount: Int = 10) {
        var count = [Int](repeating: 0, count: binCount)
        var confidence = [Double](repeating: 0, count: binCount)
        var right = [Int](repeating: 0, count: binCount)
        for (g, t) in zip(gold, top) {
            let p = Double(t.probability)
            let b = min(binCount - 1, Int(p * Double(binCount)))
            count[b] += 1
            confidence[b] += p
            if t.label == g { right[b] += 1 }
        }
        let n = Double(max(1, gold.count))
        var ece = 0.0
        bins = (0..<binCount).map { b in
            let c = count[b]
            let conf = c > 0 ? confidence[b] / Double(c) : 0
            let acc = c > 0 ? Double(right[b]) / Double(c) : 0
            ece += Double(c) / n * abs(acc - conf)
            return Bin(
                low: Double(b) / Double(binCount), high: Double(b + 1) / Double(binCount), count: c, confidence: conf,
                accuracy: acc)
        }
        expectedCalibrationError = ece
    }
}

/// ROC and precision-recall curves of a binary task for one positive class, from scores (probabilities or
/// decision values: only their order matters). AUC by the trapezoid rule; average precision as scikit-learn's
/// `average_precision_score` (sum of precision times recall increments). Ties in the score form one step.
public struct BinaryCurves: Sendable, Codable, Equatable {
    /// The class treated as positive.
    public var positive: String
    /// (false-positive rate, true-positive rate) points from (0, 0) to (1, 1).
    public var roc: [[Double]]
    /// (recall, precision) points in order of decreasing threshold.
    public var precisionRecall: [[Double]]
    /// Area under the ROC curve (trapezoids, ties as one step).
    public var rocAuc: Double
    /// Average precision, as scikit-learn's `average_precision_score`.
    public var averagePrecision: Double

    /// ROC and precision-recall curves of `scores` for the positive class, at most `maxPoints` points each.
    public init(isPositive: [Bool], scores: [Double], positive: String, maxPoints: Int = 200) {
        self.positive = positive
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let P = Double(isPositive.filter { $0 }.count)
        let N = Double(isPositive.count) - P
        var tp = 0.0
        var fp = 0.0
        var roc: [[Double]] = [[0, 0]]
        var pr: [[Double]] = []
        var auc = 0.0
        var ap = 0.0
        var lastRecall = 0.0
        var i = 0
        while i < order.count {
            let s = scores[order[i]]
            while i < order.count && scores[order[i]] == s {
                if isPositive[order[i]] { tp += 1 } else { fp += 1 }
                i += 1
            }
            let tpr = P > 0 ? tp / P : 0
            let fpr = N > 0 ? fp / N : 0
            let previous = roc.last ?? [0, 0]
            auc += (fpr - previous[0]) * (tpr + previous[1]) / 2
            roc.append([fpr, tpr])
            let precision = tp / (tp + fp)
            ap += (tpr - lastRecall) * precision
            lastRecall = tpr
            pr.append([tpr, precision])
        }
        rocAuc = auc
        averagePrecision = ap
        func thin(_ points: [[Double]]) -> [[Double]] {
            guard points.count > maxPoints else { return points }
            let step = Double(points.count - 1) / Double(maxPoints - 1)
            return (0..<maxPoints).map { points[Int((Double($0) * step).rounded())] }
        }
        self.roc = thin(roc)
        precisionRecall = thin(pr)
    }
}
