import Foundation
import TestSupport
import Testing
import TextCore

@testable import Classify

/// `knn` against scikit-learn's `KNeighborsClassifier` (brute force; scripts/reference/make_family_fixtures.py):
/// identical predictions, and the same vote shares as probabilities.
@Suite struct KNearestNeighborsTests {
    func check(_ c: KNearestNeighborsConfiguration, _ data: FamilyFixture.Case, _ reference: String, tolerance: Double)
        throws
    {
        let model = try c.fit(data.train.features, labels: data.train_labels, classCount: data.classCount, seed: 0)
        let expected = try #require(data.models[reference])
        #expect(model.predict(data.test.features) == expected.predicted, "\(reference)")
        let p = try #require(model.predictProbabilities(data.test.features))
        let theirs = try #require(expected.probabilities)
        var worst = 0.0
        for r in 0..<p.rowCount {
            for k in 0..<p.columnCount { worst = max(worst, abs(Double(p[r, k]) - theirs[r][k])) }
        }
        #expect(worst <= tolerance, "\(reference): largest probability difference \(worst)")
    }

    @Test func sparseCosineUniformAndDistanceWeights() throws {
        var c = KNearestNeighborsConfiguration()
        try check(c, FamilyFixture.shared.sparse, "knn_cosine", tolerance: 1e-6)
        c.weighting = .distance
        try check(c, FamilyFixture.shared.sparse, "knn_cosine_distance", tolerance: 1e-4)
    }

    @Test func sparseEuclidean() throws {
        var c = KNearestNeighborsConfiguration()
        c.neighbors = 3
        c.metric = .euclidean
        try check(c, FamilyFixture.shared.sparse, "knn_euclidean", tolerance: 1e-6)
    }

    @Test func denseEuclideanAndCosine() throws {
        var c = KNearestNeighborsConfiguration()
        c.neighbors = 7
        c.metric = .euclidean
        try check(c, FamilyFixture.shared.dense, "knn_dense", tolerance: 1e-6)
        c.metric = .cosine
        c.weighting = .distance
        try check(c, FamilyFixture.shared.dense, "knn_dense_cosine_distance", tolerance: 1e-4)
    }

    /// The wrong metric or k does not pass the same check: the reference has teeth. (On the sparse case's unit-length
    /// tf-idf rows euclidean and cosine rank neighbours alike, so the metric is checked on the dense case.)
    @Test func wrongSettingsDisagree() throws {
        let sparse = FamilyFixture.shared.sparse
        let dense = FamilyFixture.shared.dense
        var c = KNearestNeighborsConfiguration()
        c.neighbors = 1
        let one = try c.fit(sparse.train.features, labels: sparse.train_labels, classCount: sparse.classCount, seed: 0)
        #expect(one.predict(sparse.test.features) != sparse.models["knn_cosine"]?.predicted)
        c.neighbors = 7
        c.metric = .cosine
        let cosine = try c.fit(dense.train.features, labels: dense.train_labels, classCount: dense.classCount, seed: 0)
        #expect(cosine.predict(dense.test.features) != dense.models["knn_dense"]?.predicted)
    }

    /// A worked example: the nearest of three points decides with k = 1; with k = 3 the majority does.
    @Test func workedExample() throws {
        let x = FeatureMatrix.dense(DenseMatrix(rowCount: 3, columnCount: 2, values: [0, 0, 1, 0, 1.2, 0]))
        var c = KNearestNeighborsConfiguration()
        c.neighbors = 1
        c.metric = .euclidean
        let query = FeatureMatrix.dense(DenseMatrix(rowCount: 1, columnCount: 2, values: [0.2, 0]))
        #expect(try c.fit(x, labels: [0, 1, 1], classCount: 2, seed: 0).predict(query) == [0])
        c.neighbors = 3
        let model = try c.fit(x, labels: [0, 1, 1], classCount: 2, seed: 0)
        #expect(model.predict(query) == [1])
        let p = try #require(model.predictProbabilities(query))
        #expect(abs(p[0, 0] - 1.0 / 3) < 1e-6 && abs(p[0, 1] - 2.0 / 3) < 1e-6)
    }
}
