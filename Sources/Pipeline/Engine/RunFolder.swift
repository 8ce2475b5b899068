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
    /// The id of a run started at `date` (`20261203-122151`, UTC); `-2`, `-3`, ... is appended if another run
    /// sharing the report folder published under it first.
    static func plannedId(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: date)
    }

    static func publish(in out: URL, startedAt: Date, log: (String) -> Void, _ write: (URL, String) throws -> Void)
        throws -> PublishedRun
    {
        let fm = FileManager.default
        log("report: writing ...")
        try fm.createDirectory(at: out, withIntermediateDirectories: true)
        // Partial report folders and links of killed runs (any pipeline sharing this folder) go first.
        for name in Leftovers.removeDead(in: out, matching: isOwnTemporary) {
            log("report: removed the leftover \(name) of a killed run")
        }
        // The run id is reserved by creating its folder (mkdir is atomic): two pipelines sharing report.out and
        // publishing in the same second get `...-143000` and `...-143000-2`, never the same folder.
        let base = plannedId(startedAt)
        var runId = base
        var n = 2
        while mkdir(out.appendingPathComponent(runId).path, 0o755) != 0 {
            guard errno == EEXIST else {
                throw TextpipeError(
                    .io, "cannot create the report folder: \(String(cString: strerror(errno)))",
                    file: out.appendingPathComponent(runId).path)
            }
            runId = base + "-\(n)"
            n += 1
        }
        let final = out.appendingPathComponent(runId)
        let tmp = out.appendingPathComponent(".tmp-\(getpid())-report-\(runId)")
        try? fm.removeItem(at: tmp)
        do {
            try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
            try write(tmp, runId)
        } catch {
            try? fm.removeItem(at: tmp)
            try? fm.removeItem(at: final)
            throw error
        }
        LocalArtifactStore.flush(tmp)
        // Renaming over the empty reserved folder is atomic.
        guard rename(tmp.path, final.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? fm.removeItem(at: tmp)
            throw TextpipeError(.io, "cannot move the report into place: \(reason)", file: final.path)
        }
        LocalArtifactStore.sync(out.path)
        try pointLatest(at: runId, in: out)
        return PublishedRun(runId: runId, folder: final)
    }

    /// Whether a name in report.out is one of textpipe's temporaries there: a report being written
    /// (`.tmp-<pid>-report-<run id>`), an atomic write of the lock file, or the `latest` link being replaced
    /// (`.tmp-<pid>-latest-<n>`; `.latest-<pid>` before 0.5).
    static func isOwnTemporary(_ name: String) -> Bool {
        guard let pid = Leftovers.ownerPid(name) else { return false }
        if name == ".latest-\(pid)" { return true }
        let rest = name.dropFirst(".tmp-\(pid)-".count)
        if rest.hasPrefix("report-") { return isRunId(String(rest.dropFirst("report-".count))) }
        if rest.hasPrefix("latest-") { return rest.dropFirst("latest-".count).allSatisfy(\.isNumber) }
        let parts = rest.split(separator: "-", maxSplits: 1)
        return parts.count == 2 && parts[0].allSatisfy(\.isNumber) && parts[1] == "textpipe.lock"
    }

    /// Whether a folder name is a run id (`20261202-143000`, `20261202-143000-2`).
    static func isRunId(_ name: String) -> Bool {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        return (parts.count == 2 || parts.count == 3) && parts[0].count == 8 && parts[1].count == 6
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    /// Run ids newest first: by time, then by the `-n` suffix.
    static func newestFirst(_ ids: [String]) -> [String] {
        func key(_ id: String) -> (String, Int) {
            let parts = id.split(separator: "-")
            return (parts.prefix(2).joined(separator: "-"), parts.count > 2 ? Int(parts[2]) ?? 0 : 1)
        }
        return ids.sorted { key($0) > key($1) }
    }

    /// The newest published run of `pipeline` in `out`: `latest` when it is one, else the newest run folder whose
    /// metrics.json names the pipeline (several pipelines may share a report.out; each compares with its own runs).
    static func previous(in out: URL, pipeline: String) -> URL? {
        struct Header: Decodable { var pipeline: String }
        var candidates: [String] = latest(in: out).map { [$0] } ?? []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
        candidates += newestFirst(names.filter(isRunId))
        for id in candidates {
            let folder = out.appendingPathComponent(id)
            guard let data = try? Data(contentsOf: folder.appendingPathComponent("metrics.json")),
                let header = try? SnakeCaseJSON.decode(Header.self, from: data)
            else { continue }
            if header.pipeline == pipeline { return folder }
        }
        return nil
    }

    /// The metrics.json of the newest published run of `pipeline` in `out`, if any.
    static func previousMetrics(in out: URL, pipeline: String) -> Data? {
        previous(in: out, pipeline: pipeline).flatMap {
            try? AtomicFile.read($0.appendingPathComponent("metrics.json"))
        }
    }

    /// The run `<out>/latest` points at, if any.
    static func latest(in out: URL) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: out.appendingPathComponent("latest").path)
    }

    /// Points `<out>/latest` at a run folder atomically: the link is made under a temporary name, then renamed over
    /// the old one.
    static func pointLatest(at runId: String, in out: URL) throws {
        let fm = FileManager.default
        let latestTmp = out.appendingPathComponent(".tmp-\(getpid())-latest-\(UInt32.random(in: 0...UInt32.max))")
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
            do {
                try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try fm.copyItem(at: source, to: target)
            } catch {
                throw TextpipeError(.io, "cannot copy the model: \(AtomicFile.reason(error))", file: target.path)
            }
        }
    }

    /// Points `models/best` in a run folder at the best model's folder (`relative`, `models/<name>`), so scripts and
    /// cron jobs can say `reports/<name>/latest/models/best`.
    static func linkBest(_ relative: String, in folder: URL) throws {
        let link = folder.appendingPathComponent("models/best")
        do {
            try FileManager.default.createSymbolicLink(
                atPath: link.path, withDestinationPath: URL(fileURLWithPath: relative).lastPathComponent)
        } catch {
            throw TextpipeError(.io, "cannot link the best model: \(AtomicFile.reason(error))", file: link.path)
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
