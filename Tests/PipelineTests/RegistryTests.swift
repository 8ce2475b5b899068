import Classify
import Featurize
import Foundation
import Tagging
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// The classifier registry is the one source of truth: spec decoding, docs and capabilities all follow from it.
@Suite struct ClassifierRegistryTests {
    func spec(_ classifier: String) -> String {
        """
        name: demo
        data:
          train: {path: data/train, format: folders}
        features: [ngram]
        classifiers:
        \(classifier)
        """
    }

    @Test func kindsAreUniqueAndEveryKeyIsDeclaredOnce() {
        let kinds = ClassifierRegistry.kinds
        #expect(Set(kinds).count == kinds.count)
        for type in ClassifierRegistry.all {
            let keys = type.parameterDocumentation.map(\.key)
            #expect(Set(keys).count == keys.count, "\(type.kind) declares a key twice")
            #expect(!keys.contains("name"))
            #expect(!type.summary.isEmpty)
        }
    }

    /// Writing every key at its documented default gives exactly the default configuration: the docs' defaults are true.
    @Test(arguments: ClassifierRegistry.kinds)
    func documentedDefaultsAreTheDefaults(_ kind: String) throws {
        let type = try #require(ClassifierRegistry.configuration(kind: kind))
        // softmax's `C` is another way to write `l2` (C = 1 / l2): giving both is an error by design.
        let settings = type.parameterDocumentation.filter {
            $0.type != .classWeights && $0.type != .priors && !(kind == "softmax" && $0.key == "C")
        }
        .map { "\($0.key): \($0.defaultValue)" }.joined(separator: ", ")
        let s = try SpecDecoder.decode(spec("  - \(kind): {\(settings)}"), file: "spec.yaml")
        let bare = try SpecDecoder.decode(spec("  - \(kind)"), file: "spec.yaml")
        #expect(s.classification?.classifiers[0].spec == bare.classification?.classifiers[0].spec)
        #expect(bare.classification?.classifiers[0].spec.kind == kind)
    }

    /// Every declared key rejects a value of the wrong type with the file, line and key named.
    @Test(arguments: ClassifierRegistry.kinds)
    func everyKeyRejectsAWrongValue(_ kind: String) throws {
        let type = try #require(ClassifierRegistry.configuration(kind: kind))
        for p in type.parameterDocumentation {
            do {
                _ = try SpecDecoder.decode(spec("  - \(kind): {\(p.key): [1, 2, {x: y}]}"), file: "spec.yaml")
                Issue.record("\(kind).\(p.key) accepted a nested list")
            } catch let e as TextpipeError {
                #expect(e.file == "spec.yaml" && e.line == 6 && e.key?.contains(".\(kind).\(p.key)") == true, "\(e)")
                #expect(e.exitCode == 2)
            }
        }
    }

    @Test func boundsComeFromTheDeclaration() throws {
        func message(_ entry: String) -> String {
            do {
                _ = try SpecDecoder.decode(spec(entry), file: "spec.yaml")
                return ""
            } catch let e as TextpipeError { return e.message } catch { return "\(error)" }
        }
        #expect(message("  - bernoulli_nb: {alpha: 0}").contains("alpha must be in (0, 1000000], got 0.0"))
        #expect(message("  - multinomial_nb: {alpha: -1}").contains("alpha must be in (0, 1000000], got -1.0"))
        // Smoothing that would give log 0 or overflow is refused when the spec is read (issue 12).
        #expect(
            message("  - multinomial_nb: {alpha: 0}").contains("alpha must be in (0, 1000000], got 0.0")
        )
        #expect(message("  - multinomial_nb: {alpha: 1e308}").contains("alpha must be in (0, 1000000]"))
        #expect(message("  - complement_nb: {alpha: 1e9}").contains("alpha must be in (0, 1000000]"))
        // The same bound, with the same words, guards settings made in code: one statement of it, not three.
        for configuration in [
            ClassifierSpec(MultinomialNaiveBayesConfiguration()), ClassifierSpec(BernoulliNaiveBayesConfiguration()),
            ClassifierSpec(ComplementNaiveBayesConfiguration())
        ] {
            var zero = configuration.configuration
            if var nb = zero as? MultinomialNaiveBayesConfiguration {
                nb.alpha = 0
                zero = nb
            }
            if var nb = zero as? BernoulliNaiveBayesConfiguration {
                nb.alpha = 0
                zero = nb
            }
            if var nb = zero as? ComplementNaiveBayesConfiguration {
                nb.alpha = 0
                zero = nb
            }
            let x = FeatureMatrix.dense(DenseMatrix(rowCount: 2, columnCount: 1))
            #expect {
                _ = try zero.fit(x, labels: [0, 1], classCount: 2, seed: 1)
            } throws: { ($0 as? TextpipeError)?.message == "alpha must be in (0, 1000000], got 0.0" }
        }
        #expect(message("  - normal_bayes: {shrinkage: 1.5}").contains("shrinkage must be in [0, 1], got 1.5"))
        #expect(message("  - decision_tree: {min_samples_split: 1}").contains("must be at least 2"))
        #expect(message("  - logistic: {penalty: l3}").contains("accepted values: l2, l1"))
        #expect(message("  - softmax: {l2: 1, C: 2}").contains("not both"))
        let tree = try SpecDecoder.decode(spec("  - decision_tree: {max_depth: null}"), file: "spec.yaml")
        #expect((tree.classification?.classifiers[0].spec.configuration as? DecisionTreeConfiguration)?.maxDepth == nil)
    }

    /// Incompatible pairs are known from the capabilities, before anything is trained.
    @Test func capabilitiesRuleOutPairs() throws {
        let sparse = FeatureShape(isSparse: true, isNonNegative: true, hasSequences: true)
        let dense = FeatureShape(isSparse: false, isNonNegative: false)
        let bare = FeatureShape(isSparse: true, isNonNegative: true)
        for type in ClassifierRegistry.all {
            let c = type.capabilities
            #expect((type.incompatibility(with: sparse) != nil) == c.contains(.needsDenseInput), "\(type.kind)")
            #expect(
                (type.incompatibility(with: dense) != nil)
                    == (c.contains(.needsNonNegativeInput) || c.contains(.needsSequences)), "\(type.kind)")
            // Rows without token sequences rule out exactly the models that read them.
            #expect(
                (type.incompatibility(with: bare) != nil)
                    == (c.contains(.needsSequences) || c.contains(.needsDenseInput)),
                "\(type.kind)")
        }
        #expect(GaussianNaiveBayesConfiguration.incompatibility(with: sparse)?.contains("dense") == true)
    }

    /// Saved models of every registered kind load through the registry (no list of model types elsewhere).
    @Test func everyKindRoundTripsThroughTheStore() throws {
        var x = SparseMatrix(columnCount: 3)
        for r in 0..<12 { x.appendRow([(Int32(r % 3), Float(1 + r % 2)), (Int32((r + 1) % 3), 1)]) }
        // The token sequences a `sequence: true` feature set attaches, for the models that read them.
        x.sequences = TokenSequences(documents: (0..<12).map { r in ["w\(r % 3)", "w\((r + 1) % 3)", "w\(r % 2)"] })
        let labels = (0..<12).map { $0 % 2 }
        for type in ClassifierRegistry.all {
            let spec = try #require(try SpecDecoder.decode(spec("  - \(type.kind)"), file: "spec.yaml").classification)
                .classifiers[0].spec
            let input: FeatureMatrix =
                spec.capabilities.contains(.needsDenseInput)
                ? .dense(
                    DenseMatrix(
                        rowCount: 12, columnCount: 3,
                        values: x.dense().flatMap { $0 }.enumerated().map { $0.element + Float($0.offset % 5) * 0.1 }))
                : .sparse(x)
            let model = try spec.fit(input, labels: labels, classCount: 2, seed: 1)
            let loaded = try ClassifierStore.decode(try ClassifierStore.encode(model), name: "model")
            #expect(loaded.kind == type.kind && loaded.predict(input) == model.predict(input))
        }
    }

    /// The README's tables are the registry's: regenerate them with `textpipe docs --update README.md`.
    @Test func readmeTablesMatchTheRegistry() throws {
        let url = TestSupport.projectRoot.appendingPathComponent("README.md")
        let readme = try String(contentsOf: url, encoding: .utf8)
        let updated = try Documentation.updating(readme: readme)
        #expect(
            updated == readme,
            "README.md's generated tables are stale: run `swift run textpipe docs --update README.md`")
        for kind in ClassifierRegistry.kinds + FeatureSetRegistry.kinds + TaggerRegistry.kinds {
            #expect(readme.contains("| `\(kind)` |"))
        }
    }
}

/// The feature-set registry is the one source of truth for feature sets, as the classifier registry is for classifiers.
@Suite struct FeatureSetRegistryTests {
    func spec(_ feature: String) -> String {
        """
        name: demo
        data:
          train: {path: data/train, format: folders}
        features:
        \(feature)
        classifiers: [multinomial_nb]
        """
    }

    @Test func kindsAreUniqueAndEveryKeyIsDeclaredOnce() {
        #expect(Set(FeatureSetRegistry.kinds).count == FeatureSetRegistry.all.count)
        for type in FeatureSetRegistry.all {
            let keys = type.documentation.map(\.key)
            #expect(Set(keys).count == keys.count && !keys.contains("name") && !type.summary.isEmpty, "\(type.kind)")
        }
    }

    /// Every declared key rejects a value of the wrong type with the file, line and key named.
    @Test(arguments: FeatureSetRegistry.kinds)
    func everyKeyRejectsAWrongValue(_ kind: String) throws {
        let type = try #require(FeatureSetRegistry.settings(kind: kind))
        for p in type.documentation {
            do {
                _ = try SpecDecoder.decode(spec("  - \(kind): {\(p.key): [1, 2, {x: y}]}"), file: "spec.yaml")
                Issue.record("\(kind).\(p.key) accepted a nested list")
            } catch let e as TextpipeError {
                #expect(e.file == "spec.yaml" && e.line == 5 && e.key?.contains(".\(kind).\(p.key)") == true, "\(e)")
                #expect(e.exitCode == 2)
            }
        }
    }

    /// Writing every key at its documented default gives the kind's default configuration (keys whose default is
    /// `none` are left out: writing `none` means "no value").
    @Test(arguments: FeatureSetRegistry.kinds)
    func documentedDefaultsAreTheDefaults(_ kind: String) throws {
        let type = try #require(FeatureSetRegistry.settings(kind: kind))
        var settings = type.documentation.filter { $0.defaultValue != "none" }.map { "\($0.key): \($0.defaultValue)" }
        if kind == "bert" { settings.append("model: m") }
        let written = try SpecDecoder.decode(
            spec("  - \(kind): {\(settings.joined(separator: ", "))}"), file: "spec.yaml")
        let bare = try SpecDecoder.decode(
            spec(kind == "bert" ? "  - bert: {model: m}" : "  - \(kind)"), file: "spec.yaml")
        #expect(written.classification?.features[0].configuration == bare.classification?.features[0].configuration)
    }

    /// Cross-key rules declared by the settings: errors name the key's line.
    @Test func crossKeyRules() {
        func message(_ entry: String) -> String {
            do {
                _ = try SpecDecoder.decode(spec(entry), file: "spec.yaml")
                return ""
            } catch let e as TextpipeError { return "\(e.line ?? 0): \(e.message)" } catch { return "\(error)" }
        }
        #expect(
            message("  - ngram: {hashing: 29}").contains("5: hashing takes the number of bits k (2^k columns), 1...28"))
        #expect(message("  - ngram: {hashing: 10, max_features: 5}").contains("no vocabulary"))
        #expect(message("  - ngram: {n: [3, 1]}").contains("min <= max"))
        #expect(message("  - ngram: {n: 9}").contains("n above 8 is not supported"))
        #expect(
            message("  - word2vec: {pretrained: v.txt, dimensions: 50}").contains("'dimensions' is a training setting"))
        #expect(message("  - bert").contains("5: bert needs a 'model'"))
        #expect(message("  - bert: {pooling: mean}").contains("bert needs a 'model'"))
        #expect(message("  - onehot: {min_df: 1.5}").contains("fraction"))
    }
}

/// The tagger registry is the one source of truth for taggers.
@Suite struct TaggerRegistryTests {
    func spec(_ tagger: String) -> String {
        """
        name: demo
        task: tagging
        data:
          train: {path: train.conll, format: conll}
          scheme: iob2
        taggers:
        \(tagger)
        """
    }

    @Test func kindsAreUniqueAndEveryKeyIsDeclaredOnce() {
        #expect(Set(TaggerRegistry.kinds).count == TaggerRegistry.all.count)
        for type in TaggerRegistry.all {
            let keys = type.documentation.map(\.key)
            #expect(Set(keys).count == keys.count && !keys.contains("name") && !type.summary.isEmpty, "\(type.kind)")
        }
    }

    /// Every declared key rejects a value of the wrong type with the file, line and key named.
    @Test(arguments: TaggerRegistry.kinds)
    func everyKeyRejectsAWrongValue(_ kind: String) throws {
        let type = try #require(TaggerRegistry.settings(kind: kind))
        for p in type.documentation {
            do {
                _ = try SpecDecoder.decode(spec("  - \(kind): {\(p.key): [1, 2, {x: y}]}"), file: "spec.yaml")
                Issue.record("\(kind).\(p.key) accepted a nested list")
            } catch let e as TextpipeError {
                #expect(e.file == "spec.yaml" && e.line == 7 && e.exitCode == 2, "\(kind).\(p.key): \(e)")
            }
        }
    }

    /// Writing every key at its documented default gives the default tagger (keys whose default is `none` left out).
    @Test(arguments: TaggerRegistry.kinds)
    func documentedDefaultsAreTheDefaults(_ kind: String) throws {
        let type = try #require(TaggerRegistry.settings(kind: kind))
        var settings = type.documentation.filter { $0.defaultValue != "none" }.map { "\($0.key): \($0.defaultValue)" }
        if kind == "token_classifier" { settings.append("classifier: multinomial_nb") }
        let written = try SpecDecoder.decode(
            spec("  - \(kind): {\(settings.joined(separator: ", "))}"), file: "spec.yaml")
        let bare = try SpecDecoder.decode(
            spec(kind == "token_classifier" ? "  - token_classifier: {classifier: multinomial_nb}" : "  - \(kind)"),
            file: "spec.yaml")
        #expect(written.tagging?.taggers[0] == bare.tagging?.taggers[0])
    }

    /// Names, nested classifiers and cross-key rules come from the settings.
    @Test func namesNestedClassifiersAndRules() throws {
        let s = try SpecDecoder.decode(
            spec("  - hmm: {order: 2}\n  - token_classifier: {classifier: {linear_svm: {C: 0.5}}}\n  - crf"),
            file: "spec.yaml")
        #expect(s.tagging?.taggers.map(\.name) == ["hmm2", "token_linear_svm", "crf"])
        guard let c = s.tagging?.taggers[1].spec.settings as? TokenClassifierConfiguration else {
            Issue.record("not a token classifier")
            return
        }
        #expect((c.classifier.configuration as? LinearSVMConfiguration)?.C == 0.5)
        func message(_ entry: String) -> String {
            do {
                _ = try SpecDecoder.decode(spec(entry), file: "spec.yaml")
                return ""
            } catch let e as TextpipeError { return "\(e.line ?? 0): \(e.message)" } catch { return "\(error)" }
        }
        #expect(message("  - hmm: {order: 3}").contains("7: order is 1 or 2, got 3"))
        #expect(message("  - token_classifier").contains("7: token_classifier needs a 'classifier'"))
        #expect(message("  - token_classifier: {classifier: bayes}").contains("unknown classifier 'bayes'"))
        #expect(message("  - token_classifier: {classifier: logistic, vectors: {glove: x}}").contains("glove"))
        #expect(message("  - crf: {c2: -1}").contains("c2 must be >= 0"))
        #expect(message("  - hmmm").contains("unknown tagger 'hmmm'"))
    }
}
