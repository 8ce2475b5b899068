import Foundation
import TextCore

/// The classification report as Markdown (charts referenced from `charts/`).
public enum MarkdownRenderer {
    /// `report.md` of a classification run.
    public static func render(_ report: RunReport) -> String { MarkdownWriter.write(report.document) }

    /// A file-name-safe form of a model name for its charts.
    public static func chartName(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }
}

/// The classification report as one self-contained HTML page.
public enum HTMLRenderer {
    /// `report.html` of a classification run.
    public static func render(_ report: RunReport) -> String { HTMLWriter.write(report.document) }
}

/// Writes a report's files into a run folder from one document: `report.md` with `charts/*.svg` beside it, and
/// `report.html`. The one place reports are written (runs of both tasks, `textpipe report render`).
public enum ReportFiles {
    /// Writes the Markdown form (with its charts) and/or the HTML form of `document` into `folder`.
    public static func write(_ document: ReportDocument, markdown: Bool, html: Bool, to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if markdown {
            try AtomicFile.write(MarkdownWriter.write(document), to: folder.appendingPathComponent("report.md"))
            for chart in document.charts {
                try AtomicFile.write(chart.standalone, to: folder.appendingPathComponent("charts/\(chart.file)"))
            }
        }
        if html { try AtomicFile.write(HTMLWriter.write(document), to: folder.appendingPathComponent("report.html")) }
    }
}
