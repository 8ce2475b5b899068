import Foundation
import TextCore

/// Where a plan's data-parallel work runs: partitions of JSON Lines records piped through `textpipe stream ...` on
/// workers (Apache Spark executors, or child processes on this machine), each partition's output returned in order.
///
/// The contract a stage relies on: the output holds every partition's lines in partition order, and within a
/// partition in record order, whatever order the partitions finished in and however often one was retried. Stream
/// modes are pure functions of their input, so a retried partition gives the same lines.
public protocol Cluster: AnyObject {
    /// Partitions that run at once.
    var parallelism: Int { get }
    /// What it is, for the lock file: `spark spark://10.0.0.5:7077 (16 cores)`.
    var summary: String { get }
    /// Pipes the lines of `input` through `textpipe <arguments>` in `partitions` contiguous partitions and writes
    /// their outputs, in partition order, to `output`. `files` are shipped to every worker first; an argument
    /// `@NAME` stands for the shipped copy of the file named NAME.
    func pipe(input: URL, output: URL, arguments: [String], files: [URL], partitions: Int) throws
    /// Ends the session (stops the cluster's driver, removes scratch files).
    func close()
}

/// Shipped files as stream modes see them: `@NAME` is NAME in the folder `$TEXTPIPE_FILES` names (where the Spark
/// driver's `addFile` or the process cluster put them); any other path is itself.
public enum ShippedFile {
    /// The file an argument stands for.
    public static func resolve(_ argument: String) -> URL {
        guard argument.hasPrefix("@") else { return URL(fileURLWithPath: argument) }
        let folder = ProcessInfo.processInfo.environment["TEXTPIPE_FILES"] ?? FileManager.default.currentDirectoryPath
        return URL(fileURLWithPath: folder).appendingPathComponent(String(argument.dropFirst()))
    }

    /// The folder a shipped folder archive holds, unpacked once per worker beside the shipped file and shared by every
    /// partition that runs there (a BERT checkpoint is 90 MB: unpacking it per partition would cost more than the
    /// encoding). Concurrent partitions race harmlessly: each unpacks aside and renames; the first rename wins.
    public static func unpacked(_ archive: URL) throws -> URL {
        let fm = FileManager.default
        let target = archive.deletingLastPathComponent().appendingPathComponent(".\(archive.lastPathComponent).d")
        if fm.fileExists(atPath: target.appendingPathComponent(".complete").path) { return target }
        let aside = URL(fileURLWithPath: target.path + ".tmp-\(getpid())")
        try? fm.removeItem(at: aside)
        try fm.createDirectory(at: aside, withIntermediateDirectories: true)
        do {
            try FolderArchive.unpack(try AtomicFile.read(archive), into: aside, name: archive.path)
            try AtomicFile.write("", to: aside.appendingPathComponent(".complete"))
        } catch {
            try? fm.removeItem(at: aside)
            throw error
        }
        if rename(aside.path, target.path) != 0 { try? fm.removeItem(at: aside) }
        guard fm.fileExists(atPath: target.appendingPathComponent(".complete").path) else {
            throw TextpipeError(.io, "cannot unpack the shipped archive", file: archive.path)
        }
        return target
    }
}

/// Child processes of this binary on this machine, `parallelism` at a time: the same contract as a Spark cluster
/// (partitions, shipped files, one retry of a failed partition), with no JVM. The tests of the distributed stages
/// run on it.
public final class ProcessCluster: Cluster {
    /// Partitions run at once.
    public let parallelism: Int
    /// Attempts per partition (a partition that fails this often fails the call).
    public let attempts: Int
    private let executable: URL
    private let scratch: URL
    private let log: (String) -> Void

    /// A cluster of `parallelism` processes of `executable` (this binary by default), scratch files under `scratch`.
    public init(
        parallelism: Int = ProcessInfo.processInfo.activeProcessorCount, attempts: Int = 2, executable: URL? = nil,
        scratch: URL, log: @escaping (String) -> Void
    ) throws {
        self.parallelism = max(1, parallelism)
        self.attempts = max(1, attempts)
        self.executable = executable ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        self.scratch = scratch.appendingPathComponent(".tmp-\(getpid())-cluster")
        self.log = log
        try? FileManager.default.removeItem(at: self.scratch)
        try FileManager.default.createDirectory(
            at: self.scratch.appendingPathComponent("files"), withIntermediateDirectories: true)
    }

    /// `processes (2 at a time)`.
    public var summary: String { "processes (\(parallelism) at a time)" }

    /// Splits the input, runs the partitions, concatenates their outputs in order.
    public func pipe(input: URL, output: URL, arguments: [String], files: [URL], partitions: Int) throws {
        let fm = FileManager.default
        let shipped = scratch.appendingPathComponent("files")
        for file in files {
            let copy = shipped.appendingPathComponent(file.lastPathComponent)
            try? fm.removeItem(at: copy)
            try fm.copyItem(at: file, to: copy)
        }
        let lines = try ClusterInput.partitions(of: input, count: partitions)
        let job = scratch.appendingPathComponent("job-\(UUID().uuidString.prefix(8))")
        try fm.createDirectory(at: job, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: job) }
        for (p, part) in lines.enumerated() {
            try AtomicFile.write(part, to: job.appendingPathComponent("in-\(p)"))
        }
        let failures = FailureList()
        let gate = DispatchSemaphore(value: parallelism)
        let group = DispatchGroup()
        for p in lines.indices {
            gate.wait()
            group.enter()
            DispatchQueue.global().async {
                defer {
                    gate.signal()
                    group.leave()
                }
                var last = ""
                for attempt in 1...self.attempts {
                    do {
                        try self.run(partition: p, in: job, arguments: arguments, files: shipped)
                        return
                    } catch {
                        last = "\(error)"
                        if attempt < self.attempts { self.log("partition \(p): \(last); retrying") }
                    }
                }
                failures.add("partition \(p): \(last)")
            }
        }
        group.wait()
        if let first = failures.first {
            throw TextpipeError(.internal, "a cluster task failed: \(first)")
        }
        var out = Data()
        for p in lines.indices { out.append(try AtomicFile.read(job.appendingPathComponent("out-\(p)"))) }
        try AtomicFile.write(out, to: output)
    }

    private func run(partition p: Int, in job: URL, arguments: [String], files: URL) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TEXTPIPE_FILES"] = files.path
        process.environment = environment
        let outURL = job.appendingPathComponent("out-\(p)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        process.standardInput = try FileHandle(forReadingFrom: job.appendingPathComponent("in-\(p)"))
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        try process.run()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw TextpipeError(.internal, "textpipe \(arguments.first ?? "") exited \(process.terminationStatus)")
        }
    }

    /// Removes the scratch folder.
    public func close() { try? FileManager.default.removeItem(at: scratch) }
}

/// Failures collected from concurrent partitions.
private final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) {
        lock.lock()
        items.append(s)
        lock.unlock()
    }
    var first: String? {
        lock.lock()
        defer { lock.unlock() }
        return items.first
    }
}

/// A job's input split into contiguous partitions of whole lines.
enum ClusterInput {
    /// The bytes of `count` partitions of the lines of `file` (sizes differ by at most one line; none empty unless
    /// the file has fewer lines).
    static func partitions(of file: URL, count: Int) throws -> [Data] {
        let data = try AtomicFile.read(file)
        var ends: [Int] = []
        var i = data.startIndex
        while i < data.endIndex {
            if let nl = data[i...].firstIndex(of: UInt8(ascii: "\n")) {
                ends.append(nl + 1)
                i = nl + 1
            } else {
                ends.append(data.endIndex)
                i = data.endIndex
            }
        }
        let n = max(1, min(count, ends.count))
        var parts: [Data] = []
        var start = data.startIndex
        for p in 0..<n {
            let lastLine = (ends.count * (p + 1)) / n - 1
            let end = ends.isEmpty ? data.endIndex : ends[lastLine]
            parts.append(Data(data[start..<end]))
            start = end
        }
        return parts
    }
}

/// One data-parallel step of a stage on a cluster: records out to a scratch file, through a stream mode, results
/// back as parsed lines.
enum ClusterJob {
    /// The result records of piping `records` (one JSON object per element) through `textpipe <arguments>`; with
    /// `perRecord`, exactly one result per record, in order.
    static func map(
        _ records: [String], through arguments: [String], files: [URL] = [], perRecord: Bool = true,
        on cluster: any Cluster, context: StageContext, stage: StageName
    ) throws -> [StreamRecord] {
        let fm = FileManager.default
        let job = context.workFolder.appendingPathComponent(
            ".tmp-\(getpid())-\(stage.rawValue)-job-\(UUID().uuidString.prefix(8))")
        try fm.createDirectory(at: job, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: job) }
        let input = job.appendingPathComponent("in.jsonl")
        let output = job.appendingPathComponent("out.jsonl")
        var text = ""
        for r in records {
            text += r
            text += "\n"
        }
        try AtomicFile.write(text, to: input)
        // Enough partitions to keep every worker busy and to make a lost partition cheap to redo.
        let partitions = max(1, min(records.count, cluster.parallelism * 4))
        try cluster.pipe(input: input, output: output, arguments: arguments, files: files, partitions: partitions)
        let fd = open(output.path, O_RDONLY)
        guard fd >= 0 else { throw TextpipeError(.io, "cannot read the cluster's results", file: output.path) }
        defer { close(fd) }
        let source = "results of textpipe \(arguments.prefix(2).joined(separator: " "))"
        var reader = LineReader(fd: fd, source: source)
        var results: [StreamRecord] = []
        results.reserveCapacity(records.count)
        while try reader.next({ line, number in
            results.append(try StreamRecord(line: line, number: number, source: source, requireID: false))
        }) {}
        if perRecord, results.count != records.count {
            throw TextpipeError(
                .internal, "the cluster returned \(results.count) results for \(records.count) records")
        }
        return results
    }
}
