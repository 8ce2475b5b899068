import CBLAS
import Foundation
import TextCore

/// How far apart two documents are for `knn`.
public enum DistanceMetric: String, Sendable, Codable, Hashable, CaseIterable {
    /// `1 - a·b / (|a| |b|)`; a zero vector is at distance 1 from everything (scikit-learn's `cosine`).
    case cosine
    /// `sqrt(|a|² + |b|² - 2 a·b)` (scikit-learn's `euclidean`).
    case euclidean
}

/// How the k nearest neighbours vote.
public enum NeighborWeighting: String, Sendable, Codable, Hashable, CaseIterable {
    /// One vote each.
    case uniform
    /// A vote of `1 / distance`; neighbours at distance 0, if any, share all the weight (scikit-learn's `distance`).
    case distance
}

/// Hyperparameters of k-nearest-neighbour classification.
public struct KNearestNeighborsConfiguration: ClassifierConfiguration {
    /// Neighbours that vote.
    public var neighbors = 5
    /// Cosine or euclidean distance.
    public var metric: DistanceMetric = .cosine
    /// Equal votes or votes weighted by 1 / distance.
    public var weighting: NeighborWeighting = .uniform
    /// Test rows searched at once; 0 = one block per core. Results do not depend on it.
    public var threads = 0
    /// The defaults (as scikit-learn's where it has a counterpart).
    public init() {}

    /// One line for the README.
    public static let summary =
        "k nearest neighbours by brute force (cosine through an inverted index on sparse rows, BLAS on dense ones); probabilities are the neighbours' (weighted) votes, ties broken toward the earlier training document"
    /// What it needs and gives (declared once, read before training).
    public static let capabilities: ClassifierCapabilities = [.givesProbabilities]
    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<Self>] = [
        .integer("k", \.neighbors, minimum: 1, "neighbours that vote (at most the number of training documents)"),
        .choice("metric", \.metric, "`cosine` or `euclidean` distance"),
        .choice("weights", \.weighting, "`uniform` votes or `distance` (1 / d)"),
        .integer("threads", \.threads, minimum: 0, "blocks of test documents searched at once (0: one per core)")
    ]

    /// Nothing is learned: the model keeps the training rows, their labels and their squared norms.
    public func fit(_ x: FeatureMatrix, labels: [Int], classCount K: Int, seed: UInt64) throws -> KNearestNeighbors {
        try TrainingData.validate(x, labels: labels, classCount: K, model: KNearestNeighbors.kind)
        return KNearestNeighbors(classCount: K, training: x, labels: labels.map { Int32($0) }, configuration: self)
    }
}

/// A k-nearest-neighbour classifier: the training documents themselves.
public struct KNearestNeighbors: Classifier {
    /// Spec name.
    public static let kind = "knn"
    /// Generative or discriminative.
    public static let family = ModelFamily.discriminative
    /// Classes.
    public let classCount: Int
    /// Feature columns it was trained on.
    public var featureCount: Int { training.columnCount }
    let training: FeatureMatrix
    let labels: [Int32]
    let configuration: KNearestNeighborsConfiguration
    let squaredNorms: [Double]
    /// The training matrix by column (sparse training only): who has feature j, with what value.
    let columns: ColumnMajor?

    init(classCount: Int, training: FeatureMatrix, labels: [Int32], configuration: KNearestNeighborsConfiguration) {
        self.classCount = classCount
        self.training = training
        self.labels = labels
        self.configuration = configuration
        var norms = [Double](repeating: 0, count: training.rowCount)
        for r in 0..<training.rowCount { training.forEach(inRow: r) { _, v in norms[r] += Double(v) * Double(v) } }
        squaredNorms = norms
        columns = training.isSparse ? ColumnMajor(training) : nil
    }

    /// What its scores are (log joint, logit or decision value).
    public var scoreKind: ScoreKind { .logit }
    var k: Int { min(configuration.neighbors, labels.count) }

    /// `log` of the neighbours' vote shares, so probabilities are scikit-learn's `predict_proba`.
    public func scores(_ x: FeatureMatrix) -> DenseMatrix {
        var out = DenseMatrix(rowCount: x.rowCount, columnCount: classCount)
        let block = 64
        let blocks = (x.rowCount + block - 1) / block
        let workers = max(
            1,
            min(
                blocks, configuration.threads > 0 ? configuration.threads : ProcessInfo.processInfo.activeProcessorCount
            ))
        out.values.withUnsafeMutableBufferPointer { o in
            let output = o
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var dots = [Double](repeating: 0, count: labels.count)
                for b in stride(from: w, to: blocks, by: workers) {
                    let rows = Array(b * block..<min(x.rowCount, (b + 1) * block))
                    if let columns {
                        // One test row at a time: its dot products with every training row stay in cache.
                        for r in rows {
                            for t in 0..<dots.count { dots[t] = 0 }
                            dots.withUnsafeMutableBufferPointer { acc in
                                columns.rows.withUnsafeBufferPointer { cr in
                                    columns.values.withUnsafeBufferPointer { cv in
                                        x.forEach(inRow: r) { j, v in
                                            guard j < columns.columnCount, v != 0 else { return }
                                            let value = Double(v)
                                            for e in columns.start[j]..<columns.start[j + 1] {
                                                acc[Int(cr[e])] += value * Double(cv[e])
                                            }
                                        }
                                    }
                                }
                            }
                            vote(x, r, dots, into: output.start + r * classCount)
                        }
                    } else {
                        let products = denseDotProducts(x, rows)
                        for (i, r) in rows.enumerated() {
                            for t in 0..<labels.count { dots[t] = Double(products[i * labels.count + t]) }
                            vote(x, r, dots, into: output.start + r * classCount)
                        }
                    }
                }
            }
        }
        return out
    }

    /// `a·b` for every test row in `rows` and every training document (dense training rows), row-major, by one BLAS product.
    func denseDotProducts(_ x: FeatureMatrix, _ rows: [Int]) -> [Float] {
        let n = labels.count
        let d = featureCount
        var product = [Float](repeating: 0, count: rows.count * n)
        guard case .dense(let train) = training, d > 0 else { return product }
        var test = [Float](repeating: 0, count: rows.count * d)
        for (i, r) in rows.enumerated() { x.forEach(inRow: r) { j, v in if j < d { test[i * d + j] = v } } }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows.count), Int32(n), Int32(d), 1, test, Int32(d),
            train.values, Int32(d), 0,
            &product, Int32(n))
        return product
    }

    /// The k nearest training documents of test row `r` (ties toward the lower index), and their vote shares.
    func vote(_ x: FeatureMatrix, _ r: Int, _ dots: [Double], into scores: UnsafeMutablePointer<Float>) {
        var norm = 0.0
        x.forEach(inRow: r) { j, v in if j < featureCount { norm += Double(v) * Double(v) } }
        let k = self.k
        var nearest: [(distance: Double, index: Int)] = []
        nearest.reserveCapacity(k + 1)
        for t in 0..<labels.count {
            let distance: Double
            switch configuration.metric {
            case .cosine:
                let denominator = (norm * squaredNorms[t]).squareRoot()
                distance = denominator > 0 ? 1 - dots[t] / denominator : 1
            case .euclidean: distance = max(0, norm + squaredNorms[t] - 2 * dots[t]).squareRoot()
            }
            if nearest.count == k, let last = nearest.last, distance >= last.distance { continue }
            var at = nearest.count
            while at > 0 && nearest[at - 1].distance > distance { at -= 1 }
            nearest.insert((distance, t), at: at)
            if nearest.count > k { nearest.removeLast() }
        }
        var votes = [Double](repeating: 0, count: classCount)
        let exact = nearest.contains { $0.distance == 0 }
        for n in nearest {
            let weight: Double
            switch configuration.weighting {
            case .uniform: weight = 1
            case .distance: weight = exact ? (n.distance == 0 ? 1 : 0) : 1 / n.distance
            }
            votes[Int(labels[n.index])] += weight
        }
        let total = votes.reduce(0, +)
        for c in 0..<classCount { scores[c] = Float(log(votes[c] / total)) }
    }

    /// What training did, for the report.
    public var trainingSummary: [String: String] {
        [
            "training documents": "\(labels.count)", "k": "\(k)", "metric": configuration.metric.rawValue,
            "weights": configuration.weighting.rawValue
        ]
    }

    /// Writes the trained parameters.
    public func encode(into w: inout BinaryWriter) throws {
        w.write(UInt64(classCount))
        w.write(UInt64(configuration.neighbors))
        w.write(UInt64(configuration.threads))
        w.write(configuration.metric.rawValue)
        w.write(configuration.weighting.rawValue)
        training.encode(into: &w)
        w.write(array: labels)
    }

    /// Reads parameters written by `encode`, checking their sizes.
    public static func decode(from r: inout BinaryReader) throws -> KNearestNeighbors {
        let k = try r.readCount()
        var c = KNearestNeighborsConfiguration()
        c.neighbors = try r.readCount()
        c.threads = try r.readCount()
        guard let metric = DistanceMetric(rawValue: try r.readString()),
            let weighting = NeighborWeighting(rawValue: try r.readString())
        else {
            throw TextpipeError(.model, "corrupt knn model: unknown metric or weighting")
        }
        c.metric = metric
        c.weighting = weighting
        let x = try FeatureMatrix.decode(from: &r)
        let labels = try r.readArray(Int32.self)
        guard labels.count == x.rowCount, c.neighbors >= 1, (0...1024).contains(c.threads),
            labels.allSatisfy({ $0 >= 0 && Int($0) < k })
        else {
            throw TextpipeError(.model, "corrupt knn model: labels do not match the training rows")
        }
        return KNearestNeighbors(classCount: k, training: x, labels: labels, configuration: c)
    }
}
