import Foundation
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// fastText-grade model commands: `predict -k/--threshold` with rounded JSON and a warning for documents with no
/// known feature, `models/best` in every run folder, and `textpipe test` (N, accuracy, macro-F1, per-class, P@k, R@k).
@Suite(.serialized) struct ModelCommandsTests {
    static let project: URL = {
        let root = makeProject(documentsPerClass: 30)
        let run = try? TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--quiet"], in: root)
        precondition(run?.status == 0, "\(run?.err ?? "")")
        return root
    }()

    func json(_ line: Substring) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func bestPointsAtTheBestPairsModel() throws {
        let root = Self.project
        let report = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: root.appendingPathComponent("reports/demo/latest/metrics.json")))
                as? [String: Any])
        let results = try #require(report["results"] as? [[String: Any]])
        // The documented rule (BestModelChoice): the leader by macro-F1, or among the models the decision rule calls
        // tied with it the one with probabilities and the lowest log loss.
        let choice = try #require(report["best"] as? [String: Any])
        let chosenName = try #require(choice["model"] as? String)
        let group = [try #require(choice["leader"] as? String)] + (choice["tied"] as? [String] ?? [])
        #expect(group.contains(chosenName))
        func named(_ n: String) -> [String: Any]? { results.first { "\($0["features"]!) + \($0["classifier"]!)" == n } }
        let best = try #require(named(chosenName))
        let losses = group.compactMap { named($0)?["log_loss"] as? Double }
        if let loss = best["log_loss"] as? Double { #expect(loss == losses.min()) } else { #expect(losses.isEmpty) }
        let link = try FileManager.default.destinationOfSymbolicLink(
            atPath: root.appendingPathComponent("reports/demo/latest/models/best").path)
        #expect("models/" + link == best["model_path"] as? String, "\(link)")
        #expect(
            FileManager.default.fileExists(
                atPath: root.appendingPathComponent("reports/demo/latest/models/best/model.json").path))
    }

    @Test func predictTopKThresholdRoundingAndUnknownWords() throws {
        let root = Self.project
        TestSupport.write("wonderful brilliant superb\nzzzz qqqq xxxx\n", to: root.appendingPathComponent("new.txt"))
        let model = "reports/demo/latest/models/onehot__multinomial_nb"
        let tsv = try TestSupport.runTextpipe(["predict", "--model", model, "--lines", "-k", "2", "new.txt"], in: root)
        #expect(tsv.status == 0, "\(tsv.err)")
        let rows = tsv.out.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.split(separator: "\t", omittingEmptySubsequences: false)
        }
        #expect(rows[0] == ["source", "label1", "p1", "label2", "p2", "warning"])
        #expect(
            rows[1][0] == "new.txt:1" && rows[1][1] == "pos" && rows[1][3] == "neg"
                && Double(rows[1][2])! > Double(rows[1][4])!)
        #expect(rows[1][5] == "")
        // No word the model knows: its prior, and it says so in the row and on standard error.
        #expect(rows[2][5] == "no known feature: the label is the model's prior", "\(rows[2])")
        #expect(tsv.err.contains("warning: 1 of 2 documents had no feature the model knows"))

        let j = try TestSupport.runTextpipe(
            ["predict", "--model", model, "--lines", "--json", "--threshold", "0.9", "new.txt"], in: root)
        let lines = j.out.split(separator: "\n")
        let first = try json(lines[0])
        let second = try json(lines[1])
        let top = try #require(first["top"] as? [[String: Any]])
        #expect(first["label"] as? String == "pos" && top.count == 1 && (top[0]["probability"] as! Double) >= 0.9)
        // Probabilities have at most 4 decimals.
        #expect(j.out.range(of: #"\d\.\d{5,}"#, options: .regularExpression) == nil, "\(j.out)")
        // Nothing reaches 0.9 for the unknown words: no label.
        #expect(second["label"] is NSNull && (second["top"] as? [Any])?.isEmpty == true && second["warning"] != nil)
        #expect(
            JSONValue.rounded(0.123456) == "0.1235" && JSONValue.rounded(1) == "1" && JSONValue.rounded(-0.00001) == "0"
        )

        let bad = try TestSupport.runTextpipe(["predict", "--model", model, "-k", "0", "new.txt"], in: root)
        #expect(bad.status == 2 && bad.err.contains("-k"))
        let badThreshold = try TestSupport.runTextpipe(
            ["predict", "--model", model, "--threshold", "1.5", "new.txt"], in: root)
        #expect(badThreshold.status == 2 && badThreshold.err.contains("--threshold"))
        let stream = try TestSupport.runTextpipe(
            ["predict", "--model", model, "--stdin"], in: root, stdin: "{\"id\": 1, \"text\": \"zzzz\"}\n")
        #expect(stream.status == 0 && stream.out.contains("\"warning\":\"no known feature"), "\(stream.out)")
    }

    @Test func testScoresLabelledFilesOfEveryFormat() throws {
        let root = Self.project
        let texts = [
            "wonderful brilliant superb fun", "awful dull boring", "great moving film", "tedious weak plot", "zzzz"
        ]
        let gold = ["pos", "neg", "pos", "neg", "pos"]
        TestSupport.write(
            "text,label\n" + zip(texts, gold).map { "\"\($0)\",\($1)" }.joined(separator: "\n") + "\n",
            to: root.appendingPathComponent("t.csv"))
        TestSupport.write(
            zip(texts, gold).map { "{\"body\": \"\($0)\", \"y\": \"\($1)\"}" }.joined(separator: "\n") + "\n",
            to: root.appendingPathComponent("t.jsonl"))
        // fastText lines; the last has two labels, one of which the model does not know.
        TestSupport.write(
            zip(texts, gold).map { "__label__\($1) \($0)" }.joined(separator: "\n")
                + "\n__label__pos __label__meh superb\n",
            to: root.appendingPathComponent("t.txt"))
        let model = "reports/demo/latest/models/best"
        // The reference: predict's own labels for the same texts.
        TestSupport.write(texts.joined(separator: "\n") + "\n", to: root.appendingPathComponent("texts.txt"))
        let predicted = try TestSupport.runTextpipe(["predict", "--model", model, "--lines", "texts.txt"], in: root).out
            .split(separator: "\n").dropFirst().map { String($0.split(separator: "\t")[1]) }
        let expected = Double(zip(predicted, gold).filter { $0 == $1 }.count) / Double(gold.count)

        let csv = try TestSupport.runTextpipe(["test", "--model", model, "t.csv", "--json"], in: root)
        #expect(csv.status == 0, "\(csv.err)")
        let c = try json(Substring(csv.out))
        #expect(c["n"] as? Int == 5 && abs((c["accuracy"] as! Double) - expected) < 1e-12)
        #expect(abs((c["precision_at_k"] as! Double) - expected) < 1e-12 && c["k"] as? Int == 1)
        #expect((c["per_class"] as? [[String: Any]])?.count == 2 && c["documents_without_known_features"] as? Int == 1)
        let jsonl = try TestSupport.runTextpipe(
            ["test", "--model", model, "t.jsonl", "--text-column", "body", "--label-column", "y", "--json"], in: root)
        #expect(jsonl.status == 0, "\(jsonl.err)")
        let accuracy = try json(Substring(jsonl.out))["accuracy"] as? Double
        #expect(abs((accuracy ?? -1) - expected) < 1e-12)

        // P@2 and R@2 on fastText lines: with two classes both are in the top 2, so every known gold label is
        // found: P@2 = 6 hits / (6 x 2), R@2 = 6 / 7 gold labels (meh is unknown).
        let ft = try TestSupport.runTextpipe(["test", "--model", model, "t.txt", "-k", "2"], in: root)
        #expect(ft.status == 0, "\(ft.err)")
        #expect(
            ft.out.contains("N\t6") && ft.out.contains("P@2\t0.5000")
                && ft.out.contains(String(format: "R@2\t%.4f", 6.0 / 7)), "\(ft.out)")
        #expect(
            ft.out.contains("precision") && ft.out.contains("\npos ")
                && ft.err.contains("labels the model does not know (scored as errors): meh (1)"))

        TestSupport.write("__label__pos fine\njust text without a label\n", to: root.appendingPathComponent("bad.txt"))
        let bad = try TestSupport.runTextpipe(["test", "--model", model, "bad.txt"], in: root)
        #expect(bad.status == 3 && bad.err.contains("bad.txt:2") && bad.err.contains("no label"), "\(bad.err)")
        let missingColumn = try TestSupport.runTextpipe(["test", "--model", model, "t.jsonl"], in: root)
        #expect(missingColumn.status == 3 && missingColumn.err.contains("t.jsonl"), "\(missingColumn.err)")
    }

    /// Bad input to the new commands: a clear error naming what is wrong, a non-zero exit, nothing written.
    @Test func badInputGetsClearErrors() throws {
        let root = makeProject(documentsPerClass: 20)
        TestSupport.write(
            """
            name: svm
            data:
              train: {path: corpus, format: folders}
            features: [onehot]
            classifiers: [linear_svm]
            evaluate: {cv: {folds: 2, seed: 1}}
            """, to: root.appendingPathComponent("pipelines/svm.yaml"))
        #expect(try TestSupport.runTextpipe(["run", "pipelines/svm.yaml", "--quiet"], in: root).status == 0)
        TestSupport.write("superb\n", to: root.appendingPathComponent("one.txt"))
        // A model with decision scores has no probabilities to threshold.
        let svm = try TestSupport.runTextpipe(
            ["predict", "--model", "reports/svm/latest/models/best", "--threshold", "0.5", "one.txt"], in: root)
        #expect(svm.status == 2 && svm.err.contains("--threshold") && svm.err.contains("decision scores"), "\(svm.err)")
        // test: a missing file, no files.
        let missing = try TestSupport.runTextpipe(
            ["test", "--model", "reports/svm/latest/models/best", "nope.txt"], in: root)
        #expect(missing.status == 4 && missing.err.contains("nope.txt"), "\(missing.err)")
        // report render: a folder without metrics.json.
        let render = try TestSupport.runTextpipe(["report", "render", "corpus"], in: root)
        #expect(render.status == 3 && render.err.contains("metrics.json"), "\(render.err)")
        // runs list and gc: no reports folder where they look.
        let elsewhere = TestSupport.temporaryDirectory("empty")
        let list = try TestSupport.runTextpipe(["runs", "list"], in: elsewhere)
        #expect(list.status == 2 && list.err.contains("--reports"), "\(list.err)")
        let gc = try TestSupport.runTextpipe(["gc", "--keep", "2"], in: elsewhere)
        #expect(gc.status == 2 && gc.err.contains("--reports"), "\(gc.err)")
    }
}
