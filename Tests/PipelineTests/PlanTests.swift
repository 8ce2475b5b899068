import Foundation
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// The plan: what a run will do, known before it runs, and exactly what it then does.
@Suite(.serialized) struct PlanTests {
    func plan(_ root: URL, force: Bool = false) throws -> [LockEntry] {
        let spec = try SpecDecoder.load(path: root.appendingPathComponent("pipelines/demo.yaml").path)
        var options = RunOptions(root: root, log: { _ in })
        options.force = force
        return try Runner(spec: spec, options: options).plan().1
    }

    /// The plan's statuses predict the run: before the first run everything would run, after it everything is
    /// cached, after a classifier change exactly the units the run then executes would run, and the lock file lists
    /// the plan's units with the same keys in the same order.
    @Test func planPredictsWhatTheRunDoes() throws {
        let root = makeProject(documentsPerClass: 30)
        let before = try plan(root)
        // ingest, clean, tokenize, folds, 2 feature sets, 6 pairs x (5 folds + final + evaluate), report.
        #expect(before.count == 4 + 2 + 6 * 7 + 1)
        #expect(before.allSatisfy { $0.status == "would run" })
        #expect(Set(before.map(\.key)).count == before.count)
        #expect(
            before.contains {
                $0.name == "train [ngram + softmax] fold 3" && $0.dependsOn == ["featurize folds", "featurize [ngram]"]
            })
        _ = try run(root)
        let executed = try lock(root).entries
        #expect(executed.map(\.name) == before.map(\.name))
        #expect(executed.map(\.key) == before.map(\.key))
        #expect(executed.allSatisfy { $0.status == "run" })
        #expect(try plan(root).allSatisfy { $0.status == "cached" })
        #expect(try plan(root, force: true).allSatisfy { $0.status == "would run" })

        TestSupport.write(spec(l2: "0.5"), to: root.appendingPathComponent("pipelines/demo.yaml"))
        let changed = try plan(root)
        let wouldRun = Set(changed.filter { $0.status == "would run" }.map(\.name))
        #expect(wouldRun.count == 2 * 7 + 1)
        #expect(wouldRun.allSatisfy { $0.contains("softmax") || $0 == "report" })
        _ = try run(root)
        let reran = try lock(root).entries
        #expect(Set(reran.filter { !$0.cached }.map(\.name)) == wouldRun)
        #expect(reran.map(\.key) == changed.map(\.key))
    }

    /// Keys are derived from the spec and input hashes alone: compiling twice gives the same plan, and changing an
    /// input file changes every key.
    @Test func keysAreKnownBeforeRunningAndFollowTheInputs() throws {
        let root = makeProject(documentsPerClass: 10)
        let a = try plan(root)
        let b = try plan(root)
        #expect(a.map(\.key) == b.map(\.key))
        TestSupport.write("great superb fun", to: root.appendingPathComponent("corpus/pos/new.txt"))
        let c = try plan(root)
        #expect(zip(a, c).allSatisfy { $0.key != $1.key })
    }

    /// Every shipped pipeline compiles into a plan without fetching anything, ending with its report.
    @Test func everyShippedPipelinePlans() throws {
        let pipelines = TestSupport.projectRoot.appendingPathComponent("pipelines")
        let files = try FileManager.default.contentsOfDirectory(atPath: pipelines.path).filter { $0.hasSuffix(".yaml") }
            .sorted()
        #expect(files.count >= 10)
        let root = TestSupport.temporaryDirectory()
        for file in files {
            let spec = try SpecDecoder.load(path: pipelines.appendingPathComponent(file).path)
            let options = RunOptions(root: root, log: { _ in })
            let entries = try Runner(spec: spec, options: options).plan().1
            #expect(entries.last?.stage == "report", "\(file)")
            #expect(entries.first?.stage == "ingest", "\(file)")
            #expect(Set(entries.map(\.key)).count == entries.count, "\(file)")
            #expect(entries.allSatisfy { $0.status == "would run" }, "\(file)")
        }
        // Nothing was fetched or written under the root.
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("data").path))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("models").path))
    }

    /// `textpipe plan` from the command line: a table, or JSON in the lock file's entry format; a bad spec exits 2.
    @Test func planCommand() throws {
        let root = makeProject(documentsPerClass: 10)
        let table = try TestSupport.runTextpipe(["plan", "pipelines/demo.yaml"], in: root)
        #expect(table.status == 0)
        #expect(table.out.contains("demo: 49 units, 0 cached, 49 would run"))
        #expect(table.out.contains("would run  train [onehot + bernoulli_nb] fold 2"))
        let json = try TestSupport.runTextpipe(["plan", "pipelines/demo.yaml", "--json"], in: root)
        #expect(json.status == 0)
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        let entries = try d.decode([LockEntry].self, from: Data(json.out.utf8))
        #expect(entries.count == 49 && entries.last?.name == "report")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("data/work").path))
        TestSupport.write("name: demo\ndata: {dataset: nope}\n", to: root.appendingPathComponent("pipelines/bad.yaml"))
        let bad = try TestSupport.runTextpipe(["plan", "pipelines/bad.yaml"], in: root)
        #expect(bad.status == 2 && bad.err.contains("nope"))
    }
}
