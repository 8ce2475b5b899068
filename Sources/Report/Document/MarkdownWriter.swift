import Foundation

/// Writes a `ReportDocument` as GitHub-flavoured Markdown: charts as images under `charts/`, collapsible blocks as
/// `<details>`, tables with alignment from their column kinds, the wide form of responsive blocks.
public enum MarkdownWriter {
    /// The document as Markdown.
    public static func write(_ document: ReportDocument) -> String {
        var out = ""
        for block in document.blocks { out += write(block, document: document) }
        while out.hasSuffix("\n\n") { out.removeLast() }
        return out
    }

    static func write(_ block: ReportBlock, document: ReportDocument) -> String {
        switch block {
        case .heading(let level, let text, _):
            return String(repeating: "#", count: level) + " " + text + "\n\n"
        case .paragraph(let inlines, let muted):
            let text = inline(inlines)
            return (muted ? "_" + text + "_" : text) + "\n\n"
        case .list(let items):
            return items.map { "- " + inline($0) + "\n" }.joined() + "\n"
        case .table(let table):
            return self.table(table) + "\n"
        case .chart(let chart):
            return "![\(chart.alt)](charts/\(chart.file))\n\n"
        case .chartRow(let charts):
            return charts.map { "![\($0.alt)](charts/\($0.file))" }.joined(separator: " ") + "\n\n"
        case .details(let summary, _, _, let blocks):
            return "<details><summary>\(inline(summary))</summary>\n\n"
                + blocks.map { write($0, document: document) }.joined() + "</details>\n\n"
        case .preformatted(let text, let language):
            let fence = text.contains("```") ? "~~~~" : "```"
            return fence + (language ?? "") + "\n" + text + (text.hasSuffix("\n") ? "" : "\n") + fence + "\n\n"
        case .contents:
            return "Contents: "
                + document.sections.map { "[\($0.text)](#\($0.anchor))" }.joined(separator: " · ") + "\n\n"
        case .callout(let blocks):
            let inner = blocks.map { write($0, document: document) }.joined()
            return
                inner.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
                    $0.isEmpty ? ">" : "> " + $0
                }.joined(separator: "\n") + "\n\n"
        case .responsive(let wide, _):
            return wide.map { write($0, document: document) }.joined()
        }
    }

    /// Inline content as Markdown text.
    static func inline(_ inlines: [ReportInline]) -> String {
        inlines.map { piece -> String in
            switch piece {
            case .text(let s): return s
            case .strong(let s): return "**\(s)**"
            case .code(let s): return s.contains("`") ? "`` \(s) ``" : "`\(s)`"
            case .link(let s, let anchor): return "[\(s)](#\(anchor))"
            case .family(let f): return f == "generative" ? "G" : "D"
            case .alert(let s): return "**\(s)**"
            }
        }.joined()
    }

    static func table(_ t: ReportTable) -> String {
        func cell(_ c: ReportTable.Cell) -> String {
            inline(c.content).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        }
        var md = "| " + t.columns.map { $0.title.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ")
        md += " |\n|"
        for c in t.columns {
            switch c.kind {
            case .text: md += "---|"
            case .number: md += "---:|"
            case .mark: md += ":---:|"
            }
        }
        md += "\n"
        for row in t.rows { md += "| " + row.map(cell).joined(separator: " | ") + " |\n" }
        return md
    }
}
