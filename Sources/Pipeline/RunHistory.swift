import Foundation
import Report
import TextCore

/// One published run, as `textpipe runs list` shows it.
public struct RunSummary: Codable, Sendable {
    /// The run (its folder's name).
    public var runId: String
    /// Its pipeline.
    public var pipeline: String
    /// When it started (ISO 8601), from its metrics.json.
    public var createdAt: String?
    /// Its folder.
    public var folder: String
    /// The best model and its headline metric.
    public var best: String?
    /// The best model's headline metric (macro-F1, word F1, ...).
    public var headline: Double?
    /// What the headline metric is.
    public var headlineName: String?
    /// `ok`, `regression` (a model regressed against the run before it) or `incomplete` (no readable metrics.json).
    public var status: String
    /// Whether `latest` points at it.
    public var latest: Bool
}

/// The runs kept under a reports folder, and their garbage collection.
public enum RunHistory {
    /// Report folders directly under `reports` (each a `report.out`): folders holding a `latest` link or run folders.
    public static func reportFolders(in reports: URL) -> [URL] {
        let fm = FileManager.default
        var out: [URL] = []
        if isReportFolder(reports) { out.append(reports) }
        for name in ((try? fm.contentsOfDirectory(atPath: reports.path)) ?? []).sorted() where !name.hasPrefix(".") {
            let folder = reports.appendingPathComponent(name)
            if !RunFolder.isRunId(name), isReportFolder(folder) { out.append(folder) }
        }
        return out
    }

    static func isReportFolder(_ folder: URL) -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.contains("latest") || names.contains(where: RunFolder.isRunId)
    }

    /// Every run in the report folders under `reports`, newest first within each folder; only `pipeline`'s when given.
    public static func runs(in reports: URL, pipeline: String? = nil) -> [RunSummary] {
        struct Header: Decodable { var pipeline: String }
        var out: [RunSummary] = []
        for folder in reportFolders(in: reports) {
            let latest = RunFolder.latest(in: folder)
            let ids = RunFolder.newestFirst(
                ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter(RunFolder.isRunId))
            for id in ids {
                let run = folder.appendingPathComponent(id)
                let data = try? AtomicFile.read(run.appendingPathComponent("metrics.json"))
                let scored = data.flatMap { try? ScoredRuns.decode($0) }
                let name =
                    scored?.pipeline ?? data.flatMap { try? SnakeCaseJSON.decode(Header.self, from: $0).pipeline }
                    ?? folder.lastPathComponent
                if let pipeline, name != pipeline { continue }
                let best = scored.flatMap { run in run.bestModel.flatMap { b in run.scores.first { $0.name == b } } }
                var created: String? = nil
                if let data, let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                    created = object["created_at"] as? String
                }
                out.append(
                    RunSummary(
                        runId: id, pipeline: name, createdAt: created, folder: run.path, best: best?.name,
                        headline: best?.headline, headlineName: scored?.headlineName,
                        status: scored == nil
                            ? "incomplete" : (scored?.previous?.regressions.isEmpty ?? true) ? "ok" : "regression",
                        latest: id == latest))
            }
        }
        return out
    }

    /// What `gc` removed (or would remove, for a dry run).
    public struct Collection: Sendable {
        /// Run folders.
        public var runs: [String] = []
        /// Cache entries (stage output folders).
        public var entries: [String] = []
        /// Bytes they held.
        public var bytes: Int = 0
        /// Work folders left alone because a run of their pipeline holds its lock.
        public var busy: [String] = []
    }

    /// Keeps the `keep` newest runs of each pipeline in every report folder under `reports` (never fewer than one,
    /// and always the run `latest` points at), removes the other run folders, then removes the cache entries of those
    /// pipelines that no kept run's lock file (nor the report folder's own `textpipe.lock`) refers to. A work folder
    /// whose pipeline is running (its run lock is held) is left alone.
    public static func collect(reports: URL, keep: Int, dryRun: Bool) throws -> Collection {
        precondition(keep >= 1)
        let fm = FileManager.default
        var result = Collection()
        var referenced = Set<String>()
        var workFolders = Set<String>()
        func note(_ lock: URL, kept: Bool) {
            guard let data = try? AtomicFile.read(lock), let file = try? SnakeCaseJSON.decode(LockFile.self, from: data)
            else { return }
            for e in file.entries where e.output.hasPrefix("/") {
                let path = URL(fileURLWithPath: e.output).standardizedFileURL.path
                workFolders.insert(URL(fileURLWithPath: path).deletingLastPathComponent().path)
                if kept { referenced.insert(path) }
            }
        }
        var removals: [URL] = []
        for folder in reportFolders(in: reports) {
            note(folder.appendingPathComponent("textpipe.lock"), kept: true)
            let latest = RunFolder.latest(in: folder)
            var kept: [String: Int] = [:]
            for run in runs(in: folder) where run.folder.hasPrefix(folder.path + "/") {
                let url = URL(fileURLWithPath: run.folder)
                let keepIt = run.latest || run.runId == latest || kept[run.pipeline, default: 0] < keep
                if keepIt { kept[run.pipeline, default: 0] += 1 }
                note(url.appendingPathComponent("textpipe.lock"), kept: keepIt)
                if !keepIt { removals.append(url) }
            }
        }
        for url in removals {
            result.runs.append(url.path)
            result.bytes += size(of: url)
            if !dryRun { try remove(url) }
        }
        for work in workFolders.sorted() {
            let folder = URL(fileURLWithPath: work)
            guard fm.fileExists(atPath: folder.appendingPathComponent(".run.lock").path) || fm.fileExists(atPath: work)
            else { continue }
            let store = LocalArtifactStore(root: folder)
            let lock: FileLock
            do { lock = try store.acquireRunLock(pipeline: folder.lastPathComponent, wait: false) } catch {
                result.busy.append(work)
                continue
            }
            defer { lock.release() }
            for name in ((try? fm.contentsOfDirectory(atPath: work)) ?? []).sorted() where isEntryName(name) {
                let entry = folder.appendingPathComponent(name)
                guard !referenced.contains(entry.standardizedFileURL.path) else { continue }
                result.entries.append(entry.path)
                result.bytes += size(of: entry)
                if !dryRun { try remove(entry) }
            }
        }
        return result
    }

    /// `<stage>-<20 hex digits>`: a stage output folder of the artifact store.
    static func isEntryName(_ name: String) -> Bool {
        guard let dash = name.lastIndex(of: "-"), StageName(rawValue: String(name[..<dash])) != nil else {
            return false
        }
        let key = name[name.index(after: dash)...]
        return key.count == 20 && key.allSatisfy(\.isHexDigit)
    }

    static func remove(_ url: URL) throws {
        do { try FileManager.default.removeItem(at: url) } catch {
            throw TextpipeError(.io, "cannot remove: \(AtomicFile.reason(error))", file: url.path)
        }
    }

    /// Bytes of the regular files under `url` (links not followed).
    static func size(of url: URL) -> Int {
        guard
            let walker = FileManager.default.enumerator(
                at: url, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey])
        else { return 0 }
        var total = 0
        for case let file as URL in walker {
            let values = try? file.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
            if values?.isRegularFile == true { total += values?.fileSize ?? 0 }
        }
        return total
    }
}
