import Foundation
import TestSupport
import Testing
import TextCore

/// Headless Chromium (Debian's `chromium`; `make test` installs it) as the test's browser.
enum Chromium {
    static let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Runs the browser headless with `arguments`; returns (standard output, standard error).
    static func run(_ arguments: [String], profile: URL) throws -> (out: String, err: String) {
        let browser = try #require(path, "chromium is not installed (make test installs it)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: browser)
        p.arguments =
            ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(profile.path)"]
            + arguments
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes at once: a full pipe would block the browser.
        var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return (String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// The layout of `report` in a viewport `width` px wide, measured by Fixtures/layout/check.js with the
    /// collapsible blocks closed and open: {"closed": {...}, "open": {...}}.
    static func layout(of report: URL, width: Int, scratch: URL) throws -> [String: [String: Any]] {
        let script = try String(
            contentsOf: TestSupport.projectRoot.appendingPathComponent("Tests/PipelineTests/Fixtures/layout/check.js"),
            encoding: .utf8)
        let host = report.deletingLastPathComponent().appendingPathComponent("layout-\(width).html")
        TestSupport.write(
            """
            <!doctype html><html><body style="margin:0"><iframe id="report" src="\(report.lastPathComponent)" \
            style="border:0;width:\(width)px;height:900px"></iframe><script>\(script)</script></body></html>
            """, to: host)
        let r = try run(
            ["--allow-file-access-from-files", "--window-size=1400,900", "--dump-dom", host.absoluteString],
            profile: scratch.appendingPathComponent("chrome"))
        let start = try #require(
            r.out.range(of: "<pre id=\"layout-check\">", options: .backwards), "no layout result: \(r.err.suffix(1000))"
        )
        let end = try #require(r.out.range(of: "</pre>", range: start.upperBound..<r.out.endIndex))
        let json = String(r.out[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
        let value = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(value["error"] == nil, "\(value)")
        return try #require(value as? [String: [String: Any]])
    }

    /// Pages of `report` printed to PDF (A4/Letter default, no header and footer).
    static func printedPages(of report: URL, scratch: URL) throws -> Int {
        let pdf = scratch.appendingPathComponent("printed.pdf")
        let r = try run(
            ["--print-to-pdf=\(pdf.path)", "--no-pdf-header-footer", report.absoluteString],
            profile: scratch.appendingPathComponent("chrome"))
        #expect(!r.err.contains("CONSOLE"), "console output: \(r.err)")
        let text = String(decoding: try Data(contentsOf: pdf), as: UTF8.self)
        // Page objects: "/Type /Page" not followed by "s" (that is the page tree).
        let regex = try NSRegularExpression(pattern: "/Type\\s*/Page(?![s])")
        return regex.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text))
    }

    /// Asserts the layout rules at one width: nothing wider than the viewport, no table wider than its container,
    /// chart text at least 8 px, accuracy and the headline metric visible in the comparison table.
    static func expectHolds(_ layout: [String: [String: Any]], width: Int, headline: String, name: String) {
        for state in ["closed", "open"] {
            guard let m = layout[state] else {
                Issue.record("\(name) \(width) px: no \(state) measurement")
                continue
            }
            let where_ = "\(name) at \(width) px, blocks \(state)"
            #expect((m["width"] as? Int) == width, "\(where_): viewport \(m["width"] ?? "?")")
            #expect((m["scrollWidth"] as? Int ?? .max) <= width, "\(where_): page scrolls sideways")
            #expect(
                (m["overflowing"] as? [String])?.isEmpty == true, "\(where_): overflowing \(m["overflowing"] ?? "?")")
            #expect(
                (m["wideTables"] as? [String])?.isEmpty == true,
                "\(where_): tables wider than the page \(m["wideTables"] ?? "?")")
            #expect((m["minChartText"] as? Double ?? 0) >= 8, "\(where_): chart text \(m["minChartText"] ?? "?") px")
            let comparison = m["comparison"] as? [String: Bool] ?? [:]
            for column in [headline] where column != "" {
                #expect(comparison[column] == true, "\(where_): comparison column \(column) hidden: \(comparison)")
            }
        }
    }
}

/// The reports hold on a 390-px phone, at 1280 px and in print: the shipped generative-vs-discriminative report
/// (every classifier, two feature sets, learning curves) run from its spec by the release binary, and a tagging report.
@Suite(.serialized) struct ReportLayoutTests {
    /// Printed pages of the shipped generative-vs-discriminative report at most (9 measured by bench/layout.sh on
    /// 2026-12-03; 74 before issue 14).
    static let printedPageLimit = 15

    @Test func shippedGenerativeVsDiscriminativeReportHoldsOnPhoneDesktopAndPaper() throws {
        let binary = try #require(TestSupport.releaseExecutable, "\(TestSupport.releaseExecutableProblem)")
        let root = TestSupport.temporaryDirectory("layout-gvd")
        let cache = TestSupport.projectRoot.appendingPathComponent("data/cache")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: root.appendingPathComponent("data/cache"), withDestinationURL: cache)
        let spec = try String(
            contentsOf: TestSupport.projectRoot.appendingPathComponent("pipelines/generative-vs-discriminative.yaml"),
            encoding: .utf8)
        TestSupport.write(spec, to: root.appendingPathComponent("pipelines/generative-vs-discriminative.yaml"))
        let r = try TestSupport.runTextpipe(
            ["run", "pipelines/generative-vs-discriminative.yaml", "--quiet"], in: root, executable: binary)
        #expect(r.status == 0, "\(r.err.suffix(2000))")
        let report = root.appendingPathComponent("reports/generative-vs-discriminative/latest/report.html")
        let html = try String(contentsOf: report, encoding: .utf8)
        // The conclusion comes first: the summary is the first section, before the comparison.
        let summary = try #require(html.range(of: "<h2 id=\"summary\">Summary</h2>"))
        #expect(html.range(of: "<h2 id=\"comparison\">")!.lowerBound > summary.lowerBound)
        #expect(
            html.contains("Best generative against best discriminative")
                && html.contains("Learning curve (mean errors over"))
        for width in [390, 1280] {
            Chromium.expectHolds(
                try Chromium.layout(of: report, width: width, scratch: root), width: width,
                headline: "macro-F1 %", name: "generative-vs-discriminative")
            Chromium.expectHolds(
                try Chromium.layout(of: report, width: width, scratch: root), width: width,
                headline: "accuracy %", name: "generative-vs-discriminative")
        }
        let pages = try Chromium.printedPages(of: report, scratch: root)
        #expect(pages >= 3 && pages <= Self.printedPageLimit, "printed pages: \(pages)")
    }

    @Test func taggingReportHoldsOnPhoneAndDesktop() throws {
        let root = TaggingPipelineTests().project()
        let r = try TestSupport.runTextpipe(["run", "ner.yaml", "--quiet"], in: root)
        #expect(r.status == 0, "\(r.err)")
        let report = root.appendingPathComponent("reports/ner/latest/report.html")
        let html = try String(contentsOf: report, encoding: .utf8)
        #expect(html.contains("<h2 id=\"summary\">Summary</h2>") && html.contains("under the decision rule"))
        #expect(html.contains("<summary>Spec</summary>") && html.contains("<summary>Inputs (sha256)</summary>"))
        for width in [390, 1280] {
            Chromium.expectHolds(
                try Chromium.layout(of: report, width: width, scratch: root), width: width,
                headline: "chunk F1 %", name: "ner")
        }
    }
}
