import Foundation
import TextCore

extension CorpusReader {
    /// Bytes of a delimited or JSON Lines file that `check` parses: the whole file when smaller, else its start up to
    /// the last line break in it.
    public static let checkSampleBytes = 1 << 20

    /// Checks what reading `source` would fail on, without reading all of it: the file or folder exists and has the
    /// layout its format needs; a CSV/TSV header names the text and label columns, and a JSON Lines record has the
    /// fields (the first MiB parsed by the same code as a run). Returns what it found, in words
    /// (`train.csv: columns text, label; 1,204 records in the first MiB`).
    public func check(_ source: SourceConfiguration) throws -> String {
        let url = url(for: source.path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw TextpipeError(.input, "no such file or folder", file: url.path)
        }
        var notes: [String: Int] = [:]
        switch source.format {
        case .folders:
            guard isDirectory.boolValue else {
                throw TextpipeError(
                    .input, "format 'folders' needs a folder with one sub-folder per label", file: url.path)
            }
            let labels = try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
                .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
                .filter { !$0.lastPathComponent.hasPrefix(".") }
            guard !labels.isEmpty else {
                throw TextpipeError(
                    .input, "no label sub-folders (format 'folders': one sub-folder per label)", file: url.path)
            }
            return "\(source.path): \(labels.count) label folders"
        case .csv, .tsv, .jsonl:
            guard !isDirectory.boolValue else {
                throw TextpipeError(
                    .input, "a folder, but format '\(source.format.rawValue)' reads one file", file: url.path)
            }
            let sample = try Self.sample(url, name: display(url))
            let docs =
                source.format == .jsonl
                ? try parseJSONLines(sample.bytes, name: display(url), source, &notes)
                : try parseDelimited(
                    sample.bytes, name: display(url), source,
                    delimiter: source.format == .csv ? UInt8(ascii: ",") : UInt8(ascii: "\t"), &notes)
            if docs.isEmpty && !sample.truncated {
                throw TextpipeError(.input, "no documents in the file", file: display(url))
            }
            return "\(source.path): \(Thousands.format(docs.count)) records"
                + (sample.truncated ? " in the first MiB" : "")
                + (source.labelColumn.map { " (label column '\($0)')" } ?? "")
        case .lines:
            guard source.label != nil || source.labelPrefix != nil || source.labelColumn == nil else {
                throw TextpipeError(.spec, "format 'lines' needs 'label' or 'label_prefix'", file: url.path)
            }
            _ = try Self.sample(url, name: display(url))
            return "\(source.path): lines"
        case .xml:
            return "\(source.path): XML"
        }
    }

    /// The start of a file for `check`: all of it up to `checkSampleBytes`, else up to the last line break.
    static func sample(_ url: URL, name: String) throws -> (bytes: [UInt8], truncated: Bool) {
        guard let handle = FileHandle(forReadingAtPath: url.resolvingSymlinksInPath().path) else {
            throw TextpipeError(.io, "cannot read file", file: name)
        }
        defer { try? handle.close() }
        let data = try handle.read(upToCount: checkSampleBytes + 1) ?? Data()
        var bytes = [UInt8](data)
        guard bytes.count > checkSampleBytes else { return (bytes, false) }
        bytes.removeLast()
        if let last = bytes.lastIndex(of: UInt8(ascii: "\n")) { bytes.removeSubrange((last + 1)...) }
        return (bytes, true)
    }
}
