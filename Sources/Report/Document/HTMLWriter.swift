import Foundation

/// Writes a `ReportDocument` as one self-contained HTML page: inline CSS and SVG, no scripts, nothing fetched.
///
/// The layout holds from a 390-px phone to print: text columns and code wrap anywhere, number columns never wrap,
/// columns marked non-essential and the wide form of responsive blocks are hidden below 700 px, collapsed blocks
/// stay collapsed in print.
public enum HTMLWriter {
    /// `&`, `<`, `>` and `"` escaped.
    public static func escape(_ s: String) -> String {
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
        :root{--fg:#1d2433;--muted:#5b6475;--line:#d9dee7;--gen:#2f6db5;--dis:#c8553d;--bg:#fff;--soft:#f4f6f9}
        *{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
        body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);background:var(--bg);\
        margin:0 auto;max-width:1100px;padding:1.5rem}
        h1{font-size:1.6rem;margin:.2rem 0;overflow-wrap:anywhere}h2{font-size:1.25rem;margin-top:2rem;\
        border-bottom:1px solid var(--line);padding-bottom:.2rem}h3{font-size:1.05rem;margin-top:1.4rem}
        .meta{color:var(--muted);font-size:.9rem}p,li{overflow-wrap:anywhere}
        table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem;width:100%}
        th,td{border-bottom:1px solid var(--line);padding:.3rem .45rem;vertical-align:top}
        thead th{background:var(--soft)}.l{text-align:left;overflow-wrap:anywhere}
        .r{text-align:right;white-space:nowrap}
        .c{text-align:center;white-space:nowrap}table.matrix td,table.matrix th{text-align:center;padding:.2rem .3rem}
        table.matrix .l{text-align:left}
        .tag{display:inline-block;border-radius:3px;padding:0 .35rem;color:#fff;font-size:.75rem;font-weight:600}
        .G{background:var(--gen)}.D{background:var(--dis)}
        code{background:var(--soft);padding:0 .25rem;border-radius:3px;overflow-wrap:anywhere;word-break:break-word}
        svg{display:block;height:auto;max-width:100%}svg text{font-family:inherit}figure{margin:.6rem 0}
        .charts{display:flex;flex-wrap:wrap;gap:1rem}.charts>figure{flex:1 1 300px;max-width:440px;margin:0}
        .alert{color:#b3261e;font-weight:600}pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85rem;\
        background:#f8f9fb;padding:.6rem}
        .summary{border:1px solid var(--line);border-left:4px solid var(--gen);background:#fafbfd;padding:.2rem 1rem;\
        margin:1rem 0}.summary li{margin:.25rem 0}.summary ul{padding-left:1.2rem}
        nav.toc{font-size:.9rem;margin:.8rem 0}nav.toc a{margin-right:.8rem;white-space:nowrap}
        details{margin:.5rem 0;border:1px solid var(--line);border-radius:4px;padding:.2rem .7rem}
        details>summary{cursor:pointer;font-weight:600;padding:.2rem 0}details[open]>summary{margin-bottom:.4rem}
        .narrow{display:none}
        @media (max-width:700px){body{padding:.6rem;font-size:14px}th,td{padding:.2rem .25rem}table{font-size:.8rem}
        .o{display:none}.wide{display:none}.narrow{display:block}h1{font-size:1.3rem}
        details{padding:.2rem .4rem}}
        @media print{body{max-width:none;padding:0;font-size:11px}.narrow{display:none}.wide{display:block}
        h2{break-after:avoid}tr,figure,.summary{break-inside:avoid}details{border:0;padding:0}
        table{font-size:.85rem}figure svg{max-height:9cm;width:auto}}
        """

    /// The document as a complete HTML page.
    public static func write(_ document: ReportDocument) -> String {
        var h =
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            + "<title>\(escape(document.title))</title><style>\(style)</style></head><body>"
        for block in document.blocks { h += write(block, document: document) }
        return h + "</body></html>\n"
    }

    static func write(_ block: ReportBlock, document: ReportDocument) -> String {
        switch block {
        case .heading(let level, let text, let anchor):
            return "<h\(level) id=\"\(escape(anchor))\">\(escape(text))</h\(level)>"
        case .paragraph(let inlines, let muted):
            return (muted ? "<p class=\"meta\">" : "<p>") + inline(inlines) + "</p>"
        case .list(let items):
            return "<ul>" + items.map { "<li>" + inline($0) + "</li>" }.joined() + "</ul>"
        case .table(let table):
            return self.table(table)
        case .chart(let chart):
            return figure(chart)
        case .chartRow(let charts):
            return "<div class=\"charts\">" + charts.map(figure).joined() + "</div>"
        case .details(let summary, let open, let anchor, let blocks):
            return "<details" + (anchor.map { " id=\"\(escape($0))\"" } ?? "") + (open ? " open" : "")
                + "><summary>\(inline(summary))</summary>" + blocks.map { write($0, document: document) }.joined()
                + "</details>"
        case .preformatted(let text, _):
            return "<pre>\(escape(text))</pre>"
        case .contents:
            return "<nav class=\"toc\"><b>Contents</b> "
                + document.sections.map { "<a href=\"#\(escape($0.anchor))\">\(escape($0.text))</a>" }.joined(
                    separator: " ") + "</nav>"
        case .callout(let blocks):
            return "<div class=\"summary\">" + blocks.map { write($0, document: document) }.joined() + "</div>"
        case .responsive(let wide, let narrow):
            return "<div class=\"wide\">" + wide.map { write($0, document: document) }.joined() + "</div>"
                + "<div class=\"narrow\">" + narrow.map { write($0, document: document) }.joined() + "</div>"
        }
    }

    static func figure(_ chart: ReportChart) -> String {
        "<figure>" + chart.svg + "</figure>"
    }

    /// Inline content as HTML.
    static func inline(_ inlines: [ReportInline]) -> String {
        inlines.map { piece -> String in
            switch piece {
            case .text(let s): return escape(s)
            case .strong(let s): return "<b>\(escape(s))</b>"
            case .code(let s): return "<code>\(escape(s))</code>"
            case .link(let s, let anchor): return "<a href=\"#\(escape(anchor))\">\(escape(s))</a>"
            case .family(let f):
                let mark = f == "generative" ? "G" : "D"
                return "<span class=\"tag \(mark)\" title=\"\(f)\">\(mark)</span>"
            case .alert(let s): return "<span class=\"alert\">\(escape(s))</span>"
            }
        }.joined()
    }

    static func table(_ t: ReportTable) -> String {
        func classes(_ c: ReportTable.Column) -> String {
            let align: String
            switch c.kind {
            case .text: align = "l"
            case .number: align = "r"
            case .mark: align = "c"
            }
            return c.essential ? align : align + " o"
        }
        let columnClasses = t.columns.map(classes)
        var h = t.matrix ? "<table class=\"matrix\"><thead><tr>" : "<table><thead><tr>"
        for (c, cls) in zip(t.columns, columnClasses) { h += "<th class=\"\(cls)\">\(escape(c.title))</th>" }
        h += "</tr></thead><tbody>"
        for row in t.rows {
            h += "<tr>"
            for (cell, cls) in zip(row, columnClasses) {
                h += "<td class=\"\(cls)\""
                if let shade = cell.shade { h += " style=\"background:rgba(\(shade))\"" }
                if let title = cell.title { h += " title=\"\(escape(title))\"" }
                h += ">" + inline(cell.content) + "</td>"
            }
            h += "</tr>"
        }
        return h + "</tbody></table>"
    }
}
