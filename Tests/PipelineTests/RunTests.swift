import Featurize
import Foundation
import Report
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// A small generated corpus in `folders` layout: two learnable classes, some HTML, plus odd documents.
func makeProject(documentsPerClass: Int = 60, extraClass: Bool = false) -> URL {
    let root = TestSupport.temporaryDirectory()
    var rng = Xoshiro256StarStar(seed: 11)
    let shared = ["the", "film", "story", "actor", "scene", "plot", "a", "and", "it", "was"]
    let words = [
        "pos": ["great", "wonderful", "moving", "brilliant", "fun", "superb"],
        "neg": ["awful", "boring", "dull", "tedious", "bad", "weak"]
    ]
    for (label, own) in words {
        for i in 0..<documentsPerClass {
            var text: [String] = []
            for _ in 0..<(8 + rng.nextIndex(8)) {
                text.append(rng.nextUnit() < 0.35 ? own[rng.nextIndex(own.count)] : shared[rng.nextIndex(shared.count)])
            }
            let body = text.joined(separator: " ")
            if i % 5 == 0 {
                TestSupport.write(
                    "<html><head><script>var x = 'awful great';</script></head><body><p>\(body)</p><footer>site footer</footer></body></html>",
                    to: root.appendingPathComponent("corpus/\(label)/doc\(i).html"))
            } else {
                TestSupport.write(body, to: root.appendingPathComponent("corpus/\(label)/doc\(i).txt"))
            }
        }
    }
    TestSupport.write("", to: root.appendingPathComponent("corpus/neg/empty.txt"))
    TestSupport.write(
        "<html><body><script>only()</script></body></html>", to: root.appendingPathComponent("corpus/pos/notext.html"))
    TestSupport.writeBytes(
        Array("great fun ".utf8) + [0xC3, 0x28] + Array(" superb".utf8),
        to: root.appendingPathComponent("corpus/pos/badbytes.txt"))
    if extraClass { TestSupport.write("a lonely meh document", to: root.appendingPathComponent("corpus/meh/only.txt")) }
    TestSupport.write(spec(), to: root.appendingPathComponent("pipelines/demo.yaml"))
    return root
}

func spec(l2: String = "1.0", folds: Int = 5) -> String {
    """
    name: demo
    data:
      train: {path: corpus, format: folders}
    clean: {html: auto}
    features:
      - onehot: {min_df: 1}
      - ngram: {n: [1, 2], weighting: tfidf}
    classifiers:
      - multinomial_nb: {alpha: 1.0}
      - bernoulli_nb
      - softmax: {l2: \(l2)}
    evaluate: {cv: {folds: \(folds), seed: 1}}
    report: {out: reports/demo, formats: [md, html, json]}
    """
}

func run(_ root: URL, force: Bool = false, only: StageName? = nil) throws -> (Runner.Outcome, [String]) {
    var lines: [String] = []
    let spec = try SpecDecoder.load(path: root.appendingPathComponent("pipelines/demo.yaml").path)
    var options = RunOptions(root: root, log: { lines.append($0) })
    options.force = force
    options.only = only
    return (try Runner(spec: spec, options: options).run(), lines)
}

func lock(_ root: URL) throws -> LockFile {
    let d = JSONDecoder()
    d.keyDecodingStrategy = .convertFromSnakeCase
    return try d.decode(
        LockFile.self, from: Data(contentsOf: root.appendingPathComponent("reports/demo/textpipe.lock")))
}

@Suite(.serialized) struct RunTests {
    @Test func endToEndThenRerunSkipsEverything() throws {
        let root = makeProject()
        let (first, _) = try run(root)
        let report = try #require(first.report)
        #expect(report.results.count == 6)
        #expect(report.results.allSatisfy { $0.accuracy > 0.8 })
        #expect(report.dataset.trainDocuments == 121)  // 120 + the one with invalid bytes; empty and text-less dropped
        #expect(report.dataset.notes["documents with no text after cleaning (dropped)"] == 2)
        #expect(report.dataset.notes["invalid UTF-8 sequences replaced"] == 1)
        #expect(report.dataset.notes["documents cleaned as HTML"]! >= 24)
        let dir = try #require(first.reportDirectory)
        for f in ["report.md", "report.html", "metrics.json", "folds.tsv", "textpipe.lock"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path), "\(f)")
        }
        let latest = try FileManager.default.destinationOfSymbolicLink(
            atPath: root.appendingPathComponent("reports/demo/latest").path)
        #expect(latest == first.runId)
        #expect(try lock(root).entries.allSatisfy { !$0.cached })
        // The footer and the script text are gone from the cleaned documents.
        #expect(!report.results.flatMap { $0.topFeatures.values.flatMap { $0 } }.contains("footer"))

        let (second, log) = try run(root)
        #expect(second.allCached)
        #expect(second.runId == first.runId)
        #expect(log.contains { $0.contains("nothing changed") })
        #expect(try lock(root).allCached)
        let runs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("reports/demo").path)
            .filter { $0.hasPrefix("20") }
        #expect(runs.count == 1)
    }

    @Test func changingOnlyAClassifierRerunsOnlyTrainEvaluateReport() throws {
        let root = makeProject()
        _ = try run(root)
        TestSupport.write(spec(l2: "0.5"), to: root.appendingPathComponent("pipelines/demo.yaml"))
        let (outcome, _) = try run(root)
        #expect(!outcome.allCached)
        let entries = try lock(root).entries
        for stage in ["ingest", "clean", "tokenize", "featurize"] {
            #expect(entries.filter { $0.stage == stage }.allSatisfy { $0.cached }, "\(stage) should be cached")
        }
        #expect(entries.filter { $0.stage == "train" && $0.unit!.hasSuffix("softmax") }.allSatisfy { !$0.cached })
        #expect(entries.filter { $0.stage == "train" && $0.unit!.hasSuffix("_nb") }.allSatisfy { $0.cached })
        #expect(entries.filter { $0.stage == "report" }.allSatisfy { !$0.cached })
    }

    @Test func changingTheDataRerunsEverything() throws {
        let root = makeProject()
        _ = try run(root)
        TestSupport.write("great superb fun", to: root.appendingPathComponent("corpus/pos/new.txt"))
        _ = try run(root)
        #expect(try lock(root).entries.allSatisfy { !$0.cached })
    }

    @Test func savedModelPredictsRawDocuments() throws {
        let root = makeProject()
        let (outcome, _) = try run(root)
        let dir = try #require(outcome.reportDirectory)
        let bundle = try ModelBundle.load(from: dir.appendingPathComponent("models/ngram__softmax"))
        #expect(bundle.header.labels == ["neg", "pos"])
        let p = try bundle.predict([
            Document(source: "a", text: "<p>a wonderful, brilliant and superb film</p>", label: nil),
            Document(source: "b", text: "boring dull tedious awful", label: nil),
            Document(source: "c", text: "", label: nil)
        ])
        #expect(p.map(\.label)[0...1] == ["pos", "neg"])
        #expect(abs(p[0].probabilities!.values.reduce(0, +) - 1) < 1e-5)
        #expect(p.count == 3)
        #expect(throws: TextpipeError.self) { try ModelBundle.load(from: root) }
    }

    @Test func aClassWithOneDocumentStillRuns() throws {
        let root = makeProject(extraClass: true)
        let (outcome, _) = try run(root)
        let report = try #require(outcome.report)
        #expect(report.dataset.classes["meh"] == 1)
        #expect(report.results.allSatisfy { $0.labels.count == 3 && $0.accuracy > 0.7 })
        #expect(report.dataset.notes["classes with fewer documents than folds (absent from some training folds)"] == 1)
    }

    @Test func onlyCleanWritesInspectableDocuments() throws {
        let root = makeProject()
        let (outcome, _) = try run(root, only: .clean)
        let file = try #require(outcome.inspection)
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 121)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(first["source"] is String && first["text"] is String)
        #expect(!lines.contains { $0.contains("site footer") || $0.contains("var x") })
        #expect(outcome.report == nil)
    }

    @Test func aSecondConcurrentRunIsRefusedClearly() throws {
        let root = makeProject(documentsPerClass: 10)
        let holder = try FileLock(root.appendingPathComponent("data/work/demo/.run.lock"))
        try holder.acquire(wait: false)
        #expect { try run(root) } throws: { e in
            guard let e = e as? TextpipeError else { return false }
            return e.kind == .busy && e.message.contains("another run of pipeline 'demo'") && e.exitCode == 5
        }
        holder.release()
        _ = try run(root)
    }

    @Test func staleTemporariesFromAKilledRunAreIgnoredAndRemoved() throws {
        let root = makeProject(documentsPerClass: 10)
        let work = root.appendingPathComponent("data/work/demo")
        TestSupport.write("half a file", to: work.appendingPathComponent(".tmp-99999-train-abc/fold-0.model"))
        let (outcome, _) = try run(root)
        #expect(outcome.report != nil)
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent(".tmp-99999-train-abc").path))
    }

    @Test func denseOnlyModelsAreSkippedWithTheReasonAndTreesShowRules() throws {
        let root = makeProject(documentsPerClass: 30)
        TestSupport.write(
            """
            name: demo
            data:
              train: {path: corpus, format: folders}
            features: [onehot]
            classifiers: [gaussian_nb, {decision_tree: {max_depth: 4}}, nbsvm, {linear_svm: {class_weight: {pos: 2}}}]
            evaluate: {cv: {folds: 3, seed: 1}}
            """, to: root.appendingPathComponent("pipelines/demo.yaml"))
        let (outcome, _) = try run(root)
        let report = try #require(outcome.report)
        #expect(report.results.map(\.classifier).sorted() == ["decision_tree", "linear_svm", "nbsvm"])
        #expect(report.skipped?.first?.classifier == "gaussian_nb")
        #expect(report.skipped?.first?.reason.contains("dense") == true)
        let tree = try #require(report.results.first { $0.classifier == "decision_tree" })
        #expect(tree.rules?.first?.hasPrefix("if '") == true)
        let md = try String(contentsOf: outcome.reportDirectory!.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(md.contains("Not trained:") && md.contains("Top of the tree"))
        #expect(report.results.first { $0.classifier == "linear_svm" }!.logLoss == nil)  // decision values only
    }

    @Test func aSpecWhereNothingCanBeTrainedFailsClearly() throws {
        let root = makeProject(documentsPerClass: 10)
        TestSupport.write(
            """
            name: demo
            data:
              train: {path: corpus, format: folders}
            features: [onehot]
            classifiers: [gaussian_nb, normal_bayes]
            evaluate: {cv: {folds: 2}}
            """, to: root.appendingPathComponent("pipelines/demo.yaml"))
        #expect { try run(root) } throws: {
            ($0 as? TextpipeError)?.message.contains("no (feature set, classifier) pair") == true
        }
    }

    @Test func word2vecFeaturesFeedTheDenseModels() throws {
        let root = makeProject(documentsPerClass: 40)
        TestSupport.write(
            """
            name: demo
            data:
              train: {path: corpus, format: folders}
            features:
              - word2vec: {dimensions: 16, min_count: 1, epochs: 5, window: 3}
            classifiers: [gaussian_nb, {normal_bayes: {shared_covariance: true}}, logistic, multinomial_nb]
            evaluate: {cv: {folds: 3, seed: 1}}
            """, to: root.appendingPathComponent("pipelines/demo.yaml"))
        let (outcome, _) = try run(root)
        let report = try #require(outcome.report)
        // Averaged vectors are dense and signed: Gaussian models train; multinomial NB refuses with a reason.
        #expect(Set(report.results.map(\.classifier)) == ["gaussian_nb", "normal_bayes", "logistic"])
        #expect(report.skipped?.first?.classifier == "multinomial_nb")
        #expect(report.results.allSatisfy { $0.accuracy > 0.6 })
        let bundle = try ModelBundle.load(
            from: outcome.reportDirectory!.appendingPathComponent("models/word2vec__gaussian_nb"))
        #expect(
            try bundle.predict([Document(source: "x", text: "wonderful brilliant superb fun", label: nil)]).count == 1)
    }

    @Test func pretrainedVectorsAndMissingFiles() throws {
        let root = makeProject(documentsPerClass: 20)
        let words = [
            "great", "wonderful", "moving", "brilliant", "fun", "superb", "awful", "boring", "dull", "tedious", "bad",
            "weak"
        ]
        let vectors = WordVectors(
            words: words, dimensions: 2,
            vectors: words.indices.flatMap { i in i < 6 ? [Float(1), Float(i) / 10] : [Float(-1), Float(i) / 10] })
        try vectors.write(to: root.appendingPathComponent("vectors.bin"), binary: true)
        TestSupport.write(
            """
            name: demo
            data:
              train: {path: corpus, format: folders}
            features: [{word2vec: {pretrained: vectors.bin, normalize: true}}]
            classifiers: [logistic]
            evaluate: {cv: {folds: 2, seed: 1}}
            """, to: root.appendingPathComponent("pipelines/demo.yaml"))
        let (outcome, _) = try run(root)
        #expect(try #require(outcome.report).results[0].accuracy > 0.9)
        try FileManager.default.removeItem(at: root.appendingPathComponent("vectors.bin"))
        #expect { try run(root) } throws: { ($0 as? TextpipeError)?.message.hasPrefix("no such file") == true }
    }

    @Test func word2vecOnASeparateCorpusIsTrainedOnceForAllFolds() throws {
        let root = makeProject(documentsPerClass: 20)
        let sentences = (0..<400).map { i in
            i % 2 == 0 ? "the great superb wonderful film was fun" : "the awful dull boring film was weak"
        }
        TestSupport.write(sentences.joined(separator: "\n"), to: root.appendingPathComponent("unlabeled.txt"))
        TestSupport.write(
            """
            name: demo
            data:
              train: {path: corpus, format: folders}
            features: [{word2vec: {corpus: unlabeled.txt, dimensions: 8, min_count: 1, epochs: 3}}]
            classifiers: [logistic]
            evaluate: {cv: {folds: 3, seed: 1}}
            """, to: root.appendingPathComponent("pipelines/demo.yaml"))
        let (outcome, log) = try run(root)
        #expect(outcome.report != nil)
        // Progress lines (stderr is not a terminal in tests) show one training for the first fold only.
        let trainings = log.filter { $0.contains("epoch 3") }
        #expect(trainings.count == 1, "\(trainings)")
    }

    @Test func bertFeaturesFromACheckpointFolder() throws {
        let root = makeProject(documentsPerClass: 20)
        // The tiny random BERT fixture (2 layers, hidden 32) with a 50-token vocabulary.
        let tiny = TestSupport.projectRoot.appendingPathComponent("Tests/FeaturizeTests/Fixtures/tiny-bert")
        TestSupport.write(
            """
            name: demo
            data:
              train: {path: corpus, format: folders}
            features: [{bert: {model: \(tiny.path), pooling: mean, max_length: 32}}]
            classifiers: [logistic, gaussian_nb]
            evaluate: {cv: {folds: 2, seed: 1}}
            """, to: root.appendingPathComponent("pipelines/demo.yaml"))
        let (outcome, _) = try run(root)
        let report = try #require(outcome.report)
        #expect(report.results.count == 2 && report.results.allSatisfy { $0.featureCount == 32 })
        let bundle = try ModelBundle.load(
            from: outcome.reportDirectory!.appendingPathComponent("models/bert__logistic"))
        #expect(try bundle.predict([Document(source: "x", text: "a wonderful film", label: nil)]).count == 1)
        TestSupport.write(
            "name: demo\ndata:\n  train: {path: corpus, format: folders}\nfeatures: [{bert: {model: nowhere}}]\nclassifiers: [logistic]\n",
            to: root.appendingPathComponent("pipelines/demo.yaml"))
        #expect { try run(root) } throws: { ($0 as? TextpipeError)?.message.contains("config.json") == true }
    }
}
