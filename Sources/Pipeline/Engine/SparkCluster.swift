import Foundation
import TextCore

/// An Apache Spark application as a `Cluster`: `spark-submit` runs textpipe's thin JVM driver (`spark/`), which ships
/// this binary to the executors and runs each job as `parallelize(records, partitions).mapPartitions(pipe through
/// textpipe stream ...).collect()`. Spark schedules the partitions, moves the data and retries a failed or lost task
/// (stream modes are pure, so a retried partition gives the same lines).
///
/// The two processes talk over the driver's standard input and output, one line per message:
/// `job <TAB> id <TAB> input <TAB> output <TAB> partitions <TAB> files (comma-separated) <TAB> arguments...` in,
/// `@@textpipe ready <parallelism>`, `@@textpipe done <id>` or `@@textpipe failed <id> <reason>` out. Spark's own
/// log goes to `spark-driver.log` in the pipeline's work folder.
public final class SparkCluster: Cluster {
    /// The application's default parallelism (total executor cores).
    public private(set) var parallelism = 1
    private let master: String
    /// `spark local[2] (parallelism 2)`.
    public var summary: String { "spark \(master) (parallelism \(parallelism))" }
    private let process = Process()
    private let toDriver = Pipe()
    private let fromDriver = Pipe()
    private var reader: LineReader
    private var jobs = 0
    /// Where Spark's log goes.
    public let logFile: URL
    /// Files shipped to executors during this application (a name the store's cleanup recognizes after a kill).
    private let shippedFolder: URL
    private let log: (String) -> Void

    /// What `textpipe spark` needs to start an application.
    public struct Settings {
        /// `spark://host:port`, `local[N]`, `yarn`, `k8s://...`.
        public var master: String
        /// The `spark-submit` script.
        public var sparkSubmit: URL
        /// The driver's jar (`spark/build/textpipe-spark.jar`).
        public var jar: URL
        /// The textpipe binary shipped to executors (a release build with `--static-swift-stdlib` for machines
        /// without Swift).
        public var binary: URL
        /// Executors to ask for (`spark.executor.instances`; on a standalone cluster, cores in total).
        public var executors: Int?
        /// Extra `--conf key=value` settings.
        public var configuration: [String] = []

        /// Settings for an application on `master`.
        public init(master: String, sparkSubmit: URL, jar: URL, binary: URL, executors: Int? = nil) {
            self.master = master
            self.sparkSubmit = sparkSubmit
            self.jar = jar
            self.binary = binary
            self.executors = executors
        }
    }

    /// Starts the application and waits until its driver is ready (or fails, with the end of Spark's log).
    public init(_ settings: Settings, workFolder: URL, log: @escaping (String) -> Void) throws {
        self.log = log
        master = settings.master
        let fm = FileManager.default
        for (what, url) in [("spark-submit", settings.sparkSubmit), ("the driver jar", settings.jar)]
        where !fm.fileExists(atPath: url.path) {
            throw TextpipeError(
                .usage, "\(what) not found; run `make spark` (or give its path)", file: url.path)
        }
        try fm.createDirectory(at: workFolder, withIntermediateDirectories: true)
        logFile = workFolder.appendingPathComponent("spark-driver.log")
        shippedFolder = workFolder.appendingPathComponent(".tmp-\(getpid())-featurize-spark-files")
        fm.createFile(atPath: logFile.path, contents: nil)
        var arguments = [
            "--master", settings.master, "--name", "textpipe", "--class", "textpipe.spark.Driver",
            // Retries of a failed task even in local mode (`local[N]` alone would fail the job on the first loss).
            "--conf", "spark.task.maxFailures=4", "--conf", "spark.driver.maxResultSize=0"
        ]
        if let n = settings.executors {
            arguments += ["--conf", "spark.executor.instances=\(n)", "--total-executor-cores", "\(n)"]
        }
        for c in settings.configuration { arguments += ["--conf", c] }
        arguments += [settings.jar.path, settings.binary.path]
        process.executableURL = settings.sparkSubmit
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        // pyspark's launch scripts look for Spark beside them, not through whatever `python` is on the PATH.
        if environment["SPARK_HOME"] == nil {
            environment["SPARK_HOME"] =
                settings.sparkSubmit.deletingLastPathComponent().deletingLastPathComponent().path
        }
        environment["SPARK_LOCAL_IP"] =
            environment["SPARK_LOCAL_IP"] ?? (settings.master.hasPrefix("local") ? "127.0.0.1" : nil)
        process.environment = environment
        process.standardInput = toDriver
        process.standardOutput = fromDriver
        process.standardError = try FileHandle(forWritingTo: logFile)
        reader = LineReader(fd: fromDriver.fileHandleForReading.fileDescriptor, source: "the Spark driver")
        log("spark: starting an application on \(settings.master) (log: \(logFile.path))")
        do { try process.run() } catch {
            throw TextpipeError(.io, "cannot start spark-submit: \(error)", file: settings.sparkSubmit.path)
        }
        let reply = try nextReply()
        guard reply.hasPrefix("ready "), let n = Int(reply.dropFirst("ready ".count)) else {
            throw failure("the Spark driver did not start: \(reply)")
        }
        parallelism = max(1, n)
        log("spark: ready, parallelism \(parallelism)")
    }

    /// The next `@@textpipe` line from the driver (other output is ignored).
    private func nextReply() throws -> String {
        var reply: String?
        while reply == nil {
            let more = try reader.next { line, _ in
                let text = String(decoding: line, as: UTF8.self)
                if text.hasPrefix("@@textpipe ") { reply = String(text.dropFirst("@@textpipe ".count)) }
            }
            if !more { throw failure("the Spark driver exited") }
        }
        return reply ?? ""
    }

    /// An error carrying the last lines of Spark's log.
    private func failure(_ message: String) -> TextpipeError {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        let tail = text.split(separator: "\n").suffix(8).joined(separator: "\n  ")
        return TextpipeError(.io, "\(message)\n  \(tail)", file: logFile.path)
    }

    /// Sends a job to the driver and waits for it.
    public func pipe(input: URL, output: URL, arguments: [String], files: [URL], partitions: Int) throws {
        jobs += 1
        // Spark serves an added file from its path for the whole application: an executor started later (one that
        // replaces a lost one) fetches every file added so far. So shipped files are copied into a folder that lives
        // as long as the application, whatever the caller does with its own copy.
        let fm = FileManager.default
        try fm.createDirectory(at: shippedFolder, withIntermediateDirectories: true)
        var shipped: [String] = []
        for file in files {
            let copy = shippedFolder.appendingPathComponent(file.lastPathComponent)
            if !fm.fileExists(atPath: copy.path) { try fm.copyItem(at: file, to: copy) }
            shipped.append(copy.path)
        }
        let fields =
            ["job", "\(jobs)", input.path, output.path, "\(partitions)", shipped.joined(separator: ",")] + arguments
        guard fields.allSatisfy({ !$0.contains("\t") && !$0.contains("\n") }) else {
            throw TextpipeError(.internal, "a job field holds a tab or a newline")
        }
        do {
            try toDriver.fileHandleForWriting.write(contentsOf: Data((fields.joined(separator: "\t") + "\n").utf8))
        } catch {
            throw failure("the Spark driver stopped taking jobs")
        }
        let reply = try nextReply()
        if reply == "done \(jobs)" { return }
        throw failure("Spark job \(jobs) (textpipe \(arguments.prefix(2).joined(separator: " "))) failed: \(reply)")
    }

    /// Stops the application.
    public func close() {
        try? toDriver.fileHandleForWriting.write(contentsOf: Data("quit\n".utf8))
        try? toDriver.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { usleep(100_000) }
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: shippedFolder)
    }
}
