import Foundation
import TestSupport
import Testing
import TextCore

@testable import Classify

/// `random_forest` against scikit-learn's `RandomForestClassifier` (scripts/reference/make_family_fixtures.py) and
/// its own guarantees. The conformance suite covers shapes, persistence and determinism.
@Suite struct RandomForestTests {
    let fixture = FamilyFixture.shared.sparse

    func meanAccuracy(_ configuration: RandomForestConfiguration, seeds: Range<UInt64>) throws -> Double {
        var total = 0.0
        for seed in seeds {
            let model = try configuration.fit(
                fixture.train.features, labels: fixture.train_labels, classCount: fixture.classCount, seed: seed)
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
        var oneTree = RandomForestConfiguration()
        oneTree.trees = 1
        let single = try meanAccuracy(oneTree, seeds: 0..<10)
        #expect(abs(single - reference) > 0.015, "one tree \(single) vs scikit-learn's forest \(reference)")
    }

    @Test func theForestDoesNotDependOnThreads() throws {
        var one = RandomForestConfiguration()
        one.trees = 12
        one.threads = 1
        var many = one
        many.threads = 3
        let a = try one.fit(
            fixture.train.features, labels: fixture.train_labels, classCount: fixture.classCount, seed: 7)
        let b = try many.fit(
            fixture.train.features, labels: fixture.train_labels, classCount: fixture.classCount, seed: 7)
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
        var c = RandomForestConfiguration()
        c.trees = 3
        c.bootstrap = false
        c.maxFeatures = .all
        let model = try c.fit(
            fixture.train.features, labels: fixture.train_labels, classCount: fixture.classCount, seed: 1)
        #expect(model.predict(fixture.train.features) == fixture.train_labels)
    }

    /// The bootstrap itself: n draws with replacement, about 1/e of the rows out of the bag, rows drawn several times.
    @Test func bootstrapDrawsWithReplacement() {
        var rng = Xoshiro256StarStar(seed: 11)
        let n = 20_000
        let draws = RandomForestConfiguration.bootstrapDraws(n, rng: &rng)
        #expect(draws.reduce(0, +) == n)
        let outOfBag = Double(draws.filter { $0 == 0 }.count) / Double(n)
        // (1 - 1/n)^n = 0.3679; the share's sd is about 0.0034 at this n.
        #expect(abs(outOfBag - 0.3679) < 0.015, "out-of-bag share \(outOfBag)")
        #expect(draws.filter { $0 >= 3 }.count > n / 20, "rows drawn three times or more")
    }

    /// Every tree weighs each row by how often its bootstrap drew it: the root's class distribution equals the
    /// count-weighted class shares of that tree's own sample (a forest that gives each drawn row weight 1 misses this
    /// by several points on these data).
    @Test func treesWeighRowsByTheirBootstrapCounts() throws {
        var c = RandomForestConfiguration()
        c.trees = 4
        c.maxDepth = 2
        let labels = fixture.train_labels
        let K = fixture.classCount
        let forest = try c.fit(fixture.train.features, labels: labels, classCount: K, seed: 5)
        var largestGap = 0.0
        for t in 0..<4 {
            var rng = RandomForestConfiguration.treeGenerator(seed: 5, tree: t)
            let draws = RandomForestConfiguration.bootstrapDraws(labels.count, rng: &rng)
            var weighted = [Double](repeating: 0, count: K)
            var distinct = [Double](repeating: 0, count: K)
            for (r, d) in draws.enumerated() where d > 0 {
                weighted[labels[r]] += Double(d)
                distinct[labels[r]] += 1
            }
            let total = weighted.reduce(0, +)
            let root = Array(forest.trees[t].distribution[0..<K])
            for k in 0..<K {
                #expect(abs(Double(root[k]) - weighted[k] / total) < 1e-6, "tree \(t) class \(k)")
                largestGap = max(largestGap, abs(weighted[k] / total - distinct[k] / distinct.reduce(0, +)))
            }
        }
        // The check can tell the two apart on these data.
        #expect(largestGap > 1e-3)
    }

    /// One tree without bootstrap, every feature in every split: a forest's tree builder is then CART, and equals
    /// scikit-learn's decision tree node by node on tie-free real data (the fixture of
    /// FamilyReferenceTests.decisionTreeStructureEqualsScikitLearn), with gini and with entropy.
    @Test(arguments: ["gini", "entropy"]) func oneTreeEqualsScikitLearnsTreeNodeByNode(_ criterion: String) throws {
        let f = try FamilyReferenceTests.treeFixture
        let expected = try #require(f.cases.first { $0.criterion == criterion })
        let data = FamilyFixture.shared.dense
        var c = RandomForestConfiguration()
        c.trees = 1
        c.bootstrap = false
        c.maxFeatures = .all
        c.criterion = criterion == "gini" ? .gini : .entropy
        c.maxDepth = f.max_depth
        c.minSamplesLeaf = f.min_samples_leaf
        let forest = try c.fit(data.train.features, labels: data.train_labels, classCount: data.classCount, seed: 4)
        FamilyReferenceTests.expectSameNodes(forest.trees[0], expected, classCount: data.classCount)
        #expect(forest.predict(data.test.features) == expected.predicted)
    }
}
