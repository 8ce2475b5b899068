import Foundation

/// An error with the context a user needs to fix it: where (file, line, key) and what was expected.
///
/// Errors are values; the command line prints `description` once and exits non-zero.
public struct TextpipeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What kind of failure this is; decides the exit code.
    public enum Kind: String, Sendable {
        case spec, input, io, data, model, usage, busy, `internal`
        /// A model that cannot be trained on this kind of features (a dense-only model on sparse n-grams):
        /// the pipeline skips that pair and says why in the report.
        case unsupported
        /// A model got worse than the previous run by more than the spec allows (`--fail-on-regression`).
        case regression
    }
    /// What went wrong, which decides the exit code.
    public var kind: Kind
    /// The file the problem is in, if any.
    public var file: String?
    /// 1-based line in `file`, if known.
    public var line: Int?
    /// The spec key or column the problem concerns, if any.
    public var key: String?
    /// The message proper.
    public var message: String

    /// An error with its context.
    public init(_ kind: Kind, _ message: String, file: String? = nil, line: Int? = nil, key: String? = nil) {
        self.kind = kind
        self.message = message
        self.file = file
        self.line = line
        self.key = key
    }

    /// `file:line: key: message`, leaving out what is unknown.
    public var description: String {
        var head = ""
        if let file {
            head += file
            if let line { head += ":\(line)" }
            head += ": "
        } else if let line {
            head += "line \(line): "
        }
        if let key { head += "'\(key)': " }
        return head + message
    }

    /// Exit code for scripts and cron: 2 for a bad spec or usage, 3 for bad input data, 4 for I/O,
    /// 5 for another run holding the lock, 6 for a regression under `--fail-on-regression`, 1 otherwise.
    public var exitCode: Int32 {
        switch kind {
        case .spec, .usage: return 2
        case .input, .data, .unsupported: return 3
        case .io: return 4
        case .busy: return 5
        case .regression: return 6
        case .model, .internal: return 1
        }
    }
}

extension TextpipeError {
    /// Any error as a `TextpipeError`: itself, or (a Foundation or POSIX error from the system) an I/O error naming
    /// the path and the reason in words: `/srv/reports/x: permission denied`.
    public static func describing(_ error: Error) -> TextpipeError {
        if let e = error as? TextpipeError { return e }
        let ns = error as NSError
        var path = ns.userInfo[NSFilePathErrorKey] as? String ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
        var reason = ns.localizedFailureReason ?? ns.localizedDescription
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            reason = String(cString: strerror(Int32(underlying.code)))
        } else if ns.domain == NSPOSIXErrorDomain {
            reason = String(cString: strerror(Int32(ns.code)))
        } else if let c = error as? CocoaError {
            // Foundation's own wording ("There isn't enough space.") becomes the system's.
            let code: Int32? =
                switch c.code {
                case .fileWriteOutOfSpace: ENOSPC
                case .fileWriteVolumeReadOnly: EROFS
                case .fileWriteNoPermission, .fileReadNoPermission: EACCES
                case .fileNoSuchFile, .fileReadNoSuchFile: ENOENT
                case .fileWriteFileExists: EEXIST
                default: nil
                }
            if let code { reason = String(cString: strerror(code)) }
        }
        if path == nil, let url = ns.userInfo["NSURL"] as? URL { path = url.path }
        return TextpipeError(.io, reason, file: path)
    }
}
