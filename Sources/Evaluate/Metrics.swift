import Foundation
import TextCore

/// Precision, recall and F1 of one class; an empty denominator gives 0, as scikit-learn's `zero_division=0`.
public struct ClassMetrics: Sendable, Codable, Equatable {
    /// The class.
    public var label: String
    /// Share of the class's predictions that are right.
    public var precision: Double
    /// Share of the class's documents predicted as it.
    public var recall: Double
    /// Harmonic mean of precision and recall.
    public var f1: Double
    /// Number of gold documents of this class.
    public var support: Int
}

/// Metrics of one set of predictions against gold labels.
///
/// Gold `[0, 0, 1, 1]`, predicted `[0, 1, 1, 1]`: accuracy 0.75; class 0 precision 1, recall 0.5;
/// class 1 precision 2/3, recall 1; macro-F1 = (2/3 + 0.8) / 2.
public struct Metrics: Sendable, Codable, Equatable {
    /// Share of documents predicted right.
    public var accuracy: Double
    /// Mean F1 over the classes present in gold or predictions (scikit-learn's `labels=None`).
    public var macroF1: Double
    /// Precision, recall, F1 and support per class, in label order.
    public var perClass: [ClassMetrics]
    /// `confusion[gold, predicted]`, sparse.
    public var confusion: ConfusionCounts
    /// Mean negative log-likelihood of the gold class, probabilities clipped to [1e-15, 1 - 1e-15]; nil without probabilities.
    public var logLoss: Double?
    /// Documents scored.
    public var count: Int

    /// Scores predictions against gold labels; `probabilities` adds the log loss. Time and memory grow with the
    /// documents plus the classes (never classes squared).
    public init(gold: [Int], predicted: [Int], probabilities: DenseMatrix?, labels: [String]) {
        let K = labels.count
        let counts = Self.counts(gold: gold, predicted: predicted, classCount: K)
        count = gold.count
        accuracy = gold.isEmpty ? 0 : Double(counts.correct.reduce(0, +)) / Double(gold.count)
        perClass = (0..<K).map { k in
            let score = PrecisionRecall(
                correct: counts.correct[k], predicted: counts.predicted[k], gold: counts.gold[k])
            return ClassMetrics(
                label: labels[k], precision: score.precision, recall: score.recall, f1: score.f1,
                support: counts.gold[k])
        }
        macroF1 = Self.macroF1(counts)
        confusion = ConfusionCounts(gold: gold, predicted: predicted, classCount: K)
        if let probabilities, !gold.isEmpty {
            logLoss = Self.logLoss(goldProbabilities: gold.enumerated().map { probabilities[$0.offset, $0.element] })
        } else {
            logLoss = nil
        }
    }

    /// Mean negative log of each document's probability of its gold class, clipped to [1e-15, 1 - 1e-15].
    public static func logLoss(goldProbabilities: [Float]) -> Double {
        var total = 0.0
        for q in goldProbabilities { total -= log(min(max(Double(q), 1e-15), 1 - 1e-15)) }
        return total / Double(max(1, goldProbabilities.count))
    }

    /// Per class: documents right, predicted as it, gold of it.
    struct Counts {
        var correct: [Int]
        var predicted: [Int]
        var gold: [Int]
    }

    static func counts(gold: [Int], predicted: [Int], classCount K: Int) -> Counts {
        var c = Counts(
            correct: [Int](repeating: 0, count: K), predicted: [Int](repeating: 0, count: K),
            gold: [Int](repeating: 0, count: K))
        for (g, p) in zip(gold, predicted) {
            c.gold[g] += 1
            c.predicted[p] += 1
            if g == p { c.correct[g] += 1 }
        }
        return c
    }

    /// Macro-F1 over the classes present in gold or predictions (as scikit-learn's labels=None).
    static func macroF1(_ c: Counts) -> Double {
        var sum = 0.0
        var present = 0
        for k in c.gold.indices where c.gold[k] > 0 || c.predicted[k] > 0 {
            sum += PrecisionRecall(correct: c.correct[k], predicted: c.predicted[k], gold: c.gold[k]).f1
            present += 1
        }
        return present == 0 ? 0 : sum / Double(present)
    }

    /// Accuracy and macro-F1 alone, in time linear in documents plus classes (the bootstrap's inner loop).
    public static func headline(gold: [Int], predicted: [Int], classCount: Int) -> (accuracy: Double, macroF1: Double) {
        guard !gold.isEmpty else { return (0, 0) }
        let c = counts(gold: gold, predicted: predicted, classCount: classCount)
        return (Double(c.correct.reduce(0, +)) / Double(gold.count), macroF1(c))
    }
}

/// Counts of (gold, predicted) pairs, stored sparsely: memory and time grow with the documents and the classes, never
/// with classes squared (10,000 classes would need 800 MB as a dense matrix).
///
/// JSON: a dense `[[int]]` (`confusion[gold][predicted]`) for up to `denseLimit` classes, as it always was; above it,
/// `{"classes": K, "cells": [[gold, predicted, count], ...]}` with the non-zero cells in (gold, predicted) order.
public struct ConfusionCounts: Sendable, Equatable, Codable {
    /// One non-zero cell.
    public struct Cell: Sendable, Equatable {
        /// Gold class index.
        public var gold: Int
        /// Predicted class index.
        public var predicted: Int
        /// Documents with this gold and predicted class.
        public var count: Int
    }

    /// Classes up to which the JSON form is a dense matrix.
    public static let denseLimit = 100
    /// Number of classes (rows and columns).
    public let classCount: Int
    /// Non-zero cells sorted by gold, then predicted.
    public let cells: [Cell]

    /// Counts the pairs; every index must be below `classCount`.
    public init(gold: [Int], predicted: [Int], classCount: Int) {
        var counts: [Int: Int] = [:]
        for (g, p) in zip(gold, predicted) { counts[g * classCount + p, default: 0] += 1 }
        self.init(
            classCount: classCount,
            cells: counts.sorted { $0.key < $1.key }.map {
                Cell(gold: $0.key / classCount, predicted: $0.key % classCount, count: $0.value)
            })
    }

    /// From a dense matrix `rows[gold][predicted]`.
    public init(dense rows: [[Int]]) {
        var cells: [Cell] = []
        for (g, row) in rows.enumerated() {
            for (p, n) in row.enumerated() where n != 0 { cells.append(Cell(gold: g, predicted: p, count: n)) }
        }
        self.init(classCount: rows.count, cells: cells)
    }

    private init(classCount: Int, cells: [Cell]) {
        self.classCount = classCount
        self.cells = cells
    }

    /// The count of one cell (binary search; 0 for an empty cell).
    public subscript(gold: Int, predicted: Int) -> Int {
        var lo = 0
        var hi = cells.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let c = cells[mid]
            if (c.gold, c.predicted) < (gold, predicted) { lo = mid + 1 } else { hi = mid }
        }
        return lo < cells.count && cells[lo].gold == gold && cells[lo].predicted == predicted ? cells[lo].count : 0
    }

    /// Sum of every cell.
    public var total: Int { cells.reduce(0) { $0 + $1.count } }

    /// Documents per gold class (row sums).
    public var goldCounts: [Int] {
        var out = [Int](repeating: 0, count: classCount)
        for c in cells { out[c.gold] += c.count }
        return out
    }

    /// The dense matrix, for small tables.
    public var dense: [[Int]] {
        var rows = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        for c in cells { rows[c.gold][c.predicted] = c.count }
        return rows
    }

    /// The off-diagonal cells with the largest counts, largest first (ties in (gold, predicted) order).
    public func largestErrors(limit: Int) -> [Cell] {
        Array(cells.filter { $0.gold != $0.predicted }.sorted { $0.count > $1.count }.prefix(limit))
    }

    /// Up to `limit` classes most involved in errors (as gold or as predicted), in index order, for a readable
    /// confusion table.
    public func mostConfusedClasses(limit: Int) -> [Int] {
        var errors = [Int](repeating: 0, count: classCount)
        for c in cells where c.gold != c.predicted {
            errors[c.gold] += c.count
            errors[c.predicted] += c.count
        }
        return (0..<classCount).filter { errors[$0] > 0 }.sorted { errors[$0] > errors[$1] }.prefix(limit).sorted()
    }

    private enum Keys: String, CodingKey { case classes, cells }

    /// Reads either JSON form (older reports always have the dense one).
    public init(from decoder: Decoder) throws {
        if let rows = try? decoder.singleValueContainer().decode([[Int]].self) {
            self.init(dense: rows)
            return
        }
        let c = try decoder.container(keyedBy: Keys.self)
        let classes = try c.decode(Int.self, forKey: .classes)
        let triples = try c.decode([[Int]].self, forKey: .cells)
        var cells: [Cell] = []
        for t in triples {
            guard t.count == 3, (0..<classes).contains(t[0]), (0..<classes).contains(t[1]), t[2] > 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .cells, in: c,
                    debugDescription: "a cell is [gold, predicted, count] with indices below \(classes)")
            }
            cells.append(Cell(gold: t[0], predicted: t[1], count: t[2]))
        }
        self.init(classCount: classes, cells: cells.sorted { ($0.gold, $0.predicted) < ($1.gold, $1.predicted) })
    }

    /// Writes the dense form up to `denseLimit` classes, the cells above.
    public func encode(to encoder: Encoder) throws {
        if classCount <= Self.denseLimit {
            var c = encoder.singleValueContainer()
            try c.encode(dense)
            return
        }
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(classCount, forKey: .classes)
        try c.encode(cells.map { [$0.gold, $0.predicted, $0.count] }, forKey: .cells)
    }
}

/// Mean and sample standard deviation (n - 1) of a list of numbers; 0 deviation for fewer than two.
public func meanAndDeviation(_ values: [Double]) -> (mean: Double, deviation: Double) {
    guard !values.isEmpty else { return (0, 0) }
    let mean = values.reduce(0, +) / Double(values.count)
    guard values.count > 1 else { return (mean, 0) }
    let v = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
    return (mean, v.squareRoot())
}
