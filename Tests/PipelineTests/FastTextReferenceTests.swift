import Foundation
import Testing
import TestSupport
import Report

/// textpipe's `fasttext` against the fasttext PyPI package (fasttext-wheel 0.9.2) with the same settings on the same
/// Pang & Lee split and tokens (Fixtures/fasttext/polarity-fasttext.json, made by
/// scripts/reference/fasttext_supervised.py from Fixtures/fasttext/polarity.yaml's tokens and folds.tsv).
@Suite(.serialized) struct FastTextReferenceTests {
    @Test func accuracyWithinOnePointOfFastText() throws {
        let binary = try #require(TestSupport.releaseExecutable, "build the release binary first (make test does)")
        let root = TestSupport.temporaryDirectory("fasttext-reference")
        let cache = TestSupport.projectRoot.appendingPathComponent("data/cache")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("data/cache"), withDestinationURL: cache)
        let fixtures = TestSupport.projectRoot.appendingPathComponent("Tests/PipelineTests/Fixtures/fasttext")
        let r = try TestSupport.runTextpipe(
            ["run", fixtures.appendingPathComponent("polarity.yaml").path, "--root", root.path, "--quiet"], in: root,
            executable: binary)
        #expect(r.status == 0, "\(r.err.suffix(2000))")
        let report = try RunReport.decode(
            Data(contentsOf: root.appendingPathComponent("reports/ft-polarity/latest/metrics.json")))
        let reference = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: fixtures.appendingPathComponent("polarity-fasttext.json"))) as? [String: Any])
        let expected = try #require(reference["accuracy"] as? Double)
        let ours = try #require(report.results.first { $0.classifier == "fasttext" })
        #expect(abs(ours.accuracy - expected) <= 0.01, "textpipe \(ours.accuracy), fastText \(expected)")
    }
}
