import Foundation
import TestSupport
import Testing
import TextCore

@testable import Classify

/// scikit-learn's outputs on count matrices built from real corpora (scripts/reference/make_classifier_fixtures.py).
struct SklearnFixture: Decodable {
    struct Model: Decodable {
        var probabilities: [[Double]]
        var predicted: [Int]
    }
    struct Case: Decodable {
        var rows: Int
        var columns: Int
        var row_start: [Int]
        var column: [Int32]
        var value: [Float]
        var labels: [Int]
        var models: [String: Model]
        var matrix: FeatureMatrix {
            .sparse(SparseMatrix(columnCount: columns, rowStart: row_start, columns: column, values: value))
        }
        var classCount: Int { (labels.max() ?? 0) + 1 }
    }
    var binary: Case
    var multiclass: Case
    static let shared = TestSupport.sharedFixture(
        SklearnFixture.self, "Fixtures/sklearn_classifiers", in: Bundle.module)
}

@Suite struct ScikitLearnAgreement {
    func check(_ spec: ClassifierSpec, _ c: SklearnFixture.Case, tolerance: Double) throws {
        let model = try spec.fit(c.matrix, labels: c.labels, classCount: c.classCount, seed: 1)
        let expected = try #require(c.models[spec.kind])
        let p = try #require(model.predictProbabilities(c.matrix))
        var worst = 0.0
        for r in 0..<c.rows {
            for k in 0..<c.classCount { worst = max(worst, abs(Double(p[r, k]) - expected.probabilities[r][k])) }
        }
        #expect(worst < tolerance, "\(spec.kind): largest probability difference \(worst)")
        let agree = zip(model.predict(c.matrix), expected.predicted).filter { $0 == $1 }.count
        #expect(Double(agree) / Double(c.rows) >= 0.99)
    }

    @Test func multinomialNaiveBayes() throws {
        try check(ClassifierSpec(MultinomialNaiveBayesConfiguration()), SklearnFixture.shared.binary, tolerance: 1e-4)
        try check(
            ClassifierSpec(MultinomialNaiveBayesConfiguration()), SklearnFixture.shared.multiclass, tolerance: 1e-4)
    }

    @Test func bernoulliNaiveBayes() throws {
        try check(ClassifierSpec(BernoulliNaiveBayesConfiguration()), SklearnFixture.shared.binary, tolerance: 1e-4)
        try check(ClassifierSpec(BernoulliNaiveBayesConfiguration()), SklearnFixture.shared.multiclass, tolerance: 1e-4)
    }

    @Test func logisticAndSoftmaxRegression() throws {
        var c = SoftmaxRegressionConfiguration()
        c.tolerance = 1e-9
        c.maxIterations = 5000
        try check(ClassifierSpec(c), SklearnFixture.shared.binary, tolerance: 2e-3)
        try check(ClassifierSpec(c), SklearnFixture.shared.multiclass, tolerance: 2e-3)
    }
}

@Suite struct LBFGSTests {
    @Test func minimisesRosenbrock() {
        let outcome = LBFGS(maxIterations: 2000, tolerance: 1e-8).minimize([-1.2, 1]) { x, g in
            let a = 1 - x[0]
            let b = x[1] - x[0] * x[0]
            g[0] = -2 * a - 400 * x[0] * b
            g[1] = 200 * b
            return a * a + 100 * b * b
        }
        #expect(outcome.converged)
        #expect(abs(outcome.x[0] - 1) < 1e-5 && abs(outcome.x[1] - 1) < 1e-5)
    }

    @Test(arguments: [2, 3])
    func softmaxGradientMatchesFiniteDifferences(classes: Int) throws {
        let (x, y) = toyData(rows: 30, columns: 6, classes: classes)
        var c = SoftmaxRegressionConfiguration()
        c.l2 = 0.7
        let f = c.objective(x, labels: y, classCount: classes)
        let outputs = classes == 2 ? 1 : classes
        var rng = Xoshiro256StarStar(seed: 3)
        let point = (0..<(6 * outputs + outputs)).map { _ in rng.nextUnit() - 0.5 }
        var g = [Double](repeating: 0, count: point.count)
        var scratch = g
        _ = f(point, &g)
        for i in point.indices {
            var plus = point
            var minus = point
            plus[i] += 1e-6
            minus[i] -= 1e-6
            let numeric = (f(plus, &scratch) - f(minus, &scratch)) / 2e-6
            #expect(abs(numeric - g[i]) < 1e-6, "parameter \(i): analytic \(g[i]) numeric \(numeric)")
        }
    }
}
