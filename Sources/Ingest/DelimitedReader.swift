import TextCore

/// An RFC 4180 reader for CSV and TSV on raw bytes: quoted fields, doubled quotes, CR LF, newlines inside quotes.
///
/// `a,"b ""c""",d\n` gives one record `["a", "b \"c\"", "d"]`. Each record keeps the line it started on,
/// so errors can name it.
public struct DelimitedReader {
    /// One record and the line it starts on.
    public struct Record {
        /// 1-based line of the record's start.
        public var line: Int
        /// Its fields' bytes, unquoted.
        public var fields: [[UInt8]]
    }

    /// `,` or tab.
    public let delimiter: UInt8
    /// A reader for this delimiter.
    public init(delimiter: UInt8) { self.delimiter = delimiter }

    /// Splits `bytes` into records; an unterminated quote is an error naming the line it opened on.
    public func records(_ bytes: UnsafeBufferPointer<UInt8>, file: String) throws -> [Record] {
        var out: [Record] = []
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var quoteLine = 0
        var inQuotes = false
        var fieldWasQuoted = false
        var i = 0
        let n = bytes.count
        var start = 0
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        i = start
        func endField() {
            fields.append(field)
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { out.append(Record(line: recordLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
        }
        while i < n {
            let b = bytes[i]
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < n, bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(b)
                        i += 2
                        continue
                    }
                    inQuotes = false
                    i += 1
                    continue
                }
                if b == UInt8(ascii: "\n") { line += 1 }
                field.append(b)
                i += 1
                continue
            }
            switch b {
            case UInt8(ascii: "\""):
                if field.isEmpty && !fieldWasQuoted {
                    inQuotes = true
                    fieldWasQuoted = true
                    quoteLine = line
                } else {
                    field.append(b)
                }  // a stray quote inside an unquoted field is kept, as most readers do
            case delimiter:
                endField()
            case UInt8(ascii: "\r"):
                if i + 1 < n, bytes[i + 1] == UInt8(ascii: "\n") { break }
                endRecord()
                line += 1
                recordLine = line
            case UInt8(ascii: "\n"):
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(b)
            }
            i += 1
        }
        if inQuotes {
            throw TextpipeError(
                .input, "unterminated quoted field (the quote opens here and never closes)", file: file, line: quoteLine
            )
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return out
    }
}
