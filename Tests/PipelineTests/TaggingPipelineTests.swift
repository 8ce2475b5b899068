import Foundation
import Report
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// `task: tagging` end to end through the command line: own CoNLL files, scheme conversion, every tagger kind,
/// the report, the cache, and the errors a user meets.
@Suite(.serialized) struct TaggingPipelineTests {
    /// A small NER corpus in CoNLL columns (word POS tag), IOB1 as CoNLL-2003 wrote it.
    static func conll(_ count: Int, seed: UInt64) -> String {
        var rng = Xoshiro256StarStar(seed: seed)
        let people = ["John Smith", "Mary", "Ann Lee"]
        let places = ["Paris", "New York", "Berlin"]
        let orgs = ["Acme Corp", "UN"]
        var out = "-DOCSTART- -X- O O\n\n"
        for _ in 0..<count {
            func entity(_ names: [String], _ type: String) -> String {
                names[Int(rng.next() % UInt64(names.count))].split(separator: " ").map { "\($0) NNP I-\(type)\n" }
                    .joined()
            }
            switch rng.next() % 3 {
            case 0: out += entity(people, "PER") + "visited VBD O\n" + entity(places, "LOC") + ". . O\n\n"
            case 1: out += entity(people, "PER") + "works VBZ O\nfor IN O\n" + entity(orgs, "ORG") + ". . O\n\n"
            default: out += "the DT O\n" + entity(orgs, "ORG") + "office NN O\nin IN O\n" + entity(places, "LOC") + "\n"
            }
        }
        return out
    }

    static let spec = """
        name: ner
        task: tagging
        data:
          train: {path: train.conll, format: conll}
          test: {path: test.conll, format: conll}
          scheme: iob1
          convert_to: iobes
        features: {kind: words, window: 1, affixes: 3}
        taggers:
          - hmm
          - token_classifier: {classifier: multinomial_nb}
          - perceptron: {epochs: 5}
          - crf: {max_iterations: 40}
        evaluate: {error_examples: 2}
        report: {out: reports/ner}
        """

    func project() -> URL {
        let root = TestSupport.temporaryDirectory()
        TestSupport.write(Self.conll(150, seed: 1), to: root.appendingPathComponent("train.conll"))
        TestSupport.write(Self.conll(40, seed: 2), to: root.appendingPathComponent("test.conll"))
        TestSupport.write(Self.spec, to: root.appendingPathComponent("ner.yaml"))
        return root
    }

    @Test func runsEveryTaggerAndReports() throws {
        let root = project()
        let run = try TestSupport.runTextpipe(["run", "ner.yaml"], in: root)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("crf") && run.out.contains("chunk F1") && run.out.contains("report: "), "\(run.out)")
        let latest = root.appendingPathComponent("reports/ner/latest")
        let report = try TaggingRunReport.decode(Data(contentsOf: latest.appendingPathComponent("metrics.json")))
        #expect(report.kind == "tagging" && report.results.count == 4)
        #expect(report.dataset.modelScheme == "iobes" && report.dataset.fileScheme == "iob1")
        #expect(report.dataset.tags.keys.contains("S-LOC") && report.dataset.tags.keys.contains("E-PER"))
        for r in report.results where r.kind != "hmm" { #expect((r.metrics.chunks?.f1 ?? 0) > 0.95, "\(r.name)") }
        let sig = try #require(report.significance)
        #expect(
            sig.models.count == 4 && sig.test == "paired bootstrap over sentences"
                && sig.sentence.contains("paired bootstrap"))
        for r in report.results {
            let i = try #require(r.headlineInterval)
            #expect(i.low <= r.headline && r.headline <= i.high, "\(r.name)")
        }
        #expect(report.results.first { $0.kind == "hmm" }?.family == "generative")
        let html = try String(contentsOf: latest.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("chunk F1") && html.contains("<svg") && html.contains("PER"))
        let md = try String(contentsOf: latest.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(md.contains("| # | tagger | family |"))
        // The saved taggers tag new text from the command line.
        let crf = "reports/ner/latest/models/crf"
        let tagged = try TestSupport.runTextpipe(
            ["tag", "--model", crf, "-"], in: root, stdin: "Mary visited Berlin .\nAnn Lee works for UN .\n")
        #expect(tagged.status == 0, "\(tagged.err)")
        #expect(
            tagged.out == "Mary/S-PER visited/O Berlin/S-LOC ./O\nAnn/B-PER Lee/E-PER works/O for/O UN/S-ORG ./O\n",
            "\(tagged.out)")
        let conll = try TestSupport.runTextpipe(
            ["tag", "--model", "reports/ner/latest/models/hmm", "--input", "conll", "--output", "conll", "test.conll"],
            in: root)
        #expect(
            conll.status == 0 && conll.out.hasPrefix("the\tO\n") && conll.out.contains("\n\n"),
            "\(conll.out.prefix(80))")
        let missing = try TestSupport.runTextpipe(
            ["tag", "--model", "reports/ner/latest/models/nope", "-"], in: root, stdin: "x\n")
        #expect(missing.status == 3 && missing.err.contains("no tagger.json"))
        let wrong = try TestSupport.runTextpipe(
            ["tag", "--model", crf, "--output", "segmented", "-"], in: root, stdin: "x\n")
        #expect(wrong.status == 2 && wrong.err.contains("segmentation tagger"))
        // --only ingest writes the sentences as read and converted.
        let inspect = try TestSupport.runTextpipe(["run", "ner.yaml", "--only", "ingest"], in: root)
        #expect(inspect.status == 0 && inspect.out.hasSuffix("inspect/sentences.jsonl\n"), "\(inspect.out)")
        let first = try String(
            contentsOf: root.appendingPathComponent("reports/ner/inspect/sentences.jsonl"), encoding: .utf8
        ).split(separator: "\n")[0]
        let parsed = try JSONSerialization.jsonObject(with: Data(first.utf8)) as! [String: Any]
        #expect(
            parsed["part"] as? String == "train"
                && (parsed["tags"] as? [String])?.contains { $0.hasPrefix("S-") || $0.hasPrefix("E-") } == true)
        // Nothing changed: every stage is cached.
        let again = try TestSupport.runTextpipe(["run", "ner.yaml"], in: root)
        #expect(again.status == 0 && again.err.contains("nothing changed"), "\(again.err)")
    }

    /// The per-token classifier with word vectors (a word2vec text file) and with BERT word vectors (the
    /// committed tiny random BERT) appended to its window features.
    @Test func tokenClassifierWithWordAndBertVectors() throws {
        let root = project()
        var vectors = "8 3\n"
        for (i, w) in ["john", "smith", "mary", "paris", "berlin", "acme", "corp", "visited"].enumerated() {
            vectors += "\(w) \(Double(i) / 8) \(i % 2) \(i < 4 ? 1 : 0)\n"
        }
        TestSupport.write(vectors, to: root.appendingPathComponent("vectors.txt"))
        let bert = TestSupport.projectRoot.appendingPathComponent("Tests/FeaturizeTests/Fixtures/tiny-bert").path
        TestSupport.write(
            Self.spec.replacingOccurrences(
                of: """
                      - hmm
                      - token_classifier: {classifier: multinomial_nb}
                      - perceptron: {epochs: 5}
                      - crf: {max_iterations: 40}
                    """,
                with: """
                      - token_classifier: {name: w2v, classifier: logistic, vectors: {word2vec: vectors.txt}}
                      - token_classifier: {name: bert, classifier: linear_svm, vectors: {bert: \(bert), max_length: 64}}
                    """), to: root.appendingPathComponent("vectors.yaml"))
        let run = try TestSupport.runTextpipe(["run", "vectors.yaml"], in: root)
        #expect(run.status == 0, "\(run.err)")
        let report = try TaggingRunReport.decode(
            Data(contentsOf: root.appendingPathComponent("reports/ner/latest/metrics.json")))
        #expect(report.results.map(\.name) == ["w2v", "bert"] || report.results.map(\.name) == ["bert", "w2v"])
        for r in report.results {
            #expect(Int(r.trainingSummary["columns"] ?? "0")! > 0 && (r.metrics.chunks?.f1 ?? 0) > 0.9, "\(r.name)")
            #expect(r.description.contains("vectors"))
        }
        // The vector columns are really there: 3 more columns than attributes with the word vectors, 32 with BERT.
        for (name, extra) in [("w2v", 3), ("bert", 32)] {
            let s = report.results.first { $0.name == name }!.trainingSummary
            #expect(Int(s["columns"]!)! == Int(s["attributes"]!)! + extra, "\(name)")
        }
        TestSupport.write(
            Self.spec.replacingOccurrences(
                of: "  - hmm\n",
                with: "  - token_classifier: {classifier: logistic, vectors: {word2vec: missing.txt}}\n"),
            to: root.appendingPathComponent("missing.yaml"))
        let missing = try TestSupport.runTextpipe(["run", "missing.yaml"], in: root)
        #expect(missing.status == 2 && missing.err.contains("missing.txt"), "\(missing.err)")
    }

    @Test func badFilesAndSpecsExitWithTheirCodes() throws {
        let root = project()
        TestSupport.write("EU NNP I-ORG\nrejects\n", to: root.appendingPathComponent("train.conll"))
        let bad = try TestSupport.runTextpipe(["run", "ner.yaml"], in: root)
        #expect(bad.status == 3 && bad.err.contains("train.conll:2"), "\(bad.err)")
        TestSupport.write(
            Self.spec.replacingOccurrences(of: "- perceptron", with: "- perceptrn"),
            to: root.appendingPathComponent("typo.yaml"))
        let typo = try TestSupport.runTextpipe(["validate", "typo.yaml"], in: root)
        #expect(typo.status == 2 && typo.err.contains("did you mean 'perceptron'"))
        TestSupport.write(
            Self.spec.replacingOccurrences(of: "scheme: iob1", with: "scheme: bio"),
            to: root.appendingPathComponent("scheme.yaml"))
        let scheme = try TestSupport.runTextpipe(["validate", "scheme.yaml"], in: root)
        #expect(scheme.status == 2 && scheme.err.contains("iob2"))
        TestSupport.write(
            Self.spec.replacingOccurrences(of: "convert_to: iobes", with: "convert_to: none"),
            to: root.appendingPathComponent("none.yaml"))
        #expect(try TestSupport.runTextpipe(["validate", "none.yaml"], in: root).err.contains("no chunks to convert"))
        let ok = try TestSupport.runTextpipe(["validate", "ner.yaml"], in: root)
        #expect(
            ok.status == 0 && ok.out.contains("task: tagging")
                && ok.out.contains("taggers: hmm, token_multinomial_nb, perceptron, crf"))
    }

    /// Tagging runs are compared with the previous run as classification runs are: a "since the previous run" section
    /// in the report (headline metric and token accuracy), `--fail-on-regression` exits 6 on a drop, `report diff`
    /// compares two tagging runs (and refuses a classification run against a tagging run), and going back to an
    /// older configuration repoints `latest` at its cached report without a false regression.
    @Test func runToRunComparisonAndRegressions() throws {
        let root = project()
        let good = try TestSupport.runTextpipe(["run", "ner.yaml"], in: root)
        #expect(good.status == 0, "\(good.err)")
        let goodRun = try FileManager.default.destinationOfSymbolicLink(
            atPath: root.appendingPathComponent("reports/ner/latest").path)
        // A much weaker CRF: one iteration instead of forty.
        TestSupport.write(
            Self.spec.replacingOccurrences(of: "max_iterations: 40", with: "max_iterations: 1"),
            to: root.appendingPathComponent("ner.yaml"))
        let worse = try TestSupport.runTextpipe(["run", "ner.yaml", "--fail-on-regression"], in: root)
        #expect(worse.status == 6, "\(worse.err)")
        #expect(worse.err.contains("regression: crf (chunk F1 fell by more than"), "\(worse.err)")
        let worseRun = try FileManager.default.destinationOfSymbolicLink(
            atPath: root.appendingPathComponent("reports/ner/latest").path)
        #expect(worseRun != goodRun)
        let md = try String(contentsOf: root.appendingPathComponent("reports/ner/latest/report.md"), encoding: .utf8)
        #expect(
            md.contains("## Since the previous run") && md.contains("Compared with run `\(goodRun)`")
                && md.contains("chunk F1 % | Δ"))
        #expect(
            try String(contentsOf: root.appendingPathComponent("reports/ner/latest/report.html"), encoding: .utf8)
                .contains("Since the previous run"))
        let metrics = try TaggingRunReport.decode(
            try Data(contentsOf: root.appendingPathComponent("reports/ner/latest/metrics.json")))
        #expect(metrics.previous?.regressions == ["crf"] && metrics.previous?.metric == "chunk F1")
        // The same header as classification reports: spec text, input hashes, stage timings with the total.
        #expect(
            metrics.specText?.contains("task: tagging") == true && metrics.inputs?.keys.contains("train.conll") == true)
        #expect(md.contains("<summary>Spec</summary>") && md.contains("| **total** |"))
        // report diff between the two tagging runs.
        let diff = try TestSupport.runTextpipe(
            ["report", "diff", "reports/ner/\(goodRun)", "reports/ner/\(worseRun)", "--fail-on-regression"], in: root)
        #expect(
            diff.status == 6 && diff.out.contains("chunk F1") && diff.out.contains("REGRESSION"),
            "\(diff.out)\(diff.err)")
        // Back to the first configuration: its cached report is shown, `latest` points at it, no regression.
        TestSupport.write(Self.spec, to: root.appendingPathComponent("ner.yaml"))
        let back = try TestSupport.runTextpipe(["run", "ner.yaml", "--fail-on-regression"], in: root)
        #expect(back.status == 0, "\(back.err)")
        #expect(
            try FileManager.default.destinationOfSymbolicLink(
                atPath: root.appendingPathComponent("reports/ner/latest").path) == goodRun)
        let again = try TestSupport.runTextpipe(["run", "ner.yaml", "--fail-on-regression"], in: root)
        #expect(again.status == 0 && again.out.contains("nothing changed"), "\(again.out)\(again.err)")
        // A classification run and a tagging run are not comparable.
        let documents = makeProject(documentsPerClass: 10)
        #expect(try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: documents).status == 0)
        let mixed = try TestSupport.runTextpipe(
            ["report", "diff", documents.appendingPathComponent("reports/demo/latest").path, "reports/ner/latest"],
            in: root)
        #expect(
            mixed.status == 2 && mixed.err.contains("one run is a classification run and the other a tagging run"),
            "\(mixed.err)")
    }

    /// One saved-model format: a tagger folder given to `predict` (or a classifier folder to `tag`) is named for what
    /// it is, with the command that reads it; a header without `format_version` is version 1; a newer one is refused.
    @Test func savedModelsSayWhatTheyAre() throws {
        let root = project()
        #expect(try TestSupport.runTextpipe(["run", "ner.yaml"], in: root).status == 0)
        let hmm = "reports/ner/latest/models/hmm"
        let predict = try TestSupport.runTextpipe(
            ["predict", "--model", hmm, "-"], in: root, stdin: "Mary visited Berlin\n")
        #expect(
            predict.status == 2 && predict.err.contains("holds a saved tagger")
                && predict.err.contains("textpipe tag --model"), "\(predict.err)")
        let documents = makeProject(documentsPerClass: 10)
        #expect(try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: documents).status == 0)
        let classifier = documents.appendingPathComponent("reports/demo/latest/models/onehot__multinomial_nb").path
        let tag = try TestSupport.runTextpipe(
            ["tag", "--model", classifier, "-"], in: root, stdin: "Mary visited Berlin\n")
        #expect(
            tag.status == 2 && tag.err.contains("holds a saved classifier")
                && tag.err.contains("textpipe predict --model"), "\(tag.err)")
        // The format version: written, optional when reading (version 1), refused when newer.
        let header = root.appendingPathComponent(hmm).appendingPathComponent("tagger.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: header)) as? [String: Any])
        #expect(json["format_version"] as? Int == 1)
        json["format_version"] = nil
        try JSONSerialization.data(withJSONObject: json).write(to: header)
        #expect(
            try TestSupport.runTextpipe(["tag", "--model", hmm, "-"], in: root, stdin: "Mary visited Berlin\n").status
                == 0)
        json["format_version"] = 2
        try JSONSerialization.data(withJSONObject: json).write(to: header)
        let newer = try TestSupport.runTextpipe(["tag", "--model", hmm, "-"], in: root, stdin: "Mary visited Berlin\n")
        #expect(newer.status != 0 && newer.err.contains("model format 2 is newer"), "\(newer.err)")
    }
}
