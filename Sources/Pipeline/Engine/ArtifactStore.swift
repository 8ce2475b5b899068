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
    /// Takes the pipeline's run lock (or waits for it with `wait`); exit code 5 when another run holds it.
    func acquireRunLock(pipeline: String, wait: Bool) throws -> FileLock
    /// Removes what killed runs left half-written. Call only while holding the run lock.
    func removeStaleTemporaries()
    /// The store's own folder for scratch files.
    var root: URL { get }
}

/// Unit outputs as folders `<stage>-<key prefix>/` under the pipeline's work folder.
///
/// A unit writes into `.tmp-<pid>-...`; every file and the folder are flushed to disk (`fsync`) before the folder is
/// renamed into place, and the parent folder after, so a power cut cannot leave a complete-looking folder with
/// missing data.
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
        return FileManager.default.fileExists(atPath: folder(stage: stage, key: key).path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    /// Fills `.tmp-<pid>-...`, flushes it to disk, renames it into place, flushes the parent.
    public func produce(stage: StageName, key: String, _ body: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let tmp = root.appendingPathComponent(".tmp-\(getpid())-\(stage.rawValue)-\(key.prefix(20))")
        try? fm.removeItem(at: tmp)
        do { try fm.createDirectory(at: tmp, withIntermediateDirectories: true) } catch {
            throw TextpipeError(.io, "cannot create work folder: \(error.localizedDescription)", file: tmp.path)
        }
        do { try body(tmp) } catch {
            try? fm.removeItem(at: tmp)
            throw error
        }
        Self.flush(tmp)
        let final = folder(stage: stage, key: key)
        try? fm.removeItem(at: final)
        if rename(tmp.path, final.path) != 0 {
            throw TextpipeError(
                .io, "cannot move stage output into place: \(String(cString: strerror(errno)))", file: final.path)
        }
        Self.sync(root.path)
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
        for name in (try? fm.contentsOfDirectory(atPath: root.path)) ?? [] where name.hasPrefix(".tmp-") {
            try? fm.removeItem(at: root.appendingPathComponent(name))
        }
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
