import Foundation
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// `validate` checks what `run` would fail on and reports every error at once; a spec's relative paths resolve
/// against its project folder, so cron (current directory `$HOME`) writes where a run from the project does.
@Suite(.serialized) struct ValidateTests {
    /// A project with a CSV training file and a spec in `pipelines/`.
    func project(_ spec: String) -> URL {
        let root = TestSupport.temporaryDirectory("validate")
        TestSupport.write(
            "text,label\n\"a good film\",pos\n\"a bad film\",neg\n\"good fun\",pos\n\"dull and bad\",neg\n",
            to: root.appendingPathComponent("data/train.csv"))
        TestSupport.write("{\"body\": \"good\", \"y\": \"pos\"}\n", to: root.appendingPathComponent("data/train.jsonl"))
        TestSupport.write(spec, to: root.appendingPathComponent("pipelines/p.yaml"))
        return root
    }

    @Test func everyErrorAtOnceInLineOrderFromAnyDirectory() throws {
        let root = project(
            """
            name: p
            data:
              train: {path: data/train.csv, format: csv, text_column: body}
              test: {path: data/missing.csv, format: csv}
            featurs: []
            features:
              - ngram: {n: [1, 2], weightin: tf}
              - bert: {model: not-a-model}
            classifiers:
              - multinomial_nb: {alpha: -1}
              - linear_svmm
            evaluate: {cv: {folds: 1}}
            """)
        let elsewhere = TestSupport.temporaryDirectory("home")
        let r = try TestSupport.runTextpipe(
            ["validate", root.appendingPathComponent("pipelines/p.yaml").path], in: elsewhere)
        #expect(r.status == 2, "\(r.err)")
        let errors = r.err.split(separator: "\n").filter { $0.contains("error: ") }
        let lines = errors.compactMap { e in
            e.range(of: #"p\.yaml:(\d+):"#, options: .regularExpression).map { Int(e[$0].dropFirst(7).dropLast())! }
        }
        #expect(lines == [3, 4, 5, 7, 8, 10, 11, 12], "\(r.err)")
        for needle in [
            "no column 'body' (columns: text, label)", "missing.csv: no such file or folder", "unknown key 'featurs'",
            "unknown key 'weightin'", "model 'not-a-model' is neither a known checkpoint",
            "alpha must be in (0, 1000000], got -1.0",
            "unknown classifier 'linear_svmm'", "must be at least 2"
        ] {
            #expect(r.err.contains(needle), "\(needle)")
        }
        #expect(r.err.contains("p.yaml: 8 errors"))
    }

    @Test func onlyDataErrorsExitThreeAndJSONLinesFieldsAreChecked() throws {
        let root = project(
            """
            name: p
            data:
              train: {path: data/train.jsonl, format: jsonl, text_column: text, label_column: y}
            features: [onehot]
            classifiers: [multinomial_nb]
            """)
        let r = try TestSupport.runTextpipe(["validate", "pipelines/p.yaml"], in: root)
        #expect(r.status == 3 && r.err.contains("no string field 'text'") && r.err.contains("p.yaml:3:"), "\(r.err)")
    }

    @Test func aTabSaysTab() throws {
        let root = project("name: p\ndata:\n\tdataset: polarity-sentences\n")
        let r = try TestSupport.runTextpipe(["validate", "pipelines/p.yaml"], in: root)
        #expect(r.status == 2 && r.err.contains("p.yaml:3: a tab character in the indentation"), "\(r.err)")
    }

    @Test func aValidSpecShowsSkippedPairsAndThePlanSize() throws {
        let root = project(
            """
            name: p
            data:
              train: {path: data/train.csv, format: csv}
            features: [onehot]
            classifiers: [multinomial_nb, gaussian_nb]
            evaluate: {cv: {folds: 2, seed: 1}}
            """)
        let r = try TestSupport.runTextpipe(
            ["validate", "pipelines/p.yaml"], in: TestSupport.temporaryDirectory("home"))
        #expect(
            r.status == 2 && r.err.contains("cannot read spec"),
            "a relative spec path is relative to the current directory")
        let v = try TestSupport.runTextpipe(
            ["validate", root.appendingPathComponent("pipelines/p.yaml").path],
            in: TestSupport.temporaryDirectory("home"))
        #expect(v.status == 0, "\(v.err)")
        #expect(
            v.out.contains("valid") && v.out.contains("root: \(root.standardizedFileURL.path)")
                && v.out.contains("folds: 2"))
        #expect(v.out.contains("data.train: data/train.csv: 4 records"), "\(v.out)")
        #expect(v.out.range(of: #"plan: \d+ units, \d+ would run now"#, options: .regularExpression) != nil, "\(v.out)")
        #expect(v.out.contains("warning: onehot + gaussian_nb will be skipped"))
        // --root puts the data elsewhere: a root without data/train.csv makes it an error.
        let other = TestSupport.temporaryDirectory("other-root")
        let moved = try TestSupport.runTextpipe(["validate", "pipelines/p.yaml", "--root", other.path], in: root)
        #expect(
            moved.status == 3 && moved.err.contains("\(other.standardizedFileURL.path)/data/train.csv: no such file"),
            "\(moved.err)")
    }

    @Test func cronFromHomeWritesWhereTheProjectRunDoes() throws {
        let root = makeProject(documentsPerClass: 20)
        let home = TestSupport.temporaryDirectory("home")
        let spec = root.appendingPathComponent("pipelines/demo.yaml").path
        let cron = try TestSupport.runTextpipe(["run", spec, "--quiet"], in: home)
        #expect(cron.status == 0, "\(cron.err)")
        #expect(
            FileManager.default.fileExists(atPath: root.appendingPathComponent("reports/demo/latest/report.html").path))
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("reports").path))
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("data").path))
        // The same run from the project folder finds everything cached: the same work folder.
        let local = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root)
        #expect(local.status == 0 && local.out.contains("nothing changed"), "\(local.out)")
        #expect(PipelineSpec.projectFolder(forSpecAt: "/a/b/pipelines/x.yaml").path == "/a/b")
        #expect(PipelineSpec.projectFolder(forSpecAt: "/a/b/x.yaml").path == "/a/b")
    }
}
