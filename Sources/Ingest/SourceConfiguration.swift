import TextCore

/// The on-disk layout of a corpus.
public enum CorpusFormat: String, Sendable, CaseIterable, Codable {
    /// One sub-folder per label holding `.txt`, `.html`, `.htm` or `.xml` files, one document each.
    case folders
    /// Comma-separated values (RFC 4180), one document per record.
    case csv
    /// Tab-separated values, quoted as in CSV.
    case tsv
    /// JSON Lines: one JSON object per line.
    case jsonl
    /// One document per line; the label is constant (`label:`) or a prefix on each line (`label_prefix:`).
    case lines
    /// XML records selected by XPath (`record:`, `text:`, `label:`), from one file or a folder of `.xml` files.
    case xml
}

/// Where and how to read one part of a corpus (a training or test set, or one of several files of it).
public struct SourceConfiguration: Sendable, Codable, Hashable {
    /// File or folder, relative to the project root or the dataset.
    public var path: String
    /// How the file is laid out.
    public var format: CorpusFormat
    /// Column name (with a header) or 0-based index of the text, for csv/tsv/jsonl.
    public var textColumn: String = "text"
    /// Column name or 0-based index of the label; for xml, the XPath of the label relative to the record.
    public var labelColumn: String? = "label"
    /// Whether csv/tsv files start with a header row.
    public var header: Bool = true
    /// Rows to skip after the header (Orange's `.tab` files carry two type rows there).
    public var skipRows: Int = 0
    /// How its bytes are read.
    public var encoding: TextEncoding = .utf8
    /// A label given to every document of this source (for `lines` files, one file per class).
    public var label: String?
    /// For `lines`: a prefix such as `__label__` marking the label as the first word of each line.
    public var labelPrefix: String?
    /// For xml: XPath selecting each record (default: the root element, one document per file).
    public var recordXPath: String?
    /// For xml: XPath of the record's text, relative to the record (default: all its text).
    public var textXPath: String?
    /// For xml: XPath of the record's label, relative to the record (first match is used).
    public var labelXPath: String?
    /// Renames labels as read (`{"1": positive, "-1": negative}`).
    public var labelNames: [String: String] = [:]

    /// A source with default column and encoding settings.
    public init(path: String, format: CorpusFormat) {
        self.path = path
        self.format = format
    }
}
