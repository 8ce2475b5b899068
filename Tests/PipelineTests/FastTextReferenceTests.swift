import Foundation
import Testing
import TestSupport
import Report

/// textpipe's `fasttext` against the fasttext PyPI package (fasttext-wheel 0.9.2) with the same settings on the same
/// Pang & Lee split and tokens (Fixtures/fasttext/polarity-fasttext.json, made by
/// scripts/reference/fasttext_supervised.py from Fixtures/fasttext/polarity.yaml's tokens and folds.tsv).
@Suite(.serialized) struct FastTextReferenceTests {
    @Test func accuracyWithinOnePointOfFastText() throws {
        let (report, fixtures) = try referenceRun("fasttext", spec: "polarity.yaml", pipeline: "ft-polarity")
        let reference = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: fixtures.appendingPathComponent("polarity-fasttext.json"))) as? [String: Any])
        let expected = try #require(reference["accuracy"] as? Double)
        let ours = try #require(report.results.first { $0.classifier == "fasttext" })
        #expect(abs(ours.accuracy - expected) <= 0.01, "textpipe \(ours.accuracy), fastText \(expected)")
    }
}
