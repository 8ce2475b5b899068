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
    /// `confusion[gold][predicted]`.
    public var confusion: [[Int]]
    /// Mean negative log-likelihood of the gold class, probabilities clipped to [1e-15, 1 - 1e-15]; nil without probabilities.
    public var logLoss: Double?
    /// Documents scored.
    public var count: Int

    /// Scores predictions against gold labels; `probabilities` adds the log loss.
    public init(gold: [Int], predicted: [Int], probabilities: DenseMatrix?, labels: [String]) {
        let K = labels.count
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: K), count: K)
        for (g, p) in zip(gold, predicted) { confusion[g][p] += 1 }
        let correct = (0..<K).reduce(0) { $0 + confusion[$1][$1] }
        count = gold.count
        accuracy = gold.isEmpty ? 0 : Double(correct) / Double(gold.count)
        let perClass: [ClassMetrics] = (0..<K).map { k in
            let tp = Double(confusion[k][k])
            let predictedK = Double((0..<K).reduce(0) { $0 + confusion[$1][k] })
            let goldK = confusion[k].reduce(0, +)
            let score = PrecisionRecall(correct: tp, predicted: predictedK, gold: Double(goldK))
            return ClassMetrics(
                label: labels[k], precision: score.precision, recall: score.recall, f1: score.f1, support: goldK)
        }
        // Macro-F1 over the classes present in gold or predictions (as scikit-learn's labels=None).
        self.perClass = perClass
        let present = (0..<K).filter { k in perClass[k].support > 0 || (0..<K).contains { confusion[$0][k] > 0 } }
        macroF1 = present.isEmpty ? 0 : present.reduce(0) { $0 + perClass[$1].f1 } / Double(present.count)
        self.confusion = confusion
        if let probabilities, !gold.isEmpty {
            var total = 0.0
            for (r, g) in gold.enumerated() {
                let p = min(max(Double(probabilities[r, g]), 1e-15), 1 - 1e-15)
                total -= log(p)
            }
            logLoss = total / Double(gold.count)
        } else {
            logLoss = nil
        }
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
