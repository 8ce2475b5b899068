import Foundation

/// An advisory `flock(2)` lock on a file: two runs of one pipeline never write the same work folder at once.
/// The kernel drops the lock when the process dies, so a killed run never leaves a stale lock.
public final class FileLock {
    /// The lock file.
    public let url: URL
    private var descriptor: Int32 = -1

    /// Opens (creating) the lock file; `acquire` takes the lock.
    public init(_ url: URL) throws {
        self.url = url
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if descriptor < 0 {
            throw TextpipeError(.io, "cannot open lock file: \(String(cString: strerror(errno)))", file: url.path)
        }
    }

    /// Takes the lock; with `wait: false` a held lock is an error of kind `.busy`.
    public func acquire(wait: Bool) throws {
        let flags = LOCK_EX | (wait ? 0 : LOCK_NB)
        while flock(descriptor, flags) != 0 {
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK {
                throw TextpipeError(
                    .busy, "another textpipe run holds this lock; wait for it to finish or pass --wait", file: url.path)
            }
            throw TextpipeError(.io, "cannot lock: \(String(cString: strerror(errno)))", file: url.path)
        }
    }

    /// Releases the lock.
    public func release() { if descriptor >= 0 { flock(descriptor, LOCK_UN) } }
    deinit { if descriptor >= 0 { close(descriptor) } }
}
