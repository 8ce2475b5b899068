import Foundation
import TextCore

/// Reads documents from a source in any supported format.
///
/// Problems in the data (a missing column, bad JSON, an unterminated quote) are errors naming the file
/// and line; recoverable oddities (invalid UTF-8 replaced, records without a label) are counted in `notes`.
public struct CorpusReader {
    /// Relative paths are read from here.
    public var baseDirectory: URL
    /// A reader of paths under `baseDirectory`.
    public init(baseDirectory: URL) { self.baseDirectory = baseDirectory }

    /// What reading a source gave.
    public struct Result {
        /// The documents, in file order.
        public var documents: [Document]
        /// Counts of what reading did (invalid bytes replaced, latin-1 fallbacks, ...).
        public var notes: [String: Int]
    }

    /// A path made absolute against the base directory.
    public func url(for path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : baseDirectory.appendingPathComponent(path)
    }

    /// Reads one source (folder, CSV/TSV, JSONL, lines or XML).
    public func read(_ source: SourceConfiguration) throws -> Result {
        let url = url(for: source.path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw TextpipeError(.input, "no such file or folder", file: source.path)
        }
        var notes: [String: Int] = [:]
        var docs: [Document]
        switch source.format {
        case .folders:
            guard isDirectory.boolValue else {
                throw TextpipeError(
                    .input, "format 'folders' needs a folder with one sub-folder per label", file: source.path)
            }
            docs = try readFolders(url, source, &notes)
        case .csv, .tsv:
            docs = try readDelimited(
                url, source, delimiter: source.format == .csv ? UInt8(ascii: ",") : UInt8(ascii: "\t"), &notes)
        case .jsonl:
            docs = try readJSONLines(url, source, &notes)
        case .lines:
            docs = try readLines(url, source, &notes)
        case .xml:
            let files = isDirectory.boolValue ? try listFiles(url, extensions: ["xml"]) : [url]
            docs = []
            let reader = XMLRecordReader(
                recordXPath: source.recordXPath ?? "/*", textXPath: source.textXPath,
                labelXPath: source.labelXPath)
            for file in files {
                let bytes = try loadBytes(file)
                let records = try reader.read(bytes, file: display(file), notes: &notes)
                for r in records {
                    var d = r
                    if d.label == nil { d.label = source.label }
                    docs.append(d)
                }
            }
        }
        if !source.labelNames.isEmpty {
            for i in docs.indices {
                if let l = docs[i].label, let renamed = source.labelNames[l] { docs[i].label = renamed }
            }
        }
        return Result(documents: docs, notes: notes)
    }

    func display(_ url: URL) -> String {
        let base = baseDirectory.standardizedFileURL.path + "/"
        let p = url.standardizedFileURL.path
        return p.hasPrefix(base) ? String(p.dropFirst(base.count)) : p
    }

    /// The largest input file read (a `/dev/zero` link or a runaway file must not exhaust memory).
    public static let maximumFileBytes = 4 << 30

    /// The bytes of a regular file (a symbolic link is followed); a device, a FIFO or a folder is refused instead of
    /// read, which could block forever, and so is a file larger than `maximumFileBytes`.
    func loadBytes(_ url: URL) throws -> [UInt8] {
        let resolved = url.resolvingSymlinksInPath()
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved.path) else {
            throw TextpipeError(.io, "cannot read file", file: display(url))
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            throw TextpipeError(
                .input, "not a regular file (a device, a FIFO or a folder); only files are read", file: display(url))
        }
        if let size = attributes[.size] as? Int, size > Self.maximumFileBytes {
            throw TextpipeError(
                .input, "the file has \(size) bytes; at most \(Self.maximumFileBytes) are read", file: display(url))
        }
        guard let data = FileManager.default.contents(atPath: resolved.path) else {
            throw TextpipeError(.io, "cannot read file", file: display(url))
        }
        return [UInt8](data)
    }

    func decode(_ bytes: [UInt8], _ encoding: TextEncoding, _ notes: inout [String: Int]) -> String {
        let d = TextDecoder(encoding).decode(bytes)
        if d.replacedSequences > 0 { notes["invalid UTF-8 sequences replaced", default: 0] += d.replacedSequences }
        if d.fellBackToLatin1 { notes["documents decoded as latin-1 (not valid UTF-8)", default: 0] += 1 }
        return d.text
    }

    func listFiles(_ dir: URL, extensions: Set<String>) throws -> [URL] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else {
            throw TextpipeError(.io, "cannot list folder", file: display(dir))
        }
        return names.sorted().filter {
            !$0.hasPrefix(".") && extensions.contains(($0 as NSString).pathExtension.lowercased())
        }
        .map { dir.appendingPathComponent($0) }
    }

    func readFolders(_ url: URL, _ source: SourceConfiguration, _ notes: inout [String: Int]) throws -> [Document] {
        var docs: [Document] = []
        let labels = (try? FileManager.default.contentsOfDirectory(atPath: url.path))?.sorted() ?? []
        for label in labels where !label.hasPrefix(".") {
            let sub = url.appendingPathComponent(label)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: sub.path, isDirectory: &isDir), isDir.boolValue else {
                continue
            }
            for file in try listFiles(sub, extensions: ["txt", "html", "htm", "xml"]) {
                let bytes = try loadBytes(file)
                if file.pathExtension.lowercased() == "xml" {
                    let reader = XMLRecordReader(
                        recordXPath: source.recordXPath ?? "/*", textXPath: source.textXPath, labelXPath: nil)
                    for var r in try reader.read(bytes, file: display(file), notes: &notes) {
                        r.label = label
                        docs.append(r)
                    }
                } else {
                    docs.append(
                        Document(source: display(file), text: decode(bytes, source.encoding, &notes), label: label))
                }
            }
        }
        if docs.isEmpty {
            throw TextpipeError(
                .input, "no documents found: expected sub-folders (one per label) of .txt/.html/.htm/.xml files",
                file: source.path)
        }
        return docs
    }

    /// Resolves a column given by name (with a header) or by 0-based index.
    func columnIndex(_ column: String, header: [String]?, file: String, key: String) throws -> Int {
        if let h = header, let i = h.firstIndex(of: column) { return i }
        if let i = Int(column), i >= 0 { return i }
        let known =
            header.map {
                " (columns: " + $0.prefix(20).joined(separator: ", ")
                    + ($0.count > 20 ? ", ... \($0.count) in all" : "") + ")"
            }
            ?? " (the file has no header: give a 0-based index)"
        throw TextpipeError(.input, "no column '\(column)'" + known, file: file, line: 1, key: key)
    }

    func readDelimited(_ url: URL, _ source: SourceConfiguration, delimiter: UInt8, _ notes: inout [String: Int]) throws
        -> [Document]
    {
        try parseDelimited(try loadBytes(url), name: display(url), source, delimiter: delimiter, &notes)
    }

    /// The documents of CSV/TSV bytes (`name` is the file in errors).
    public func parseDelimited(
        _ bytes: [UInt8], name: String, _ source: SourceConfiguration, delimiter: UInt8, _ notes: inout [String: Int]
    ) throws -> [Document] {
        var header: [String]? = nil
        // Every column is read in the source's encoding; a header name or a label that would need replacement
        // characters is an error (two distinct latin-1 labels must never merge into one U+FFFD label).
        let decoder = TextDecoder(source.encoding)
        func exact(_ bytes: ArraySlice<UInt8>, line: Int, what: String, key: String) throws -> String {
            let d = decoder.decode(Array(bytes))
            guard d.replacedSequences == 0 else {
                throw TextpipeError(
                    .input,
                    "the \(what) is not valid \(source.encoding.rawValue) text; "
                        + "give the source's `encoding` (latin-1 or auto)",
                    file: name, line: line, key: key)
            }
            return d.text.trimmingCharacters(in: .whitespaces)
        }
        // Records are read one at a time: only the text and label columns are kept.
        var seen = 0
        var columns: (text: Int, label: Int?)? = nil
        var docs: [Document] = []
        try bytes.withUnsafeBufferPointer {
            try DelimitedReader(delimiter: delimiter).forEachRecord($0, file: name) { r in
                seen += 1
                if seen == 1 && source.header {
                    header = try (0..<r.fieldCount).map {
                        try exact(r.field($0), line: r.line, what: "header", key: "header")
                    }
                    return
                }
                if seen - (source.header ? 1 : 0) <= source.skipRows { return }
                if columns == nil {
                    columns = (
                        try columnIndex(source.textColumn, header: header, file: name, key: "text_column"),
                        try source.labelColumn.map {
                            try columnIndex($0, header: header, file: name, key: "label_column")
                        }
                    )
                }
                guard let (textIndex, labelIndex) = columns else { return }
                guard textIndex < r.fieldCount else {
                    throw TextpipeError(
                        .input, "record has \(r.fieldCount) field(s); the text column is number \(textIndex + 1)",
                        file: name, line: r.line)
                }
                var label = source.label
                if let li = labelIndex {
                    guard li < r.fieldCount else {
                        throw TextpipeError(
                            .input, "record has \(r.fieldCount) field(s); the label column is number \(li + 1)",
                            file: name, line: r.line)
                    }
                    label = try exact(r.field(li), line: r.line, what: "label", key: "label_column")
                }
                docs.append(
                    Document(
                        source: "\(name):\(r.line)", text: decode(Array(r.field(textIndex)), source.encoding, &notes),
                        label: label))
            }
        }
        // A file with only a header (or nothing) still checks its column names.
        if columns == nil {
            _ = try columnIndex(source.textColumn, header: header, file: name, key: "text_column")
            _ = try source.labelColumn.map { try columnIndex($0, header: header, file: name, key: "label_column") }
        }
        return docs
    }

    func readJSONLines(_ url: URL, _ source: SourceConfiguration, _ notes: inout [String: Int]) throws -> [Document] {
        try parseJSONLines(try loadBytes(url), name: display(url), source, &notes)
    }

    /// The documents of JSON Lines bytes (`name` is the file in errors).
    public func parseJSONLines(
        _ bytes: [UInt8], name: String, _ source: SourceConfiguration, _ notes: inout [String: Int]
    )
        throws -> [Document]
    {
        var docs: [Document] = []
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            let line = bytes[start..<end]
            start = end + 1
            if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            let object: Any
            do { object = try JSONSerialization.jsonObject(with: Data(line), options: []) } catch {
                throw TextpipeError(.input, "not valid JSON", file: name, line: lineNumber)
            }
            guard let dict = object as? [String: Any] else {
                throw TextpipeError(.input, "expected a JSON object on each line", file: name, line: lineNumber)
            }
            guard let text = dict[source.textColumn] as? String else {
                throw TextpipeError(
                    .input,
                    "no string field '\(source.textColumn)' (fields: \(dict.keys.sorted().joined(separator: ", ")))",
                    file: name, line: lineNumber, key: "text_column")
            }
            var label = source.label
            if let lc = source.labelColumn {
                switch dict[lc] {
                case let s as String: label = s
                case let n as NSNumber: label = n.stringValue
                case nil:
                    throw TextpipeError(.input, "no field '\(lc)'", file: name, line: lineNumber, key: "label_column")
                default:
                    throw TextpipeError(
                        .input, "field '\(lc)' must be a string or a number", file: name, line: lineNumber,
                        key: "label_column")
                }
            }
            docs.append(Document(source: "\(name):\(lineNumber)", text: text, label: label))
        }
        return docs
    }

    func readLines(_ url: URL, _ source: SourceConfiguration, _ notes: inout [String: Int]) throws -> [Document] {
        let name = display(url)
        let text = decode(try loadBytes(url), source.encoding, &notes)
        var docs: [Document] = []
        var lineNumber = 0
        for line in text.textLines() {
            lineNumber += 1
            var body = Substring(line)
            if body.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            var label = source.label
            if let prefix = source.labelPrefix {
                guard body.hasPrefix(prefix) else {
                    throw TextpipeError(
                        .input, "line does not start with the label prefix '\(prefix)'", file: name, line: lineNumber,
                        key: "label_prefix")
                }
                let rest = body.dropFirst(prefix.count)
                let word = rest.prefix { $0 != " " && $0 != "\t" }
                label = String(word)
                body = rest.dropFirst(word.count)
            }
            docs.append(Document(source: "\(name):\(lineNumber)", text: String(body), label: label))
        }
        return docs
    }
}
