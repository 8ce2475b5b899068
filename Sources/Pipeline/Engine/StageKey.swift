import Foundation
import TextCore

/// textpipe's version, part of every stage key: a new version never trusts an older version's outputs.
public enum TextpipeVersion {
    /// The version this build reports (`textpipe --version`, lock files, reports, saved models).
    public static let current = "0.4.0"
}

/// What a report contains and how it is computed from cached stage outputs: part of the report stage's key, so
/// a change to the report (a new section) rewrites reports without retraining anything. Bump with such changes.
public enum ReportLayout {
    /// Bumped whenever a report section is added or changed.
    public static let version = 4
}

/// Builds a stage key from labelled parts: `StageKey("train").add("features", k1).add("model", json).hex`.
public struct StageKey {
    private var hasher = SHA256()
    /// A key for `stage`, already holding the textpipe version.
    public init(_ stage: String) {
        add("stage", stage)
        add("version", TextpipeVersion.current)
    }
    /// Adds a labelled part; labels and values are length-prefixed, so no two different part lists hash alike.
    @discardableResult
    public mutating func add(_ label: String, _ value: String) -> StageKey {
        hasher.update("\(label.utf8.count):\(label)=\(value.utf8.count):")
        hasher.update(value)
        return self
    }
    /// Adds a part as its JSON with sorted keys (settings structs, lists).
    public mutating func add<T: Encodable>(_ label: String, json value: T) {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        add(label, (try? e.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "\(value)")
    }
    /// The SHA-256 of the parts so far, as 64 hex digits.
    public var hex: String {
        var h = hasher
        return h.finalizeHex()
    }
}

/// Hashes of input files and folders for stage keys and the lock file.
public enum InputHash {
    /// SHA-256 of a file, or of a folder's sorted relative paths and file hashes.
    public static func of(_ url: URL) throws -> String {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            throw TextpipeError(.input, "no such file or folder", file: url.path)
        }
        if !isDir.boolValue { return try fileHash(url) }
        var h = SHA256()
        let files = (FileManager.default.enumerator(atPath: url.path)?.compactMap { $0 as? String } ?? []).sorted()
        for rel in files {
            let f = url.appendingPathComponent(rel)
            var d: ObjCBool = false
            if FileManager.default.fileExists(atPath: f.path, isDirectory: &d), !d.boolValue,
                !rel.split(separator: "/").contains(where: { $0.hasPrefix(".") })
            {
                h.update(rel + "\0" + (try fileHash(f)) + "\n")
            }
        }
        return h.finalizeHex()
    }

    /// The hash of a regular file (links followed); a device or a FIFO (whose reading could block forever) is
    /// refused, naming it.
    static func fileHash(_ url: URL) throws -> String {
        let resolved = url.resolvingSymlinksInPath()
        let type = (try? FileManager.default.attributesOfItem(atPath: resolved.path))?[.type] as? FileAttributeType
        guard type == .typeRegular else {
            throw TextpipeError(
                .input, "not a regular file (a device, a FIFO or a folder); only files are read", file: url.path)
        }
        return try SHA256.hex(fileAt: resolved.path)
    }
}
