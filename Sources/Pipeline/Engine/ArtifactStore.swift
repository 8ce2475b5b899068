import Foundation
import TextCore

/// Where units' outputs live, addressed by stage and key: the local file system today, an object store later.
///
/// A folder the store reports complete is whole: `produce` fills a temporary place and publishes it in one step, so
/// a run killed mid-unit leaves nothing that a later run would trust.
public protocol ArtifactStore: AnyObject {
    /// Where the output of the unit with this key is (or will be).
    func folder(stage: StageName, key: String) -> URL
    /// True when the unit's output is stored whole.
    func isComplete(stage: StageName, key: String) -> Bool
    /// Runs `body` with a fresh folder to write into, then publishes it as the unit's output.
    func produce(stage: StageName, key: String, _ body: (URL) throws -> Void) throws
    /// Checks a complete output against the checksums recorded when it was produced; nil when whole, else what is
    /// wrong (a file missing, changed or truncated).
    func damage(stage: StageName, key: String) -> String?
    /// Takes the pipeline's run lock (or waits for it with `wait`); exit code 5 when another run holds it.
    func acquireRunLock(pipeline: String, wait: Bool) throws -> FileLock
    /// Removes what killed runs left half-written. Call only while holding the run lock.
    func removeStaleTemporaries()
    /// The store's own folder for scratch files.
    var root: URL { get }
}

/// Unit outputs as folders `<stage>-<key prefix>/` under the pipeline's work folder.
///
/// A unit writes into `.tmp-<pid>-...`; a manifest of every file's size and SHA-256 (`.textpipe-complete`) is
/// written last; every file and the folder are flushed to disk (`fsync`) before the folder is renamed into place,
/// and the parent folder after. An older output under the same key is first renamed aside and deleted only after the
/// new one is in place, so a kill at any moment leaves either the old output, the new one, or none, never a
/// half-deleted folder that looks complete. A folder counts as complete only with its manifest, and its files are
/// checked against it before they are read (`damage`).
public final class LocalArtifactStore: ArtifactStore {
    /// The pipeline's work folder (`data/work/<name>`).
    public let root: URL

    /// A store in `root`.
    public init(root: URL) { self.root = root }

    /// `<root>/<stage>-<first 20 hex digits of the key>`.
    public func folder(stage: StageName, key: String) -> URL {
        root.appendingPathComponent("\(stage.rawValue)-\(key.prefix(20))")
    }

    /// The folder exists (it only ever appears whole).
    public func isComplete(stage: StageName, key: String) -> Bool {
        var isDirectory: ObjCBool = false
        let dir = folder(stage: stage, key: key)
        return FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDirectory) && isDirectory.boolValue
            && FileManager.default.fileExists(atPath: dir.appendingPathComponent(Self.manifestName).path)
    }

    /// The file every complete output ends with: each file's size and SHA-256.
    static let manifestName = ".textpipe-complete"

    struct Manifest: Codable {
        struct Entry: Codable {
            var size: Int
            var sha256: String
        }
        var files: [String: Entry]
    }

    /// Records every file under `folder` (its manifest last).
    static func writeManifest(_ folder: URL) throws {
        var files: [String: Manifest.Entry] = [:]
        if let names = FileManager.default.enumerator(atPath: folder.path) {
            for case let relative as String in names {
                let url = folder.appendingPathComponent(relative)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
                    !isDirectory.boolValue
                else { continue }
                let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
                files[relative] = Manifest.Entry(size: size ?? 0, sha256: try SHA256.hex(fileAt: url.path))
            }
        }
        try AtomicFile.write(
            try SnakeCaseJSON.encode(Manifest(files: files), compact: true),
            to: folder.appendingPathComponent(manifestName))
    }

    /// Checks every file of a stored output against its manifest (sizes, then SHA-256).
    public func damage(stage: StageName, key: String) -> String? {
        let dir = folder(stage: stage, key: key)
        guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(Self.manifestName).path),
            let manifest = try? SnakeCaseJSON.decode(Manifest.self, from: data)
        else { return "its manifest is missing or unreadable" }
        for (relative, entry) in manifest.files.sorted(by: { $0.key < $1.key }) {
            let path = dir.appendingPathComponent(relative).path
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            guard let size else { return "\(relative) is missing" }
            guard size == entry.size else { return "\(relative) has \(size) bytes, \(entry.size) were written" }
            guard (try? SHA256.hex(fileAt: path)) == entry.sha256 else {
                return "\(relative) changed since it was written"
            }
        }
        return nil
    }

    /// Fills `.tmp-<pid>-...`, flushes it to disk, renames it into place, flushes the parent.
    public func produce(stage: StageName, key: String, _ body: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let tmp = root.appendingPathComponent(".tmp-\(getpid())-\(stage.rawValue)-\(key.prefix(20))")
        try? fm.removeItem(at: tmp)
        do { try fm.createDirectory(at: tmp, withIntermediateDirectories: true) } catch {
            throw TextpipeError(.io, "cannot create work folder: \(error.localizedDescription)", file: tmp.path)
        }
        do {
            try body(tmp)
            try Self.writeManifest(tmp)
        } catch {
            try? fm.removeItem(at: tmp)
            throw error
        }
        Self.flush(tmp)
        let final = folder(stage: stage, key: key)
        let aside = root.appendingPathComponent(tmp.lastPathComponent + "-old")
        try? fm.removeItem(at: aside)
        if fm.fileExists(atPath: final.path), rename(final.path, aside.path) != 0 {
            throw TextpipeError(
                .io, "cannot move the old stage output aside: \(String(cString: strerror(errno)))", file: final.path)
        }
        if rename(tmp.path, final.path) != 0 {
            throw TextpipeError(
                .io, "cannot move stage output into place: \(String(cString: strerror(errno)))", file: final.path)
        }
        Self.sync(root.path)
        try? fm.removeItem(at: aside)
    }

    /// `flock` on `<root>/.run.lock`.
    public func acquireRunLock(pipeline: String, wait: Bool) throws -> FileLock {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let lock = try FileLock(root.appendingPathComponent(".run.lock"))
        do { try lock.acquire(wait: wait) } catch var e as TextpipeError where e.kind == .busy {
            e.message = "another run of pipeline '\(pipeline)' is in progress; rerun later or pass --wait"
            throw e
        }
        return lock
    }

    /// Deletes every `.tmp-*` folder under the root.
    public func removeStaleTemporaries() {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: root.path)) ?? [] where Self.isOwnTemporary(name) {
            try? fm.removeItem(at: root.appendingPathComponent(name))
        }
    }

    /// Whether `name` is a temporary folder this store makes (`.tmp-<pid>-<stage>-<key>`, or one moved aside with
    /// `-old`): nothing else under the root is ever deleted.
    static func isOwnTemporary(_ name: String) -> Bool {
        let parts = name.split(separator: "-", maxSplits: 3, omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == ".tmp" && !parts[1].isEmpty && parts[1].allSatisfy(\.isNumber)
            && StageName(rawValue: String(parts[2])) != nil && !parts[3].isEmpty
    }

    /// Flushes every file under `folder`, then the folders themselves.
    static func flush(_ folder: URL) {
        let fm = FileManager.default
        if let files = fm.enumerator(atPath: folder.path) {
            for case let relative as String in files { sync(folder.appendingPathComponent(relative).path) }
        }
        sync(folder.path)
    }

    static func sync(_ path: String) {
        let fd = open(path, O_RDONLY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}
