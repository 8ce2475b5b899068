import Foundation
import TextCore

/// Writes the text of XML records as plain lines, for word2vec corpora: a MediaWiki export becomes one
/// line per paragraph of article text. The XML is read with the same safe reader as corpora (no network,
/// no external entities, bounded expansion).
public enum XMLTextExtractor {
    /// MediaWiki's article text, whatever the export's namespace.
    public static let mediaWikiText = "//*[local-name()='page']/*[local-name()='revision']/*[local-name()='text']"

    /// Extracts `recordXPath`'s text from `xml` into `output` (temporary name, then renamed); returns the record count.
    @discardableResult
    public static func extract(_ xml: URL, recordXPath: String = mediaWikiText, to output: URL) throws -> Int {
        guard let data = FileManager.default.contents(atPath: xml.path) else {
            throw TextpipeError(.io, "cannot read", file: xml.path)
        }
        var notes: [String: Int] = [:]
        let records = try XMLRecordReader(recordXPath: recordXPath, textXPath: nil, labelXPath: nil)
            .read([UInt8](data), file: xml.lastPathComponent, notes: &notes)
        var out = ""
        for r in records {
            for paragraph in r.text.textLines(omittingEmpty: true) where paragraph.contains(where: { $0.isLetter }) {
                out += paragraph.replacingOccurrences(of: "\r", with: " ") + "\n"
            }
        }
        try AtomicFile.write(out, to: output)
        return records.count
    }
}
