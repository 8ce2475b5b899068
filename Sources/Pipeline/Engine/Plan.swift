import Foundation
import TextCore

/// A run compiled before anything runs: every unit of work in an order where each comes after what it reads,
/// with its cache key. The executor walks it; `textpipe plan` prints it; the lock file is it, executed.
public struct Plan {
    /// A stage with its place and key.
    public struct Unit {
        /// Its position in the plan.
        public let id: Int
        /// Its cache key.
        public let key: String
        /// What it does.
        public let stage: any Stage
    }

    /// The pipeline (spec `name`).
    public let pipeline: String
    /// Every unit, each after the units it reads.
    public private(set) var units: [Unit] = []
    /// The run's input files (or pinned packages) and their SHA-256, for the lock file.
    public var inputs: [LockFile.FileHash] = []
    /// The data paths the spec names (relative to the root; empty for a catalog package), which outputs may not overlap.
    public var dataPaths: [String] = []
    /// The lock file's header (spec, seed, evaluation) and where the executed plan is written.
    public var lock: LockFile?
    /// Where the executed plan is written (`<report.out>/textpipe.lock`).
    public var lockURL: URL?

    /// An empty plan for a pipeline.
    public init(pipeline: String) { self.pipeline = pipeline }

    /// Appends a stage, deriving its key from its kind, its inputs' keys and its own `derive`.
    @discardableResult
    public mutating func add<S: Stage>(_ stage: S) throws -> Input<S.Output> {
        for input in stage.inputs where input.id >= units.count || units[input.id].key != input.key {
            throw TextpipeError(.internal, "\(stage.displayName) reads a unit that is not earlier in the plan")
        }
        var key = StageKey(stage.stage.rawValue)
        key.add("type", String(describing: S.self))
        key.add("unit", stage.unit ?? "")
        key.add("part", stage.part ?? "")
        for input in stage.inputs { key.add("input", input.key) }
        try stage.derive(&key)
        let unit = Unit(id: units.count, key: key.hex, stage: stage)
        units.append(unit)
        return Input(id: unit.id, key: unit.key)
    }

    /// The units a run stopping after `last` executes.
    public func units(through last: StageName?) -> [Unit] {
        guard let last else { return units }
        return units.filter { $0.stage.stage <= last }
    }

    /// Each unit described, with `status` filled in by `status(unit)`.
    public func entries(status: (Unit) -> String?) -> [LockEntry] {
        units.map { u in
            LockEntry(
                name: u.stage.displayName, stage: u.stage.stage.rawValue, unit: u.stage.unit, part: u.stage.part,
                key: u.key,
                dependsOn: u.stage.inputs.map { units[$0.id].stage.displayName }, parameters: u.stage.parameters,
                outputs: u.stage.outputs, status: status(u))
        }
    }
}

/// One unit of a plan as the lock file and `textpipe plan --json` show it: its name, stage, key, what it reads,
/// its settings and files, and, once executed, whether it came from the cache, how long it took and where its
/// output is.
public struct LockEntry: Codable, Sendable {
    /// `train [ngram + softmax] fold 3`.
    public var name: String
    /// `ingest` ... `report`.
    public var stage: String
    /// What it works on within its stage (a feature set, a pair, a tagger), if anything.
    public var unit: String?
    /// Which part of it (`fold 3`, `final model`), if any.
    public var part: String?
    /// Its cache key (SHA-256, hex).
    public var key: String
    /// Names of the units it reads.
    public var dependsOn: [String]
    /// Its settings, in words.
    public var parameters: [String: String]
    /// The files it writes into its folder.
    public var outputs: [String]
    /// `cached` or `run` once executed; `cached` or `would run` in a plan listing.
    public var status: String?
    /// Whether its output came from the cache.
    public var cached: Bool
    /// How long it took (reading from the cache included).
    public var seconds: Double
    /// Its output folder.
    public var output: String

    /// A unit as listed; execution fills in `cached`, `seconds` and `output`.
    public init(
        name: String, stage: String, unit: String?, part: String?, key: String, dependsOn: [String],
        parameters: [String: String], outputs: [String], status: String?, cached: Bool = false, seconds: Double = 0,
        output: String = ""
    ) {
        self.name = name
        self.stage = stage
        self.unit = unit
        self.part = part
        self.key = key
        self.dependsOn = dependsOn
        self.parameters = parameters
        self.outputs = outputs
        self.status = status
        self.cached = cached
        self.seconds = seconds
        self.output = output
    }
}

/// What actually ran, written beside every report (`textpipe.lock`): the spec's hash, the inputs' hashes, seeds,
/// versions and the executed plan (each unit's key, inputs, settings, cache status and duration).
public struct LockFile: Codable, Sendable {
    /// The pipeline (spec `name`).
    public var pipeline: String
    /// The report shown (this run's, or the cached one it reused); empty when no report was written.
    public var runId: String
    /// When the run started (ISO 8601).
    public var startedAt: String
    /// The textpipe version that ran.
    public var toolVersion: String
    /// The spec file and its SHA-256.
    public var spec: FileHash
    /// Every input file (or pinned package) and its SHA-256.
    public var inputs: [FileHash]
    /// The spec's seed.
    public var seed: UInt64
    /// How models were evaluated, in words.
    public var evaluation: String
    /// The executed plan, in execution order.
    public var entries: [LockEntry]
    /// Wall time of the run.
    public var totalSeconds: Double
    /// True when every unit came from the cache.
    public var allCached: Bool
    /// Where the units ran: `local`, or the cluster (`spark spark://host:7077 (parallelism 16)`); absent in lock files
    /// written before textpipe ran on clusters.
    public var executor: String? = nil

    /// A file (or `package==version`) and its SHA-256.
    public struct FileHash: Codable, Sendable, Hashable {
        /// As the spec names it.
        public var path: String
        /// Hex digest.
        public var sha256: String
    }

    /// The lock file as written: pretty-printed, snake_case keys.
    public func json() throws -> Data {
        try SnakeCaseJSON.encode(self)
    }
}
