import Foundation
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// A stage may read only the inputs it declares: its cache key hashes those alone and a cluster ships those alone, so
/// the local executor refuses any other read instead of letting it work here and fail on a cluster.
@Suite struct StageInputTests {
    /// Writes `value` into `value.txt`.
    struct Source: Stage {
        let name: String
        var stage: StageName { .ingest }
        var unit: String? { name }
        var part: String? { nil }
        var inputs: [UnitReference] { [] }
        var parameters: [String: String] { [:] }
        var outputs: [String] { ["value.txt"] }
        func derive(_ key: inout StageKey) throws { key.add("name", name) }
        func run(_ context: StageContext, into folder: URL) throws {
            try AtomicFile.write(name, to: folder.appendingPathComponent("value.txt"))
        }
        func read(_ folder: URL) throws -> String {
            String(decoding: try AtomicFile.read(folder.appendingPathComponent("value.txt")), as: UTF8.self)
        }
    }

    /// Declares `declared` and reads `reads`.
    struct Reader: Stage {
        let declared: [Input<String>]
        let reads: Input<String>
        var stage: StageName { .clean }
        var unit: String? { "reader" }
        var part: String? { nil }
        var inputs: [UnitReference] { declared.map(\.reference) }
        var parameters: [String: String] { [:] }
        var outputs: [String] { ["value.txt"] }
        func derive(_ key: inout StageKey) throws {}
        func run(_ context: StageContext, into folder: URL) throws {
            try AtomicFile.write(try context.read(reads) + "!", to: folder.appendingPathComponent("value.txt"))
        }
        func read(_ folder: URL) throws -> String {
            String(decoding: try AtomicFile.read(folder.appendingPathComponent("value.txt")), as: UTF8.self)
        }
    }

    func execute(_ build: (inout Plan) throws -> Input<String>) throws -> String {
        let root = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        var plan = Plan(pipeline: "inputs")
        let last = try build(&plan)
        let executor = LocalExecutor(
            store: LocalArtifactStore(root: root.appendingPathComponent("work")), options: RunOptions(root: root))
        _ = try executor.execute(plan, through: nil) { _ in nil }
        return try executor.read(last)
    }

    @Test func aDeclaredInputIsRead() throws {
        let value = try execute { plan in
            let a = try plan.add(Source(name: "a"))
            return try plan.add(Reader(declared: [a], reads: a))
        }
        #expect(value == "a!")
    }

    @Test func anUndeclaredInputIsAnErrorNamingBothUnits() throws {
        #expect {
            _ = try execute { plan in
                let a = try plan.add(Source(name: "a"))
                let b = try plan.add(Source(name: "b"))
                return try plan.add(Reader(declared: [b], reads: a))
            }
        } throws: { error in
            let message = (error as? TextpipeError)?.message ?? ""
            return message.contains("read ingest [a]") && message.contains("not among its declared inputs")
        }
    }
}
