import Foundation

/// Precision, recall and F1 from counts, the one place they are computed (classes, chunks, words, tags).
///
/// An empty denominator gives 0, as scikit-learn (`zero_division=0`) and conlleval do:
/// `PrecisionRecall(correct: 3, predicted: 4, gold: 6)` has precision 0.75, recall 0.5, F1 0.6;
/// `PrecisionRecall(correct: 0, predicted: 0, gold: 2)` has precision 0, recall 0, F1 0.
public struct PrecisionRecall: Sendable, Equatable {
    /// Items both predicted and gold.
    public var correct: Double
    /// Items predicted.
    public var predicted: Double
    /// Items gold.
    public var gold: Double

    /// Scores from counts.
    public init(correct: Double, predicted: Double, gold: Double) {
        self.correct = correct
        self.predicted = predicted
        self.gold = gold
    }

    /// Scores from integer counts.
    public init(correct: Int, predicted: Int, gold: Int) {
        self.init(correct: Double(correct), predicted: Double(predicted), gold: Double(gold))
    }

    /// correct / predicted (0 when nothing was predicted).
    public var precision: Double { predicted > 0 ? correct / predicted : 0 }
    /// correct / gold (0 when there is no gold item).
    public var recall: Double { gold > 0 ? correct / gold : 0 }
    /// The harmonic mean of precision and recall.
    public var f1: Double {
        let p = precision
        let r = recall
        return p + r > 0 ? 2 * p * r / (p + r) : 0
    }
}
