import Evaluate
import Foundation

/// Sections every report has, classification and tagging alike, built once as document blocks.
enum SharedSections {
    /// The sentence that says what the two kinds of uncertainty in the tables mean; shown wherever both appear.
    static let uncertaintySentence: ReportBlock = .paragraph(
        [
            .text(
                "“± sd over folds” is the standard deviation of the score across cross-validation folds: how "
                    + "much it "
                    + "moves with the choice of training documents. “95% bootstrap interval” resamples the "
                    + "pooled test "
                    + "documents 1,000 times: where the score would lie on other test documents like these.")
        ], muted: true)

    /// The summary: heading, findings, then the table of contents.
    static func summary(_ s: ReportSummary) -> [ReportBlock] {
        [.heading(2, "Summary", anchor: "summary"), .callout([.list(s.items)]), .contents]
    }

    /// "Since the previous run": every model's headline metric then and now, regressions flagged.
    static func sinceThePreviousRun(_ p: RunComparison) -> [ReportBlock] {
        var out: [ReportBlock] = [
            .heading(2, "Since the previous run", anchor: "since-the-previous-run"),
            .paragraph([
                "Compared with run ", .code(p.previousRunId),
                .text(
                    p.paired == true
                        ? "; each model's outcomes on the same test documents in both runs by the decision rule "
                            + "(McNemar, Holm over the \(p.deltas.count) models); a regression is significantly worse "
                            + "and a \(p.metricName) drop of more than \(Format.percent(p.threshold)) points."
                        : "; the test documents differ, so no paired test is possible: a regression is a "
                            + "\(p.metricName) drop of more than \(Format.percent(p.threshold)) points, and no "
                            + "model is called better or worse.")
            ])
        ]
        if !p.regressions.isEmpty {
            out.append(.paragraph([.alert("Regression: \(p.regressions.joined(separator: ", "))")]))
        }
        let rows: [[ReportTable.Cell]] = p.deltas.map { d in
            [
                .init(d.model), .init(Format.percent(d.accuracyBefore)), .init(Format.percent(d.accuracyAfter)),
                .init(Format.signedPoints(d.accuracyAfter - d.accuracyBefore)), .init(Format.percent(d.macroF1Before)),
                .init(Format.percent(d.macroF1After)), .init(Format.signedPoints(d.macroF1After - d.macroF1Before)),
                .init(d.adjustedP.map { Format.pValue($0) } ?? "—"),
                .init(d.regression ? [.alert("regression")] : d.verdict.map { [.text($0.rawValue)] } ?? [])
            ]
        }
        out.append(
            .table(
                ReportTable(
                    columns: [
                        .text("model"), .number("accuracy % before", essential: false),
                        .number("accuracy %", essential: false),
                        .number("Δ", essential: false), .number("\(p.metricName) % before", essential: false),
                        .number("\(p.metricName) %"), .number("Δ"), .number("Holm p", essential: false),
                        .text("verdict")
                    ], rows: rows)))
        if !p.added.isEmpty { out.append(.paragraph([.text("New: \(p.added.joined(separator: ", "))")], muted: true)) }
        if !p.removed.isEmpty {
            out.append(.paragraph([.text("No longer run: \(p.removed.joined(separator: ", "))")], muted: true))
        }
        return out
    }

    /// Models up to which the HTML page shows the full matrix of pairwise p-values (wider would not fit the page).
    static let matrixLimit = 12

    /// Pairwise tests: the best model's standing in words; every model against the best as a table; every pair as
    /// the matrix of Holm-adjusted p-values (up to `matrixLimit` models, on wide screens and in Markdown) or, per
    /// model, the models it is tied with (phones, and more models than the matrix holds).
    static func significance(_ sig: SignificanceMatrix) -> [ReportBlock] {
        guard sig.models.count > 1 else { return [] }
        let how =
            sig.test == "McNemar"
            ? "McNemar's exact test on the same test documents"
            : "a \(sig.test) (1,000 resamples of the headline metric)"
        let againstBest: [[ReportTable.Cell]] = sig.models.indices.dropFirst().map { j in
            let p = sig.adjusted[0][j]
            var row: [ReportTable.Cell] = [
                .init("\(j + 1). \(sig.models[j])"), .init(Format.pValue(sig.pValues[0][j])), .init(Format.pValue(p))
            ]
            if !sig.onlyRight.isEmpty { row.append(.init("\(sig.onlyRight[0][j]) / \(sig.onlyRight[j][0])")) }
            switch sig.verdict(0, j) {
            case .tied: row.append(.init([.strong("tied with the top-ranked")]))
            case .better: row.append(.init([.text("worse than the top-ranked")]))
            case .worse: row.append(.init([.text("more accurate than the top-ranked")]))
            }
            return row
        }
        var columns: [ReportTable.Column] = [.text("model"), .number("p", essential: false), .number("Holm p")]
        if !sig.onlyRight.isEmpty { columns.append(.number("only best right / only it right", essential: false)) }
        columns.append(.text("verdict"))
        var every: [ReportBlock] = []
        let ties: [[ReportInline]] = sig.models.indices.map { i in
            let tied = sig.models.indices.filter { $0 != i && sig.verdict(i, $0) == .tied }.map { "\($0 + 1)" }
            return [
                .text(
                    "\(i + 1). \(sig.models[i]): "
                        + (tied.isEmpty
                            ? "differs from every other model" : "tied with " + tied.joined(separator: ", ")))
            ]
        }
        if sig.models.count <= matrixLimit {
            var rows: [[ReportTable.Cell]] = []
            for (i, m) in sig.models.enumerated() {
                var row: [ReportTable.Cell] = [.init("\(i + 1). \(m)")]
                for j in sig.models.indices {
                    if i == j {
                        row.append("—")
                        continue
                    }
                    let p = sig.adjusted[i][j]
                    let title =
                        sig.onlyRight.isEmpty ? nil : "\(sig.onlyRight[i][j]) vs \(sig.onlyRight[j][i]) discordant"
                    row.append(
                        .init(
                            [.text(Format.pValue(p) + (p < sig.alpha ? "*" : ""))],
                            shade: p < sig.alpha ? "200,85,61,0.18" : "244,246,249,1", title: title))
                }
                rows.append(row)
            }
            let matrix = ReportTable(
                columns: [.text("model")] + sig.models.indices.map { .number("\($0 + 1)") }, rows: rows, matrix: true)
            every.append(.responsive(wide: [.table(matrix)], narrow: [.list(ties)]))
        } else {
            every.append(.list(ties))
        }
        return [
            .heading(2, "Significance", anchor: "significance"),
            .paragraph([.text(sig.sentence)]),
            .paragraph(
                [.text(sig.rule.statement + " Here: \(how), \(sig.models.count * (sig.models.count - 1) / 2) pairs.")],
                muted: true),
            .table(ReportTable(columns: columns, rows: againstBest)),
            .details(
                summary: [.text("Every pair (\(sig.models.count * (sig.models.count - 1) / 2))")], open: false,
                anchor: nil,
                blocks: every + [.paragraph(["Every p-value, raw and adjusted, is in metrics.json."], muted: true)])
        ]
    }

    /// The `gold \ predicted` matrix of `classes` (indices), and on phones the most frequent confusions as a list.
    static func confusion(
        caption: String, labels: [String], classes: [Int], count: (Int, Int) -> Int, rowTotal: (Int) -> Int
    ) -> [ReportBlock] {
        var rows: [[ReportTable.Cell]] = []
        var pairs: [(gold: Int, predicted: Int, count: Int)] = []
        for g in classes {
            var row: [ReportTable.Cell] = [.init(labels[g])]
            let total = max(1, rowTotal(g))
            for p in classes {
                let v = count(g, p)
                let share = Double(v) / Double(total)
                let color = g == p ? "47,109,181" : "200,85,61"
                row.append(.init([.text(String(v))], shade: "\(color),\(String(format: "%.2f", share * 0.8))"))
                if g != p && v > 0 { pairs.append((g, p, v)) }
            }
            rows.append(row)
        }
        let top = pairs.sorted { ($1.count, $0.gold, $0.predicted) < ($0.count, $1.gold, $1.predicted) }.prefix(8)
        return [
            .paragraph([.text(caption)], muted: true),
            .responsive(
                wide: [
                    .table(
                        ReportTable(
                            columns: [.text("gold \\ predicted")] + classes.map { .number(labels[$0]) }, rows: rows,
                            matrix: true))
                ],
                narrow: [
                    .list(
                        top.isEmpty
                            ? [["No confusions."]]
                            : top.map { [.text("\(labels[$0.gold]) → \(labels[$0.predicted]): \($0.count)")] })
                ])
        ]
    }
}
