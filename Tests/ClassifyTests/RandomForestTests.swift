import Foundation
import Testing
import TestSupport
import TextCore
@testable import Classify

/// `random_forest` against scikit-learn's `RandomForestClassifier` (scripts/reference/make_family_fixtures.py) and
/// its own guarantees. The conformance suite covers shapes, persistence and determinism.
@Suite struct RandomForestTests {
    let fixture = FamilyFixture.shared.sparse

    func meanAccuracy(_ configuration: RandomForestConfiguration, seeds: Range<UInt64>) throws -> Double {
        var total = 0.0
        for seed in seeds {
            let model = try configuration.fit(fixture.train.features, labels: fixture.train_labels, classCount: fixture.classCount, seed: seed)
            let predicted = model.predict(fixture.test.features)
            total += Double(zip(predicted, fixture.test_labels).filter { $0 == $1 }.count) / Double(predicted.count)
        }
        return total / Double(seeds.count)
    }

    /// Same settings (100 trees, sqrt(d) features per split, bootstrap), mean test accuracy over 10 seeds on each side:
    /// within 1.5 points (150 test posts, so about two posts). A single tree, or a forest that looks at every
    /// feature in every split, misses that mark: the check tells a forest from a look-alike.
    @Test func meanAccuracyMatchesScikitLearn() throws {
        let theirs = try #require(fixture.random_forest_accuracies)
        let reference = theirs.reduce(0, +) / Double(theirs.count)
        let ours = try meanAccuracy(RandomForestConfiguration(), seeds: 0..<10)
        #expect(abs(ours - reference) <= 0.015, "random forest \(ours) vs scikit-learn \(reference)")
        var oneTree = RandomForestConfiguration(); oneTree.trees = 1
        let single = try meanAccuracy(oneTree, seeds: 0..<10)
        #expect(abs(single - reference) > 0.015, "one tree \(single) vs scikit-learn's forest \(reference)")
    }

    @Test func theForestDoesNotDependOnThreads() throws {
        var one = RandomForestConfiguration(); one.trees = 12; one.threads = 1
        var many = one; many.threads = 3
        let a = try one.fit(fixture.train.features, labels: fixture.train_labels, classCount: fixture.classCount, seed: 7)
        let b = try many.fit(fixture.train.features, labels: fixture.train_labels, classCount: fixture.classCount, seed: 7)
        #expect(try ClassifierStore.encode(a) == ClassifierStore.encode(b))
    }

    @Test func maxFeaturesRules() {
        #expect(MaxFeatures.sqrt.resolve(10_000) == 100)
        #expect(MaxFeatures.log2.resolve(1_024) == 10)
        #expect(MaxFeatures.all.resolve(37) == 37)
        #expect(MaxFeatures.count(50).resolve(20) == 20)
        #expect(MaxFeatures.fraction(0.25).resolve(10) == 2)
        #expect(MaxFeatures.sqrt.resolve(1) == 1)
    }

    /// Without bootstrap and with every feature, each tree is grown on the same data: every tree fits the training
    /// set exactly (pure leaves), so the forest does too.
    @Test func unrestrictedTreesFitTheTrainingSet() throws {
        var c = RandomForestConfiguration(); c.trees = 3; c.bootstrap = false; c.maxFeatures = .all
        let model = try c.fit(fixture.train.features, labels: fixture.train_labels, classCount: fixture.classCount, seed: 1)
        #expect(model.predict(fixture.train.features) == fixture.train_labels)
    }
}
