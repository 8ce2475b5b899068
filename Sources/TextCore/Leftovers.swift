import Foundation

/// Temporaries a killed textpipe process left behind. textpipe names every temporary it makes outside a locked work
/// folder `.tmp-<pid>-...` (or `.latest-<pid>`), so a later process can tell its own leftovers from anything else and
/// from the temporaries of a process still running: only names of that form whose process is gone are removed.
public enum Leftovers {
    /// The process id a temporary's name carries (`.tmp-<pid>-rest` or `.latest-<pid>`), or nil for any other name.
    public static func ownerPid(_ name: String) -> pid_t? {
        for prefix in [".tmp-", ".latest-"] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            let digits = rest.prefix { $0.isNumber }
            guard !digits.isEmpty, digits.count < 10, let pid = pid_t(digits) else { return nil }
            let after = rest.dropFirst(digits.count)
            if prefix == ".latest-" ? after.isEmpty : after.hasPrefix("-") && after.count > 1 { return pid }
        }
        return nil
    }

    /// Whether a process with this id is running.
    public static func isRunning(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 || errno == EPERM }

    /// Removes the leftovers of processes that are gone from `folder` (not recursively); returns the names removed.
    /// `matching` narrows which leftovers this caller owns (for example those ending with a file's name).
    @discardableResult
    public static func removeDead(in folder: URL, matching: (String) -> Bool = { _ in true }) -> [String] {
        var removed: [String] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            guard let pid = ownerPid(name), pid != getpid(), !isRunning(pid), matching(name) else { continue }
            if (try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))) != nil {
                removed.append(name)
            }
        }
        return removed
    }
}
