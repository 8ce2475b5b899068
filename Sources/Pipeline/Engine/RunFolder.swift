import Foundation
import TextCore

/// A published report: its run id and folder under `report.out`.
struct PublishedRun {
    let runId: String
    let folder: URL
}

/// Report folders under `report.out`: `<run id>/` written whole or not at all, `latest` pointing at the run shown.
enum RunFolder {
    /// Writes a report into a new run folder atomically: `write` fills a temporary folder, which is renamed to
    /// `<out>/<run id>` (the run id is the start time, `20261202-143000`, with `-2`... when taken); `latest` is then
    /// pointed at it.
    static func publish(in out: URL, startedAt: Date, log: (String) -> Void, _ write: (URL, String) throws -> Void)
        throws -> PublishedRun
    {
        let fm = FileManager.default
        log("report: writing ...")
        try fm.createDirectory(at: out, withIntermediateDirectories: true)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        var runId = formatter.string(from: startedAt)
        var n = 2
        while fm.fileExists(atPath: out.appendingPathComponent(runId).path) {
            runId = formatter.string(from: startedAt) + "-\(n)"
            n += 1
        }
        let tmp = out.appendingPathComponent(".tmp-\(runId)-\(getpid())")
        try? fm.removeItem(at: tmp)
        try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
        do { try write(tmp, runId) } catch {
            try? fm.removeItem(at: tmp)
            throw error
        }
        LocalArtifactStore.flush(tmp)
        let final = out.appendingPathComponent(runId)
        guard rename(tmp.path, final.path) == 0 else {
            throw TextpipeError(.io, "cannot move the report into place", file: final.path)
        }
        try pointLatest(at: runId, in: out)
        return PublishedRun(runId: runId, folder: final)
    }

    /// The run `<out>/latest` points at, if any.
    static func latest(in out: URL) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: out.appendingPathComponent("latest").path)
    }

    /// Points `<out>/latest` at a run folder atomically: the link is made under a temporary name, then renamed over
    /// the old one.
    static func pointLatest(at runId: String, in out: URL) throws {
        let fm = FileManager.default
        let latestTmp = out.appendingPathComponent(".latest-\(getpid())")
        try? fm.removeItem(at: latestTmp)
        do { try fm.createSymbolicLink(atPath: latestTmp.path, withDestinationPath: runId) } catch {
            throw TextpipeError(
                .io, "cannot create the 'latest' link: \(error.localizedDescription)", file: latestTmp.path)
        }
        guard rename(latestTmp.path, out.appendingPathComponent("latest").path) == 0 else {
            throw TextpipeError(
                .io, "cannot update the 'latest' link: \(String(cString: strerror(errno)))",
                file: out.appendingPathComponent("latest").path)
        }
    }

    /// Copies each model folder to `<folder>/<relative path>`.
    static func copyModels(_ models: [(relative: String, source: URL)], into folder: URL) throws {
        let fm = FileManager.default
        for (relative, source) in models {
            let target = folder.appendingPathComponent(relative)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(at: source, to: target)
        }
    }

    /// A name safe as a file name: anything but letters, digits, `-`, `_` and `.` becomes `_`.
    static func safeName(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
    }

    /// The published run a report unit's folder records (`run_id`), if that run folder still exists.
    static func recorded(in unitFolder: URL, out: URL) -> PublishedRun? {
        guard let runId = try? String(contentsOf: unitFolder.appendingPathComponent("run_id"), encoding: .utf8),
            !runId.isEmpty,
            FileManager.default.fileExists(atPath: out.appendingPathComponent(runId).path)
        else { return nil }
        return PublishedRun(runId: runId, folder: out.appendingPathComponent(runId))
    }

    /// The published run a report unit's folder records; an error when it is gone.
    static func read(_ unitFolder: URL, out: URL) throws -> PublishedRun {
        guard let run = recorded(in: unitFolder, out: out) else {
            throw TextpipeError(.io, "the report this unit recorded is gone", file: unitFolder.path)
        }
        return run
    }
}
