import Foundation

/// Test error against training-set size for every model (Ng & Jordan 2001 on the user's data): each model is
/// retrained on stratified subsets of growing size of each fold's training documents, `repeats` times with
/// different subsets, and scored on the fold's test documents.
public struct LearningCurves: Codable, Sendable, Equatable {
    /// One training size of a curve.
    public struct Point: Codable, Sendable, Equatable {
        /// Share of each fold's training documents used.
        public var fraction: Double
        /// Mean number of training documents at this fraction.
        public var trainDocuments: Double
        /// Mean test error (1 - accuracy) over folds and repeats, and its standard deviation.
        public var error: Double
        /// Standard deviation of the error over folds and repeats.
        public var errorStd: Double
        /// A point.
        public init(fraction: Double, trainDocuments: Double, error: Double, errorStd: Double) {
            self.fraction = fraction
            self.trainDocuments = trainDocuments
            self.error = error
            self.errorStd = errorStd
        }
    }
    /// One model's curve.
    public struct Curve: Codable, Sendable, Equatable {
        /// The model (`features + classifier`).
        public var model: String
        /// `generative` or `discriminative`.
        public var family: String
        /// Its points, smallest training size first.
        public var points: [Point]
        /// A curve.
        public init(model: String, family: String, points: [Point]) {
            self.model = model
            self.family = family
            self.points = points
        }
    }
    /// Every model's curve.
    public var curves: [Curve]
    /// Subsets drawn per size and fold.
    public var repeats: Int
    /// Training documents at which the best discriminative error falls below the best generative one (or the
    /// reverse), interpolated between sizes; nil when one family leads at every size.
    public var crossoverDocuments: Double?
    /// The comparison in words.
    public var summary: String

    /// The curves, with the crossover between the best generative and discriminative model found and stated.
    public init(curves: [Curve], repeats: Int) {
        self.curves = curves
        self.repeats = repeats
        let generative = curves.filter { $0.family == "generative" }
        let discriminative = curves.filter { $0.family != "generative" }
        guard let first = curves.first, !generative.isEmpty, !discriminative.isEmpty else {
            crossoverDocuments = nil
            summary = "All models are of one family; there is no generative-against-discriminative comparison."
            return
        }
        let sizes = first.points.indices
        func best(_ family: [Curve], _ i: Int) -> (String, Double) {
            guard let c = family.min(by: { $0.points[i].error < $1.points[i].error }) else { return ("", 0) }
            return (c.model, c.points[i].error)
        }
        let gap = sizes.map { best(discriminative, $0).1 - best(generative, $0).1 }  // > 0: generative ahead
        let docs = first.points.map(\.trainDocuments)
        var crossing: Double? = nil
        var direction = ""
        for i in sizes.dropFirst() where (gap[i - 1] > 0) != (gap[i] > 0) && gap[i - 1] != 0 {
            let t = gap[i - 1] / (gap[i - 1] - gap[i])
            crossing = docs[i - 1] + t * (docs[i] - docs[i - 1])
            direction = gap[i - 1] > 0 ? "discriminative" : "generative"
            break
        }
        crossoverDocuments = crossing
        let small = best(gap[0] > 0 ? generative : discriminative, 0)
        let large = best(gap[gap.count - 1] > 0 ? generative : discriminative, gap.count - 1)
        func pct(_ e: Double) -> String { String(format: "%.1f%%", e * 100) }
        if let crossing {
            summary =
                "With few training documents the \(direction == "discriminative" ? "generative" : "discriminative") models lead (\(small.0): "
                + "\(pct(small.1)) error at \(Int(docs[0])) documents); the \(direction) models overtake at about \(Int(crossing.rounded())) training documents "
                + "and end ahead (\(large.0): \(pct(large.1)) error at \(Int(docs[docs.count - 1])) documents)."
        } else {
            let family = gap[0] > 0 ? "generative" : "discriminative"
            let first = abs(gap[0]) * 100
            let last = abs(gap[gap.count - 1]) * 100
            let trend =
                last < first - 0.05
                ? String(format: "the gap narrows from %.1f to %.1f points", first, last)
                : last > first + 0.05
                    ? String(format: "the gap widens from %.1f to %.1f points", first, last)
                    : String(format: "the gap stays near %.1f points", last)
            summary =
                "The \(family) models lead at every size, from \(Int(docs[0])) documents (\(small.0): \(pct(small.1)) error) to \(Int(docs[docs.count - 1])) (\(large.0): \(pct(large.1))); \(trend); no crossover within these sizes."
        }
    }
}
