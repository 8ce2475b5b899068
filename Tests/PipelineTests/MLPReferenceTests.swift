import Foundation
import Testing
import TestSupport
import Report

/// textpipe's `mlp` against scikit-learn's `MLPClassifier` with the same architecture and settings on MiniLM [CLS]
/// vectors of the Pang & Lee sentences, the same split (Fixtures/mlp/polarity-minilm-sklearn.json, made by
/// scripts/reference/mlp_sklearn.py from Fixtures/mlp/polarity-minilm.yaml's vectors and folds.tsv).
@Suite(.serialized) struct MLPReferenceTests {
    @Test func accuracyWithinOnePointOfScikitLearn() throws {
        let (report, fixtures) = try referenceRun("mlp", spec: "polarity-minilm.yaml", pipeline: "mlp-polarity")
        let reference = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: fixtures.appendingPathComponent("polarity-minilm-sklearn.json"))) as? [String: Any])
        let models = try #require(reference["models"] as? [String: [String: Any]])
        #expect(models.count == 2)
        for (name, expected) in models {
            let accuracy = try #require(expected["accuracy"] as? Double)
            let ours = try #require(report.results.first { $0.classifier == name })
            #expect(abs(ours.accuracy - accuracy) <= 0.01, "\(name): textpipe \(ours.accuracy), scikit-learn \(accuracy)")
        }
    }
}
