import TextCore

/// An RFC 4180 reader for CSV and TSV on raw bytes: quoted fields, doubled quotes, CR LF, newlines inside quotes.
///
/// `a,"b ""c""",d\n` gives one record `["a", "b \"c\"", "d"]`. Each record keeps the line it started on,
/// so errors can name it.
public struct DelimitedReader {
    /// One record and the line it starts on. Its fields are kept as one byte buffer and their end offsets, so a
    /// file with 100,000 columns costs its own size plus 8 bytes a field, not an array per field.
    public struct Record {
        /// 1-based line of the record's start.
        public var line: Int
        /// Every field's bytes, unquoted, one after another.
        public var bytes: [UInt8] = []
        /// The end offset in `bytes` of each field.
        public var ends: [Int] = []

        /// Number of fields.
        public var fieldCount: Int { ends.count }

        /// The bytes of field `i`.
        public func field(_ i: Int) -> ArraySlice<UInt8> { bytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]] }

        /// Every field as its own array (for tests and small files).
        public var fields: [[UInt8]] { (0..<fieldCount).map { Array(field($0)) } }
    }

    /// `,` or tab.
    public let delimiter: UInt8
    /// A reader for this delimiter.
    public init(delimiter: UInt8) { self.delimiter = delimiter }

    /// Splits `bytes` into records; an unterminated quote is an error naming the line it opened on.
    public func records(_ bytes: UnsafeBufferPointer<UInt8>, file: String) throws -> [Record] {
        var out: [Record] = []
        try forEachRecord(bytes, file: file) { out.append($0) }
        return out
    }

    /// Calls `body` with each record in turn (one record in memory at a time); an unterminated quote is an error
    /// naming the line it opened on. Blank lines are not records.
    public func forEachRecord(_ bytes: UnsafeBufferPointer<UInt8>, file: String, _ body: (Record) throws -> Void)
        throws
    {
        var record = Record(line: 1)
        var line = 1
        var quoteLine = 0
        var inQuotes = false
        var fieldWasQuoted = false
        var fieldStart = 0
        let n = bytes.count
        var i = 0
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        func endField() {
            record.ends.append(record.bytes.count)
            fieldStart = record.bytes.count
            fieldWasQuoted = false
        }
        func endRecord() throws {
            endField()
            if !(record.ends.count == 1 && record.bytes.isEmpty) { try body(record) }
            record.bytes.removeAll(keepingCapacity: true)
            record.ends.removeAll(keepingCapacity: true)
            fieldStart = 0
        }
        while i < n {
            let b = bytes[i]
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < n, bytes[i + 1] == UInt8(ascii: "\"") {
                        record.bytes.append(b)
                        i += 2
                        continue
                    }
                    inQuotes = false
                    i += 1
                    continue
                }
                if b == UInt8(ascii: "\n") { line += 1 }
                record.bytes.append(b)
                i += 1
                continue
            }
            switch b {
            case UInt8(ascii: "\""):
                if record.bytes.count == fieldStart && !fieldWasQuoted {
                    inQuotes = true
                    fieldWasQuoted = true
                    quoteLine = line
                } else {
                    record.bytes.append(b)
                }  // a stray quote inside an unquoted field is kept, as most readers do
            case delimiter:
                endField()
            case UInt8(ascii: "\r"):
                if i + 1 < n, bytes[i + 1] == UInt8(ascii: "\n") { break }
                try endRecord()
                line += 1
                record.line = line
            case UInt8(ascii: "\n"):
                try endRecord()
                line += 1
                record.line = line
            default:
                record.bytes.append(b)
            }
            i += 1
        }
        if inQuotes {
            throw TextpipeError(
                .input, "unterminated quoted field (the quote opens here and never closes)", file: file, line: quoteLine
            )
        }
        if !record.bytes.isEmpty || !record.ends.isEmpty { try endRecord() }
    }
}
