import Foundation
import Report
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// The report of a real run (Pang & Lee sentences) with every section, rendered by headless Chromium
/// (Debian's `chromium`, installed by `make deps`): it must load without console errors and lay out to a
/// page of real height; and a second run flags a regression for `--fail-on-regression`.
@Suite(.serialized) struct ReportRenderTests {
    func run(_ root: URL, classifiers: String) throws -> Runner.Outcome {
        TestSupport.write(
            """
            name: render
            data: {dataset: polarity-sentences}
            features:
              - ngram: {n: [1, 2], weighting: tf}
            classifiers: [\(classifiers)]
            evaluate:
              cv: {folds: 3, seed: 1}
              learning_curve: {sizes: [0.05, 0.3, 1.0], repeats: 1, folds: 1}
            report: {regression_threshold: 0.005}
            """, to: root.appendingPathComponent("r.yaml"))
        var options = RunOptions(root: root, log: { _ in })
        options.dataCache = TestSupport.projectRoot.appendingPathComponent("data/cache")
        return try Runner(
            spec: try SpecDecoder.load(path: root.appendingPathComponent("r.yaml").path), options: options
        ).run()
    }

    @Test func reportRendersInChromiumAndFlagsRegressions() throws {
        let root = TestSupport.temporaryDirectory()
        let first = try run(root, classifiers: "multinomial_nb, bernoulli_nb, {linear_svm: {C: 0.1}}")
        let report = try #require(first.report)
        #expect(report.significance?.models.count == 3 && report.learningCurves?.curves.count == 3)
        #expect(
            report.results.allSatisfy {
                $0.accuracyInterval != nil && $0.curves != nil && $0.misclassified?.isEmpty == false
            })
        #expect(report.results.filter { $0.calibration != nil }.count == 2)  // the SVM has no probabilities
        let dir = try #require(first.reportDirectory)
        for chart in ["comparison.svg", "learning-curves.svg"] {
            #expect(
                FileManager.default.fileExists(atPath: dir.appendingPathComponent("charts/\(chart)").path), "\(chart)")
        }
        let md = try String(contentsOf: dir.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(
            md.contains("## Significance") && md.contains("## Learning curves")
                && md.contains("charts/learning-curves.svg"))

        // A worse SVM (C tiny) in the next run is a regression against this one.
        let second = try run(root, classifiers: "multinomial_nb, bernoulli_nb, {linear_svm: {C: 0.0001}}")
        #expect(second.regressions == ["ngram + linear_svm"])
        #expect(second.report?.previous?.previousRunId == report.runId)
        let cli = try TestSupport.runTextpipe(
            ["report", "diff", dir.path, second.reportDirectory!.path, "--fail-on-regression", "--threshold", "0.005"],
            in: root)
        #expect(
            cli.status == 6 && cli.out.contains("REGRESSION") && cli.err.contains("linear_svm"), "\(cli.out) \(cli.err)"
        )

        // Headless Chromium: no console errors, several pages of content, a screenshot of the page.
        let html = second.reportDirectory!.appendingPathComponent("report.html")
        let png = root.appendingPathComponent("report.png")
        let pages = try Chromium.printedPages(of: html, scratch: root)
        #expect(pages >= 2, "the printed report has \(pages) page(s)")
        _ = try Chromium.run(
            ["--screenshot=\(png.path)", "--window-size=1200,2400", html.absoluteString],
            profile: root.appendingPathComponent("chrome"))
        let bytes = [UInt8](try Data(contentsOf: png))
        #expect(bytes.count > 20_000 && bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1200 && height == 2400)
    }
}
