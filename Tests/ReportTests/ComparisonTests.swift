import Evaluate
import Foundation
import TestSupport
import Testing

@testable import Report

/// Learning-curve crossover, run-to-run deltas, and the significance matrix's wording.
@Suite struct ComparisonTests {
    func curve(_ model: String, _ family: String, _ errors: [Double]) -> LearningCurves.Curve {
        LearningCurves.Curve(
            model: model, family: family,
            points: errors.enumerated().map {
                LearningCurves.Point(
                    fraction: [0.1, 0.5, 1.0][$0.offset], trainDocuments: [100, 500, 1000][$0.offset],
                    error: $0.element, errorStd: 0)
            })
    }

    @Test func crossoverIsInterpolatedAndStated() {
        // Generative ahead by 0.1 at 100 documents, behind by 0.1 at 500: crossing at 300.
        let lc = LearningCurves(
            curves: [curve("nb", "generative", [0.3, 0.25, 0.24]), curve("lr", "discriminative", [0.4, 0.15, 0.10])],
            repeats: 1)
        #expect(abs((lc.crossoverDocuments ?? 0) - 300) < 1e-9)
        #expect(
            lc.summary.contains("overtake at about 300") && lc.summary.contains("generative models lead")
                && lc.summary.contains("lr: 10.0%"))
        let none = LearningCurves(
            curves: [curve("nb", "generative", [0.3, 0.25, 0.24]), curve("lr", "discriminative", [0.4, 0.30, 0.25])],
            repeats: 1)
        #expect(
            none.crossoverDocuments == nil && none.summary.contains("lead at every size")
                && none.summary.contains("narrows from 10.0 to 1.0"))
        let one = LearningCurves(curves: [curve("nb", "generative", [0.3, 0.2, 0.1])], repeats: 1)
        #expect(one.crossoverDocuments == nil && one.summary.contains("one family"))
    }

    func result(_ classifier: String, _ f1: Double) -> ModelResult {
        ModelResult(
            features: "ngram", classifier: classifier, family: "generative", accuracy: f1, accuracyStd: nil,
            macroF1: f1, macroF1Std: nil,
            logLoss: nil, trainSeconds: 0, predictSeconds: 0, featureCount: 1, modelBytes: 1, perClass: [],
            confusion: ConfusionCounts(dense: []), labels: [],
            folds: [], trainingSummary: [:], topFeatures: [:], modelPath: "")
    }

    @Test func regressionsAreDropsBeyondTheThreshold() {
        let before = RunReport(
            pipeline: "p", runId: "a", createdAt: "", toolVersion: "", specHash: "",
            dataset: DatasetSummary(
                name: "d", trainDocuments: 1, testDocuments: nil, classes: [:], tokens: 0, distinctTokens: 0, notes: [:]
            ),
            evaluation: "", results: [result("nb", 0.80), result("lr", 0.78), result("tree", 0.70)], stages: [],
            totalSeconds: 0)
        let c = RunComparison(
            previous: before, current: [result("nb", 0.795), result("lr", 0.76), result("svm", 0.79)], threshold: 0.01)
        #expect(c.regressions == ["ngram + lr"])
        #expect(c.added == ["ngram + svm"] && c.removed == ["ngram + tree"])
        #expect(c.deltas.count == 2)
    }

    @Test func significanceSentence() {
        // A right on 60 documents B misses; B right on 10 that A misses; C agrees with A everywhere.
        let a = Array(repeating: true, count: 100)
        let b = (0..<100).map { $0 >= 60 || $0 < 10 }
        let c = a
        let b2 = b.enumerated().map { $0.offset < 10 ? true : $0.element }
        let m = SignificanceMatrix(models: ["A", "C", "B"], correct: [a, c, b2])
        #expect(m.onlyRight[0][2] == 50 && m.adjusted[0][1] == 1)
        #expect(
            m.notDifferentFromBest == ["C"]
                && m.sentence.contains("A is tied with C; significantly better than the other 1"))
    }

    /// metrics.json of an earlier run (before intervals, significance and learning curves existed) still reads:
    /// `report diff` and the previous-run section compare against it.
    @Test func olderMetricsStillDecode() throws {
        var report = RunReport(
            pipeline: "p", runId: "a", createdAt: "", toolVersion: "0.2.0", specHash: "",
            dataset: DatasetSummary(
                name: "d", trainDocuments: 1, testDocuments: nil, classes: [:], tokens: 0, distinctTokens: 0, notes: [:]
            ),
            evaluation: "", results: [result("nb", 0.8)], stages: [], totalSeconds: 0)
        report.significance = SignificanceMatrix(models: ["ngram + nb"], correct: [[true]])
        var json = try JSONSerialization.jsonObject(with: try report.json()) as! [String: Any]
        var significance = json["significance"] as! [String: Any]
        significance.removeValue(forKey: "test_name")
        json["significance"] = significance
        json.removeValue(forKey: "learning_curves")
        json.removeValue(forKey: "previous")
        let decoded = try RunReport.decode(try JSONSerialization.data(withJSONObject: json))
        #expect(
            decoded.significance?.test == "McNemar" && decoded.results.count == 1
                && decoded.results[0].accuracyInterval == nil)
    }

    /// The report's significance matrix on 18 real models' per-document outcomes (Pang & Lee, 10-fold CV) equals
    /// scipy's and statsmodels' (scripts/reference/make_significance_fixture.py): every pair's discordant counts,
    /// McNemar p, Holm-adjusted p and verdict.
    @Test func significanceMatrixEqualsScipyOnRealPredictions() throws {
        let f = try SignificanceFixture.load()
        let m = SignificanceMatrix(models: f.models, correct: f.correct.map { $0.map { $0 == "1" } })
        #expect(f.pairs.count == f.models.count * (f.models.count - 1) / 2)
        for p in f.pairs {
            #expect(m.onlyRight[p.i][p.j] == p.b && m.onlyRight[p.j][p.i] == p.c, "\(p.i) \(p.j)")
            #expect(abs(m.pValues[p.i][p.j] - p.p) < 1e-9 * max(1, p.p) + 1e-12)
            #expect(abs(m.adjusted[p.i][p.j] - p.holm) < 1e-9, "\(p.i) \(p.j)")
            #expect((m.verdict(p.i, p.j) != .tied) == p.reject, "\(p.i) \(p.j)")
        }
    }
}
