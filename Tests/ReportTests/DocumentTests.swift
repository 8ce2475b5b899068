import Evaluate
import Foundation
import TestSupport
import Testing

@testable import Report

/// The report document model: one tree of blocks, written as Markdown and as HTML; the summary's findings; the
/// chart rules (distinct colours, a stated zero origin, legends that do not overlap).
@Suite struct DocumentTests {
    let document = ReportDocument(
        title: "t <1>",
        blocks: [
            .heading(1, "Title", anchor: "top"),
            .heading(2, "First part", anchor: "first-part"),
            .paragraph(["a ", .strong("b"), " ", .code("c|d"), " ", .link("e", anchor: "x"), " ", .family("generative")]
            ),
            .contents,
            .table(
                ReportTable(
                    columns: [.text("name"), .number("score"), .mark("ok"), .number("seconds", essential: false)],
                    rows: [
                        ["a|b", "1.00", "yes", "0.1"],
                        [.init([.code("long/id")], shade: "1,2,3,0.5", title: "tip"), "2.00", "no", "0.2"]
                    ])),
            .details(
                summary: ["More"], open: false, anchor: "more",
                blocks: [.heading(2, "Hidden part", anchor: "hidden"), .paragraph(["inside"])]),
            .responsive(wide: [.paragraph(["wide form"])], narrow: [.paragraph(["narrow form"])]),
            .callout([.list([["one"], ["two"]])]),
            .chart(ReportChart(file: "c.svg", svg: "<svg viewBox=\"0 0 1 1\"></svg>", alt: "a chart")),
            .preformatted("x: 1", language: "yaml")
        ])

    @Test func markdownWritesEveryBlock() {
        let md = MarkdownWriter.write(document)
        #expect(md.hasPrefix("# Title\n\n## First part\n\na **b** `c|d` [e](#x) G\n\n"))
        #expect(md.contains("Contents: [First part](#first-part)"), "level-2 headings inside blocks are not listed")
        #expect(!md.contains("[Hidden part]"))
        #expect(
            md.contains(
                "| name | score | ok | seconds |\n|---|---:|:---:|---:|\n| a\\|b | 1.00 | yes | 0.1 |\n| `long/id` | 2.00 | no | 0.2 |"
            ))
        #expect(md.contains("<details><summary>More</summary>\n\n## Hidden part\n\ninside\n\n</details>"))
        #expect(md.contains("wide form") && !md.contains("narrow form"))
        #expect(md.contains("> - one\n> - two"))
        #expect(md.contains("![a chart](charts/c.svg)") && md.contains("```yaml\nx: 1\n```"))
    }

    @Test func htmlWritesEveryBlockEscaped() {
        let html = HTMLWriter.write(document)
        #expect(html.contains("<title>t &lt;1&gt;</title>") && html.contains("<h2 id=\"first-part\">First part</h2>"))
        #expect(
            html.contains("<code>c|d</code>") && html.contains("<a href=\"#x\">e</a>")
                && html.contains("class=\"tag G\""))
        #expect(
            html.contains(
                "<th class=\"l\">name</th><th class=\"r\">score</th><th class=\"c\">ok</th><th class=\"r o\">seconds</th>"
            ))
        #expect(
            html.contains(
                "<td class=\"l\" style=\"background:rgba(1,2,3,0.5)\" title=\"tip\"><code>long/id</code></td>"))
        #expect(html.contains("<details id=\"more\"><summary>More</summary>"))
        #expect(
            html.contains("<div class=\"wide\"><p>wide form</p></div><div class=\"narrow\"><p>narrow form</p></div>"))
        #expect(html.contains("<figure><svg viewBox") && !html.contains("<script"))
        #expect(document.charts.map(\.file) == ["c.svg"])
        #expect(document.charts[0].standalone.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" "))
    }

    /// Two models, 100 test documents: the better one alone right on 12, the other alone right on 4.
    func twoModels() -> ReportSummary {
        let sig = SignificanceMatrix(
            models: ["ngram + nb", "ngram + svm"],
            correct: [
                Array(repeating: true, count: 80) + Array(repeating: true, count: 12)
                    + Array(repeating: false, count: 8),
                Array(repeating: true, count: 80) + Array(repeating: false, count: 12)
                    + Array(repeating: true, count: 4) + Array(repeating: false, count: 4)
            ])
        return ReportSummary(
            models: [
                .init(
                    name: "ngram + nb", family: "generative", headline: 0.92, interval: Interval(low: 0.86, high: 0.96),
                    testCount: 100),
                .init(name: "ngram + svm", family: "discriminative", headline: 0.84, interval: nil, testCount: 100)
            ],
            headlineName: "macro-F1", significance: sig, learningCurves: nil, previous: nil,
            skipped: [(classifier: "gaussian_nb", features: ["ngram"], reason: "needs dense features")])
    }

    @Test func summaryStatesBestFamiliesTiesAndSkips() throws {
        let s = twoModels()
        // d = (12 - 4) / 100; se = sqrt(16 - 64 / 100) / 100 = 0.039192; interval d ± 1.96 se.
        let diff = try #require(s.accuracyDifference(0, 1))
        #expect(abs(diff.difference - 0.08) < 1e-12)
        #expect(abs(diff.interval.low - (0.08 - 1.96 * (15.36).squareRoot() / 100)) < 1e-12)
        let text = s.items.map { MarkdownWriter.inline($0) }
        #expect(text[0] == "Best model: **ngram + nb** G, macro-F1 92.00 % (95% bootstrap interval 86.0–96.0).")
        #expect(
            text[1].contains(
                "the generative model ahead by 8.00 points; accuracy difference +8.00 points (95% paired interval +0.32 to +15.68)"
            ))
        // McNemar exact, b = 12, c = 4: two-sided binomial p = 0.0768.
        #expect(
            text[1].contains("McNemar Holm-adjusted p = 0.077 (uncorrected 0.077): tied under the decision rule"),
            "\(text[1])")
        #expect(text[2].hasPrefix("Tied with the top-ranked ngram + nb under the decision rule: ngram + svm"))
        #expect(text[3].hasPrefix("Previous run: none found"))
        var tuned = s
        tuned.tuned = [("ngram + nb", "alpha=0.3"), ("ngram + svm", "C=1")]
        let tunedText = tuned.items.map { MarkdownWriter.inline($0) }
        #expect(tunedText[1].contains("both tuned by nested cross-validation, so this compares tuned models"))
        #expect(
            tunedText.contains {
                $0.hasPrefix(
                    "Tuned by nested cross-validation (scores are outer estimates): ngram + nb (saved with alpha=0.3)")
            })
        #expect(text[4].hasPrefix("Decision rule for every"))
        #expect(text[5] == "Not trained: 1 pair: gaussian_nb on ngram (needs dense features).")
        #expect(
            ReportSummary.short(
                "gaussian_nb models each feature as a Gaussian (most values are 0); use it on dense features")
                == "gaussian_nb models each feature as a Gaussian")
    }

    @Test func learningCurveVerdictSaysWhatToTryNext() {
        func curve(_ model: String, _ family: String, _ errors: [Double]) -> LearningCurves.Curve {
            LearningCurves.Curve(
                model: model, family: family,
                points: errors.enumerated().map {
                    LearningCurves.Point(
                        fraction: [0.1, 0.5, 1.0][$0.offset], trainDocuments: [100, 500, 1000][$0.offset],
                        error: $0.element, errorStd: 0.001)
                })
        }
        let crossing = ReportSummary.verdict(
            LearningCurves(
                curves: [
                    curve("nb", "generative", [0.3, 0.25, 0.24]), curve("lr", "discriminative", [0.4, 0.15, 0.10])
                ], repeats: 1))
        #expect(crossing.contains("This is Ng & Jordan's prediction") && crossing.contains("still falls"))
        let narrowing = ReportSummary.verdict(
            LearningCurves(
                curves: [
                    curve("nb", "generative", [0.3, 0.25, 0.24]), curve("lr", "discriminative", [0.4, 0.30, 0.25])
                ], repeats: 1))
        #expect(narrowing.contains("the gap narrows: more training documents") && narrowing.contains("still falls"))
        let flat = ReportSummary.verdict(
            LearningCurves(
                curves: [
                    curve("nb", "generative", [0.3, 0.24, 0.24]), curve("lr", "discriminative", [0.35, 0.33, 0.33])
                ], repeats: 1))
        #expect(flat.contains("keep their lead") && flat.contains("is flat between the last two sizes"))
        let discriminative = ReportSummary.verdict(
            LearningCurves(
                curves: [curve("nb", "generative", [0.4, 0.3, 0.3]), curve("lr", "discriminative", [0.3, 0.2, 0.1])],
                repeats: 1))
        #expect(discriminative.contains("discriminative models lead even at the smallest size"))
    }

    @Test func chartsUseDistinctColoursAZeroOriginAndNonOverlappingLegends() {
        #expect(Set(Charts.distinctColors(40)).count == 40)
        let bars = Charts.bars([("a", "generative", 0.7, 0.01), ("b", "discriminative", 0.6, nil)], metric: "macro-F1")
        #expect(bars.contains("axis from 0 to 100; whiskers ± sd over folds"))
        // The 0 tick sits at the bars' left edge.
        #expect(
            bars.contains(
                "<text x=\"8.0\" y=\"132.0\" font-size=\"12\" text-anchor=\"middle\" fill=\"#5b6475\">0</text>"))
        let curves = (0..<14).map { i in
            LearningCurves.Curve(
                model: "m\(i)", family: i % 2 == 0 ? "generative" : "discriminative",
                points: [
                    LearningCurves.Point(fraction: 0.5, trainDocuments: 50, error: 0.3, errorStd: 0),
                    LearningCurves.Point(fraction: 1, trainDocuments: 100, error: 0.2, errorStd: 0)
                ])
        }
        let svg = Charts.learningCurves(LearningCurves(curves: curves, repeats: 1), title: "all")
        let strokes = svg.components(separatedBy: "<polyline fill=\"none\" stroke=\"").dropFirst().map {
            $0.prefix { $0 != "\"" }
        }
        #expect(strokes.count == 14 && Set(strokes).count == 14)
        // A long legend entry puts the legend in one column: entries one under the other, never side by side.
        // (Two columns would put the second entry's text at x = 58 + 306 / 2 + 24 = 235.)
        let reliability = Charts.reliability(Calibration(gold: [0, 1], top: [(0, 0.9), (0, 0.6)]), name: "m")
        #expect(reliability.contains("<text x=\"82.0\" y=\"316.0\" font-size=\"11\">perfect calibration</text>"))
        #expect(!reliability.contains("<text x=\"235.0\""))
    }
}
