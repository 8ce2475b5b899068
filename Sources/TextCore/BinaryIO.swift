import Foundation

/// Little-endian binary writer for weights, matrices and token tables (JSON is far too slow for these).
public struct BinaryWriter {
    /// Everything written so far.
    public private(set) var data = Data()
    /// An empty writer.
    public init() {}

    /// An integer, little-endian.
    public mutating func write<T: FixedWidthInteger>(_ value: T) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { data.append(contentsOf: $0) }
    }
    /// A float by its bits.
    public mutating func write(_ value: Float) { write(value.bitPattern) }
    /// A double by its bits.
    public mutating func write(_ value: Double) { write(value.bitPattern) }
    /// A length-prefixed UTF-8 string.
    public mutating func write(_ string: String) {
        let bytes = Array(string.utf8)
        write(UInt32(bytes.count))
        data.append(contentsOf: bytes)
    }
    /// Writes a count then the raw little-endian elements.
    public mutating func write<T: FixedWidthInteger>(array: [T]) {
        write(UInt64(array.count))
        array.withUnsafeBytes { data.append(contentsOf: $0) }  // all supported platforms are little-endian
    }
    /// A length-prefixed array of floats.
    public mutating func write(array: [Float]) {
        write(UInt64(array.count))
        array.withUnsafeBytes { data.append(contentsOf: $0) }
    }
    /// A length-prefixed array of doubles.
    public mutating func write(array: [Double]) {
        write(UInt64(array.count))
        array.withUnsafeBytes { data.append(contentsOf: $0) }
    }
    /// Length-prefixed raw bytes.
    public mutating func write(bytes: Data) {
        write(UInt64(bytes.count))
        data.append(bytes)
    }
    /// A length-prefixed list of strings.
    public mutating func write(strings: [String]) {
        write(UInt64(strings.count))
        for s in strings { write(s) }
    }
    /// A CSR matrix.
    public mutating func write(_ matrix: SparseMatrix) {
        write(UInt64(matrix.columnCount))
        write(array: matrix.rowStart.map { Int64($0) })
        write(array: matrix.columns)
        write(array: matrix.values)
    }
}

/// Reader for `BinaryWriter`'s format; every read is bounds-checked and throws on truncation.
public struct BinaryReader {
    private let data: Data
    private var offset: Int
    /// The file (or other source) being read, for error messages.
    public let name: String

    /// A reader of `data`; `name` (the file) appears in errors.
    public init(_ data: Data, name: String) {
        self.data = data
        self.offset = data.startIndex
        self.name = name
    }

    private func truncated() -> TextpipeError { TextpipeError(.io, "truncated or corrupt binary file", file: name) }

    /// An integer, little-endian; an error at the end of the data.
    public mutating func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= data.endIndex else { throw truncated() }
        var value: T = 0
        _ = withUnsafeMutableBytes(of: &value) { data.copyBytes(to: $0, from: offset..<offset + size) }
        offset += size
        return T(littleEndian: value)
    }
    /// A stored count or size; a value too large to be real fails as corruption instead of trapping.
    public mutating func readCount() throws -> Int {
        let raw = try read(UInt64.self)
        guard raw <= UInt64(Int32.max) else { throw truncated() }
        return Int(raw)
    }
    /// A float by its bits.
    public mutating func readFloat() throws -> Float { Float(bitPattern: try read(UInt32.self)) }
    /// A double by its bits.
    public mutating func readDouble() throws -> Double { Double(bitPattern: try read(UInt64.self)) }
    /// A length-prefixed UTF-8 string; a length past the end is an error.
    public mutating func readString() throws -> String {
        let n = Int(try read(UInt32.self))
        guard n <= data.count, offset + n <= data.endIndex else { throw truncated() }
        let s = String(decoding: data[offset..<offset + n], as: UTF8.self)
        offset += n
        return s
    }
    private mutating func readRaw<T>(_: T.Type) throws -> [T] {
        let raw = try read(UInt64.self)
        // A corrupt count must fail cleanly, not overflow.
        guard raw <= UInt64(data.count) else { throw truncated() }
        let count = Int(raw)
        let bytes = count * MemoryLayout<T>.stride
        guard offset + bytes <= data.endIndex else { throw truncated() }
        let out = [T](unsafeUninitializedCapacity: count) { buf, n in
            data.copyBytes(to: UnsafeMutableRawBufferPointer(buf), from: offset..<offset + bytes)
            n = count
        }
        offset += bytes
        return out
    }
    /// A length-prefixed array of integers.
    public mutating func readArray<T: FixedWidthInteger>(_: T.Type) throws -> [T] { try readRaw(T.self) }
    /// A length-prefixed array of floats.
    public mutating func readFloats() throws -> [Float] { try readRaw(Float.self) }
    /// A length-prefixed array of doubles.
    public mutating func readDoubles() throws -> [Double] { try readRaw(Double.self) }
    /// Length-prefixed raw bytes; a length past the end is an error.
    public mutating func readBytes() throws -> Data {
        let raw = try read(UInt64.self)
        guard raw <= UInt64(data.count), offset + Int(raw) <= data.endIndex else { throw truncated() }
        let out = data[offset..<offset + Int(raw)]
        offset += Int(raw)
        return Data(out)
    }
    /// A length-prefixed list of strings.
    public mutating func readStrings() throws -> [String] {
        let raw = try read(UInt64.self)
        guard raw <= UInt64(data.count) else { throw truncated() }
        let n = Int(raw)
        var out: [String] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try readString()) }
        return out
    }
    /// Most columns a stored matrix may have (16.8 million features): a column count costs memory without taking
    /// room in the file, so it is bounded by a sane limit instead of the file's size.
    public static let maximumColumns = 1 << 24

    /// A CSR matrix, its structure checked.
    public mutating func readSparseMatrix() throws -> SparseMatrix {
        let rawColumns = try read(UInt64.self)
        guard rawColumns <= UInt64(Self.maximumColumns) else { throw truncated() }
        let cols = Int(rawColumns)
        let starts = try readArray(Int64.self).map { Int($0) }
        let columns = try readArray(Int32.self)
        let values = try readFloats()
        // Every index is checked before anything uses it: rows in order, columns inside the matrix.
        guard starts.first == 0, starts.last == columns.count, columns.count == values.count,
            zip(starts, starts.dropFirst()).allSatisfy({ $0 <= $1 }),
            columns.allSatisfy({ $0 >= 0 && Int($0) < cols })
        else { throw truncated() }
        return SparseMatrix(columnCount: cols, rowStart: starts, columns: columns, values: values)
    }
    /// True when everything was read.
    public var isAtEnd: Bool { offset >= data.endIndex }
    /// Bytes not read yet (a bound on how many records a stored count can really have).
    public var remaining: Int { max(0, data.endIndex - offset) }
}

/// File helpers that never leave a half-written file behind.
public enum AtomicFile {
    /// Writes `data` to a temporary file beside `url`, flushes it, then renames it over `url`.
    /// A run killed mid-write leaves at most a `.tmp-*` file that nothing reads.
    /// Failures (a full disk, a read-only folder) name the file and the reason in words, and remove the temporary.
    public static func write(_ data: Data, to url: URL, temporaryName: String? = nil) throws {
        let dir = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw TextpipeError(.io, "cannot create the folder: \(reason(error))", file: dir.path)
        }
        let tmp = dir.appendingPathComponent(
            temporaryName ?? ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-" + url.lastPathComponent)
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw TextpipeError(.io, "cannot write: \(String(cString: strerror(errno)))", file: url.path)
        }
        var failure: Int32 = 0
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += n
            }
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        if close(fd) != 0 && failure == 0 { failure = errno }
        if failure != 0 {
            unlink(tmp.path)
            throw TextpipeError(.io, "cannot write: \(String(cString: strerror(failure)))", file: url.path)
        }
        if rename(tmp.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(tmp.path)
            throw TextpipeError(.io, "cannot rename into place: \(reason)", file: url.path)
        }
    }

    /// The reason of a failed file operation in words: errno's text for POSIX errors, else the description.
    public static func reason(_ error: Error) -> String { TextpipeError.describing(error).message }

    /// Writes a string as UTF-8, atomically.
    public static func write(_ string: String, to url: URL) throws { try write(Data(string.utf8), to: url) }

    /// Reads a whole file, with an error naming it.
    public static func read(_ url: URL) throws -> Data {
        guard let d = FileManager.default.contents(atPath: url.path) else {
            throw TextpipeError(.io, "cannot read (missing or unreadable)", file: url.path)
        }
        return d
    }
}
