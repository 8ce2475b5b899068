import Foundation

/// Lines on standard error. When standard error is not a terminal (cron, a pipe, a log file) each line starts with
/// a UTC timestamp (`2026-12-02T18:30:48Z`), so a night's log can be read against the clock; with `quiet` only
/// errors (and the caller's final summary on standard output) are printed.
public enum StandardError {
    /// Whether lines carry a timestamp: standard error is not a terminal.
    public static let timestamped = isatty(2) != 1
    nonisolated(unsafe) private static var quietFlag = false
    private static let lock = NSLock()

    /// Only errors are printed (`--quiet`).
    public static var quiet: Bool {
        get { lock.withLock { quietFlag } }
        set { lock.withLock { quietFlag = newValue } }
    }

    /// A progress or information line; dropped under `quiet`.
    public static func log(_ line: String) {
        guard !quiet else { return }
        write(line)
    }

    /// A line printed even under `quiet` (errors, warnings that need action).
    public static func always(_ line: String) { write(line) }

    /// The current time as `2026-12-02T18:30:48Z`.
    public static func stamp(_ date: Date = Date()) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    private static func write(_ line: String) {
        let text =
            timestamped
            ? line.split(separator: "\n", omittingEmptySubsequences: false).map { stamp() + " " + $0 }
                .joined(separator: "\n") : line
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
