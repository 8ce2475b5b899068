import Foundation
import TestSupport
import Testing
import TextCore

@testable import Classify

/// scikit-learn's classifier family on features from real corpora (scripts/reference/make_family_fixtures.py).
struct FamilyFixture: Decodable {
    struct Matrix: Decodable {
        var rows: Int
        var columns: Int
        var row_start: [Int]?
        var column: [Int32]?
        var value: [Float]?
        var values: [Float]?
        var features: FeatureMatrix {
            if let values { return .dense(DenseMatrix(rowCount: rows, columnCount: columns, values: values)) }
            // A case without dense values carries all three CSR arrays (make_family_fixtures.py writes them together).
            return .sparse(
                SparseMatrix(
                    columnCount: columns, rowStart: row_start ?? [0], columns: column ?? [], values: value ?? []))
        }
    }
    struct Model: Decodable {
        var predicted: [Int]
        var accuracy: Double
        var probabilities: [[Double]]?
        /// LinearSVC's decision_function: a column per class, or one (class 1's margin) for two classes.
        var decision: [[Double]]?
    }
    struct Case: Decodable {
        var train: Matrix
        var test: Matrix
        var train_labels: [Int]
        var test_labels: [Int]
        var models: [String: Model]
        var random_forest_accuracies: [Double]?
        var classCount: Int { (train_labels.max() ?? 0) + 1 }
    }
    var sparse: Case
    var dense: Case
    var binary: Case
    static let shared = TestSupport.sharedFixture(FamilyFixture.self, "Fixtures/sklearn_family", in: Bundle.module)
}

@Suite struct FamilyReferenceTests {
    /// Fits on the fixture's training part and compares test predictions (and probabilities, if given a tolerance).
    @discardableResult
    func compare(
        _ spec: ClassifierSpec, _ c: FamilyFixture.Case, _ reference: String, agreement: Double = 0.99,
        probabilityTolerance: Double? = nil, decisionTolerance: Double? = nil
    ) throws -> (ours: Double, theirs: Double) {
        let model = try spec.fit(c.train.features, labels: c.train_labels, classCount: c.classCount, seed: 0)
        let expected = try #require(c.models[reference])
        let predicted = model.predict(c.test.features)
        let agree = Double(zip(predicted, expected.predicted).filter { $0 == $1 }.count) / Double(predicted.count)
        #expect(agree >= agreement, "\(reference): agreement \(agree)")
        if let tolerance = probabilityTolerance, let theirs = expected.probabilities {
            let p = try #require(model.predictProbabilities(c.test.features))
            var worst = 0.0
            for r in 0..<p.rowCount {
                for k in 0..<p.columnCount { worst = max(worst, abs(Double(p[r, k]) - theirs[r][k])) }
            }
            #expect(worst <= tolerance, "\(reference): largest probability difference \(worst)")
        }
        if let tolerance = decisionTolerance {
            let theirs = try #require(expected.decision)
            let z = model.scores(c.test.features)
            var worst = 0.0
            for r in 0..<z.rowCount {
                if theirs[r].count == 1 {
                    worst = max(worst, abs(Double(z[r, 1]) - theirs[r][0]))
                } else {
                    for k in 0..<z.columnCount { worst = max(worst, abs(Double(z[r, k]) - theirs[r][k])) }
                }
            }
            #expect(worst <= tolerance, "\(reference): largest decision-value difference \(worst)")
        }
        let accuracy = Double(zip(predicted, c.test_labels).filter { $0 == $1 }.count) / Double(predicted.count)
        return (accuracy, expected.accuracy)
    }

    @Test func complementNaiveBayes() throws {
        try compare(
            ClassifierSpec(ComplementNaiveBayesConfiguration()), FamilyFixture.shared.sparse, "complement_nb",
            agreement: 1, probabilityTolerance: 1e-4)
    }

    @Test func oneVsRestLogisticL2() throws {
        var c = LogisticRegressionConfiguration()
        c.tolerance = 1e-9
        c.maxIterations = 5000
        try compare(ClassifierSpec(c), FamilyFixture.shared.sparse, "logistic_l2", probabilityTolerance: 2e-3)
    }

    @Test func oneVsRestLogisticL1() throws {
        var c = LogisticRegressionConfiguration()
        c.penalty = .l1
        c.C = 10
        c.tolerance = 1e-8
        c.maxIterations = 5000
        try compare(ClassifierSpec(c), FamilyFixture.shared.sparse, "logistic_l1", probabilityTolerance: 2e-2)
    }

    @Test func linearSVMSquaredHingeAndHinge() throws {
        var c = LinearSVMConfiguration()
        c.tolerance = 1e-6
        c.maxIterations = 100_000
        try compare(ClassifierSpec(c), FamilyFixture.shared.sparse, "linear_svm", decisionTolerance: 1e-4)
        c.loss = .hinge
        try compare(ClassifierSpec(c), FamilyFixture.shared.sparse, "linear_svm_hinge", decisionTolerance: 1e-4)
    }

    @Test func classWeightsBalanced() throws {
        var l = LogisticRegressionConfiguration()
        l.classWeights = .balanced
        l.tolerance = 1e-9
        l.maxIterations = 5000
        try compare(ClassifierSpec(l), FamilyFixture.shared.binary, "logistic_balanced", probabilityTolerance: 2e-3)
        var s = LinearSVMConfiguration()
        s.classWeights = .balanced
        s.tolerance = 1e-6
        s.maxIterations = 100_000
        // Decision values to 1e-6 (tolerance 1e-4); an unweighted SVM predicts 99% the same but its values are 0.06 off.
        try compare(ClassifierSpec(s), FamilyFixture.shared.binary, "linear_svm_balanced", decisionTolerance: 1e-4)
        // Without weights the same data gives a different model: the weights matter.
        var plain = LogisticRegressionConfiguration()
        plain.tolerance = 1e-9
        plain.maxIterations = 5000
        try compare(ClassifierSpec(plain), FamilyFixture.shared.binary, "logistic", probabilityTolerance: 2e-3)
    }

    struct TreeFixture: Decodable {
        struct Node: Decodable {
            var feature: Int
            var threshold: Double
            var counts: [Double]
        }
        struct Case: Decodable {
            var criterion: String
            var nodes: [Node]
            var predicted: [Int]
            var probabilities: [[Double]]
        }
        var max_depth: Int
        var min_samples_leaf: Int
        var cases: [Case]
    }

    /// Node by node against scikit-learn on real data where no two splits tie (scripts/reference/
    /// make_tree_structure_fixture.py: 20 Newsgroups in 20 SVD dimensions, depth 4, 10 documents per leaf, a tree the
    /// same under 12 of scikit-learn's seeds): every split's feature and threshold (to 1e-6), every node's class
    /// distribution (to 1e-6), every test prediction and probability, for gini and entropy. A tree one level
    /// shallower or deeper, the other criterion, or leaves of another size all differ in structure.
    @Test(arguments: ["gini", "entropy"]) func decisionTreeStructureEqualsScikitLearn(_ criterion: String) throws {
        let f = try Self.treeFixture
        let expected = try #require(f.cases.first { $0.criterion == criterion })
        let data = FamilyFixture.shared.dense
        var c = DecisionTreeConfiguration()
        c.criterion = criterion == "gini" ? .gini : .entropy
        c.maxDepth = f.max_depth
        c.minSamplesLeaf = f.min_samples_leaf
        let tree = try c.fit(data.train.features, labels: data.train_labels, classCount: data.classCount, seed: 3)
        let K = data.classCount
        Self.expectSameNodes(tree, expected, classCount: K)
        #expect(tree.predict(data.test.features) == expected.predicted)
        let p = try #require(tree.predictProbabilities(data.test.features))
        var worst = 0.0
        for r in 0..<p.rowCount {
            for k in 0..<K { worst = max(worst, abs(Double(p[r, k]) - expected.probabilities[r][k])) }
        }
        #expect(worst < 1e-6)
    }

    /// `tree`'s nodes in preorder against scikit-learn's: features, thresholds (1e-6), class distributions (1e-6).
    static func expectSameNodes(_ tree: DecisionTree, _ expected: TreeFixture.Case, classCount K: Int) {
        var ours: [(feature: Int, threshold: Double, counts: [Double])] = []
        var stack = [0]
        while let n = stack.popLast() {
            let counts = (0..<K).map { Double(tree.distribution[n * K + $0]) }
            if tree.left[n] < 0 {
                ours.append((-1, 0, counts))
            } else {
                ours.append((Int(tree.feature[n]), Double(tree.threshold[n]), counts))
                stack.append(Int(tree.right[n]))
                stack.append(Int(tree.left[n]))
            }
        }
        let criterion = expected.criterion
        #expect(ours.count == expected.nodes.count, "\(criterion): \(ours.count) nodes against \(expected.nodes.count)")
        for (k, (a, b)) in zip(ours, expected.nodes).enumerated() {
            #expect(a.feature == b.feature, "\(criterion) node \(k): feature \(a.feature) against \(b.feature)")
            #expect(
                abs(a.threshold - b.threshold) < 1e-6,
                "\(criterion) node \(k): threshold \(a.threshold) against \(b.threshold)")
            #expect(
                zip(a.counts, b.counts).allSatisfy { abs($0 - $1) < 1e-6 },
                "\(criterion) node \(k): \(a.counts) against \(b.counts)")
        }
    }

    static var treeFixture: TreeFixture {
        get throws {
            let url = try #require(
                Bundle.module.url(forResource: "Fixtures/sklearn_tree_structure", withExtension: "json"))
            return try JSONDecoder().decode(TreeFixture.self, from: Data(contentsOf: url))
        }
    }

    @Test func decisionTreeAccuracy() throws {
        // 150 test posts: tie-breaking between equally good splits differs (scikit-learn draws its feature order from
        // its own generator), so a few predictions differ (95.3% agree, 82.7% against 81.3% accuracy). A tree cut to
        // depth 3 agrees on 78.7% and fails here.
        let (ours, theirs) = try compare(
            ClassifierSpec(DecisionTreeConfiguration()), FamilyFixture.shared.sparse, "decision_tree", agreement: 0.93)
        #expect(abs(ours - theirs) <= 0.02, "tree accuracy \(ours) vs scikit-learn \(theirs)")
    }

    @Test func gaussianNaiveBayes() throws {
        try compare(
            ClassifierSpec(GaussianNaiveBayesConfiguration()), FamilyFixture.shared.dense, "gaussian_nb", agreement: 1,
            probabilityTolerance: 1e-4)
    }

    @Test func quadraticAndLinearDiscriminants() throws {
        var qda = NormalBayesConfiguration()
        qda.shrinkage = 0.1
        qda.target = .identity
        try compare(ClassifierSpec(qda), FamilyFixture.shared.dense, "qda", probabilityTolerance: 1e-3)
        var lda = NormalBayesConfiguration()
        lda.sharedCovariance = true
        lda.shrinkage = 0.1
        lda.target = .scaledIdentity
        try compare(ClassifierSpec(lda), FamilyFixture.shared.dense, "lda", probabilityTolerance: 1e-3)
    }
}

@Suite struct CholeskyTests {
    @Test func workedExampleAndSolve() throws {
        let c = try Cholesky([4, 2, 2, 3], size: 2)
        #expect(
            abs(c.lower[0] - 2) < 1e-12 && abs(c.lower[2] - 1) < 1e-12 && abs(c.lower[3] - 2.0.squareRoot()) < 1e-12)
        #expect(abs(c.logDeterminant - log(8)) < 1e-12)
        let x = c.solve([2, 1])  // [4 2; 2 3] x = [2, 1] -> x = [0.5, 0]
        #expect(abs(x[0] - 0.5) < 1e-12 && abs(x[1]) < 1e-12)
        #expect(throws: TextpipeError.self) { try Cholesky([1, 2, 2, 1], size: 2) }
    }
}
