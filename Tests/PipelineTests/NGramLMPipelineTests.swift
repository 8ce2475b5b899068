import Foundation
import Report
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// `ngram_lm` in a pipeline (issue 16): a feature set with `sequence: true` hands it the documents' tokens, a pair
/// without them is skipped with the reason, and the saved model predicts new text.
@Suite(.serialized) struct NGramLMPipelineTests {
    @Test func sequenceFeaturesFeedTheLanguageModelEndToEnd() throws {
        let root = makeProject(documentsPerClass: 40)
        TestSupport.write(
            """
            name: demo
            data:
              train: {path: corpus, format: folders}
            features:
              - onehot: {name: words, sequence: true}
              - ngram: {name: plain, n: [1, 2]}
            classifiers:
              - ngram_lm: {order: 2}
              - ngram_lm: {name: chars, unit: char, order: 4}
              - multinomial_nb
            evaluate: {cv: {folds: 3, seed: 1}}
            report: {out: reports/demo, formats: [md, json]}
            """, to: root.appendingPathComponent("pipelines/demo.yaml"))
        let result = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--quiet"], in: root)
        #expect(result.status == 0, "\(result.err)")
        let report = try RunReport.decode(
            Data(contentsOf: root.appendingPathComponent("reports/demo/latest/metrics.json")))
        let lm = try #require(report.results.first { $0.features == "words" && $0.classifier == "ngram_lm" })
        let chars = try #require(report.results.first { $0.features == "words" && $0.classifier == "chars" })
        let nb = try #require(report.results.first { $0.features == "words" && $0.classifier == "multinomial_nb" })
        // The toy corpus separates its classes by their own words: every model learns it.
        #expect(
            lm.accuracy > 0.85 && chars.accuracy > 0.85 && nb.accuracy > 0.85,
            "\(lm.accuracy) \(chars.accuracy) \(nb.accuracy)")
        #expect(lm.family == "generative")
        // Without sequences the language models are skipped, saying what to give them.
        let skipped = (report.skipped ?? []).filter { $0.features == "plain" }
        #expect(Set(skipped.map(\.classifier)) == ["ngram_lm", "chars"])
        #expect(skipped.allSatisfy { $0.reason.contains("sequence: true") })
        // The saved model reads raw text: the featurizer keeps the sequence for predict too.
        let input = root.appendingPathComponent("new.txt")
        TestSupport.write("wonderful brilliant superb film\nawful boring dull plot\n", to: input)
        let predicted = try TestSupport.runTextpipe(
            ["predict", "--model", "reports/demo/latest/models/words__ngram_lm", "--lines", input.path], in: root)
        #expect(predicted.status == 0, "\(predicted.err)")
        let labels = predicted.out.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
        #expect(labels.map { $0.count > 1 ? $0[1] : "" } == ["pos", "neg"], "\(predicted.out)")
    }

    /// The three models of issue 16 are ordinary members: searched by nested CV, reported, saved and used by predict.
    @Test func theNewModelsAreSearchedReportedAndPredict() throws {
        let root = makeProject(documentsPerClass: 30)
        TestSupport.write(
            """
            name: demo
            data:
              train: {path: corpus, format: folders}
            features:
              - ngram: {name: words, sequence: true}
            classifiers:
              - ngram_lm: {order: [1, 2]}
              - fasttext: {dim: [8, 16], epochs: 5, lr: 0.5}
              - mlp: {hidden: [4, 8], max_epochs: 20}
            evaluate: {cv: {folds: 2, seed: 1}}
            search: {inner_folds: 2}
            report: {out: reports/demo, formats: [md, json]}
            """, to: root.appendingPathComponent("pipelines/demo.yaml"))
        let result = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--quiet"], in: root)
        #expect(result.status == 0, "\(result.err)")
        let report = try RunReport.decode(
            Data(contentsOf: root.appendingPathComponent("reports/demo/latest/metrics.json")))
        let keys = Dictionary(uniqueKeysWithValues: report.results.map { ($0.classifier, $0.search?.keys ?? []) })
        #expect(keys == ["ngram_lm": ["order"], "fasttext": ["dim"], "mlp": ["hidden"]], "\(keys)")
        #expect(report.results.first { $0.classifier == "ngram_lm" }?.family == "generative")
        #expect(report.results.filter { $0.family == "discriminative" }.count == 2)
        for model in ["words__fasttext", "words__mlp"] {
            let p = try TestSupport.runTextpipe(
                ["predict", "--model", "reports/demo/latest/models/\(model)", "--json", "-"], in: root,
                stdin: "superb brilliant wonderful fun")
            #expect(p.status == 0, "\(model): \(p.err)")
            #expect(p.out.contains("\"label\""), "\(model): \(p.out)")
        }
    }

    /// Settings the new models cannot take are refused when the spec is read, naming the line and key.
    @Test(arguments: [
        ("ngram_lm: {order: 7}", "order is 1 to 6"),
        ("ngram_lm: {smoothing: kneser_ney, order: 1}", "kneser_ney needs order >= 2"),
        ("ngram_lm: {smoothing: absolute, discount: 1.5}", "discount is below 1"),
        ("fasttext: {dim: 5000}", "dim is at most 4096"),
        ("fasttext: {threads: 65}", "threads is at most 64"),
        ("mlp: {dropout: 1}", "dropout is below 1"),
        ("mlp: {early_stopping: true, validation_fraction: 0}", "0 < validation_fraction < 1")
    ])
    func badSettingsNameTheirLine(_ entry: String, _ message: String) throws {
        let yaml = """
            name: s
            data: {dataset: polarity-sentences}
            features:
              - onehot: {sequence: true}
            classifiers:
              - \(entry)
            """
        do {
            _ = try SpecDecoder.decode(yaml, file: "s.yaml")
            Issue.record("\(entry) was accepted")
        } catch let e as TextpipeError {
            #expect(e.line == 6 && e.message.contains(message) && e.exitCode == 2, "\(e)")
        }
    }
}
