import CBLAS
import Foundation
import TextCore

/// What a covariance matrix is shrunk toward.
public enum ShrinkageTarget: String, Sendable, Codable, Hashable, CaseIterable {
    /// `(trace(S) / d) I`: keeps the overall scale (scikit-learn's LDA `shrinkage`).
    case scaledIdentity = "scaled_identity"
    /// `I` (scikit-learn's QDA `reg_param`).
    case identity
}

/// Hyperparameters of the normal ("Gaussian Bayes") classifier.
public struct NormalBayesConfiguration: ClassifierConfiguration {
    /// One covariance shared by all classes (linear discriminant) instead of one per class (quadratic).
    public var sharedCovariance = false
    /// `S' = (1 - shrinkage) S + shrinkage T`; above 0, a covariance from fewer documents than dimensions still works.
    public var shrinkage: Double = 0.1
    /// What the covariance shrinks towards.
    public var target: ShrinkageTarget = .scaledIdentity
    /// Class priors p(y).
    public var priors: ClassPriors = .learned
    /// The defaults (as scikit-learn's where it has a counterpart).
    public init() {}

    /// One line for the README.
    public static let summary =
        "full-covariance Gaussian per class (quadratic discriminant) or one shared (linear discriminant); shrinkage `S' = (1−λ)S + λT`, solves through a Cholesky factor"
    /// What it needs and gives (declared once, read before training).
    public static let capabilities: ClassifierCapabilities = [.needsDenseInput, .givesProbabilities]
    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<Self>] = [
        .boolean("shared_covariance", \.sharedCovariance, "one covariance for all classes (linear discriminant)"),
        .number("shrinkage", \.shrinkage, .unitInterval, "λ in `S' = (1−λ)S + λT`"),
        .choice("shrinkage_target", \.target, "T: trace(S)/d·I as scikit-learn's LDA, or I as QDA's `reg_param`"),
        .priors(\.priors)
    ]

    /// Gaussian class densities with full covariance:
    /// `log p(x, k) = log p(k) - 1/2 [d log 2 pi + log |S_k| + (x - m_k)^T S_k^-1 (x - m_k)]`,
    /// log-determinants and solves through a Cholesky factor. Per-class covariances use the unbiased estimate
    /// (as scikit-learn's QDA); the shared one is the prior-weighted mean of the biased class covariances
    /// (as scikit-learn's LDA). Dense features only.
    public func fit(_ x: FeatureMatrix, labels: [Int], classCount K: Int, seed: UInt64) throws -> NormalBayes {
        try TrainingData.validate(x, labels: labels, classCount: K, model: NormalBayes.kind)
        try TrainingData.requireDense(x, model: NormalBayes.kind)
        guard (0...1).contains(shrinkage) else {
            throw TextpipeError(.spec, "shrinkage must be in [0, 1], got \(shrinkage)", key: "shrinkage")
        }
        guard case .dense(let m) = x else { throw TextpipeError(.internal, "dense check failed") }
        let d = m.columnCount
        let counts = TrainingData.classCounts(labels, classCount: K)
        let logPriors = try priors.logPriors(counts)
        let classPriors = counts.map { Double($0) / Double(labels.count) }
        var means = [Double](repeating: 0, count: K * d)
        var covariances = [[Double]](repeating: [], count: K)
        for k in 0..<K where counts[k] > 0 {
            let rows = labels.indices.filter { labels[$0] == k }
            var centered = [Double](repeating: 0, count: rows.count * d)
            for (i, r) in rows.enumerated() { for j in 0..<d { centered[i * d + j] = Double(m[r, j]) } }
            for j in 0..<d {
                var s = 0.0
                for i in 0..<rows.count { s += centered[i * d + j] }
                means[k * d + j] = s / Double(rows.count)
            }
            for i in 0..<rows.count { for j in 0..<d { centered[i * d + j] -= means[k * d + j] } }
            let ddof = sharedCovariance ? 0 : 1
            guard rows.count - ddof > 0 else {
                throw TextpipeError(
                    .data,
                    "normal_bayes: class \(k) has \(rows.count) training document(s); a per-class covariance needs at least 2 (use shared_covariance: true)"
                )
            }
            var s = [Double](repeating: 0, count: d * d)
            cblas_dsyrk(
                CblasRowMajor, CblasLower, CblasTrans, Int32(d), Int32(rows.count), 1 / Double(rows.count - ddof),
                centered, Int32(d), 0, &s, Int32(d))
            covariances[k] = s
        }
        func shrink(_ s: [Double]) -> [Double] {
            var out = s
            let scale = target == .identity ? 1 : (0..<d).reduce(0) { $0 + s[$1 * d + $1] } / Double(d)
            for i in 0..<d { for j in 0...i { out[i * d + j] *= (1 - shrinkage) } }
            for i in 0..<d { out[i * d + i] += shrinkage * scale }
            return out
        }
        var factors: [Cholesky] = []
        if sharedCovariance {
            var pooled = [Double](repeating: 0, count: d * d)
            for k in 0..<K where counts[k] > 0 {
                for i in 0..<(d * d) { pooled[i] += classPriors[k] * covariances[k][i] }
            }
            factors = [try Cholesky(shrink(pooled), size: d)]
        } else {
            for k in 0..<K {
                // An absent class gets an identity covariance; its -infinity prior rules it out anyway.
                if counts[k] == 0 {
                    var identity = [Double](repeating: 0, count: d * d)
                    for i in 0..<d { identity[i * d + i] = 1 }
                    factors.append(try Cholesky(identity, size: d))
                    continue
                }
                factors.append(try Cholesky(shrink(covariances[k]), size: d))
            }
        }
        return NormalBayes(
            classCount: K, featureCount: d, shared: sharedCovariance, means: means, factors: factors.map(\.lower),
            logPriors: logPriors)
    }
}

/// The normal Bayes classifier: quadratic (per-class covariance) or linear (shared) Gaussian discriminant.
public struct NormalBayes: Classifier {
    /// Spec name.
    public static let kind = "normal_bayes"
    /// Generative or discriminative.
    public static let family = ModelFamily.generative
    /// Classes.
    public let classCount: Int
    /// Feature columns it was trained on.
    public let featureCount: Int
    let shared: Bool
    let means: [Double]
    /// Cholesky factors, row-major lower triangular: one, or one per class.
    let factors: [[Double]]
    let logPriors: [Double]

    /// What its scores are (log joint, logit or decision value).
    public var scoreKind: ScoreKind { .logJoint }

    /// Per-class scores of each row (see `scoreKind`).
    public func scores(_ x: FeatureMatrix) -> DenseMatrix {
        let d = featureCount
        let n = x.rowCount
        let K = classCount
        var out = DenseMatrix(rowCount: n, columnCount: K)
        guard n > 0 else { return out }
        var dense = [Double](repeating: 0, count: n * d)
        for r in 0..<n { x.forEach(inRow: r) { j, v in if j < d { dense[r * d + j] = Double(v) } } }
        let logTwoPi = log(2 * Double.pi)
        for k in 0..<K {
            let l = factors[shared ? 0 : k]
            var logDet = 0.0
            for i in 0..<d { logDet += 2 * log(l[i * d + i]) }
            var centered = dense
            for r in 0..<n { for j in 0..<d { centered[r * d + j] -= means[k * d + j] } }
            // Rows become L^-1 (x - m): solve Z L^T = C.
            cblas_dtrsm(
                CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, Int32(n), Int32(d), 1, l, Int32(d),
                &centered, Int32(d))
            for r in 0..<n {
                var q = 0.0
                for j in 0..<d { q += centered[r * d + j] * centered[r * d + j] }
                out[r, k] = Float(logPriors[k] - 0.5 * (Double(d) * logTwoPi + logDet + q))
            }
        }
        return out
    }

    /// What training did, for the report.
    public var trainingSummary: [String: String] {
        ["covariance": shared ? "shared (linear discriminant)" : "per class (quadratic discriminant)"]
    }

    /// Writes the trained parameters.
    public func encode(into w: inout BinaryWriter) throws {
        w.write(UInt64(classCount))
        w.write(UInt64(featureCount))
        w.write(UInt8(shared ? 1 : 0))
        w.write(array: means)
        w.write(array: logPriors)
        w.write(UInt64(factors.count))
        for f in factors { w.write(array: f) }
    }

    /// Reads parameters written by `encode`, checking their sizes.
    public static func decode(from r: inout BinaryReader) throws -> NormalBayes {
        let k = try r.readCount()
        let d = try r.readCount()
        let shared = try r.read(UInt8.self) == 1
        let means = try r.readDoubles()
        let priors = try r.readDoubles()
        let count = try r.readCount()
        var factors: [[Double]] = []
        for _ in 0..<count { factors.append(try r.readDoubles()) }
        guard means.count == k * d, priors.count == k, factors.count == (shared ? 1 : k),
            factors.allSatisfy({ $0.count == d * d })
        else {
            throw TextpipeError(.model, "corrupt normal_bayes parameters")
        }
        return NormalBayes(
            classCount: k, featureCount: d, shared: shared, means: means, factors: factors, logPriors: priors)
    }
}
