import Evaluate
import Foundation
import TestSupport
import Testing

@testable import Report

func sampleReport() -> RunReport {
    let metrics = Metrics(gold: [0, 0, 1, 1], predicted: [0, 1, 1, 1], probabilities: nil, labels: ["neg", "pos <b>"])
    func result(_ f: String, _ c: String, _ fam: String, _ acc: Double) -> ModelResult {
        ModelResult(
            features: f, classifier: c, family: fam, accuracy: acc, accuracyStd: 0.02, macroF1: acc - 0.01,
            macroF1Std: 0.02,
            logLoss: fam == "generative" ? 0.5 : nil, trainSeconds: 0.1, predictSeconds: 0.01, featureCount: 1000,
            modelBytes: 4096, perClass: metrics.perClass, confusion: metrics.confusion, labels: ["neg", "pos <b>"],
            folds: [FoldScore(fold: 0, accuracy: acc, macroF1: acc, logLoss: nil)],
            trainingSummary: ["iterations": "12"],
            topFeatures: ["neg": ["bad", "not good"], "pos <b>": ["great"]], modelPath: "models/\(f)__\(c)")
    }
    return RunReport(
        pipeline: "demo", runId: "20260101-000000", createdAt: "2026-01-01T00:00:00Z", toolVersion: "0.1.0",
        specHash: String(repeating: "ab", count: 32),
        dataset: DatasetSummary(
            name: "toy", trainDocuments: 4, testDocuments: nil, classes: ["neg": 2, "pos <b>": 2],
            tokens: 20, distinctTokens: 10, notes: ["documents cleaned as HTML": 1]),
        evaluation: "stratified 10-fold cross-validation (seed 1)",
        results: [
            result("ngram", "softmax", "discriminative", 0.7), result("ngram", "multinomial_nb", "generative", 0.8)
        ],
        stages: [StageTiming(stage: "ingest", seconds: 0.1, cached: true)], totalSeconds: 1.5)
}

@Suite struct ReportRenderingTests {
    @Test func markdownHasSortedComparisonAndDetails() {
        let md = MarkdownRenderer.render(sampleReport())
        let nb = md.range(of: "| 1 | [ngram + multinomial_nb](#m0) | G |")
        let lr = md.range(of: "| 2 | [ngram + softmax](#m1) | D |")
        #expect(nb != nil && lr != nil)
        #expect(md.contains("<summary>1. ngram + multinomial_nb G — macro-F1 79.00 %"))
        #expect(md.contains("documents cleaned as HTML: 1"))
        #expect(md.contains("`not good`"))
    }

    @Test func htmlIsSelfContainedAndEscaped() {
        let html = HTMLRenderer.render(sampleReport())
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(html.contains("pos &lt;b&gt;"))
        #expect(html.contains("<svg"))
        // One collapsed block per model, plus the spec-free report's other collapsed blocks (none here).
        #expect(html.components(separatedBy: "<details id=\"m").count == 3)
        #expect(!html.contains("<details id=\"m0\" open"))
    }

    @Test func metricsJSONHasTheDocumentedKeys() throws {
        let data = try sampleReport().json()
        let obj = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        for key in ["schema_version", "pipeline", "run_id", "dataset", "results", "stages", "evaluation"] {
            #expect(obj[key] != nil, "\(key)")
        }
        let first = (obj["results"] as! [[String: Any]])[0]
        for key in [
            "features", "classifier", "accuracy", "macro_f1", "train_seconds", "predict_seconds", "accuracy_std",
            "per_class", "confusion"
        ] {
            #expect(first[key] != nil, "\(key)")
        }
        let back = try RunReport.decode(data)
        #expect(back.results.count == 2 && back.ranked[0].classifier == "multinomial_nb")
    }
}
