import Classify
import Evaluate
import Featurize
import Foundation
import Report
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// Hyperparameter search (issue 15): search spaces in the spec, grid order, seeded random draws, nested
/// cross-validation with every trial a cached unit, no leakage from the outer test fold.
@Suite(.serialized) struct SearchTests {
    func decode(_ classifiers: String, search: String = "") throws -> ClassificationSpec {
        let yaml = """
            name: s
            data: {dataset: polarity-sentences}
            features: [onehot]
            classifiers:
            \(classifiers)
            \(search)
            """
        return try #require(try SpecDecoder.decode(yaml, file: "s.yaml").classification)
    }

    @Test func gridOrderIsDeclaredKeysThenValuesAsWritten() throws {
        let c = try decode("  - logistic: {penalty: {choice: [l1, l2]}, C: [1, 10]}")
        let trials = try #require(c.classifiers[0].trials)
        // logistic declares C before penalty: C varies slowest, penalty fastest.
        #expect(
            trials.map { SearchTrials.describe($0.assignment, order: ["C", "penalty"]) }
                == ["C=1 penalty=l1", "C=1 penalty=l2", "C=10 penalty=l1", "C=10 penalty=l2"])
        #expect(c.classifiers[0].search?.map(\.key) == ["C", "penalty"])
        // Each trial's settings are the classifier's with those values.
        let settings = try #require(trials[3].spec.configuration as? LogisticRegressionConfiguration)
        #expect(settings.C == 10 && settings.penalty == .l2)
        // A list stays a value where the key takes a list: n: [1, 2] of a feature set is not a search.
        #expect(try decode("  - multinomial_nb").classifiers[0].trials == nil)
    }

    @Test func randomDrawsAreSeededAndWithinTheirRanges() throws {
        let spec = "  - linear_svm: {C: {log_uniform: [0.001, 10]}, max_iterations: {int: [100, 200]}}"
        let a = try #require(
            try decode(spec, search: "search: {strategy: random, trials: 6, seed: 3}").classifiers[0].trials)
        let b = try #require(
            try decode(spec, search: "search: {strategy: random, trials: 6, seed: 3}").classifiers[0].trials)
        let other = try #require(
            try decode(spec, search: "search: {strategy: random, trials: 6, seed: 4}").classifiers[0].trials)
        #expect(
            a.count == 6 && a.map(\.assignment) == b.map(\.assignment) && a.map(\.assignment) != other.map(\.assignment)
        )
        for t in a {
            let c = try #require(Double(t.assignment["C"] ?? ""))
            let i = try #require(Int(t.assignment["max_iterations"] ?? ""))
            #expect(c >= 0.001 && c <= 10 && i >= 100 && i <= 200)
        }
        // Log-uniform: about as many draws below 0.1 as above (the log midpoint), not 1% of them.
        let many = try #require(
            try decode(spec, search: "search: {strategy: random, trials: 400, seed: 1}").classifiers[0].trials)
        let below = many.filter { Double($0.assignment["C"]!)! < 0.1 }.count
        #expect(below > 140 && below < 260, "\(below) of 400 below the log midpoint")
    }

    /// The error decoding `classifiers` (and `search`) gives; a test fails if there is none.
    func failure(_ classifiers: String, search: String = "") throws -> TextpipeError {
        do {
            _ = try decode(classifiers, search: search)
        } catch let e as TextpipeError {
            return e
        }
        Issue.record("no error for \(classifiers) \(search)")
        throw TextpipeError(.internal, "expected an error")
    }

    @Test func badSearchSpacesNameTheirLine() throws {
        #expect(try failure("  - linear_svm: {C: {log_uniform: [0.1, 10]}}").message.contains("strategy: random"))
        let negative = try failure("  - multinomial_nb: {alpha: [1, -1]}")
        #expect(negative.line == 5 && negative.message.contains("alpha must be in (0, 1000000]"), "\(negative)")
        let range = try failure("  - multinomial_nb: {alpha: {uniform: [-1, 1]}}", search: "search: {strategy: random}")
        #expect(range.message.contains("alpha must be in (0, 1000000]"), "\(range)")
        #expect(try failure("  - multinomial_nb: {alpha: {uniform: [2, 1]}}").message.contains("low < high"))
        #expect(
            try failure("  - multinomial_nb", search: "search: {metric: f1}").message.contains(
                "accepted values: macro_f1, accuracy, log_loss"))
        #expect(try failure("  - multinomial_nb: {alpha: []}").message.contains("empty list"))
    }

    /// A context serving fixed inputs to one stage.
    final class FixedContext: StageContext {
        var values: [Int: Any]
        let options: RunOptions
        init(_ values: [Int: Any], root: URL) {
            self.values = values
            options = RunOptions(root: root, log: { _ in })
        }
        func read<T>(_ input: Input<T>) throws -> T { try #require(values[input.id] as? T) }
        var stageTimings: [StageTiming] { [] }
        var startedAt: Date { Date() }
        var elapsedSeconds: Double { 0 }
        var workFolder: URL { options.root }
        func log(_ line: String) {}
    }

    /// The inner search sees only the outer fold's training part: its outer test rows carry a feature that names
    /// their class (a trial that saw them would score perfectly), and the trial scores equal inner cross-validation
    /// computed here from the training rows alone.
    @Test func theInnerSearchNeverSeesTheOuterTestFold() throws {
        var rng = Xoshiro256StarStar(seed: 5)
        let n = 120
        let y = (0..<n).map { $0 % 2 }
        // Two noisy features; column 2 is the leak, set only in the outer test rows.
        func row(_ label: Int, leak: Bool) -> [Float] {
            [
                Float(label == 0 ? 1 : 0) + (rng.nextUnit() < 0.4 ? 1 : 0),
                Float(label) + (rng.nextUnit() < 0.4 ? 1 : 0),
                leak ? Float(label * 5) : 0
            ]
        }
        let folds = try Stratified.kFold(labels: y, classCount: 2, folds: 3, seed: 1)
        let train = folds[0].train.map { row(y[$0], leak: false) }
        let test = folds[0].test.map { row(y[$0], leak: true) }
        let root = TestSupport.temporaryDirectory("leak")
        let featureFolder = root.appendingPathComponent("features")
        try FileManager.default.createDirectory(at: featureFolder, withIntermediateDirectories: true)
        func matrix(_ rows: [[Float]]) -> FeatureMatrix {
            .dense(DenseMatrix(rowCount: rows.count, columnCount: 3, values: rows.flatMap { $0 }))
        }
        try FeatureArtifact.writeFold(0, train: matrix(train), test: matrix(test), to: featureFolder)
        let assignment = FoldAssignment(
            labels: LabelIndex(["neg", "pos"]), y: y, trainCount: n, folds: folds, notes: [:], isCrossValidation: true)
        let c = try decode("  - multinomial_nb: {alpha: [0.001, 1, 100]}", search: "search: {inner_folds: 4, seed: 9}")
        let trials = try #require(c.classifiers[0].trials)
        let context = FixedContext(
            [0: assignment, 1: FeatureArtifact(folder: featureFolder, emptyDocuments: 0)], root: root)
        var means: [Double] = []
        for (t, trial) in trials.enumerated() {
            let stage = SearchTrialStage(
                split: Input(id: 0, key: "a"), features: Input(id: 1, key: "b"), pair: "x + nb", trial: trial, index: t,
                outer: 0, settings: c.search)
            let out = root.appendingPathComponent("trial-\(t)")
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            try stage.run(context, into: out)
            let score = try TrialScore.read(from: out)
            // The same inner cross-validation, computed here on the outer training rows only.
            let ys = folds[0].train.map { y[$0] }
            let inner = try SearchTrialStage.innerFolds(ys, classCount: 2, settings: c.search, outer: 0)
            var expected: [Double] = []
            for (i, f) in inner.enumerated() {
                let fitted = try trial.spec.fit(
                    matrix(f.train.map { train[$0] }), labels: f.train.map { ys[$0] }, classCount: 2,
                    seed: c.search.seed &+ UInt64(i))
                expected.append(
                    Metrics(
                        gold: f.test.map { ys[$0] }, predicted: fitted.predict(matrix(f.test.map { train[$0] })),
                        probabilities: nil, labels: ["neg", "pos"]
                    ).macroF1)
            }
            #expect(score.scores == expected && score.mean < 0.99, "trial \(t): \(score.scores) vs \(expected)")
            means.append(score.mean)
        }
        #expect(Set(means).count > 1 || means.allSatisfy { $0 < 0.99 })
    }

    /// Writes `pipelines/demo.yaml` of a `makeProject` folder: its corpus, the given feature set and classifiers,
    /// `folds`-fold cross-validation, the given `search:` settings.
    func writeDemo(
        _ root: URL, features: String = "  - onehot: {min_df: 1}", classifiers: String, folds: Int, search: String,
        formats: String = "[md, html, json]"
    ) {
        TestSupport.write(
            """
            name: demo
            data:
              train: {path: corpus, format: folders}
            features:
            \(features)
            classifiers:
            \(classifiers)
            evaluate: {cv: {folds: \(folds), seed: 1}}
            search: {\(search)}
            report: {out: reports/demo, formats: \(formats)}
            """, to: root.appendingPathComponent("pipelines/demo.yaml"))
    }

    /// The status (`run`, `cached`, `skipped (budget)`) of every trial unit in the lock file of the last run.
    func trialStatuses(_ root: URL, key: String) throws -> [(part: String, status: String)] {
        let lock = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: root.appendingPathComponent("reports/demo/textpipe.lock"))) as? [String: Any])
        return (lock["entries"] as? [[String: Any]] ?? []).compactMap { e in
            guard let part = e["part"] as? String, part.contains("\(key)="), let status = e["status"] as? String else {
                return nil
            }
            return (part, status)
        }
    }

    /// A searched pair end to end: each outer fold trains the trial its inner search ranked best, the report says
    /// so, and a rerun with one more value in the list runs only the new trials (the lock file counts them).
    @Test func nestedRunChoosesByInnerScoresAndRerunsOnlyNewTrials() throws {
        let root = makeProject(documentsPerClass: 40)
        func write(_ alphas: String) {
            writeDemo(
                root, classifiers: "  - multinomial_nb: {alpha: [\(alphas)]}\n  - bernoulli_nb", folds: 3,
                search: "inner_folds: 3, seed: 2")
        }
        write("0.01, 1.0")
        let first = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--quiet"], in: root)
        #expect(first.status == 0, "\(first.err)")
        let report = try RunReport.decode(
            Data(contentsOf: root.appendingPathComponent("reports/demo/latest/metrics.json")))
        let nb = try #require(report.results.first { $0.classifier == "multinomial_nb" })
        let search = try #require(nb.search)
        #expect(search.trials.map { $0.assignment["alpha"] } == ["0.01", "1.0"] && search.chosenPerFold.count == 3)
        for f in 0..<3 {
            let scores = search.trials.map { $0.outerFolds[f] ?? -1 }
            #expect(search.chosenPerFold[f] == scores.firstIndex(of: scores.max()!)!, "fold \(f + 1): \(scores)")
        }
        let all = search.trials.map { $0.all ?? -1 }
        #expect(search.chosenForModel == all.firstIndex(of: all.max()!)!)
        #expect(report.results.first { $0.classifier == "bernoulli_nb" }?.search == nil)
        let html = try String(
            contentsOf: root.appendingPathComponent("reports/demo/latest/report.html"), encoding: .utf8)
        #expect(html.contains("Tuned by nested cross-validation") && html.contains("Inner macro_f1 against alpha"))

        write("0.01, 1.0, 3.0")
        let second = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--quiet"], in: root)
        #expect(second.status == 0, "\(second.err)")
        let trials = try trialStatuses(root, key: "alpha")
        let ran = trials.filter { $0.status == "run" }.map(\.part)
        // 3 outer folds and the search over all documents: 4 new trials; the 8 old ones come from the cache.
        #expect(ran.count == 4 && ran.allSatisfy { $0.hasSuffix("alpha=3.0") }, "\(ran)")
        #expect(trials.filter { $0.status == "cached" }.count == 8)
    }

    /// `search.seconds`: once a search's trials in a run took the budget, no new trial starts; the choice is made from
    /// those that ran (the report says how many) and is provisional, so the next run goes on with the rest (cached
    /// trials cost nothing) until every trial ran and the result is what an unlimited search gives.
    @Test func aBudgetStopsNewTrialsAndTheNextRunGoesOn() throws {
        let root = makeProject(documentsPerClass: 30)
        func write(_ search: String) {
            writeDemo(
                root, classifiers: "  - multinomial_nb: {alpha: [0.01, 1.0]}", folds: 2,
                search: "inner_folds: 2" + search)
        }
        func statuses() throws -> [String] { try trialStatuses(root, key: "alpha").map(\.status) }
        func search() throws -> SearchResult {
            let report = try RunReport.decode(
                Data(contentsOf: root.appendingPathComponent("reports/demo/latest/metrics.json")))
            return try #require(report.results.first?.search)
        }
        write(", seconds: 0.000001")
        let first = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root)
        #expect(first.status == 0 && first.err.contains("budget is spent"), "\(first.err)")
        // 2 outer folds and the saved model's search: 3 searches, one trial each ran.
        #expect(
            try statuses().filter { $0 == "run" }.count == 3
                && statuses().filter { $0 == "skipped (budget)" }.count == 3)
        let partial = try search()
        #expect(partial.trialsRun == 3 && partial.trialsPlanned == 6)
        let md = try String(contentsOf: root.appendingPathComponent("reports/demo/latest/report.md"), encoding: .utf8)
        #expect(md.contains("3 of 6 trials ran (the next run goes on with the rest)") && md.contains("not run"))

        let second = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root)
        #expect(second.status == 0, "\(second.err)")
        #expect(try statuses().filter { $0 == "run" }.count == 3 && statuses().filter { $0 == "cached" }.count == 3)
        let done = try search()
        #expect(done.trialsRun == 6)
        let third = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root)
        #expect(third.out.contains("nothing changed"), "\(third.out)")

        // The same search without a budget, from scratch, chooses the same.
        write("")
        let unlimited = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--force"], in: root)
        #expect(unlimited.status == 0)
        let full = try search()
        #expect(
            full.chosenPerFold == done.chosenPerFold && full.chosenForModel == done.chosenForModel
                && full.trials == done.trials)
    }

    /// On a cluster, trials run in waves of the cluster's parallelism per search, and no new wave starts once the
    /// search's budget is spent; the next run goes on, and the end is what an unlimited local search gives.
    @Test func aBudgetHoldsOnACluster() throws {
        let root = makeProject(documentsPerClass: 30)
        func write(_ search: String) {
            writeDemo(
                root, classifiers: "  - multinomial_nb: {alpha: [0.01, 0.1, 1.0, 3.0]}", folds: 2,
                search: "inner_folds: 2" + search, formats: "[json]")
        }
        func run(cluster: Bool) throws -> SearchResult {
            var options = RunOptions(root: root, log: { _ in })
            if cluster {
                options.cluster = try ProcessCluster(
                    parallelism: 2, executable: TestSupport.executable, scratch: root, log: { _ in })
            }
            defer { options.cluster?.close() }
            let spec = try SpecDecoder.load(path: root.appendingPathComponent("pipelines/demo.yaml").path)
            let report = try #require(try Runner(spec: spec, options: options).run().report)
            return try #require(report.results.first?.search)
        }
        func count(_ status: String) throws -> Int {
            try trialStatuses(root, key: "alpha").filter { $0.status == status }.count
        }
        write(", seconds: 0.000001")
        // 2 outer folds and the saved model's search: 3 searches of 4 trials; one wave of 2 each, then the budget.
        let partial = try run(cluster: true)
        #expect(try count("run") == 6 && count("skipped (budget)") == 6)
        #expect(partial.trialsRun == 6 && partial.trialsPlanned == 12)
        let done = try run(cluster: true)
        #expect(try count("run") == 6 && count("cached") == 6)
        #expect(done.trialsRun == 12)
        write("")
        var options = RunOptions(root: root, log: { _ in })
        options.force = true
        let spec = try SpecDecoder.load(path: root.appendingPathComponent("pipelines/demo.yaml").path)
        let full = try #require(try Runner(spec: spec, options: options).run().report?.results.first?.search)
        #expect(full.chosenPerFold == done.chosenPerFold && full.chosenForModel == done.chosenForModel)
        #expect(full.trials == done.trials)
    }

    /// kill -9 in the middle of a search: the rerun takes the trials that finished from the cache, runs the rest,
    /// and ends with what an uninterrupted search gives.
    @Test func aKilledSearchResumes() throws {
        let root = makeProject(documentsPerClass: 400)
        writeDemo(
            root, features: "  - ngram: {n: [1, 2], weighting: tfidf}",
            classifiers: "  - linear_svm: {C: [0.01, 0.03, 0.1, 0.3, 1, 3, 10]}", folds: 3, search: "inner_folds: 3",
            formats: "[json]")
        let p = Process()
        p.executableURL = TestSupport.executable
        p.arguments = ["run", "pipelines/demo.yaml"]
        p.currentDirectoryURL = root
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        // Kill it once a trial has finished.
        var seen = ""
        while p.isRunning {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if seen.range(of: #"C=[0-9.]+: done in"#, options: .regularExpression) != nil { break }
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal, "the run ended before the kill")
        let rerun = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root)
        #expect(rerun.status == 0, "\(rerun.err)")
        let trials = try trialStatuses(root, key: "C")
        let cached = trials.filter { $0.status == "cached" }.count
        #expect(
            trials.count == 28 && cached >= 1 && cached < 28,
            "\(cached) of \(trials.count) trials from the cache; killed after: \(seen.suffix(600))")
        let resumed = try RunReport.decode(
            Data(contentsOf: root.appendingPathComponent("reports/demo/latest/metrics.json")))
        let fresh = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--force"], in: root)
        #expect(fresh.status == 0)
        let again = try RunReport.decode(
            Data(contentsOf: root.appendingPathComponent("reports/demo/latest/metrics.json")))
        #expect(
            resumed.results[0].search == again.results[0].search
                && resumed.results[0].macroF1 == again.results[0].macroF1)
    }

    /// A feature set's keys are searched like a classifier's: the pair's trials are every feature trial with every
    /// classifier trial (feature keys first), one featurizer per feature trial shared by every classifier, and a bad
    /// value of a feature key names its line.
    @Test func featureSetKeysAreSearchSpaces() throws {
        let yaml = """
            name: s
            data: {dataset: polarity-sentences}
            features:
              - ngram: {min_df: [1, 3], weighting: {choice: [binary, tfidf]}}
            classifiers:
              - multinomial_nb: {alpha: [0.1, 1.0]}
              - bernoulli_nb
            """
        let c = try #require(try SpecDecoder.decode(yaml, file: "s.yaml").classification)
        let feature = c.features[0]
        #expect(
            feature.search?.map(\.key) == ["weighting", "min_df"]
                || feature.search?.map(\.key) == ["min_df", "weighting"])
        #expect(feature.trials?.count == 4)
        let joint = try #require(PairSearch.of(feature: feature, classifier: c.classifiers[0], settings: c.search))
        let keys = joint.dimensions.map(\.key)
        #expect(keys.last == "alpha" && joint.trials.count == 8)
        // The feature trial varies slowest: trials sharing a featurizer are adjacent.
        #expect(joint.trials.map { $0.features ?? -1 } == [0, 0, 1, 1, 2, 2, 3, 3])
        #expect(joint.trials.map { $0.assignment["alpha"] } == ["0.1", "1.0", "0.1", "1.0", "0.1", "1.0", "0.1", "1.0"])
        let fixed = try #require(PairSearch.of(feature: feature, classifier: c.classifiers[1], settings: c.search))
        #expect(fixed.trials.count == 4 && fixed.trials.allSatisfy { $0.assignment["alpha"] == nil })
        // Random search pairs the feature set's draws with the classifier's: `trials` joint draws.
        let drawn = try #require(
            try SpecDecoder.decode(
                yaml.replacingOccurrences(
                    of: "min_df: [1, 3]", with: "min_df: {int: [1, 4]}") + "\nsearch: {strategy: random, trials: 5}",
                file: "s.yaml"
            ).classification)
        let pairs = try #require(
            PairSearch.of(feature: drawn.features[0], classifier: drawn.classifiers[0], settings: drawn.search))
        #expect(pairs.trials.count == max(drawn.features[0].trials!.count, drawn.classifiers[0].trials!.count))
        // A key that takes [min, max] is searched with {choice: [...]}; a range is written back in flow style.
        let ranges = try #require(
            try SpecDecoder.decode(
                yaml.replacingOccurrences(of: "min_df: [1, 3]", with: "n: {choice: [1, [1, 2]]}"), file: "s.yaml"
            ).classification)
        let byN = try #require(ranges.features[0].trials)
        #expect(Set(byN.map { $0.assignment["n"] }) == ["1", "[1, 2]"])
        let bigrams = byN.compactMap { t -> (Int, Int)? in
            guard t.assignment["n"] == "[1, 2]", let g = (t.configuration.settings as? NGramSettings)?.ngram else {
                return nil
            }
            return (g.minN, g.maxN)
        }
        #expect(bigrams.count == 2 && bigrams.allSatisfy { $0 == (1, 2) })
        // A value outside the key's bounds, in the second place of a list, names its line.
        do {
            _ = try SpecDecoder.decode(
                yaml.replacingOccurrences(of: "min_df: [1, 3]", with: "min_df: [1, -3]"), file: "s.yaml")
            Issue.record("a negative min_df was accepted")
        } catch let e as TextpipeError {
            #expect(e.line == 4 && "\(e)".contains("min_df"), "\(e)")
        }
        // Under validate the plan lists one featurizer per feature trial, not one per pair.
        let plan = try PlanCompiler.compile(
            try SpecDecoder.decode(yaml, file: "s.yaml"),
            options: RunOptions(root: FileManager.default.temporaryDirectory))
        let featurizers = plan.units.filter { $0.stage.stage == .featurize && $0.stage.unit == "ngram" }
        #expect(
            featurizers.count == 4 && featurizers.allSatisfy { $0.stage.part?.hasPrefix("trial ") == true },
            "\(featurizers.map(\.stage.displayName))")
        #expect(plan.units.filter { $0.stage.part == "features chosen" }.count == 2)
    }

    /// A searched feature set end to end: each outer fold is trained on the featurizer its search chose, the saved
    /// model carries the featurizer of the search over all documents, and one more `min_df` value computes only the
    /// new featurizer and the trials that read it.
    @Test func aSearchedFeatureSetTrainsEachFoldOnTheChosenFeaturizer() throws {
        let root = makeProject(documentsPerClass: 40)
        func write(_ minDF: String) {
            writeDemo(
                root, features: "  - ngram: {min_df: [\(minDF)]}",
                classifiers: "  - multinomial_nb: {alpha: [0.1, 1.0]}\n  - bernoulli_nb", folds: 3,
                search: "inner_folds: 3, seed: 2", formats: "[json]")
        }
        write("1, 0.4")
        let first = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--quiet"], in: root)
        #expect(first.status == 0, "\(first.err)")
        let report = try RunReport.decode(
            Data(contentsOf: root.appendingPathComponent("reports/demo/latest/metrics.json")))
        let nb = try #require(report.results.first { $0.classifier == "multinomial_nb" }?.search)
        #expect(nb.keys == ["min_df", "alpha"] && nb.trials.count == 4)
        for f in 0..<3 {
            let scores = nb.trials.map { $0.outerFolds[f] ?? -1 }
            #expect(nb.chosenPerFold[f] == scores.firstIndex(of: scores.max()!)!, "fold \(f + 1): \(scores)")
        }
        let bernoulli = try #require(report.results.first { $0.classifier == "bernoulli_nb" }?.search)
        #expect(bernoulli.keys == ["min_df"] && bernoulli.trials.count == 2)
        // Two featurizers, shared by both classifiers; their vocabularies differ.
        let lock = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: root.appendingPathComponent("reports/demo/textpipe.lock"))) as? [String: Any])
        let entries = lock["entries"] as? [[String: Any]] ?? []
        func featurizer(_ part: String) throws -> Int {
            let e = try #require(
                entries.first { $0["stage"] as? String == "featurize" && $0["part"] as? String == part })
            let artifact = try FeatureArtifact.read(from: URL(fileURLWithPath: try #require(e["output"] as? String)))
            return try artifact.finalFeaturizer(kind: "ngram").columnCount
        }
        #expect(entries.filter { $0["stage"] as? String == "featurize" && $0["unit"] as? String == "ngram" }.count == 2)
        let columns = ["1": try featurizer("trial min_df=1"), "0.4": try featurizer("trial min_df=0.4")]
        #expect(columns["1"]! > columns["0.4"]!)
        // The saved model's featurizer is the one the search over all documents chose.
        let chosen = try #require(nb.trials[nb.chosenForModel].assignment["min_df"])
        let bundle = try ModelBundle.load(
            from: root.appendingPathComponent("reports/demo/latest/models/ngram__multinomial_nb"))
        #expect(bundle.featurizer.columnCount == columns[chosen])

        write("1, 0.4, 3")
        let second = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--quiet"], in: root)
        #expect(second.status == 0, "\(second.err)")
        let trials = try trialStatuses(root, key: "min_df")
        let ran = trials.filter { $0.status == "run" }.map(\.part)
        // Featurizer min_df=3, then (2 alphas + 1 fixed bernoulli) x (3 outer folds + all documents) = 12 new trials.
        #expect(ran.count == 13 && ran.allSatisfy { $0.contains("min_df=3") }, "\(ran)")
        #expect(trials.filter { $0.status == "cached" }.count == 26, "\(trials.filter { $0.status == "cached" }.count)")
    }
}
