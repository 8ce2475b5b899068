import Foundation
import TestSupport
import Testing
import TextCore

@testable import Evaluate

/// Report statistics: McNemar and Holm against scipy/statsmodels on real predictions, ROC/PR against
/// scikit-learn, and the bootstrap and calibration by their definitions.
@Suite struct StatisticsTests {
    func fixture() throws -> SignificanceFixture { try SignificanceFixture.load() }

    @Test func mcnemarAndHolmEqualScipyOnRealPredictions() throws {
        let f = try fixture()
        #expect(f.models.count >= 10)
        // The discordant counts come from scipy's side (the report's own counting is checked against them in
        // ReportTests.significanceMatrixEqualsScipyOnRealPredictions).
        for p in f.pairs {
            #expect(abs(Significance.mcnemar(b: p.b, c: p.c) - p.p) < 1e-9 * max(1, p.p) + 1e-12, "\(p.i) \(p.j)")
        }
        let adjusted = Significance.holm(f.pairs.map(\.p))
        for (a, p) in zip(adjusted, f.pairs) {
            #expect(abs(a - p.holm) < 1e-9)
            #expect((a < 0.05) == p.reject)
        }
    }

    @Test func mcnemarWorkedExample() {
        #expect(abs(Significance.mcnemar(b: 10, c: 2) - 2 * 79.0 / 4096) < 1e-12)
        #expect(Significance.mcnemar(b: 0, c: 0) == 1 && Significance.mcnemar(b: 5, c: 5) == 1)
        #expect(Significance.holm([0.01, 0.04, 0.03]) == [0.03, 0.06, 0.06])
    }

    @Test func curvesEqualScikitLearn() throws {
        let f = try fixture().curves
        let c = BinaryCurves(isPositive: f.labels.map { $0 == 1 }, scores: f.scores, positive: "1")
        #expect(abs(c.rocAuc - f.roc_auc) < 1e-12)
        #expect(abs(c.averagePrecision - f.average_precision) < 1e-12)
        #expect(c.roc.first! == [0, 0] && c.roc.last! == [1, 1] && c.roc.count <= 200)
    }

    @Test func bootstrapIntervals() {
        var rng = Xoshiro256StarStar(seed: 4)
        let gold = (0..<400).map { $0 % 2 }
        let predicted = gold.map { rng.next() % 4 == 0 ? 1 - $0 : $0 }  // about 75% right
        let m = Metrics(gold: gold, predicted: predicted, probabilities: nil, labels: ["a", "b"])
        let a = Bootstrap.intervals(gold: gold, predicted: predicted, labels: ["a", "b"], seed: 1)
        #expect(a.accuracy.low < m.accuracy && m.accuracy < a.accuracy.high)
        #expect(a.macroF1.low < m.macroF1 && m.macroF1 < a.macroF1.high)
        // About 2 x 1.96 x sqrt(p (1 - p) / n) wide.
        let width = a.accuracy.high - a.accuracy.low
        let expected = 2 * 1.96 * (m.accuracy * (1 - m.accuracy) / 400).squareRoot()
        #expect(abs(width - expected) < 0.25 * expected)
        #expect(Bootstrap.intervals(gold: gold, predicted: predicted, labels: ["a", "b"], seed: 1) == a)
    }

    @Test func sentenceIntervalsContainTheEstimate() {
        var rng = Xoshiro256StarStar(seed: 8)
        let counts = (0..<300).map { _ -> [Double] in
            let n = Double(5 + rng.next() % 20)
            return [(n * (0.8 + 0.2 * rng.nextUnit())).rounded(.down), n]
        }
        let total = counts.reduce([0.0, 0.0]) { [$0[0] + $1[0], $0[1] + $1[1]] }
        let estimate = total[0] / total[1]
        let i = Bootstrap.sentenceInterval(counts: counts, seed: 2) { $0[0] / $0[1] }
        #expect(i.low < estimate && estimate < i.high && i.high - i.low < 0.03)
        #expect(Bootstrap.sentenceInterval(counts: counts, seed: 2) { $0[0] / $0[1] } == i)
    }

    /// The paired bootstrap: a system right on 30 more sentences of 200 is significantly better; two systems
    /// that differ on a single sentence are not.
    @Test func pairedBootstrap() {
        let a = (0..<200).map { i -> [Double] in [i < 150 ? 10 : 5, 10] }
        let b = (0..<200).map { i -> [Double] in [i < 120 ? 10 : 5, 10] }
        let accuracy: ([Double]) -> Double = { $0[0] / $0[1] }
        #expect(Bootstrap.pairedPValue(a, b, seed: 1, metric: accuracy) < 0.01)
        var c = a
        c[0] = [9, 10]
        #expect(Bootstrap.pairedPValue(a, c, seed: 1, metric: accuracy) > 0.5)
        #expect(Bootstrap.pairedPValue(a, a, seed: 1, metric: accuracy) == 1)
    }

    @Test func calibrationByDefinition() {
        // Two documents at 0.95 (one right), two at 0.65 (both right): ECE = 0.5 * 0.45 + 0.5 * 0.35.
        let p = DenseMatrix(rowCount: 4, columnCount: 2, values: [0.95, 0.05, 0.95, 0.05, 0.35, 0.65, 0.35, 0.65])
        let c = Calibration(gold: [0, 1, 1, 1], probabilities: p)
        #expect(abs(c.expectedCalibrationError - (0.5 * 0.45 + 0.5 * 0.35)) < 1e-6)
        #expect(c.bins[9].count == 2 && c.bins[6].count == 2 && c.bins[6].accuracy == 1)
    }
}
