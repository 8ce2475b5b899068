import Foundation

/// The classification report as Markdown (charts referenced from `charts/`).
public enum MarkdownRenderer {
    /// `report.md` of a classification run.
    public static func render(_ report: RunReport) -> String { MarkdownWriter.write(report.document) }

    /// A file-name-safe form of a model name for its charts.
    public static func chartName(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }

    /// Every chart of the report as (file name under `charts/`, standalone SVG), for `report.md` to link.
    public static func charts(_ report: RunReport) -> [(String, String)] {
        report.document.charts.map { ($0.file, $0.standalone) }
    }
}

/// The classification report as one self-contained HTML page.
public enum HTMLRenderer {
    /// `report.html` of a classification run.
    public static func render(_ report: RunReport) -> String { HTMLWriter.write(report.document) }
}

/// The tagging report as Markdown and as one self-contained HTML page.
public enum TaggingRenderer {
    /// `report.md` of a tagging run.
    public static func markdown(_ report: TaggingRunReport) -> String { MarkdownWriter.write(report.document) }
    /// `report.html` of a tagging run.
    public static func html(_ report: TaggingRunReport) -> String { HTMLWriter.write(report.document) }
    /// Every chart of the report as (file name under `charts/`, standalone SVG).
    public static func charts(_ report: TaggingRunReport) -> [(String, String)] {
        report.document.charts.map { ($0.file, $0.standalone) }
    }
}
