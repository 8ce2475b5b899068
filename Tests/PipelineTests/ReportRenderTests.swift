import Foundation
import Testing
import TestSupport
import TextCore
@testable import Pipeline
import Report

/// The report of a real run (Pang & Lee sentences) with every section, rendered by headless Chromium
/// (Debian's `chromium`, installed by `make deps`): it must load without console errors and lay out to a
/// page of real height; and a second run flags a regression for `--fail-on-regression`.
@Suite(.serialized) struct ReportRenderTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    func run(_ root: URL, classifiers: String) throws -> Runner.Outcome {
        TestSupport.write("""
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
        return try Runner(spec: try SpecDecoder.load(path: root.appendingPathComponent("r.yaml").path), options: options).run()
    }

    @Test func reportRendersInChromiumAndFlagsRegressions() throws {
        let root = TestSupport.temporaryDirectory()
        let first = try run(root, classifiers: "multinomial_nb, bernoulli_nb, {linear_svm: {C: 0.1}}")
        let report = try #require(first.report)
        #expect(report.significance?.models.count == 3 && report.learningCurves?.curves.count == 3)
        #expect(report.results.allSatisfy { $0.accuracyInterval != nil && $0.curves != nil && $0.misclassified?.isEmpty == false })
        #expect(report.results.filter { $0.calibration != nil }.count == 2)   // the SVM has no probabilities
        let dir = try #require(first.reportDirectory)
        for chart in ["comparison.svg", "learning-curves.svg"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("charts/\(chart)").path), "\(chart)")
        }
        let md = try String(contentsOf: dir.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(md.contains("## Significance") && md.contains("## Learning curves") && md.contains("charts/learning-curves.svg"))

        // A worse SVM (C tiny) in the next run is a regression against this one.
        let second = try run(root, classifiers: "multinomial_nb, bernoulli_nb, {linear_svm: {C: 0.0001}}")
        #expect(second.regressions == ["ngram + linear_svm"])
        #expect(second.report?.previous?.previousRunId == report.runId)
        let cli = try TestSupport.runTextpipe(["report", "diff", dir.path, second.reportDirectory!.path, "--fail-on-regression", "--threshold", "0.005"], in: root)
        #expect(cli.status == 6 && cli.out.contains("REGRESSION") && cli.err.contains("linear_svm"), "\(cli.out) \(cli.err)")

        // Headless Chromium: no console errors, several pages of content, a screenshot of the page.
        let browser = try #require(Self.chromium, "chromium is not installed (make deps installs it)")
        let html = second.reportDirectory!.appendingPathComponent("report.html")
        let pdf = root.appendingPathComponent("report.pdf"), png = root.appendingPathComponent("report.png")
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0", "--user-data-dir=\(root.path)/chrome"]
        let printed = try Self.execute(browser, common + ["--print-to-pdf=\(pdf.path)", "--no-pdf-header-footer", html.absoluteString])
        #expect(!printed.contains("CONSOLE"), "console output: \(printed)")
        let pdfText = String(decoding: try Data(contentsOf: pdf), as: UTF8.self)
        let pages = pdfText.components(separatedBy: "/Type /Page\n").count - 1 + pdfText.components(separatedBy: "/Type /Page>>").count - 1
            + pdfText.components(separatedBy: "/Type /Page ").count - 1
        #expect(pages >= 3, "the printed report has \(pages) page(s)")
        _ = try Self.execute(browser, common + ["--screenshot=\(png.path)", "--window-size=1200,2400", "--hide-scrollbars", html.absoluteString])
        let bytes = [UInt8](try Data(contentsOf: png))
        #expect(bytes.count > 20_000 && bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1200 && height == 2400)
    }

    /// Runs a program to completion and returns its standard error (Chromium logs console messages there).
    static func execute(_ path: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
