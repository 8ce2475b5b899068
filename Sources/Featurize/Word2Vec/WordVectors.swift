import Foundation
import TextCore
import Tokenize

/// Word vectors: a vocabulary and one dense vector per word, from training or a file in word2vec's
/// text or binary format (readable by gensim and the original tool).
public struct WordVectors: Sendable {
    /// Words, most frequent first.
    public let words: [String]
    /// Vector size.
    public let dimensions: Int
    /// Row-major `words.count x dimensions`.
    public let vectors: [Float]
    /// Occurrence counts from training (empty for loaded vectors).
    public let counts: [Int]
    let index: ByteInterner

    /// Vectors for these words, row-major.
    public init(words: [String], dimensions: Int, vectors: [Float], counts: [Int] = []) {
        precondition(vectors.count == words.count * dimensions)
        self.words = words
        self.dimensions = dimensions
        self.vectors = vectors
        self.counts = counts
        var i = ByteInterner(capacity: words.count)
        for w in words { _ = i.intern(w) }
        index = i
    }

    /// The row of a word.
    public func id(_ word: String) -> Int? { index.lookup(word).map(Int.init) }

    /// The vector of a word.
    public func vector(_ word: String) -> ArraySlice<Float>? {
        id(word).map { vectors[$0 * dimensions..<($0 + 1) * dimensions] }
    }

    /// Unit-length copies of every vector (for cosine similarity).
    func normalized() -> [Float] {
        var out = vectors
        for w in 0..<words.count {
            var n: Float = 0
            for k in 0..<dimensions { n += out[w * dimensions + k] * out[w * dimensions + k] }
            let inv = n > 0 ? 1 / n.squareRoot() : 0
            for k in 0..<dimensions { out[w * dimensions + k] *= inv }
        }
        return out
    }

    /// The `count` words most similar by cosine to the vector `query`, leaving out `excluded` ids.
    public func nearest(to query: [Float], count: Int, excluding excluded: Set<Int> = [], unit: [Float]? = nil) -> [(
        word: String, similarity: Float
    )] {
        let u = unit ?? normalized()
        var qn: Float = 0
        for v in query { qn += v * v }
        let inv = qn > 0 ? 1 / qn.squareRoot() : 0
        var best: [(Int, Float)] = []
        for w in 0..<words.count where !excluded.contains(w) {
            var s: Float = 0
            for k in 0..<dimensions { s += u[w * dimensions + k] * query[k] * inv }
            if best.count < count || s > best[best.count - 1].1 {
                best.append((w, s))
                best.sort { $0.1 > $1.1 }
                if best.count > count { best.removeLast() }
            }
        }
        return best.map { (words[$0.0], $0.1) }
    }

    /// Words closest to `word`.
    public func neighbors(of word: String, count: Int = 10) throws -> [(word: String, similarity: Float)] {
        guard let i = id(word) else {
            throw TextpipeError(.usage, "'\(word)' is not in the vocabulary (\(words.count) words)")
        }
        return nearest(to: Array(vectors[i * dimensions..<(i + 1) * dimensions]), count: count, excluding: [i])
    }

    /// `a` is to `b` as `c` is to ...: nearest to `b - a + c` on unit vectors (3CosAdd, Mikolov et al. 2013).
    public func analogy(_ a: String, _ b: String, _ c: String, count: Int = 5, unit: [Float]? = nil) throws -> [(
        word: String, similarity: Float
    )] {
        let u = unit ?? normalized()
        var ids: [Int] = []
        for w in [a, b, c] {
            guard let i = id(w) else {
                throw TextpipeError(.usage, "'\(w)' is not in the vocabulary (\(words.count) words)")
            }
            ids.append(i)
        }
        let d = dimensions
        let query = (0..<d).map { u[ids[1] * d + $0] - u[ids[0] * d + $0] + u[ids[2] * d + $0] }
        return nearest(to: query, count: count, excluding: Set(ids), unit: u)
    }

    /// Cosine similarity of two words, or nil if either is unknown.
    public func similarity(_ a: String, _ b: String) -> Float? {
        guard let x = vector(a), let y = vector(b) else { return nil }
        var dot: Float = 0
        var nx: Float = 0
        var ny: Float = 0
        for (p, q) in zip(x, y) {
            dot += p * q
            nx += p * p
            ny += q * q
        }
        return nx > 0 && ny > 0 ? dot / (nx.squareRoot() * ny.squareRoot()) : 0
    }

    // MARK: word2vec formats

    /// Writes the text or binary format to `url` in 1 MiB pieces through a temporary file renamed into place,
    /// so neither the whole file nor a half-written one ever exists.
    ///
    /// The target must be a regular file or not exist: a directory, a device, a FIFO or a symbolic link is refused
    /// (renaming over it would replace it). Temporaries of killed writes of the same file are removed first; a failed
    /// write (a full disk) removes its own and leaves any older file at `url` untouched.
    public func write(to url: URL, binary: Bool) throws {
        var st = stat()
        if lstat(url.path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG {
            let what =
                (st.st_mode & S_IFMT) == S_IFDIR
                ? "a folder" : (st.st_mode & S_IFMT) == S_IFLNK ? "a symbolic link" : "not a regular file"
            throw TextpipeError(.usage, "the output is \(what); give a file path", file: url.path, key: "--out")
        }
        let folder = url.deletingLastPathComponent()
        Leftovers.removeDead(in: folder) { $0.hasSuffix("-" + url.lastPathComponent) }
        let tmp = folder.appendingPathComponent(".tmp-\(getpid())-" + url.lastPathComponent)
        guard FileManager.default.createFile(atPath: tmp.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: tmp.path)
        else {
            throw TextpipeError(.io, "cannot write: \(String(cString: strerror(errno)))", file: url.path)
        }
        do {
            var buffer = Data()
            buffer.reserveCapacity(1 << 20)
            func flush(_ force: Bool = false) throws {
                if force || buffer.count >= 1 << 20 {
                    try handle.write(contentsOf: buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            buffer.append(contentsOf: Array("\(words.count) \(dimensions)\n".utf8))
            for (w, word) in words.enumerated() {
                buffer.append(contentsOf: Array(word.utf8))
                if binary {
                    buffer.append(32)
                    vectors[w * dimensions..<(w + 1) * dimensions].withUnsafeBytes { buffer.append(contentsOf: $0) }
                    buffer.append(10)
                } else {
                    var line = ""
                    for k in 0..<dimensions { line += " " + String(format: "%.6f", vectors[w * dimensions + k]) }
                    buffer.append(contentsOf: Array((line + "\n").utf8))
                }
                try flush()
            }
            try flush(true)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: tmp)
            throw TextpipeError(.io, "cannot write: \(AtomicFile.reason(error))", file: url.path)
        }
        guard rename(tmp.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: tmp)
            throw TextpipeError(.io, "cannot move into place: \(reason)", file: url.path)
        }
    }

    /// The text format: a header `count dimensions`, then `word v1 v2 ...` per line.
    public func textFormat() -> Data {
        var out = "\(words.count) \(dimensions)\n"
        for (w, word) in words.enumerated() {
            out += word
            for k in 0..<dimensions { out += " " + String(format: "%.6f", vectors[w * dimensions + k]) }
            out += "\n"
        }
        return Data(out.utf8)
    }

    /// The binary format: the same header, then `word ` followed by `dimensions` little-endian float32s and a newline.
    public func binaryFormat() -> Data {
        var data = Data("\(words.count) \(dimensions)\n".utf8)
        for (w, word) in words.enumerated() {
            data.append(contentsOf: Array(word.utf8))
            data.append(32)
            vectors[w * dimensions..<(w + 1) * dimensions].withUnsafeBytes { data.append(contentsOf: $0) }
            data.append(10)
        }
        return data
    }

    /// Reads either format (binary is recognised by its bytes), naming the file and the record on errors.
    public static func load(_ url: URL, limit: Int? = nil) throws -> WordVectors {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TextpipeError(.io, "cannot read word vectors", file: url.path)
        }
        return try parse(data, url: url, limit: limit)
    }

    /// Reads either format from bytes; `url` names the file in errors. Every number from the file is checked before
    /// it sizes anything, and every vector value must be finite.
    public static func parse(_ data: Data, url: URL, limit: Int? = nil) throws -> WordVectors {
        let bytes = [UInt8](data)
        var i = 0
        func line() -> String? {
            guard i < bytes.count else { return nil }
            let start = i
            while i < bytes.count && bytes[i] != 10 { i += 1 }
            // A Windows line end (CR LF) leaves its CR out of the line.
            let end = i > start && bytes[i - 1] == 13 ? i - 1 : i
            let s = String(decoding: bytes[start..<end], as: UTF8.self)
            i = min(i + 1, bytes.count)
            return s
        }
        guard let header = line()?.split(separator: " ").compactMap({ Int($0) }), header.count == 2, header[0] >= 0,
            header[1] > 0
        else {
            throw TextpipeError(
                .input, "not a word2vec file: the first line must be 'count dimensions'", file: url.path, line: 1)
        }
        let total = min(header[0], limit ?? Int.max)
        let d = header[1]
        // Sizes come from the file: check them against the file before allocating anything.
        guard d <= Word2VecConfiguration.maximumDimensions else {
            throw TextpipeError(
                .input,
                "the header claims \(d) dimensions; at most \(Word2VecConfiguration.maximumDimensions) are read",
                file: url.path, line: 1)
        }
        // Binary files hold raw floats after the first word; text files hold only printable characters.
        let sample = bytes[i..<min(bytes.count, i + 4 * d + 200)]
        let binary = sample.contains { $0 < 9 || ($0 > 13 && $0 < 32) } || sample.contains(0)
        // A word takes at least 4 bytes a dimension (binary) or 2 (text: a digit and a space), plus 2.
        let smallestWord = binary ? 4 * d + 2 : 2 * d + 2
        guard total <= (bytes.count - i) / smallestWord + 1 else {
            throw TextpipeError(
                .input,
                "the header claims \(header[0]) words of \(d) dimensions, "
                    + "more than the file's \(bytes.count) bytes can hold",
                file: url.path, line: 1)
        }
        var words: [String] = []
        var vectors: [Float] = []
        words.reserveCapacity(total)
        vectors.reserveCapacity(total * d)
        for n in 0..<total {
            if binary {
                while i < bytes.count && (bytes[i] == 10 || bytes[i] == 32) { i += 1 }
                let start = i
                while i < bytes.count && bytes[i] != 32 { i += 1 }
                guard i + 1 + 4 * d <= bytes.count else {
                    throw TextpipeError(.input, "truncated binary word2vec file at word \(n + 1)", file: url.path)
                }
                words.append(String(decoding: bytes[start..<i], as: UTF8.self))
                i += 1
                let finite = bytes[i..<i + 4 * d].withUnsafeBytes { raw in
                    var finite = true
                    for k in 0..<d {
                        let v = Float(
                            bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)))
                        finite = finite && v.isFinite
                        vectors.append(v)
                    }
                    return finite
                }
                guard finite else {
                    throw TextpipeError(
                        .input, "word \(n + 1) ('\(words[n])') has a NaN or infinite value", file: url.path)
                }
                i += 4 * d
            } else {
                guard let l = line() else {
                    throw TextpipeError(
                        .input, "the header promises \(total) words, the file has \(n)", file: url.path, line: n + 2)
                }
                let parts = l.split(separator: " ", omittingEmptySubsequences: true)
                guard parts.count == d + 1 else {
                    throw TextpipeError(
                        .input, "expected a word and \(d) numbers, found \(parts.count) fields", file: url.path,
                        line: n + 2)
                }
                words.append(String(parts[0]))
                for p in parts.dropFirst() {
                    guard let v = Float(p), v.isFinite else {
                        throw TextpipeError(.input, "'\(p)' is not a finite number", file: url.path, line: n + 2)
                    }
                    vectors.append(v)
                }
            }
        }
        return WordVectors(words: words, dimensions: d, vectors: vectors)
    }
}
