import Foundation

/// A report as one tree of blocks: every section is built once, as a `ReportDocument`, and written by
/// `MarkdownWriter` and `HTMLWriter`. Classification and tagging reports share the model and their common sections.
///
/// ```
/// ReportDocument(title: "demo: text classification report", blocks: [
///     .heading(2, "Comparison", anchor: "comparison"),
///     .table(ReportTable(columns: [.text("model"), .number("accuracy %")], rows: [["nb", "81.20"]])),
/// ])
/// ```
public struct ReportDocument: Sendable {
    /// The page title (`<title>`; the first heading is a block like any other).
    public var title: String
    /// The content, top to bottom.
    public var blocks: [ReportBlock]

    /// A document.
    public init(title: String, blocks: [ReportBlock]) {
        self.title = title
        self.blocks = blocks
    }

    /// Every chart of the document, in order, also those inside collapsed blocks.
    public var charts: [ReportChart] {
        func walk(_ blocks: [ReportBlock]) -> [ReportChart] {
            blocks.flatMap { block -> [ReportChart] in
                switch block {
                case .chart(let c): return [c]
                case .chartRow(let cs): return cs
                case .details(_, _, _, let inner), .callout(let inner): return walk(inner)
                case .responsive(let wide, let narrow): return walk(wide) + walk(narrow)
                default: return []
                }
            }
        }
        var seen = Set<String>()
        return walk(blocks).filter { seen.insert($0.file).inserted }
    }

    /// The level-2 headings, for the table of contents: (text, anchor).
    public var sections: [(text: String, anchor: String)] {
        blocks.compactMap {
            if case .heading(2, let text, let anchor) = $0 { return (text, anchor) }
            return nil
        }
    }
}

/// One block of a report.
public indirect enum ReportBlock: Sendable {
    /// A heading of level 1 to 3 with its anchor (`#comparison`).
    case heading(Int, String, anchor: String)
    /// A paragraph; `muted` paragraphs are captions and notes.
    case paragraph([ReportInline], muted: Bool = false)
    /// A bulleted list, one item per element.
    case list([[ReportInline]])
    /// A table with typed columns.
    case table(ReportTable)
    /// A chart (SVG), inline in HTML and a file under `charts/` for Markdown.
    case chart(ReportChart)
    /// Charts side by side where there is room.
    case chartRow([ReportChart])
    /// A collapsible block: `<details>` in both writers, collapsed unless `open`.
    case details(summary: [ReportInline], open: Bool, anchor: String?, blocks: [ReportBlock])
    /// Preformatted text (a spec, decision rules).
    case preformatted(String, language: String?)
    /// The table of contents: links to every level-2 heading.
    case contents
    /// A highlighted box (the summary).
    case callout([ReportBlock])
    /// A wide form (tables of many columns: matrices) and a narrow form for phone screens; Markdown shows the wide
    /// form, HTML both with the one that does not fit hidden by the page width.
    case responsive(wide: [ReportBlock], narrow: [ReportBlock])
}

/// Inline content of paragraphs, list items and table cells.
public enum ReportInline: Sendable, Equatable {
    /// Plain text.
    case text(String)
    /// Bold text.
    case strong(String)
    /// Code: names, paths, document ids (wraps anywhere in HTML).
    case code(String)
    /// A link to an anchor in the same document.
    case link(String, anchor: String)
    /// The family badge: `G` generative, `D` discriminative.
    case family(String)
    /// A warning in words (a regression).
    case alert(String)
}

extension ReportInline: ExpressibleByStringLiteral {
    /// Plain text from a literal.
    public init(stringLiteral value: String) { self = .text(value) }
}

/// A table: typed columns decide alignment, wrapping and which columns a phone screen may drop.
public struct ReportTable: Sendable {
    /// What a column holds.
    public enum Kind: Sendable {
        /// Left-aligned words; long values wrap.
        case text
        /// Right-aligned numbers; never wrap.
        case number
        /// Centred marks (the family badge, yes/no).
        case mark
    }
    /// A column.
    public struct Column: Sendable {
        /// The header.
        public var title: String
        /// What it holds.
        public var kind: Kind
        /// False for columns a narrow screen may hide (times, sizes); the rest always stay.
        public var essential: Bool
        /// A column.
        public init(_ title: String, _ kind: Kind, essential: Bool = true) {
            self.title = title
            self.kind = kind
            self.essential = essential
        }
        /// A text column.
        public static func text(_ title: String, essential: Bool = true) -> Column {
            Column(title, .text, essential: essential)
        }
        /// A number column.
        public static func number(_ title: String, essential: Bool = true) -> Column {
            Column(title, .number, essential: essential)
        }
        /// A mark column.
        public static func mark(_ title: String, essential: Bool = true) -> Column {
            Column(title, .mark, essential: essential)
        }
    }
    /// A cell: inline content and, in HTML, an optional background (`"47,109,181,0.40"`: r, g, b, alpha) and tooltip.
    public struct Cell: Sendable, ExpressibleByStringLiteral {
        /// The content.
        public var content: [ReportInline]
        /// The background as `r,g,b,alpha`, if shaded.
        public var shade: String?
        /// A tooltip.
        public var title: String?
        /// A cell.
        public init(_ content: [ReportInline], shade: String? = nil, title: String? = nil) {
            self.content = content
            self.shade = shade
            self.title = title
        }
        /// A cell of plain text.
        public init(_ text: String) { self.init([.text(text)]) }
        /// A cell of plain text from a literal.
        public init(stringLiteral value: String) { self.init(value) }
    }
    /// The columns.
    public var columns: [Column]
    /// The rows, one cell per column.
    public var rows: [[Cell]]
    /// A matrix (confusion, significance): compact centred cells.
    public var matrix: Bool
    /// A table.
    public init(columns: [Column], rows: [[Cell]], matrix: Bool = false) {
        self.columns = columns
        self.rows = rows
        self.matrix = matrix
    }
}

/// A chart: its SVG (drawn by `Charts`), its file name under `charts/` and a text alternative.
public struct ReportChart: Sendable {
    /// File name under `charts/` (`comparison.svg`).
    public var file: String
    /// The SVG, as inline HTML (no namespace).
    public var svg: String
    /// What the chart shows, in words.
    public var alt: String
    /// A chart.
    public init(file: String, svg: String, alt: String) {
        self.file = file
        self.svg = svg
        self.alt = alt
    }

    /// The SVG as a standalone file: standalone SVG needs the namespace that inline SVG in HTML does without.
    public var standalone: String {
        guard let r = svg.range(of: "<svg ") else { return svg }
        return svg.replacingCharacters(in: r, with: "<svg xmlns=\"http://www.w3.org/2000/svg\" ")
    }
}
