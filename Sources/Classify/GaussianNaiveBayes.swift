import Foundation
import TextCore

/// Hyperparameters of Gaussian naive Bayes.
public struct GaussianNaiveBayesConfiguration: ClassifierConfiguration {
    /// Added to every variance, as a fraction of the largest feature variance (scikit-learn's `var_smoothing`).
    public var varianceSmoothing: Double = 1e-9
    /// Class priors p(y).
    public var priors: ClassPriors = .learned
    /// The defaults (as scikit-learn's where it has a counterpart).
    public init() {}

    /// One line for the README.
    public static let summary =
        "independent Gaussians per feature and class, variance smoothing relative to the largest feature variance"
    /// What it needs and gives (declared once, read before training).
    public static let capabilities: ClassifierCapabilities = [.needsDenseInput, .givesProbabilities]
    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<Self>] = [
        .number(
            "var_smoothing", \.varianceSmoothing, .nonNegative, "added to every variance, as a fraction of the largest"),
        .priors(\.priors)
    ]

    /// Each feature is Gaussian given the class, independently:
    /// `log p(x, k) = log p(k) - 1/2 sum_j [log(2 pi s2_kj) + (x_j - m_kj)^2 / s2_kj]`,
    /// with `s2_kj` the class variance plus `varianceSmoothing * max_j var(x_j)`. Dense features only.
    public func fit(_ x: FeatureMatrix, labels: [Int], classCount K: Int, seed: UInt64) throws -> GaussianNaiveBayes {
        try TrainingData.validate(x, labels: labels, classCount: K, model: GaussianNaiveBayes.kind)
        try TrainingData.requireDense(x, model: GaussianNaiveBayes.kind)
        guard varianceSmoothing >= 0 else {
            throw TextpipeError(.spec, "var_smoothing must be >= 0", key: "var_smoothing")
        }
        let d = x.columnCount
        let n = x.rowCount
        let counts = TrainingData.classCounts(labels, classCount: K)
        var mean = [Double](repeating: 0, count: K * d)
        var square = [Double](repeating: 0, count: K * d)
        var allMean = [Double](repeating: 0, count: d)
        var allSquare = [Double](repeating: 0, count: d)
        for r in 0..<n {
            let k = labels[r]
            x.forEach(inRow: r) { j, v in
                let dv = Double(v)
                mean[k * d + j] += dv
                square[k * d + j] += dv * dv
                allMean[j] += dv
                allSquare[j] += dv * dv
            }
        }
        var largest = 0.0
        for j in 0..<d {
            let m = allMean[j] / Double(n)
            largest = max(largest, max(0, allSquare[j] / Double(n) - m * m))
        }
        let epsilon = varianceSmoothing * largest
        // A class absent from training keeps unit variances: its -infinity prior already rules it out.
        var variance = [Double](repeating: 1, count: K * d)
        for k in 0..<K where counts[k] > 0 {
            for j in 0..<d {
                let m = mean[k * d + j] / Double(counts[k])
                mean[k * d + j] = m
                variance[k * d + j] = max(0, square[k * d + j] / Double(counts[k]) - m * m) + epsilon
            }
        }
        guard variance.allSatisfy({ $0 > 0 }) else {
            throw TextpipeError(
                .data,
                "gaussian_nb: a feature has zero variance in a class and var_smoothing is 0; set var_smoothing > 0")
        }
        let prior = try priors.logPriors(counts)
        return GaussianNaiveBayes(
            classCount: K, featureCount: d, means: mean.map { Float($0) }, variances: variance,
            logPriors: prior, epsilon: epsilon)
    }
}

/// Gaussian naive Bayes, for dense features (averaged word vectors, BERT).
public struct GaussianNaiveBayes: Classifier {
    /// Spec name.
    public static let kind = "gaussian_nb"
    /// Generative or discriminative.
    public static let family = ModelFamily.generative
    /// Classes.
    public let classCount: Int
    /// Feature columns it was trained on.
    public let featureCount: Int
    /// `means[k * d + j]`.
    let means: [Float]
    let variances: [Double]
    let logPriors: [Double]
    let epsilon: Double

    /// What its scores are (log joint, logit or decision value).
    public var scoreKind: ScoreKind { .logJoint }

    /// Per-class scores of each row (see `scoreKind`).
    public func scores(_ x: FeatureMatrix) -> DenseMatrix {
        let d = featureCount
        let K = classCount
        var constant = [Double](repeating: 0, count: K)
        for k in 0..<K {
            var s = logPriors[k]
            for j in 0..<d { s -= 0.5 * log(2 * Double.pi * variances[k * d + j]) }
            constant[k] = s
        }
        var out = DenseMatrix(rowCount: x.rowCount, columnCount: K)
        var row = [Double](repeating: 0, count: d)
        for r in 0..<x.rowCount {
            for j in 0..<d { row[j] = 0 }
            x.forEach(inRow: r) { j, v in if j < d { row[j] = Double(v) } }
            for k in 0..<K {
                var q = 0.0
                for j in 0..<d {
                    let diff = row[j] - Double(means[k * d + j])
                    q += diff * diff / variances[k * d + j]
                }
                out[r, k] = Float(constant[k] - 0.5 * q)
            }
        }
        return out
    }

    /// What training did, for the report.
    public var trainingSummary: [String: String] { ["variance smoothing": String(format: "%.3e", epsilon)] }

    /// Writes the trained parameters.
    public func encode(into w: inout BinaryWriter) throws {
        w.write(UInt64(classCount))
        w.write(UInt64(featureCount))
        w.write(array: means)
        w.write(array: variances)
        w.write(array: logPriors)
        w.write(epsilon)
    }

    /// Reads parameters written by `encode`, checking their sizes.
    public static func decode(from r: inout BinaryReader) throws -> GaussianNaiveBayes {
        let k = try r.readCount()
        let d = try r.readCount()
        let m = try r.readFloats()
        let v = try r.readDoubles()
        let p = try r.readDoubles()
        guard m.count == k * d, v.count == k * d, p.count == k else {
            throw TextpipeError(.model, "corrupt gaussian_nb parameters")
        }
        return GaussianNaiveBayes(
            classCount: k, featureCount: d, means: m, variances: v, logPriors: p, epsilon: try r.readDouble())
    }
}
