import Classify
import Foundation
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// Every class of spec error names the file, the line and the accepted keys or values.
@Suite struct SpecErrorTests {
    let valid = """
        name: demo
        data:
          train: {path: data/train, format: folders}
        features:
          - ngram: {n: [1, 2], weighting: tfidf, min_df: 2}
        classifiers:
          - multinomial_nb: {alpha: 0.5}
          - softmax: {l2: 2}
        evaluate: {cv: {folds: 5, seed: 3}}
        """

    func error(_ yaml: String) -> TextpipeError? {
        do {
            _ = try SpecDecoder.decode(yaml, file: "spec.yaml")
            return nil
        } catch let e as TextpipeError { return e } catch { return nil }
    }

    @Test func validSpecDecodes() throws {
        let s = try SpecDecoder.decode(valid, file: "spec.yaml")
        #expect(s.name == "demo")
        #expect(s.classification?.features.map(\.name) == ["ngram"])
        #expect(s.classification?.classifiers.map(\.name) == ["multinomial_nb", "softmax"])
        #expect(s.classification?.evaluation == .crossValidation(folds: 5, seed: 3))
        #expect(s.report.out == "reports/demo")
        #expect(s.classification?.data.train[0].labelColumn == nil)
    }

    /// Learning curves and report options: decoded, and every bad value named with its line.
    @Test func learningCurveAndReportOptions() throws {
        let withCurve = valid.replacingOccurrences(
            of: "evaluate: {cv: {folds: 5, seed: 3}}",
            with:
                "evaluate: {cv: {folds: 5, seed: 3}, learning_curve: {sizes: [0.1, 0.5, 1.0], repeats: 2}}\nreport: {regression_threshold: 0.02, misclassified_examples: 3}"
        )
        let s = try SpecDecoder.decode(withCurve, file: "spec.yaml")
        #expect(
            s.classification?.learningCurve?.sizes == [0.1, 0.5, 1.0] && s.classification?.learningCurve?.repeats == 2
                && s.classification?.evaluation == .crossValidation(folds: 5, seed: 3))
        #expect(s.report.regressionThreshold == 0.02 && s.report.misclassifiedExamples == 3)
        let shrinking = try #require(error(withCurve.replacingOccurrences(of: "[0.1, 0.5, 1.0]", with: "[0.5, 0.1]")))
        #expect(shrinking.line == 9 && shrinking.message.contains("must grow"))
        let tooBig = try #require(error(withCurve.replacingOccurrences(of: "[0.1, 0.5, 1.0]", with: "[0.1, 1.5]")))
        #expect(tooBig.message.contains("(0, 1]"))
        let typo = try #require(error(withCurve.replacingOccurrences(of: "repeats: 2", with: "repeat: 2")))
        #expect(typo.message.contains("did you mean 'repeats'"))
        let threshold = try #require(
            error(withCurve.replacingOccurrences(of: "regression_threshold: 0.02", with: "regression_threshold: 5")))
        #expect(threshold.line == 10 && threshold.message.contains("regression_threshold must be in [0, 1), got 5.0"))
    }

    /// Tagging specs: their own keys, and the mistakes a user makes with them.
    @Test func taggingSpecErrors() throws {
        let tagging = """
            name: ner
            task: tagging
            data:
              train: {path: train.conll, format: conll}
              scheme: iob2
            taggers: [hmm, {crf: {c2: 0.5}}, {token_classifier: {classifier: {logistic: {C: 2}}}}]
            """
        let s = try SpecDecoder.decode(tagging, file: "t.yaml")
        #expect(s.tagging?.taggers.map(\.name) == ["hmm", "crf", "token_logistic"] && s.tagging?.testFraction == 0.1)
        let noScheme = try #require(error(tagging.replacingOccurrences(of: "  scheme: iob2\n", with: "")))
        #expect(noScheme.line == 4 && noScheme.message.contains("missing required key 'scheme'"))
        let dataset = try #require(
            error(
                tagging.replacingOccurrences(
                    of: "  train: {path: train.conll, format: conll}\n  scheme: iob2",
                    with: "  dataset: peoples-daily-sgm")))
        #expect(dataset.message.contains("did you mean 'peoples-daily-seg'"))
        let format = try #require(error(tagging.replacingOccurrences(of: "format: conll", with: "format: conl")))
        #expect(format.message.contains("conllu") && format.line == 4)
        let task = try #require(error(tagging.replacingOccurrences(of: "task: tagging", with: "task: tag")))
        #expect(task.line == 2 && task.message.contains("classification or tagging"))
        let classifierKey = try #require(
            error(
                tagging.replacingOccurrences(of: "features", with: "features").replacingOccurrences(
                    of: "taggers:", with: "classifiers:")))
        #expect(classifierKey.message.contains("unknown key 'classifiers'"))
        let order = try #require(error(tagging.replacingOccurrences(of: "[hmm,", with: "[{hmm: {order: 3}},")))
        #expect(order.message.contains("order is 1 or 2"))
    }

    @Test func typoedKeyNamesLineAndSuggests() throws {
        let e = try #require(error(valid.replacingOccurrences(of: "evaluate:", with: "evalute:")))
        #expect(e.file == "spec.yaml" && e.line == 9)
        #expect(e.message.contains("unknown key 'evalute'") && e.message.contains("did you mean 'evaluate'"))
        #expect(e.message.contains("accepted keys: name, data"))
    }

    @Test func typoInNestedSettings() throws {
        let e = try #require(error(valid.replacingOccurrences(of: "min_df: 2", with: "mindf: 2")))
        #expect(e.line == 5)
        #expect(e.key == "features[0].ngram.mindf")
        #expect(e.message.contains("min_df"))
    }

    @Test func wrongTypeNamesTheKey() throws {
        let e = try #require(error(valid.replacingOccurrences(of: "alpha: 0.5", with: "alpha: lots")))
        #expect(e.line == 7 && e.key == "classifiers[0].multinomial_nb.alpha")
        #expect(e.message.contains("expected a number"))
        let f = try #require(error(valid.replacingOccurrences(of: "folds: 5", with: "folds: [5]")))
        #expect(f.message.contains("expected an integer") && f.line == 9)
    }

    @Test func unknownClassifierListsAcceptedValues() throws {
        let e = try #require(error(valid.replacingOccurrences(of: "- softmax: {l2: 2}", with: "- softmx: {l2: 2}")))
        #expect(e.line == 8)
        #expect(e.message.contains("unknown classifier 'softmx'") && e.message.contains("did you mean 'softmax'"))
        #expect(
            e.message.contains(
                "accepted values: multinomial_nb, bernoulli_nb, complement_nb, gaussian_nb, normal_bayes, softmax, logistic, linear_svm, decision_tree, nbsvm"
            ))
    }

    @Test func unknownEnumValueAndFeatureSet() throws {
        let e = try #require(error(valid.replacingOccurrences(of: "weighting: tfidf", with: "weighting: tf-idf")))
        #expect(e.message.contains("accepted values: tf, tfidf, binary"))
        let f = try #require(error(valid.replacingOccurrences(of: "- ngram:", with: "- bigrams:")))
        #expect(f.message.contains("unknown feature set 'bigrams'") && f.message.contains("onehot, ngram"))
        let g = try #require(error(valid.replacingOccurrences(of: "format: folders", with: "format: excel")))
        #expect(g.message.contains("folders, csv, tsv, jsonl, lines, xml") && g.line == 3)
    }

    @Test func unknownDatasetAndConflicts() throws {
        let e = try #require(
            error(
                valid.replacingOccurrences(
                    of: "train: {path: data/train, format: folders}", with: "dataset: polarity-sentence")))
        #expect(e.message.contains("did you mean 'polarity-sentences'") && e.line == 3)
        let f = try #require(
            error(valid.replacingOccurrences(of: "  train:", with: "  dataset: spam-apache\n  train:")))
        #expect(f.message.contains("not both"))
    }

    @Test func missingRequiredKeysAndBadValues() throws {
        #expect(try #require(error("name: x\n")).message.contains("missing required key 'data'"))
        #expect(
            try #require(error(valid.replacingOccurrences(of: "name: demo\n", with: ""))).message.contains("'name'"))
        #expect(
            try #require(error(valid.replacingOccurrences(of: ", format: folders", with: ""))).message.contains(
                "'format'"))
        #expect(
            try #require(error(valid.replacingOccurrences(of: "folds: 5", with: "folds: 1"))).message.contains(
                "at least 2"))
        #expect(
            try #require(error(valid.replacingOccurrences(of: "min_df: 2", with: "min_df: 1.5"))).message.contains(
                "fraction"))
        #expect(try #require(error(valid + "\nseed: -4")).message.contains("at least 0"))
        #expect(
            try #require(
                error(
                    valid.replacingOccurrences(
                        of: "evaluate: {cv: {folds: 5, seed: 3}}", with: "evaluate: {given_test: true}"))
            ).message.contains("needs a test set"))
    }

    @Test func invalidYAMLAndDuplicateKeys() throws {
        let e = try #require(error("name: x\ndata: [unclosed\n"))
        #expect(e.message.contains("invalid YAML") && e.line != nil)
        let f = try #require(error(valid + "\nname: again"))
        #expect(f.message.contains("appears twice") || f.message.contains("invalid YAML"))
        #expect(try #require(error("")).message.contains("empty"))
    }

    @Test func repeatedNamesAreMadeUnique() throws {
        let s = try SpecDecoder.decode(
            valid.replacingOccurrences(
                of: "  - softmax: {l2: 2}", with: "  - softmax: {l2: 2}\n  - softmax: {l2: 0.1}"), file: "s")
        #expect(s.classification?.classifiers.map(\.name) == ["multinomial_nb", "softmax", "softmax-2"])
    }

    @Test func everyShippedPipelineValidates() throws {
        let dir = TestSupport.projectRoot.appendingPathComponent("pipelines")
        let specs = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }
        #expect(!specs.isEmpty)
        for s in specs { _ = try SpecDecoder.load(path: dir.appendingPathComponent(s).path) }
    }
}

@Suite struct ClassifierSpecTests {
    func decode(_ classifiers: String) throws -> PipelineSpec {
        try SpecDecoder.decode(
            """
            name: x
            data: {train: {path: d, format: folders}}
            features: [onehot]
            classifiers:
            \(classifiers)
            """, file: "s.yaml")
    }

    @Test func everyClassifierDecodesWithItsSettings() throws {
        let s = try decode(
            """
              - complement_nb: {alpha: 0.5, norm: true}
              - gaussian_nb: {var_smoothing: 1e-6, priors: uniform}
              - normal_bayes: {shared_covariance: true, shrinkage: 0.2, shrinkage_target: identity}
              - logistic: {C: 2, penalty: l1, class_weight: balanced}
              - linear_svm: {C: 0.5, loss: hinge, platt: true, class_weight: {pos: 2, neg: 1}}
              - decision_tree: {criterion: entropy, max_depth: 5, min_samples_leaf: 3}
              - nbsvm: {alpha: 1, C: 1, beta: 0.25}
            """)
        #expect(
            s.classification?.classifiers.map(\.spec.kind) == [
                "complement_nb", "gaussian_nb", "normal_bayes", "logistic", "linear_svm", "decision_tree", "nbsvm"
            ])
        let svm = try #require(s.classification?.classifiers[4].spec.configuration as? LinearSVMConfiguration)
        #expect(svm.loss == .hinge && svm.plattScaling && svm.classWeights == .named(["pos": 2, "neg": 1]))
        let resolved = try #require(s.classification).classifiers[4].spec.resolvingClassWeights(labels: ["neg", "pos"])
        let r = try #require(resolved.configuration as? LinearSVMConfiguration)
        #expect(r.classWeights == .perClass([1, 2]))
        #expect(throws: TextpipeError.self) {
            try s.classification?.classifiers[4].spec.resolvingClassWeights(labels: ["a", "b"])
        }
    }

    @Test func eachClassifierRejectsAnotherOnesSettings() throws {
        do {
            _ = try decode("  - linear_svm: {alpha: 1}")
            Issue.record("expected an error")
        } catch let e as TextpipeError {
            #expect(e.message.contains("unknown key 'alpha'") && e.message.contains("loss") && e.line == 5)
        }
        #expect(throws: TextpipeError.self) { try decode("  - logistic: {penalty: l3}") }
        #expect(throws: TextpipeError.self) { try decode("  - normal_bayes: {shrinkage: 1.5}") }
        #expect(throws: TextpipeError.self) { try decode("  - decision_tree: {criterion: gain}") }
        #expect(throws: TextpipeError.self) { try decode("  - nbsvm: {beta: 2}") }
        #expect(throws: TextpipeError.self) { try decode("  - logistic: {class_weight: heavy}") }
        #expect(throws: TextpipeError.self) { try decode("  - linear_svm: {class_weight: {pos: -1}}") }
    }
}
