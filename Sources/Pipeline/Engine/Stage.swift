import Foundation
import Report
import TextCore

/// The steps of a run, in order; `--only` names one, and the report's timings are grouped by them.
public enum StageName: String, Sendable, CaseIterable, Codable, Comparable {
    case ingest, clean, tokenize, featurize, train, evaluate, report

    /// Position in the run: ingest is 0, report 6.
    public var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    /// Earlier in the run.
    public static func < (a: StageName, b: StageName) -> Bool { a.order < b.order }
}

/// A typed reference to a unit of a plan, held by the stages that read its output.
///
/// `Input<TokenizedCorpus>` is what the featurize stage holds of the tokenize unit: the unit's position in the
/// plan and its cache key. The key is part of the reader's key, so a change anywhere upstream changes every key
/// downstream, before anything runs.
public struct Input<Output>: Sendable, Codable {
    /// The unit's position in the plan.
    public let id: Int
    /// The unit's cache key.
    public let key: String
    /// The untyped reference (for dependency lists).
    public var reference: UnitReference { UnitReference(id: id, key: key) }
}

/// An untyped reference to a unit of a plan: its position and key.
public struct UnitReference: Sendable, Hashable {
    /// The unit's position in the plan.
    public let id: Int
    /// The unit's cache key.
    public let key: String
}

/// One unit of work of a plan: what it reads, how its cache key is derived, how it runs and what it writes.
///
/// A stage is a value the plan compiler builds from the spec and the units it reads (`Input`s). Its key hashes the
/// stage's name and part, the keys of its inputs and whatever `derive` adds (settings, seeds, hashes of outside
/// files), so every key is known before anything runs: `textpipe plan` lists them, the executor compares them with
/// the store. `run` writes the unit's files into a fresh folder; `read` turns a complete folder back into its typed
/// output (the artifact), whether it was written a second ago or by last night's run.
///
/// Example, the tokenize unit of a spec:
/// ```
/// stage: .tokenize, unit: nil, inputs: [clean], derive: adds the tokenizer settings
/// run: reads the cleaned documents, writes corpus.bin;  read: decodes corpus.bin into a TokenizedCorpus
/// ```
public protocol Stage {
    /// What `read` gives the stages downstream.
    associatedtype Output

    /// The step of the run it belongs to.
    var stage: StageName { get }
    /// What it works on within its stage: a feature set (`ngram`), a pair (`ngram + softmax`), a tagger; nil for a
    /// stage that runs once per run.
    var unit: String? { get }
    /// Which part of the unit: `fold 3`, `final model`, `learning curve`; nil for the whole of it.
    var part: String? { get }
    /// The units whose outputs it reads.
    var inputs: [UnitReference] { get }
    /// Its settings, in words, for `textpipe plan` and the lock file.
    var parameters: [String: String] { get }
    /// The files it writes into its folder.
    var outputs: [String] { get }

    /// Adds everything besides its inputs' keys that its output depends on (settings, seed, outside files' hashes).
    func derive(_ key: inout StageKey) throws
    /// Computes the output from the inputs (read through `context`) and writes it into `folder`.
    func run(_ context: StageContext, into folder: URL) throws
    /// The output stored in a complete folder.
    func read(_ folder: URL) throws -> Output
    /// Whether a stored folder can be trusted as this unit's output (by default: it exists, which the store
    /// guarantees means it is whole).
    func isComplete(_ folder: URL) -> Bool
    /// Whether it may run while other units run (`run --jobs`): true for units that touch no process-wide setting
    /// and read only their inputs (training, evaluation); false by default (a featurizer that sets OpenBLAS's thread
    /// count for its duration, a search trial under a time budget, the report).
    var runsAlongsideOthers: Bool { get }
    /// Writes the output where a user can look at it when the run stops after this stage (`--only`); nil when the
    /// stage has nothing to show.
    func inspect(_ output: Output, context: StageContext) throws -> URL?
}

/// A unit's output as stored in its folder, able to read itself back (and to write itself, in whole or in parts as a
/// stage produces them): `Corpus` is `train.bin`, `test.bin` and `notes.json`; a feature set's artifact is one file
/// per fold plus the final featurizer.
public protocol Artifact {
    /// The artifact stored in a complete folder.
    static func read(from folder: URL) throws -> Self
}

extension Stage where Output: Artifact {
    /// The artifact stored in the folder.
    public func read(_ folder: URL) throws -> Output { try Output.read(from: folder) }
}

extension Stage {
    /// None: a stage that runs once per run.
    public var unit: String? { nil }
    /// None: the whole unit.
    public var part: String? { nil }
    /// No settings to list.
    public var parameters: [String: String] { [:] }
    /// A folder the store calls complete is trusted.
    public func isComplete(_ folder: URL) -> Bool { true }
    /// Runs alone.
    public var runsAlongsideOthers: Bool { false }
    /// Nothing to show.
    public func inspect(_ output: Output, context: StageContext) throws -> URL? { nil }

    /// `train [ngram + softmax] fold 3`.
    public var displayName: String {
        stage.rawValue + (unit.map { " [\($0)]" } ?? "") + (part.map { " \($0)" } ?? "")
    }

    func readAny(_ folder: URL) throws -> Any { try read(folder) }

    func inspectAny(_ output: Any, context: StageContext) throws -> URL? {
        guard let typed = output as? Output else { return nil }
        return try inspect(typed, context: context)
    }
}

/// A stage whose data-parallel work can run on a cluster: it writes exactly what `run` writes, with the per-record
/// work piped through `textpipe stream ...` partitions and the rest (merging statistics, assembling matrices) done
/// here on the driver.
protocol DistributedStage: Stage {
    /// Computes the output with `cluster` doing the per-record work and writes it into `folder`.
    func run(_ context: StageContext, on cluster: any Cluster, into folder: URL) throws
}

/// What a running stage can ask of the executor running it.
public protocol StageContext: AnyObject {
    /// The output of an earlier unit (loaded from the store once per run and kept).
    func read<T>(_ input: Input<T>) throws -> T
    /// How the run was asked to behave.
    var options: RunOptions { get }
    /// Seconds per stage so far, in stage order (what the report's timing table shows).
    var stageTimings: [StageTiming] { get }
    /// When the run started, and seconds since.
    var startedAt: Date { get }
    var elapsedSeconds: Double { get }
    /// The pipeline's work folder, for scratch files that are cached by their own content hash.
    var workFolder: URL { get }
    /// Writes a progress line.
    func log(_ line: String)
    /// The output of an earlier unit, or nil when it was not run (a search trial skipped by its time budget).
    func readIfAvailable<T>(_ input: Input<T>) -> T?
}

extension StageContext {
    /// Every earlier unit ran unless told otherwise.
    public func readIfAvailable<T>(_ input: Input<T>) -> T? { try? read(input) }
}

/// A unit whose output can be provisional: built from fewer inputs than it will have once every unit ran (a search
/// choice made before the budget let every trial run). A provisional output is written with the file `provisional`
/// in it; the executor runs the unit again on the next run, and every unit downstream of it too, until it is final.
enum Provisional {
    static let marker = "provisional"

    /// Marks an output folder provisional.
    static func mark(_ folder: URL, because reason: String) throws {
        try AtomicFile.write(reason, to: folder.appendingPathComponent(marker))
    }

    /// Whether an output folder is provisional.
    static func isMarked(_ folder: URL) -> Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(marker).path)
    }
}

/// A unit that belongs to a time budget (a search trial): once the units of `budgetGroup` that ran in this run took
/// `budgetSeconds`, no other unit of the group starts; they are reported as skipped and run on a later run.
protocol BudgetedStage: Stage {
    /// Units sharing a budget: one pair's trials in one outer fold.
    var budgetGroup: String { get }
    /// The budget, if any.
    var budgetSeconds: Double? { get }
}

/// How a run was asked to behave on the command line.
public struct RunOptions {
    /// Recompute every stage, ignoring cached outputs.
    public var force = false
    /// Stop after this stage (writing its inspectable output where it has one).
    public var only: StageName?
    /// Units run side by side at most (`run --jobs`); 1 runs them one at a time.
    public var jobs = 1
    /// Wait for another run of the same pipeline to finish instead of exiting.
    public var wait = false
    /// Project root: relative paths in the spec (data, work_dir, report.out) are resolved against it.
    public var root: URL
    /// Where catalog datasets are fetched to (default: `<root>/data/cache`).
    public var dataCache: URL?
    /// Where named checkpoints (`minilm`) live; `<root>/models` when nil.
    public var modelsDirectory: URL?
    /// Where progress lines go.
    public var log: (String) -> Void
    /// Seconds between progress lines when standard error is not a terminal (nil: 10).
    public var progressInterval: Double?
    /// Where data-parallel units and training tasks run (Spark, or child processes); nil: all in this process.
    public var cluster: (any Cluster)?

    /// Options for a run from `root`, logging to standard error unless told otherwise.
    public init(root: URL, log: @escaping (String) -> Void = { StandardError.log($0) }) {
        self.root = root
        self.log = log
    }

    /// `path` made absolute against the project root.
    public func resolve(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
    }

    /// Where catalog packages are fetched to.
    var dataCacheFolder: URL { dataCache ?? root.appendingPathComponent("data/cache") }
    /// Where named checkpoints are fetched to.
    var modelsFolder: URL { modelsDirectory ?? root.appendingPathComponent("models") }
}
