import Foundation

/// Renders a `RunReport` as one self-contained HTML file: inline CSS and SVG, no scripts, nothing fetched.
public enum HTMLRenderer {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static let style = """
        :root{--fg:#1d2433;--muted:#5b6475;--line:#d9dee7;--gen:#2f6db5;--dis:#c8553d;--bg:#fff}
        *{box-sizing:border-box}body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1100px;padding:1.5rem}
        h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}h3{font-size:1.05rem;margin-top:1.6rem}
        .meta{color:var(--muted);font-size:.9rem}table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem;width:100%}
        th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:right;white-space:nowrap}th:first-child,td:first-child,.l{text-align:left}
        thead th{background:#f4f6f9}.wrap{overflow-x:auto}.tag{display:inline-block;border-radius:3px;padding:0 .35rem;color:#fff;font-size:.75rem;font-weight:600}
        .G{background:var(--gen)}.D{background:var(--dis)}code{background:#f4f6f9;padding:0 .25rem;border-radius:3px}
        .cm td{text-align:center;min-width:3rem}.cm td.l{text-align:left}svg text{font-family:inherit}.feat{white-space:normal;text-align:left}
        .charts{display:flex;flex-wrap:wrap;gap:1rem}.charts>div{flex:1 1 320px;max-width:420px}.sig td{text-align:center;min-width:3.2rem}.sig td.l{text-align:left}
        .sig td.s{background:rgba(200,85,61,.18)}.sig td.n{background:#f4f6f9}.reg{color:#b3261e;font-weight:600}pre{white-space:pre-wrap;font-size:.85rem;background:#f8f9fb;padding:.6rem}
        @media (max-width:640px){body{padding:.8rem;font-size:14px}th,td{padding:.25rem .3rem}}
        @media print{body{max-width:none}h2{break-after:avoid}.model{break-inside:avoid}}
        """

    /// The classification report as self-contained HTML (inline CSS and SVG).
    public static func render(_ report: RunReport) -> String {
        let d = report.dataset
        var h =
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        h += "<title>\(escape(report.pipeline)) — textpipe report</title><style>\(style)</style></head><body>"
        h += report.header.html
        h +=
            "<h2>Data</h2><ul><li>Dataset <b>\(escape(d.name))</b>: \(Format.count(d.trainDocuments)) training documents"
        if let t = d.testDocuments { h += ", \(Format.count(t)) test documents" }
        h +=
            "</li><li>Classes: "
            + d.classes.sorted { $0.key < $1.key }.map { "\(escape($0.key)) (\(Format.count($0.value)))" }.joined(
                separator: ", ") + "</li>"
        h +=
            "<li>Tokens: \(Format.count(d.tokens)), distinct \(Format.count(d.distinctTokens))</li><li>Evaluation: \(escape(report.evaluation))</li>"
        for (k, v) in d.notes.sorted(by: { $0.key < $1.key }) { h += "<li>\(escape(k)): \(Format.count(v))</li>" }
        h += "</ul>"
        h += report.header.htmlSpec
        let ranked = report.ranked
        h +=
            "<h2>Comparison</h2><p>Sorted by macro-F1. <span class=\"tag G\">G</span> generative, <span class=\"tag D\">D</span> discriminative.</p>"
        h += chart(ranked)
        h +=
            "<div class=\"wrap\"><table><thead><tr><th>#</th><th class=\"l\">features</th><th class=\"l\">classifier</th><th>family</th><th>accuracy %</th><th>95% CI</th><th>macro-F1 %</th><th>95% CI</th><th>log loss</th><th>train s</th><th>predict s</th><th>features</th><th>model</th></tr></thead><tbody>"
        for (i, r) in ranked.enumerated() {
            let fam = r.family == "generative" ? "G" : "D"
            h +=
                "<tr><td>\(i + 1)</td><td class=\"l\">\(escape(r.features))</td><td class=\"l\"><a href=\"#m\(i)\">\(escape(r.classifier))</a></td><td><span class=\"tag \(fam)\">\(fam)</span></td>"
            h +=
                "<td>\(Format.percent(r.accuracy, r.accuracyStd))</td><td>\(Format.interval(r.accuracyInterval))</td><td>\(Format.percent(r.macroF1, r.macroF1Std))</td><td>\(Format.interval(r.macroF1Interval))</td><td>\(Format.optional(r.logLoss))</td>"
            h +=
                "<td>\(Format.seconds(r.trainSeconds))</td><td>\(Format.seconds(r.predictSeconds))</td><td>\(Format.count(r.featureCount))</td><td>\(Format.bytes(r.modelBytes))</td></tr>"
        }
        h += "</tbody></table></div>"
        if let skipped = report.skipped, !skipped.isEmpty {
            h +=
                "<p>Not trained:</p><ul>"
                + skipped.grouped.map {
                    "<li><b>\(escape($0.classifier))</b> on \(escape($0.features.joined(separator: ", "))): \(escape($0.reason))</li>"
                }.joined() + "</ul>"
        }
        h += sections(report)
        h += report.header.htmlStages + "<h2>Models</h2>"
        for (i, r) in ranked.enumerated() {
            h +=
                "<section class=\"model\" id=\"m\(i)\"><h3>\(escape(r.name))</h3><p>Accuracy \(Format.percent(r.accuracy, r.accuracyStd)) %, macro-F1 \(Format.percent(r.macroF1, r.macroF1Std)) %"
            if let l = r.logLoss { h += String(format: ", log loss %.4f", l) }
            h +=
                ". Model: <code>\(escape(r.modelPath))</code></p><div class=\"wrap\"><table><thead><tr><th class=\"l\">class</th><th>precision %</th><th>recall %</th><th>F1 %</th><th>support</th></tr></thead><tbody>"
            for c in r.shownClasses {
                h +=
                    "<tr><td class=\"l\">\(escape(c.label))</td><td>\(Format.percent(c.precision))</td><td>\(Format.percent(c.recall))</td><td>\(Format.percent(c.f1))</td><td>\(c.support)</td></tr>"
            }
            h += "</tbody></table></div>"
            if let note = r.shownClassesNote { h += "<p class=\"meta\">\(escape(note))</p>" }
            h += confusion(r)
            if !r.trainingSummary.isEmpty {
                h +=
                    "<p class=\"meta\">Training: "
                    + r.trainingSummary.sorted { $0.key < $1.key }.map { "\(escape($0.key)) \(escape($0.value))" }
                    .joined(separator: " · ") + "</p>"
            }
            var charts = ""
            if let c = r.calibration { charts += "<div>" + Charts.reliability(c, name: r.name) + "</div>" }
            if let c = r.curves {
                charts += "<div>" + Charts.roc(c) + "</div><div>" + Charts.precisionRecall(c) + "</div>"
            }
            if !charts.isEmpty { h += "<div class=\"charts\">\(charts)</div>" }
            if let wrong = r.misclassified, !wrong.isEmpty {
                h +=
                    "<p class=\"meta\">Misclassified test documents, most confident first</p><div class=\"wrap\"><table><thead><tr><th class=\"l\">document</th><th class=\"l\">gold</th><th class=\"l\">predicted</th><th>score predicted</th><th>score gold</th><th class=\"l\">text</th></tr></thead><tbody>"
                for w in wrong {
                    h +=
                        "<tr><td class=\"l\"><code>\(escape(w.source))</code></td><td class=\"l\">\(escape(w.gold))</td><td class=\"l\">\(escape(w.predicted))</td><td>\(String(format: "%.3f", w.predictedScore))</td><td>\(String(format: "%.3f", w.goldScore))</td><td class=\"feat\">\(escape(w.excerpt))</td></tr>"
                }
                h += "</tbody></table></div>"
            }
            if let rules = r.rules, !rules.isEmpty {
                h += "<p class=\"meta\">Top of the tree</p><pre>" + escape(rules.joined(separator: "\n")) + "</pre>"
            }
            if !r.topFeatures.isEmpty {
                h +=
                    "<table><thead><tr><th class=\"l\">class</th><th class=\"l\">most informative features</th></tr></thead><tbody>"
                for (label, feats) in r.shownTopFeatures {
                    h +=
                        "<tr><td class=\"l\">\(escape(label))</td><td class=\"feat\">"
                        + feats.map { "<code>\(escape($0))</code>" }.joined(separator: " ") + "</td></tr>"
                }
                h += "</tbody></table>"
            }
            h += "</section>"
        }
        h += "</body></html>\n"
        return h
    }

    /// The "since the previous run" section, for classification and tagging runs alike.
    static func sinceThePreviousRun(_ p: RunComparison) -> String {
        var h =
            "<h2>Since the previous run</h2><p>Compared with run <code>\(escape(p.previousRunId))</code>; a regression is a "
            + "\(escape(p.metricName)) drop of more than \(Format.percent(p.threshold)) points.</p>"
        if !p.regressions.isEmpty {
            h += "<p class=\"reg\">Regression: \(escape(p.regressions.joined(separator: ", ")))</p>"
        }
        h +=
            "<div class=\"wrap\"><table><thead><tr><th class=\"l\">model</th><th>accuracy %</th><th>Δ</th>"
            + "<th>\(escape(p.metricName)) %</th><th>Δ</th><th class=\"l\">flag</th></tr></thead><tbody>"
        for d in p.deltas {
            h +=
                "<tr><td class=\"l\">\(escape(d.model))</td><td>\(Format.percent(d.accuracyAfter))</td>"
                + "<td>\(Format.signedPoints(d.accuracyAfter - d.accuracyBefore))</td><td>\(Format.percent(d.macroF1After))</td>"
                + "<td>\(Format.signedPoints(d.macroF1After - d.macroF1Before))</td>"
                + "<td class=\"l\">\(d.regression ? "<span class=\"reg\">regression</span>" : "")</td></tr>"
        }
        h += "</tbody></table></div>"
        if !p.added.isEmpty { h += "<p class=\"meta\">New: \(escape(p.added.joined(separator: ", ")))</p>" }
        if !p.removed.isEmpty {
            h += "<p class=\"meta\">No longer run: \(escape(p.removed.joined(separator: ", ")))</p>"
        }
        return h
    }

    /// Significance, learning curves and the previous-run comparison.
    static func sections(_ report: RunReport) -> String {
        var h = ""
        if let p = report.previous { h += sinceThePreviousRun(p) }
        if let sig = report.significance { h += significance(sig) }
        if let lc = report.learningCurves {
            h += "<h2>Learning curves</h2><p>\(escape(lc.summary))</p>" + Charts.learningCurves(lc)
            h +=
                "<p class=\"meta\">Each point: mean test error over folds and \(lc.repeats) stratified subsets; whiskers ±1 sd. Dashed: generative, solid: discriminative.</p>"
        }
        return h
    }

    /// The significance matrix with the best model's standing in words.
    static func significance(_ sig: SignificanceMatrix) -> String {
        guard sig.models.count > 1 else { return "" }
        let how =
            sig.test == "McNemar"
            ? "McNemar's exact test on the same test documents"
            : "a \(sig.test) (1,000 resamples of the headline metric)"
        var h =
            "<h2>Significance</h2><p>\(escape(sig.sentence))</p><p class=\"meta\">\(escape(how)); cells show Holm-adjusted p-values (shaded: p < \(sig.alpha)), models in ranked order.</p>"
        h +=
            "<div class=\"wrap\"><table class=\"sig\"><thead><tr><th class=\"l\">model</th>"
            + sig.models.indices.map { "<th>\($0 + 1)</th>" }.joined() + "</tr></thead><tbody>"
        for (i, m) in sig.models.enumerated() {
            h += "<tr><td class=\"l\">\(i + 1). \(escape(m))</td>"
            for j in sig.models.indices {
                if i == j {
                    h += "<td>—</td>"
                    continue
                }
                let p = sig.adjusted[i][j]
                let title =
                    sig.onlyRight.isEmpty
                    ? "" : " title=\"\(sig.onlyRight[i][j]) vs \(sig.onlyRight[j][i]) discordant\""
                h += "<td class=\"\(p < sig.alpha ? "s" : "n")\"\(title)>\(Format.pValue(p))</td>"
            }
            h += "</tr>"
        }
        return h + "</tbody></table></div>"
    }

    /// Horizontal bars of macro-F1 per model with ±1 standard deviation whiskers, coloured by family.
    static func chart(_ results: [ModelResult]) -> String {
        guard !results.isEmpty else { return "" }
        let rowHeight = 24.0
        let labelWidth = 300.0
        let plotWidth = 520.0
        let top = 28.0
        let height = top + Double(results.count) * rowHeight + 34
        let lo = max(0, (results.map { $0.macroF1 - ($0.macroF1Std ?? 0) }.min() ?? 0) - 0.05)
        let low = (lo * 10).rounded(.down) / 10
        let scale = { (v: Double) in labelWidth + (min(1, max(low, v)) - low) / (1 - low) * plotWidth }
        var s =
            "<svg role=\"img\" aria-label=\"macro-F1 by model\" viewBox=\"0 0 \(Int(labelWidth + plotWidth + 40)) \(Int(height))\" width=\"100%\" style=\"max-width:860px\">"
        s +=
            "<text x=\"\(labelWidth)\" y=\"16\" font-size=\"12\" fill=\"#5b6475\">macro-F1 (%), whiskers ±1 sd over folds</text>"
        var tick = low
        while tick <= 1.0001 {
            let x = scale(tick)
            s += "<line x1=\"\(x)\" x2=\"\(x)\" y1=\"\(top - 4)\" y2=\"\(height - 28)\" stroke=\"#e6e9ef\"/>"
            s +=
                "<text x=\"\(x)\" y=\"\(height - 12)\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6475\">\(Int((tick * 100).rounded()))</text>"
            tick += 0.1
        }
        for (i, r) in results.enumerated() {
            let y = top + Double(i) * rowHeight
            let color = r.family == "generative" ? "#2f6db5" : "#c8553d"
            s +=
                "<text x=\"\(labelWidth - 8)\" y=\"\(y + 15)\" font-size=\"12\" text-anchor=\"end\">\(escape(r.name))</text>"
            s +=
                "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(max(1, scale(r.macroF1) - labelWidth))\" height=\"\(rowHeight - 8)\" fill=\"\(color)\" opacity=\"0.85\"/>"
            if let sd = r.macroF1Std, sd > 0 {
                let a = scale(r.macroF1 - sd)
                let b = scale(r.macroF1 + sd)
                let m = y + rowHeight / 2
                s +=
                    "<line x1=\"\(a)\" x2=\"\(b)\" y1=\"\(m)\" y2=\"\(m)\" stroke=\"#1d2433\"/><line x1=\"\(a)\" x2=\"\(a)\" y1=\"\(m - 4)\" y2=\"\(m + 4)\" stroke=\"#1d2433\"/><line x1=\"\(b)\" x2=\"\(b)\" y1=\"\(m - 4)\" y2=\"\(m + 4)\" stroke=\"#1d2433\"/>"
            }
            s +=
                "<text x=\"\(scale(r.macroF1 + (r.macroF1Std ?? 0)) + 6)\" y=\"\(y + 15)\" font-size=\"11\" fill=\"#1d2433\">\(Format.percent(r.macroF1))</text>"
        }
        return s + "</svg>"
    }

    /// Confusion matrix with cells shaded by their share of the gold row.
    static func confusion(_ r: ModelResult) -> String {
        var h =
            "<p class=\"meta\">\(escape(r.confusionCaption))</p><div class=\"wrap\"><table class=\"cm\"><thead><tr><th class=\"l\">gold \\ predicted</th>"
        let shown = r.confusionClasses
        for k in shown { h += "<th>\(escape(r.labels[k]))</th>" }
        h += "</tr></thead><tbody>"
        let rowTotals = r.confusion.goldCounts
        for i in shown {
            let total = max(1, rowTotals[i])
            h += "<tr><td class=\"l\">\(escape(r.labels[i]))</td>"
            for j in shown {
                let v = r.confusion[i, j]
                let share = Double(v) / Double(total)
                let color = i == j ? "47,109,181" : "200,85,61"
                h += "<td style=\"background:rgba(\(color),\(String(format: "%.2f", share * 0.8)))\">\(v)</td>"
            }
            h += "</tr>"
        }
        return h + "</tbody></table></div>"
    }
}
