import Foundation
import TextCore

/// One input line of a stream mode: a JSON object with the document's `id` and its `text` (or its `tokens`), and
/// where the driver knows them, its `row` in the corpus, its fit `group` and its `label`.
///
/// `{"id": "reviews.csv:17", "text": "<p>Great fun</p>"}` or `{"id": 4, "tokens": ["great", "fun"], "row": 4,
/// "group": 2}`. The id is echoed back verbatim (a string or a number) so results can be joined to their inputs.
public struct StreamRecord: Sendable {
    /// The id as it was written (JSON text: `"a"` or `17`).
    public var idJSON: String
    /// The id as a string (for sources in reports).
    public var id: String
    /// Raw text, if given.
    public var text: String?
    /// Tokens, if given (then `text` is not tokenized again).
    public var tokens: [String]?
    /// The gold label, if given.
    public var label: String?
    /// The document's row in the corpus, if given.
    public var row: Int?
    /// The group of documents it belongs to for fitting (statistics), if given.
    public var group: Int?
    /// The whole object, for modes with fields of their own.
    public var fields: [String: JSONValue]
    /// Its line number in the input, for errors.
    public var line: Int

    /// Reads a record from one line; `line` is its number on standard input, for errors.
    public init(line bytes: UnsafeBufferPointer<UInt8>, number line: Int, source: String, requireID: Bool = true) throws
    {
        self.line = line
        let where_ = { (message: String, key: String?) in
            TextpipeError(.input, message, file: source, line: line, key: key)
        }
        let value: JSONValue
        do { value = try JSONValue.parse(bytes: bytes) } catch let e as TextpipeError {
            throw where_(e.message, nil)
        }
        guard let object = value.object else { throw where_("expected a JSON object on each line", nil) }
        fields = object
        switch object["id"] {
        case .string(let s)?:
            id = s
            idJSON = JSONValue.quote(s)
        case .number(let n)?:
            id = n
            idJSON = n
        case nil where !requireID:
            id = ""
            idJSON = "null"
        default: throw where_("each record needs an \"id\" (a string or a number)", "id")
        }
        switch object["text"] {
        case nil, .null?: text = nil
        case .string(let s)?: text = s
        default: throw where_("\"text\" must be a string", "text")
        }
        switch object["tokens"] {
        case nil, .null?: tokens = nil
        case .array(let a)?:
            var out: [String] = []
            out.reserveCapacity(a.count)
            for t in a {
                guard let s = t.string, !s.isEmpty, !s.utf8.contains(where: { $0 <= 0x20 }) else {
                    throw where_("\"tokens\" must be non-empty strings without spaces", "tokens")
                }
                out.append(s)
            }
            tokens = out
        default: throw where_("\"tokens\" must be an array of strings", "tokens")
        }
        switch object["label"] {
        case nil, .null?: label = nil
        case .string(let s)?: label = s
        case .number(let n)?: label = n
        default: throw where_("\"label\" must be a string or a number", "label")
        }
        for key in ["row", "group"] {
            guard let v = object[key] else { continue }
            guard let n = v.int, n >= 0 else { throw where_("\"\(key)\" must be a non-negative integer", key) }
            if key == "row" { row = n } else { group = n }
        }
    }

    /// An error about this record, naming its line.
    public func error(_ message: String, key: String? = nil) -> TextpipeError {
        TextpipeError(.input, message, file: "standard input", line: line, key: key)
    }

    /// The record's text, which must be there.
    public func requireText() throws -> String {
        guard let text else { throw error("the record has no \"text\"", key: "text") }
        return text
    }
}

/// Standard input as numbered lines, read in bounded chunks (a stream mode's memory does not grow with the input).
public struct LineReader {
    /// Longest line accepted (a record is one document; a larger one is an error, not an allocation).
    public static let maximumLineBytes = 256 << 20
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// The number of the last line returned.
    public private(set) var lineNumber = 0
    /// `standard input` or the file's name, for errors.
    public let source: String

    /// Lines of file descriptor `fd` (0 for standard input).
    public init(fd: Int32 = 0, source: String = "standard input") {
        self.fd = fd
        self.source = source
    }

    /// Calls `body` with the next line (without its `\n` or `\r\n`) and its number; false at the end.
    public mutating func next(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws -> Bool {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                lineNumber += 1
                let number = lineNumber
                try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<end]), number) }
                start = newline + 1
                return true
            }
            if atEnd {
                guard start < buffer.count else { return false }
                lineNumber += 1
                let number = lineNumber
                try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start...]), number) }
                start = buffer.count
                return true
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            guard buffer.count <= Self.maximumLineBytes else {
                throw TextpipeError(
                    .input, "a line is longer than \(Self.maximumLineBytes >> 20) MB", file: source,
                    line: lineNumber + 1)
            }
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw TextpipeError(.io, "cannot read: \(String(cString: strerror(errno)))", file: source)
            }
            if n == 0 {
                atEnd = true
            } else {
                buffer.append(contentsOf: chunk[0..<n])
            }
        }
    }
}

/// Buffered lines to a file descriptor (1 for standard output), written whole; a closed pipe is an I/O error.
public final class LineWriter {
    private let fd: Int32
    private var buffer: [UInt8] = []

    /// Lines to file descriptor `fd`.
    public init(fd: Int32 = 1) { self.fd = fd }

    /// Appends a line (a newline is added).
    public func write(_ line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes out what is buffered.
    public func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { bytes -> Int in
                guard let base = bytes.baseAddress else { return 0 }
                return Glibc.write(fd, base + offset, bytes.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw TextpipeError(.io, "cannot write the output: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
