import Foundation
import TestSupport
import Testing
import TextCore
import Tokenize

@testable import Pipeline

/// Behaviour that benchmarks used to be the only check of, end to end through a spec.
@Suite(.serialized) struct EndToEndTests {
    func write(_ yaml: String, _ root: URL) {
        TestSupport.write(yaml, to: root.appendingPathComponent("pipelines/demo.yaml"))
    }

    /// Hashed n-grams (2^k columns, no vocabulary) through a spec, and the saved model predicting raw text.
    @Test func hashingFeaturesThroughASpecAndTheSavedModel() throws {
        let root = makeProject(documentsPerClass: 40)
        write(
            """
            name: demo
            data:
              train: {path: corpus, format: folders}
            features: [{ngram: {n: [1, 2], weighting: tfidf, hashing: 10}}]
            classifiers: [multinomial_nb, softmax]
            evaluate: {cv: {folds: 4, seed: 1}}
            """, root)
        let (outcome, _) = try run(root)
        let report = try #require(outcome.report)
        #expect(report.results.allSatisfy { $0.featureCount == 1024 && $0.accuracy > 0.75 })
        let bundle = try ModelBundle.load(
            from: try #require(outcome.reportDirectory).appendingPathComponent("models/ngram__softmax"))
        #expect(bundle.featurizer.columnCount == 1024)
        let p = try bundle.predict([
            Document(source: "a", text: "a superb, brilliant and moving film", label: nil),
            Document(source: "b", text: "dull tedious awful and boring", label: nil)
        ])
        #expect(p.map(\.label) == ["pos", "neg"])
    }

    /// Each fold's vocabulary comes from its training documents only: a word that occurs only in a fold's test
    /// documents has no column in that fold's matrices, and every fold's column count is the number of distinct
    /// words of its training documents.
    @Test func noVocabularyLeaksAcrossFolds() throws {
        let root = makeProject(documentsPerClass: 20)
        // Words that occur in one document each.
        for i in 0..<6 {
            TestSupport.write("great film unique\(i)word", to: root.appendingPathComponent("corpus/pos/unique\(i).txt"))
        }
        write(
            """
            name: demo
            data:
              train: {path: corpus, format: folders}
            features: [{onehot: {min_df: 1}}]
            classifiers: [multinomial_nb]
            evaluate: {cv: {folds: 3, seed: 1}}
            """, root)
        _ = try run(root)
        let spec = try SpecDecoder.load(path: root.appendingPathComponent("pipelines/demo.yaml").path)
        let runner = Runner(spec: spec, options: RunOptions(root: root, log: { _ in }))
        let (plan, entries) = try runner.plan()
        #expect(entries.allSatisfy { $0.status == "cached" })
        func folder(_ name: String) throws -> URL {
            URL(fileURLWithPath: try #require(entries.first { $0.name == name }).output)
        }
        _ = plan
        let corpus = try TokenizedCorpus.decode(
            try Data(contentsOf: try folder("tokenize").appendingPathComponent("corpus.bin")), name: "corpus")
        let assignment = try JSONDecoder().decode(
            FoldAssignment.self,
            from: try Data(contentsOf: try folder("featurize folds").appendingPathComponent("folds.json")))
        let features = FeatureArtifact(folder: try folder("featurize [onehot]"), emptyDocuments: 0)
        var smaller = 0
        for (i, fold) in assignment.folds.enumerated() {
            let trainWords = Set(fold.train.flatMap { corpus.document($0) })
            let (train, test) = try features.fold(i)
            #expect(train.columnCount == trainWords.count && test.columnCount == trainWords.count, "fold \(i)")
            if trainWords.count < corpus.types.count { smaller += 1 }
        }
        #expect(smaller == assignment.folds.count)
    }

    /// `split` and `given_test`: one fold, the saved model trained on the evaluated training part only.
    @Test func splitAndGivenTestEvaluations() throws {
        let root = makeProject(documentsPerClass: 40)
        write(
            """
            name: demo
            data:
              train: {path: corpus, format: folders}
            features: [onehot]
            classifiers: [multinomial_nb]
            evaluate: {split: {test: 0.25, seed: 2}}
            """, root)
        let (split, _) = try run(root)
        let report = try #require(split.report)
        let folds = try String(
            contentsOf: try #require(split.reportDirectory).appendingPathComponent("folds.tsv"), encoding: .utf8
        )
        .split(separator: "\n").dropFirst()
        #expect(folds.count == 20 && folds.allSatisfy { $0.hasSuffix("\t0") })  // 25% of 81 documents, all fold 0
        #expect(report.results[0].accuracyStd == nil && report.results[0].folds.count == 1)
        let bundle = try ModelBundle.load(
            from: try #require(split.reportDirectory).appendingPathComponent("models/onehot__multinomial_nb"))
        #expect(bundle.header.trainedOn == 81 - 20)

        // A given test set: own train and test folders, scored on every test document.
        for (label, words) in [("pos", "great superb brilliant"), ("neg", "awful dull boring")] {
            for i in 0..<5 {
                TestSupport.write("\(words) film \(i)", to: root.appendingPathComponent("heldout/\(label)/t\(i).txt"))
            }
        }
        write(
            """
            name: demo
            data:
              train: {path: corpus, format: folders}
              test: {path: heldout, format: folders}
            features: [onehot]
            classifiers: [multinomial_nb]
            evaluate: {given_test: true}
            """, root)
        let (given, _) = try run(root)
        let r = try #require(given.report)
        #expect(r.dataset.testDocuments == 10 && r.results[0].accuracy == 1)
        #expect(r.results[0].confusion.total == 10)
        let model = try ModelBundle.load(
            from: try #require(given.reportDirectory).appendingPathComponent("models/onehot__multinomial_nb"))
        #expect(model.header.trainedOn == r.dataset.trainDocuments)
    }

    /// From the command line: a second run of a busy pipeline exits 5 with a clear message; with `--wait` it waits
    /// for the lock and then runs.
    @Test func busyPipelineExitsFiveOrWaits() throws {
        let root = makeProject(documentsPerClass: 10)
        let holder = try FileLock(root.appendingPathComponent("data/work/demo/.run.lock"))
        try holder.acquire(wait: false)
        let busy = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root)
        #expect(busy.status == 5 && busy.err.contains("another run of pipeline 'demo' is in progress"), "\(busy.err)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("reports/demo/latest").path))

        let waiting = Process()
        waiting.executableURL = TestSupport.executable
        waiting.arguments = ["run", "pipelines/demo.yaml", "--wait"]
        waiting.currentDirectoryURL = root
        waiting.standardOutput = FileHandle.nullDevice
        waiting.standardError = FileHandle.nullDevice
        try waiting.run()
        Thread.sleep(forTimeInterval: 1.5)
        #expect(waiting.isRunning, "--wait returned while the lock was held")
        holder.release()
        waiting.waitUntilExit()
        #expect(waiting.terminationStatus == 0)
        #expect(
            FileManager.default.fileExists(atPath: root.appendingPathComponent("reports/demo/latest/metrics.json").path)
        )
    }
}
