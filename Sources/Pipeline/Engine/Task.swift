import Classify
import Foundation
import Report
import TextCore

/// A unit that can run as a task on a cluster worker: a value that encodes itself and reads nothing but the stored
/// outputs of its inputs, which travel with it as folder archives; its output folder travels back the same way.
///
/// `train [ngram + softmax] fold 3` is one: the worker gets the stage's JSON and the archives of the fold assignment
/// and the feature set, trains, and returns `model.bin` and `seconds`; the driver stores them under the unit's key
/// exactly as a local run would.
protocol TaskStage: Stage, Codable {
    /// Its name in task records.
    static var taskKind: String { get }
}

/// Every stage that can run as a task, by its task name: a new task stage is one line here.
enum TaskRegistry {
    static let stages: [String: any TaskStage.Type] = [
        TrainStage.taskKind: TrainStage.self,
        FinalModelStage.taskKind: FinalModelStage.self,
        LearningCurveStage.taskKind: LearningCurveStage.self,
        SearchTrialStage.taskKind: SearchTrialStage.self,
        SearchSelectStage.taskKind: SearchSelectStage.self
    ]

    /// The stage a task record carries.
    static func decode(kind: String, json: Data) throws -> any TaskStage {
        guard let type = stages[kind] else {
            throw TextpipeError(
                .input, "unknown task '\(kind)' (known: \(stages.keys.sorted().joined(separator: ", ")))", key: "task")
        }
        do { return try JSONDecoder().decode(type, from: json) } catch {
            throw TextpipeError(.input, "not a \(kind) task: \(error)", key: "stage")
        }
    }
}

/// What a task running on a worker can read: its inputs' folders, unpacked from the archives shipped with it.
final class TaskContext: StageContext {
    let inputs: [String: URL]
    let options: RunOptions
    let startedAt = Date()
    let workFolder: URL
    private let clock = Stopwatch()

    init(inputs: [String: URL], workFolder: URL) {
        self.inputs = inputs
        self.workFolder = workFolder
        options = RunOptions(root: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }

    func read<T>(_ input: Input<T>) throws -> T {
        guard let folder = inputs[input.key] else {
            throw TextpipeError(.input, "the task's inputs lack unit \(input.key.prefix(12))")
        }
        guard let artifact = T.self as? any Artifact.Type, let value = try artifact.read(from: folder) as? T else {
            throw TextpipeError(.internal, "a task read an input that is not a stored artifact")
        }
        return value
    }

    var stageTimings: [StageTiming] { [] }
    var elapsedSeconds: Double { clock.seconds }
    func log(_ line: String) { StandardError.log(line) }
}

/// `textpipe stream task`: runs task records and returns each output folder as an archive.
///
/// In: `{"id": "<unit key>", "task": "train", "stage": "<the stage's JSON>", "inputs": {"<unit key>": "<archive>"},
/// "blas_threads": 2}`,
/// the archives among the shipped files (`$TEXTPIPE_FILES`). Out: `{"id": "<unit key>", "archive": "<base64>"}`.
public struct TaskStream: StreamMode {
    private let scratch: URL
    /// Archives unpacked so far (one partition usually runs several tasks over the same inputs).
    private var unpacked: [String: URL] = [:]

    /// A task runner with scratch space in the system's temporary folder.
    public init() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("textpipe-task-\(getpid())")
        try? FileManager.default.removeItem(at: scratch)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    /// One archive line per task.
    public mutating func process(_ batch: [StreamRecord]) throws -> [String] {
        try batch.map { record in
            guard let kind = record.fields["task"]?.string, let json = record.fields["stage"]?.string,
                let inputs = record.fields["inputs"]?.object
            else { throw record.error("a task record needs \"task\", \"stage\" and \"inputs\"") }
            let stage: any TaskStage
            do { stage = try TaskRegistry.decode(kind: kind, json: Data(json.utf8)) } catch let e as TextpipeError {
                throw record.error(e.message, key: e.key)
            }
            // The driver's BLAS thread count, so that the result is the one a local run there computes.
            if let threads = record.fields["blas_threads"]?.int { BLASThreads.count = threads }
            var folders: [String: URL] = [:]
            for (key, name) in inputs {
                guard let name = name.string, !name.contains("/") else {
                    throw record.error("each input names a shipped archive", key: "inputs")
                }
                folders[key] = try unpack(name)
            }
            let output = scratch.appendingPathComponent("out-\(record.id.prefix(20))")
            try? FileManager.default.removeItem(at: output)
            try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: output) }
            try stage.run(TaskContext(inputs: folders, workFolder: scratch), into: output)
            let archive = try FolderArchive.pack(output)
            return "{\"id\":\(record.idJSON),\"archive\":\"\(archive.base64EncodedString())\"}"
        }
    }

    /// Removes the scratch space.
    public mutating func finish() throws -> [String] {
        try? FileManager.default.removeItem(at: scratch)
        return []
    }

    private mutating func unpack(_ name: String) throws -> URL {
        if let done = unpacked[name] { return done }
        let folder = try ShippedFile.unpacked(ShippedFile.resolve("@" + name))
        unpacked[name] = folder
        return folder
    }
}

/// The driver's side of tasks: ships the inputs, runs the tasks on the cluster, stores each output under its key.
enum TaskDispatch {
    /// Runs `units` (all task stages) as one cluster job and stores their outputs.
    static func run(
        _ units: [Plan.Unit], plan: Plan, store: any ArtifactStore, cluster: any Cluster, scratch: URL
    ) throws {
        let fm = FileManager.default
        let job = scratch.appendingPathComponent(".tmp-\(getpid())-tasks")
        try? fm.removeItem(at: job)
        try fm.createDirectory(at: job, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: job) }
        var archives: [String: URL] = [:]
        var records = ""
        for unit in units {
            guard let stage = unit.stage as? any TaskStage else {
                throw TextpipeError(.internal, "\(unit.stage.displayName) cannot run as a task")
            }
            var inputs: [String] = []
            for input in stage.inputs {
                let name = "\(input.key.prefix(24)).tpar"
                if archives[input.key] == nil {
                    let source = plan.units[input.id]
                    let url = job.appendingPathComponent(name)
                    try AtomicFile.write(
                        try FolderArchive.pack(store.folder(stage: source.stage.stage, key: source.key)), to: url)
                    archives[input.key] = url
                }
                inputs.append("\(JSONValue.quote(input.key)):\(JSONValue.quote(name))")
            }
            let json = String(decoding: try StableJSON.encode(stage), as: UTF8.self)
            records += "{\"id\":\(JSONValue.quote(unit.key)),\"task\":\(JSONValue.quote(type(of: stage).taskKind)),"
            records += "\"stage\":\(JSONValue.quote(json)),\"inputs\":{\(inputs.joined(separator: ","))},"
            records += "\"blas_threads\":\(BLASThreads.count)}\n"
        }
        let input = job.appendingPathComponent("tasks.jsonl")
        let output = job.appendingPathComponent("results.jsonl")
        try AtomicFile.write(records, to: input)
        try cluster.pipe(
            input: input, output: output, arguments: ["stream", "task"], files: Array(archives.values),
            partitions: units.count)
        var byKey: [String: Plan.Unit] = [:]
        for unit in units { byKey[unit.key] = unit }
        let fd = open(output.path, O_RDONLY)
        guard fd >= 0 else { throw TextpipeError(.io, "cannot read the task results", file: output.path) }
        defer { close(fd) }
        var reader = LineReader(fd: fd, source: output.path)
        var stored = Set<String>()
        while try reader.next({ line, number in
            let record = try StreamRecord(line: line, number: number, source: output.path)
            guard let unit = byKey[record.id], let text = record.fields["archive"]?.string,
                let data = Data(base64Encoded: text)
            else { throw record.error("not the result of a task of this job") }
            try store.produce(stage: unit.stage.stage, key: unit.key) { dir in
                try FolderArchive.unpack(data, into: dir, name: "\(unit.stage.displayName) (from the cluster)")
            }
            stored.insert(unit.key)
        }) {}
        guard stored.count == units.count else {
            throw TextpipeError(.internal, "the cluster returned \(stored.count) of \(units.count) task results")
        }
    }
}
