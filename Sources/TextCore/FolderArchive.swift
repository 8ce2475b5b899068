import Foundation

/// A folder's files as one byte string, for shipping a unit's inputs to a cluster worker and its output back (a
/// store folder is a handful of files; no compression, no permissions, no links).
///
/// Layout: `TPAR`, a version, the file count, then per file its relative path and its bytes (each length-prefixed),
/// then the SHA-256 of everything before it. `unpack` checks the digest and every path (relative, no `..`, no
/// hidden prefix tricks) before it writes anything.
public enum FolderArchive {
    private static let magic: UInt32 = 0x5241_5054  // "TPAR"
    /// Most files an archive may hold.
    public static let maximumFiles = 100_000

    /// The files under `folder` (recursively, sorted by path).
    public static func pack(_ folder: URL) throws -> Data {
        let fm = FileManager.default
        var paths: [String] = []
        if let walk = fm.enumerator(atPath: folder.path) {
            for case let relative as String in walk {
                var isDirectory: ObjCBool = false
                let url = folder.appendingPathComponent(relative)
                guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                    continue
                }
                paths.append(relative)
            }
        }
        var w = BinaryWriter()
        w.write(magic)
        w.write(UInt32(1))
        w.write(UInt64(paths.count))
        for relative in paths.sorted() {
            w.write(relative)
            w.write(bytes: try AtomicFile.read(folder.appendingPathComponent(relative)))
        }
        var out = w.data
        out.append(contentsOf: SHA256.digest(out))
        return out
    }

    /// Writes the files of an archive into `folder` (which must exist), after checking it whole.
    public static func unpack(_ data: Data, into folder: URL, name: String) throws {
        for (relative, bytes) in try entries(data, name: name) {
            let url = folder.appendingPathComponent(relative)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(bytes, to: url)
        }
    }

    /// The relative paths and bytes of an archive's files, checked (digest, paths, sizes) before any is returned.
    public static func entries(_ data: Data, name: String) throws -> [(String, Data)] {
        let corrupt = TextpipeError(.input, "not a whole textpipe folder archive", file: name)
        guard data.count >= 32 + 16 else { throw corrupt }
        let body = data.prefix(data.count - 32)
        guard Array(SHA256.digest(body)) == Array(data.suffix(32)) else { throw corrupt }
        var r = BinaryReader(Data(body), name: name)
        guard try r.read(UInt32.self) == magic, try r.read(UInt32.self) == 1 else { throw corrupt }
        let count = try r.readCount()
        guard count <= maximumFiles else { throw corrupt }
        var files: [(String, Data)] = []
        for _ in 0..<count {
            let relative = try r.readString()
            let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
            guard !relative.isEmpty, !relative.hasPrefix("/"),
                parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." })
            else { throw TextpipeError(.input, "an archived path leaves its folder: \(relative)", file: name) }
            files.append((relative, try r.readBytes()))
        }
        guard r.isAtEnd else { throw corrupt }
        return files
    }
}
