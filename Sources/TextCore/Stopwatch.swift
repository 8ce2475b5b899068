import Foundation

/// Seconds since it was made, on the monotonic clock: the one way textpipe times stages, training and progress.
///
/// `let watch = Stopwatch(); train(); log("trained in \(watch.seconds) s")`
public struct Stopwatch: Sendable {
    /// The start, in nanoseconds of the monotonic clock.
    public let start = DispatchTime.now().uptimeNanoseconds

    /// A stopwatch started now.
    public init() {}

    /// Seconds elapsed.
    public var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}

/// When a long job should report progress: at most once every `interval` seconds (0.25 s for a live terminal line,
/// 10 s for cron's log), and whenever forced (the end). The one throttle behind every progress line.
public struct ProgressClock: Sendable {
    /// Time since the job started.
    public let watch = Stopwatch()
    /// Seconds between reports.
    public let interval: Double
    private var lastReport = 0.0

    /// A clock reporting every `interval` seconds.
    public init(interval: Double) { self.interval = interval }

    /// Seconds since the job started.
    public var elapsed: Double { watch.seconds }

    /// True (and restarts the interval) when a report is due.
    public mutating func isDue(force: Bool = false) -> Bool {
        let now = watch.seconds
        guard force || now - lastReport >= interval else { return false }
        lastReport = now
        return true
    }
}

/// Where progress lines go: on a terminal one live line rewritten in place (`\r`, a newline when done), four times a
/// second; otherwise (cron, a pipe) a plain line every 10 seconds through `log`. The one way long jobs report.
public struct ProgressLine {
    /// Standard error is a terminal.
    public let interactive: Bool
    let log: (String) -> Void

    /// Progress lines to standard error; `log` takes them when it is not a terminal.
    public init(log: @escaping (String) -> Void) {
        interactive = isatty(2) == 1
        self.log = log
    }

    /// Seconds between reports.
    public var interval: Double { interactive ? 0.25 : 10 }

    /// Shows one report; `done` ends a live line.
    public func show(_ line: String, done: Bool) {
        if StandardError.quiet { return }
        if interactive {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line + (done ? "\n" : "")).utf8))
        } else {
            log(line)
        }
    }
}
