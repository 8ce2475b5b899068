import Foundation
import TextCore

/// The stages of a run, in order.
public enum Stage: String, Sendable, CaseIterable, Codable {
    case ingest, clean, tokenize, featurize, train, evaluate, report
}

/// How a run was asked to behave on the command line.
public struct RunOptions {
    /// Recompute every stage, ignoring cached outputs.
    public var force = false
    /// Stop after this stage (writing its inspectable output where it has one).
    public var only: Stage?
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

    public init(root: URL, log: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.root = root; self.log = log
    }
}

/// One unit of work in the lock file: a stage, or one feature set / model within a stage.
public struct LockEntry: Codable, Sendable {
    public var stage: String
    public var unit: String?
    public var key: String
    public var cached: Bool
    public var seconds: Double
    public var output: String
}

/// What actually ran, written beside every report (`textpipe.lock`): the spec's hash, the inputs'
/// hashes, seeds, versions and each stage's key, cache status and duration.
public struct LockFile: Codable, Sendable {
    public var pipeline: String
    public var runId: String
    public var startedAt: String
    public var toolVersion: String
    public var spec: FileHash
    public var inputs: [FileHash]
    public var seed: UInt64
    public var evaluation: String
    public var entries: [LockEntry]
    public var totalSeconds: Double
    public var allCached: Bool

    public struct FileHash: Codable, Sendable { public var path: String; public var sha256: String }

    public func json() throws -> Data {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }
}

/// A monotonic stopwatch.
struct Stopwatch {
    let start = DispatchTime.now().uptimeNanoseconds
    var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}
