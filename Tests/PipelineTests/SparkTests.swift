import Foundation
import Report
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// Spark's pieces under the project: `spark/build.sh` installs pyspark (pinned, from PyPI) into spark/.venv and
/// builds the driver jar; returns spark-submit and the jar.
func builtSpark() throws -> (submit: URL, jar: URL) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    p.arguments = [TestSupport.projectRoot.appendingPathComponent("spark/build.sh").path]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let path = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    p.waitUntilExit()
    try #require(p.terminationStatus == 0, "spark/build.sh failed")
    return (
        URL(fileURLWithPath: path), TestSupport.projectRoot.appendingPathComponent("spark/build/textpipe-spark.jar")
    )
}

/// A Java runtime is on the machine (Spark needs one).
let javaPresent = FileManager.default.isExecutableFile(atPath: "/usr/bin/java")

/// Runs a spec with `textpipe spark` (or `textpipe run` when `master` is nil) in a fresh project folder sharing the
/// fetched datasets; returns the metrics and every stored unit file's SHA-256.
func runSpec(
    _ spec: String, master: String?, spark: (submit: URL, jar: URL)?, executable: URL = TestSupport.executable,
    name: String, during: ((Process, URL) throws -> Void)? = nil
) throws -> (RunReport, [String: String], String, URL) {
    let root = TestSupport.temporaryDirectory(name)
    TestSupport.write(spec, to: root.appendingPathComponent("p.yaml"))
    try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
    // The project's cache may not exist yet in a fresh clone: the link must not dangle.
    try FileManager.default.createDirectory(
        at: TestSupport.projectRoot.appendingPathComponent("data/cache"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
        at: root.appendingPathComponent("data/cache"),
        withDestinationURL: TestSupport.projectRoot.appendingPathComponent("data/cache"))
    var arguments = master == nil ? ["run", "p.yaml"] : ["spark", "p.yaml", "--master", master ?? ""]
    if let spark, master != nil {
        arguments += ["--spark-submit", spark.submit.path, "--jar", spark.jar.path, "--binary", executable.path]
    }
    let p = Process()
    p.executableURL = executable
    p.arguments = arguments
    p.currentDirectoryURL = root
    let log = root.appendingPathComponent("run.log")
    FileManager.default.createFile(atPath: log.path, contents: nil)
    p.standardOutput = FileHandle.nullDevice
    p.standardError = try FileHandle(forWritingTo: log)
    try p.run()
    try during?(p, log)
    p.waitUntilExit()
    let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    try #require(p.terminationStatus == 0, "\(arguments.joined(separator: " ")) failed:\n\(text.suffix(3000))")
    let parsed = try SpecDecoder.load(path: root.appendingPathComponent("p.yaml").path)
    var options = RunOptions(root: root, log: { _ in })
    options.dataCache = root.appendingPathComponent("data/cache")
    let metrics = try Data(contentsOf: root.appendingPathComponent("reports/\(parsed.name)/latest/metrics.json"))
    return (try RunReport.decode(metrics), try storedFiles(parsed, options: options), text, root)
}

/// Two runs give the same numbers (to 1e-9), the same stored files (tokens, vocabularies, matrices, models).
func expectSameRun(
    _ a: (RunReport, [String: String], String, URL), _ b: (RunReport, [String: String], String, URL)
) {
    #expect(a.1.count > 10)
    let differing = a.1.filter { b.1[$0.key] != $0.value }.keys.sorted()
    #expect(differing.isEmpty && a.1.count == b.1.count, "stored files differ: \(differing.prefix(8))")
    #expect(a.0.results.count == b.0.results.count)
    for (x, y) in zip(a.0.results, b.0.results) {
        #expect(x.features == y.features && x.classifier == y.classifier)
        #expect(abs(x.accuracy - y.accuracy) <= 1e-9 && abs(x.macroF1 - y.macroF1) <= 1e-9)
        #expect(zip(x.folds, y.folds).allSatisfy { abs($0.accuracy - $1.accuracy) <= 1e-9 })
        #expect((x.logLoss ?? 0) - (y.logLoss ?? 0) == 0)
    }
}

/// The Spark executor on `local[2]` (issue 13's small form in `make test`): the same plan through Spark's scheduler,
/// the shipped binary and its stream modes gives the same files and metrics as a local run.
@Suite(.serialized, .enabled(if: javaPresent, "Spark needs a Java runtime (apt-get install -y default-jre-headless)"))
struct SparkLocalTests {
    @Test func sparkLocalRunEqualsLocalRun() throws {
        let spark = try builtSpark()
        let spec = """
            name: sparked
            data: {dataset: polarity-sentences}
            tokenize: {lowercase: true, punctuation: drop}
            features:
              - onehot: {min_df: 2}
            classifiers: [multinomial_nb, softmax]
            evaluate: {cv: {folds: 3, seed: 3}}
            report: {formats: [json]}
            """
        let local = try runSpec(spec, master: nil, spark: nil, name: "spark-local-ref")
        let sparked = try runSpec(spec, master: "local[2]", spark: spark, name: "spark-local")
        let sparkedRoot = sparked.3
        #expect(sparked.2.contains("spark: ready, parallelism 2"))
        #expect(sparked.2.contains("featurize [onehot]: running on the cluster"))
        #expect(sparked.2.contains("task(s) from train [onehot + multinomial_nb] fold 1 on the cluster"))
        let lock = try String(
            contentsOf: sparkedRoot.appendingPathComponent("reports/sparked/textpipe.lock"), encoding: .utf8)
        #expect(lock.contains("\"executor\" : \"spark local[2] (parallelism 2)\""))
        expectSameRun(local, sparked)
    }
}

/// The master of the standalone cluster `make test-spark` starts (two workers on 127.0.0.1).
let sparkMaster = ProcessInfo.processInfo.environment["TEXTPIPE_SPARK_MASTER"]

/// Issue 13 on a standalone cluster (`make test-spark`: a master and two workers bound to 127.0.0.1): the shipped
/// sentiment and 20 Newsgroups pipelines give the local run's metrics, vocabularies and models; and the same holds
/// when one executor's process is killed mid-job (Spark retries its tasks on a new executor).
@Suite(.serialized, .enabled(if: sparkMaster != nil, "runs under `make test-spark`, which starts a standalone cluster"))
struct SparkClusterTests {
    func shipped(_ name: String) throws -> String {
        try String(
            contentsOf: TestSupport.projectRoot.appendingPathComponent("pipelines/\(name).yaml"), encoding: .utf8)
    }

    var binary: URL { TestSupport.releaseExecutable ?? TestSupport.executable }

    /// Local reference runs, made once per shipped pipeline.
    static let references = ReferenceRuns()

    func local(_ name: String) throws -> (RunReport, [String: String], String, URL) {
        try Self.references.get(name) {
            try runSpec(try shipped(name), master: nil, spark: nil, executable: binary, name: "cluster-\(name)-local")
        }
    }

    @Test(arguments: ["sentiment", "newsgroups"])
    func shippedPipelineOnTheClusterEqualsLocalRun(_ name: String) throws {
        let spark = try builtSpark()
        let spec = try shipped(name)
        let local = try local(name)
        let clustered = try runSpec(
            spec, master: sparkMaster, spark: spark, executable: binary, name: "cluster-\(name)")
        #expect(clustered.2.contains("on the cluster"))
        expectSameRun(local, clustered)
    }

    @Test func lostExecutorMidJobStillGivesTheSameResult() throws {
        let spark = try builtSpark()
        let spec = try shipped("sentiment")
        let local = try local("sentiment")
        var killed: Int32 = 0
        let clustered = try runSpec(
            spec, master: sparkMaster, spark: spark, executable: binary, name: "cluster-kill"
        ) { process, log in
            // Wait until the training tasks are on the cluster, then kill -9 one executor's JVM.
            let deadline = Date().addingTimeInterval(300)
            while process.isRunning, Date() < deadline {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                if text.contains("task(s) from train") { break }
                usleep(100_000)
            }
            usleep(500_000)
            let pgrep = Process()
            pgrep.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
            pgrep.arguments = ["-f", "CoarseGrainedExecutorBackend"]
            let out = Pipe()
            pgrep.standardOutput = out
            try pgrep.run()
            pgrep.waitUntilExit()
            let pids = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .split(separator: "\n").compactMap { Int32($0) }
            if let pid = pids.first {
                kill(pid, SIGKILL)
                killed = pid
            }
        }
        #expect(killed != 0, "no executor process was found to kill")
        expectSameRun(local, clustered)
    }
}

/// Runs computed once and shared by the tests of a suite.
final class ReferenceRuns: @unchecked Sendable {
    private let lock = NSLock()
    private var runs: [String: (RunReport, [String: String], String, URL)] = [:]

    func get(_ name: String, _ make: () throws -> (RunReport, [String: String], String, URL)) throws
        -> (RunReport, [String: String], String, URL)
    {
        lock.lock()
        defer { lock.unlock() }
        if let done = runs[name] { return done }
        let run = try make()
        runs[name] = run
        return run
    }
}
