import Foundation
import TextCore

/// Hyperparameters of complement naive Bayes (Rennie, Shih, Teevan & Karger 2003).
public struct ComplementNaiveBayesConfiguration: ClassifierConfiguration {
    /// Additive (Lidstone) smoothing.
    public var alpha: Double = 1.0
    /// Normalise each class's weights to unit l1 length (the paper's weight normalisation, "WCNB").
    public var normalize = false
    /// The defaults (as scikit-learn's where it has a counterpart).
    public init() {}

    /// One line for the README.
    public static let summary =
        "each class estimated from the *other* classes' counts (Rennie et al. 2003): steady on imbalanced text"
    /// What it needs and gives (declared once, read before training).
    public static let capabilities: ClassifierCapabilities = [.needsNonNegativeInput, .givesProbabilities]
    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<Self>] = [
        .number("alpha", \.alpha, Smoothing.bound, "additive smoothing of the complement counts"),
        .boolean("norm", \.normalize, "normalise each class's weights to unit l1 length (WCNB)")
    ]

    /// Estimates each class from the counts of all *other* classes, which is far steadier when classes are
    /// imbalanced: `w_kj = -log((N_~k,j + alpha) / (N_~k + alpha d))`, score `sum_j x_j w_kj`
    /// (as scikit-learn's `ComplementNB`; the class prior is not used).
    public func fit(_ x: FeatureMatrix, labels: [Int], classCount K: Int, seed: UInt64) throws -> ComplementNaiveBayes {
        try TrainingData.validate(x, labels: labels, classCount: K, model: ComplementNaiveBayes.kind)
        try Smoothing.check(alpha)
        try TrainingData.requireNonNegative(x, model: ComplementNaiveBayes.kind)
        let d = x.columnCount
        let sums = classFeatureSums(x, labels, classCount: K, binarize: false)
        var weights = [Float](repeating: 0, count: d * K)
        var logs = [Double](repeating: 0, count: d * K)
        var totals = [Double](repeating: 0, count: K)
        for j in 0..<d {
            var all = 0.0
            for k in 0..<K { all += sums[j * K + k] }
            for k in 0..<K {
                let complement = all - sums[j * K + k] + alpha
                logs[j * K + k] = complement
                totals[k] += complement
            }
        }
        var norms = [Double](repeating: 0, count: K)
        for j in 0..<d {
            for k in 0..<K {
                logs[j * K + k] = log(logs[j * K + k] / totals[k])
                norms[k] += abs(logs[j * K + k])
            }
        }
        for j in 0..<d {
            for k in 0..<K {
                weights[j * K + k] = Float(normalize ? logs[j * K + k] / norms[k] : -logs[j * K + k])
            }
        }
        return ComplementNaiveBayes(
            model: LinearJointLogLikelihood(
                classCount: K, featureCount: d, weights: weights,
                bias: [Float](repeating: 0, count: K), binarize: false))
    }
}

/// Complement naive Bayes: the strong naive Bayes on imbalanced text.
public struct ComplementNaiveBayes: LinearNaiveBayes {
    /// Spec name.
    public static let kind = "complement_nb"
    let model: LinearJointLogLikelihood
}
