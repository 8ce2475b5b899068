import Evaluate
import Foundation

/// Renders a tagging report as Markdown and as one self-contained HTML page (inline CSS and SVG).
public enum TaggingRenderer {
    static func pct(_ x: Double) -> String { Format.percent(x) }

    /// Columns of the comparison table for this kind of task.
    static func columns(_ r: TaggingRunReport) -> [(String, (TaggerResult) -> String)] {
        var c: [(String, (TaggerResult) -> String)] = [
            ("token acc %", { pct($0.metrics.tokenAccuracy) }),
            ("sentence acc %", { pct($0.metrics.sentenceAccuracy) })
        ]
        if r.results.first?.metrics.segmentation != nil {
            c += [
                ("word P %", { pct($0.metrics.segmentation?.words.precision ?? 0) }),
                ("word R %", { pct($0.metrics.segmentation?.words.recall ?? 0) }),
                ("word F1 %", { pct($0.metrics.segmentation?.words.f1 ?? 0) }),
                ("OOV recall %", { pct($0.metrics.segmentation?.oovRecall ?? 0) }),
                ("IV recall %", { pct($0.metrics.segmentation?.inVocabularyRecall ?? 0) })
            ]
        } else if r.results.first?.metrics.chunks != nil {
            c += [
                ("chunk P %", { pct($0.metrics.chunks?.precision ?? 0) }),
                ("chunk R %", { pct($0.metrics.chunks?.recall ?? 0) }),
                ("chunk F1 %", { pct($0.metrics.chunks?.f1 ?? 0) })
            ]
        }
        c += [
            ("\(r.headlineName) 95% CI", { Format.interval($0.headlineInterval) }),
            ("train s", { Format.seconds($0.trainSeconds) }), ("tag s", { Format.seconds($0.tagSeconds) }),
            ("tokens/s", { Format.count(Int($0.tokensPerSecond)) })
        ]
        return c
    }

    static func familyMark(_ family: String) -> String { family == "generative" ? "G" : "D" }

    // MARK: Markdown

    /// The tagging report as Markdown.
    public static func markdown(_ r: TaggingRunReport) -> String {
        let d = r.dataset
        var m = r.header.markdown
        m +=
            "## Data\n\n- Dataset **\(d.name)**: \(Format.count(d.trainSentences)) training sentences (\(Format.count(d.trainTokens)) tokens), "
        m += "\(Format.count(d.testSentences)) test sentences (\(Format.count(d.testTokens)) tokens)\n"
        m += "- Evaluation: \(d.evaluation)\n- Tags (\(d.tags.count)), scheme \(d.fileScheme)"
        if d.modelScheme != d.fileScheme { m += " converted to \(d.modelScheme)" }
        m += "; \(Format.count(d.repairedTags)) tags repaired from invalid sequences\n\n"
        m += r.header.markdownSpec
        let cols = columns(r)
        m += "## Comparison\n\nSorted by \(r.headlineName). G generative, D discriminative.\n\n"
        m +=
            "| # | tagger | family | " + cols.map(\.0).joined(separator: " | ") + " |\n|---|---|---|"
            + cols.map { _ in "---:|" }.joined() + "\n"
        for (i, t) in r.ranked.enumerated() {
            m +=
                "| \(i + 1) | \(t.name) | \(familyMark(t.family)) | " + cols.map { $0.1(t) }.joined(separator: " | ")
                + " |\n"
        }
        if let p = r.previous { m += MarkdownRenderer.sinceThePreviousRun(p) }
        if let sig = r.significance { m += MarkdownRenderer.significance(sig) }
        m += r.header.markdownStages
        m += "\n## Taggers\n"
        for t in r.ranked {
            m += "\n### \(t.name)\n\n\(t.description). "
            m +=
                t.trainingSummary.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: " · ")
                + "\n\n"
            if !t.metrics.chunksByType.isEmpty && t.metrics.segmentation == nil {
                m += "| type | precision % | recall % | F1 % | gold | predicted |\n|---|---:|---:|---:|---:|---:|\n"
                for c in t.metrics.chunksByType {
                    m +=
                        "| \(c.type) | \(pct(c.precision)) | \(pct(c.recall)) | \(pct(c.f1)) | \(c.gold) | \(c.predicted) |\n"
                }
                m += "\n"
            }
            m += "| tag | precision % | recall % | F1 % | support |\n|---|---:|---:|---:|---:|\n"
            for c in t.metrics.perTag.perClass.sorted(by: { $0.support > $1.support }).prefix(20) {
                m += "| \(c.label) | \(pct(c.precision)) | \(pct(c.recall)) | \(pct(c.f1)) | \(c.support) |\n"
            }
            let confused = TaggingRunReport.confusedTags(t.metrics.perTag, limit: 12)
            if !confused.isEmpty {
                m +=
                    "\nConfusion between the most confused tags (rows gold, columns predicted):\n\n| gold \\ predicted | "
                m +=
                    confused.map { t.metrics.perTag.perClass[$0].label }.joined(separator: " | ") + " |\n|---|"
                    + confused.map { _ in "---:|" }.joined() + "\n"
                for g in confused {
                    m +=
                        "| \(t.metrics.perTag.perClass[g].label) | "
                        + confused.map { String(t.metrics.perTag.confusion[g, $0]) }.joined(separator: " | ") + " |\n"
                }
            }
            if !t.errors.isEmpty {
                m += "\nErrors (token/gold→predicted where they differ):\n\n"
                for e in t.errors {
                    let line = zip(e.tokens, zip(e.gold, e.predicted)).map { w, gp in
                        gp.0 == gp.1 ? w : "**\(w)**/\(gp.0)→\(gp.1)"
                    }.joined(separator: " ")
                    m += "- `\(e.source)`: \(line)\n"
                }
            }
        }
        return m
    }

    // MARK: HTML

    static func bars(_ r: TaggingRunReport) -> String {
        let ranked = r.ranked
        guard !ranked.isEmpty else { return "" }
        let rowHeight = 26
        let labelWidth = 190
        let width = 760
        let top = 24
        let lo = max(0, (ranked.map(\.headline).min() ?? 0) - 0.05)
        let hi = 1.0
        let plot = Double(width - labelWidth - 70)
        var s =
            "<svg viewBox=\"0 0 \(width) \(top + rowHeight * ranked.count + 30)\" width=\"100%\" style=\"max-width:\(width)px\" role=\"img\" aria-label=\"\(r.headlineName) by tagger\">"
        s +=
            "<text x=\"\(labelWidth)\" y=\"14\" font-size=\"12\" fill=\"#5b6475\">\(r.headlineName) (axis from \(pct(lo)) % to 100 %)</text>"
        for (i, t) in ranked.enumerated() {
            let y = top + i * rowHeight
            let w = max(1, (t.headline - lo) / (hi - lo) * plot)
            let color = t.family == "generative" ? "#2f6db5" : "#c8553d"
            s +=
                "<text x=\"\(labelWidth - 8)\" y=\"\(y + 17)\" font-size=\"13\" text-anchor=\"end\">\(HTMLRenderer.escape(t.name))</text>"
            s +=
                "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(String(format: "%.1f", w))\" height=\"18\" fill=\"\(color)\" rx=\"2\"/>"
            s += "<text x=\"\(labelWidth + Int(w) + 6)\" y=\"\(y + 17)\" font-size=\"12\">\(pct(t.headline)) %</text>"
        }
        let axisY = top + rowHeight * ranked.count + 4
        s +=
            "<line x1=\"\(labelWidth)\" y1=\"\(axisY)\" x2=\"\(labelWidth + Int(plot))\" y2=\"\(axisY)\" stroke=\"#999\"/>"
        for k in 0...4 {
            let v = lo + (hi - lo) * Double(k) / 4
            let x = labelWidth + Int(plot * Double(k) / 4)
            s +=
                "<line x1=\"\(x)\" y1=\"\(axisY)\" x2=\"\(x)\" y2=\"\(axisY + 4)\" stroke=\"#999\"/><text x=\"\(x)\" y=\"\(axisY + 16)\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6475\">\(pct(v))</text>"
        }
        return s + "</svg>"
    }

    /// The tagging report as self-contained HTML.
    public static func html(_ r: TaggingRunReport) -> String {
        let e = HTMLRenderer.escape
        let d = r.dataset
        var h =
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        h +=
            "<title>\(e(r.pipeline)) — textpipe tagging report</title><style>\(HTMLRenderer.style) .err{white-space:normal;text-align:left;line-height:1.9}.err b{background:#fde8e4;border-radius:3px;padding:0 .2rem}.err small{color:#5b6475}</style></head><body>"
        h += r.header.html
        h +=
            "<h2>Data</h2><ul><li>Dataset <b>\(e(d.name))</b>: \(Format.count(d.trainSentences)) training sentences (\(Format.count(d.trainTokens)) tokens), \(Format.count(d.testSentences)) test sentences (\(Format.count(d.testTokens)) tokens)</li>"
        h +=
            "<li>Evaluation: \(e(d.evaluation))</li><li>\(d.tags.count) tags, scheme \(e(d.fileScheme))"
            + (d.modelScheme != d.fileScheme ? " converted to \(e(d.modelScheme))" : "")
        h += "; \(Format.count(d.repairedTags)) tags repaired from invalid sequences</li></ul>"
        h += r.header.htmlSpec
        h +=
            "<h2>Comparison</h2><p>Sorted by \(r.headlineName). <span class=\"tag G\">G</span> generative, <span class=\"tag D\">D</span> discriminative.</p>"
            + bars(r)
        let cols = columns(r)
        h +=
            "<div class=\"wrap\"><table><thead><tr><th>#</th><th class=\"l\">tagger</th><th>family</th>"
            + cols.map { "<th>\(e($0.0))</th>" }.joined() + "</tr></thead><tbody>"
        for (i, t) in r.ranked.enumerated() {
            let f = familyMark(t.family)
            h +=
                "<tr><td>\(i + 1)</td><td class=\"l\"><a href=\"#t\(i)\">\(e(t.name))</a></td><td><span class=\"tag \(f)\">\(f)</span></td>"
                + cols.map { "<td>\($0.1(t))</td>" }.joined() + "</tr>"
        }
        h += "</tbody></table></div>"
        if let p = r.previous { h += HTMLRenderer.sinceThePreviousRun(p) }
        if let sig = r.significance { h += HTMLRenderer.significance(sig) }
        h += r.header.htmlStages + "<h2>Taggers</h2>"
        for (i, t) in r.ranked.enumerated() {
            h +=
                "<section class=\"model\" id=\"t\(i)\"><h3>\(e(t.name))</h3><p>\(e(t.description)).</p><p class=\"meta\">Training: "
            h +=
                t.trainingSummary.sorted { $0.key < $1.key }.map { "\(e($0.key)) \(e($0.value))" }.joined(
                    separator: " · ") + "</p>"
            if !t.metrics.chunksByType.isEmpty && t.metrics.segmentation == nil {
                h +=
                    "<div class=\"wrap\"><table><thead><tr><th class=\"l\">type</th><th>precision %</th><th>recall %</th><th>F1 %</th><th>gold</th><th>predicted</th></tr></thead><tbody>"
                for c in t.metrics.chunksByType {
                    h +=
                        "<tr><td class=\"l\">\(e(c.type))</td><td>\(pct(c.precision))</td><td>\(pct(c.recall))</td><td>\(pct(c.f1))</td><td>\(c.gold)</td><td>\(c.predicted)</td></tr>"
                }
                h += "</tbody></table></div>"
            }
            h +=
                "<div class=\"wrap\"><table><thead><tr><th class=\"l\">tag</th><th>precision %</th><th>recall %</th><th>F1 %</th><th>support</th></tr></thead><tbody>"
            for c in t.metrics.perTag.perClass.sorted(by: { $0.support > $1.support }).prefix(20) {
                h +=
                    "<tr><td class=\"l\">\(e(c.label))</td><td>\(pct(c.precision))</td><td>\(pct(c.recall))</td><td>\(pct(c.f1))</td><td>\(c.support)</td></tr>"
            }
            h += "</tbody></table></div>"
            let confused = TaggingRunReport.confusedTags(t.metrics.perTag, limit: 12)
            if !confused.isEmpty {
                let cm = t.metrics.perTag.confusion
                let peak = max(1, confused.flatMap { g in confused.filter { $0 != g }.map { cm[g, $0] } }.max() ?? 1)
                h +=
                    "<p class=\"meta\">Confusion between the most confused tags (rows gold, columns predicted; off-diagonal shaded by count)</p><div class=\"wrap\"><table class=\"cm\"><thead><tr><th class=\"l\">gold \\ predicted</th>"
                h +=
                    confused.map { "<th>\(e(t.metrics.perTag.perClass[$0].label))</th>" }.joined()
                    + "</tr></thead><tbody>"
                for g in confused {
                    h += "<tr><td class=\"l\">\(e(t.metrics.perTag.perClass[g].label))</td>"
                    for p in confused {
                        let v = cm[g, p]
                        let shade =
                            g == p
                            ? "#f4f6f9" : String(format: "rgba(200,85,61,%.2f)", 0.08 + 0.8 * Double(v) / Double(peak))
                        h += "<td style=\"background:\(v == 0 && g != p ? "transparent" : shade)\">\(v)</td>"
                    }
                    h += "</tr>"
                }
                h += "</tbody></table></div>"
            }
            if !t.errors.isEmpty {
                h +=
                    "<p class=\"meta\">Errors in held-out sentences: wrong tokens in bold with gold → predicted</p><ul>"
                for x in t.errors {
                    h +=
                        "<li class=\"err\"><small>\(e(x.source))</small><br>"
                        + zip(x.tokens, zip(x.gold, x.predicted)).map { w, gp in
                            gp.0 == gp.1 ? e(w) : "<b>\(e(w))</b><small>\(e(gp.0))→\(e(gp.1))</small>"
                        }.joined(separator: " ") + "</li>"
                }
                h += "</ul>"
            }
            h += "</section>"
        }
        return h + "</body></html>"
    }
}
