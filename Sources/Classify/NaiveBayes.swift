import Foundation
import TextCore

/// Shared scoring of linear naive Bayes models: `log p(x, y=k) = prior[k] + bias[k] + sum_j x_j w[j, k]`.
/// Multinomial and Bernoulli naive Bayes differ only in how they compute `w` and `bias`.
struct LinearJointLogLikelihood: Sendable {
    let classCount: Int
    let featureCount: Int
    /// `weights[j * classCount + k]`: feature-major, so one non-zero touches one contiguous run.
    let weights: [Float]
    let bias: [Float]
    let binarize: Bool

    func scores(_ x: FeatureMatrix) -> DenseMatrix {
        var out = DenseMatrix(rowCount: x.rowCount, columnCount: classCount)
        let K = classCount
        weights.withUnsafeBufferPointer { w in
            out.values.withUnsafeMutableBufferPointer { o in
                for r in 0..<x.rowCount {
                    let row = o.start + r * K
                    for k in 0..<K { row[k] = bias[k] }
                    x.forEach(inRow: r) { j, v in
                        guard j < featureCount, v != 0 else { return }  // unseen columns carry no evidence
                        let value = binarize ? (v > 0 ? Float(1) : 0) : v
                        let base = j * K
                        for k in 0..<K { row[k] += value * w[base + k] }
                    }
                }
            }
        }
        return out
    }

    func encode(into w: inout BinaryWriter) {
        w.write(UInt64(classCount))
        w.write(UInt64(featureCount))
        w.write(UInt8(binarize ? 1 : 0))
        w.write(array: weights)
        w.write(array: bias)
    }

    static func decode(from r: inout BinaryReader) throws -> LinearJointLogLikelihood {
        let k = try r.readCount()
        let d = try r.readCount()
        let b = try r.read(UInt8.self) == 1
        let w = try r.readFloats()
        let bias = try r.readFloats()
        guard w.count == k * d, bias.count == k else { throw TextpipeError(.model, "corrupt naive Bayes weights") }
        return LinearJointLogLikelihood(classCount: k, featureCount: d, weights: w, bias: bias, binarize: b)
    }

    var featureWeights: DenseMatrix { DenseMatrix(rowCount: featureCount, columnCount: classCount, values: weights) }
}

extension ClassPriors {
    func logPriors(_ counts: [Int]) throws -> [Double] {
        let total = Double(counts.reduce(0, +))
        switch self {
        case .learned: return counts.map { log(Double($0) / total) }
        case .uniform: return counts.map { _ in -log(Double(counts.count)) }
        case .given(let p):
            guard p.count == counts.count, p.allSatisfy({ $0 >= 0 }), abs(p.reduce(0, +) - 1) < 1e-6 else {
                throw TextpipeError(
                    .spec, "priors must be \(counts.count) non-negative numbers summing to 1", key: "priors")
            }
            return p.map { log($0) }
        }
    }
}

/// Per-class feature totals: `sums[j * K + k]` is the sum of feature j over class k's documents
/// (of `min(x, 1)` when binarised, i.e. document counts).
func classFeatureSums(_ x: FeatureMatrix, _ labels: [Int], classCount K: Int, binarize: Bool) -> [Double] {
    var sums = [Double](repeating: 0, count: x.columnCount * K)
    sums.withUnsafeMutableBufferPointer { s in
        for r in 0..<x.rowCount {
            let k = labels[r]
            x.forEach(inRow: r) { j, v in
                if binarize { if v > 0 { s[j * K + k] += 1 } } else { s[j * K + k] += Double(v) }
            }
        }
    }
    return sums
}

/// Hyperparameters of multinomial naive Bayes.
public struct MultinomialNaiveBayesConfiguration: ClassifierConfiguration {
    /// Additive (Laplace/Lidstone) smoothing.
    public var alpha: Double = 1.0
    /// Class priors p(y).
    public var priors: ClassPriors = .learned
    /// The defaults (as scikit-learn's where it has a counterpart).
    public init() {}

    /// One line for the README.
    public static let summary =
        "counts from a per-class multinomial; `log p(j|k) = log((N_kj + α)/(N_k + α d))` (McCallum & Nigam 1998)"
    /// What it needs and gives (declared once, read before training).
    public static let capabilities: ClassifierCapabilities = [.needsNonNegativeInput, .givesProbabilities]
    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<Self>] = [
        .number(
            "alpha", \.alpha, Smoothing.bound, "additive (Lidstone) smoothing (0 would give unseen words probability 0)"
        ),
        .priors(\.priors)
    ]

    /// `log p(j | k) = log((N_kj + alpha) / (N_k + alpha * d))` (McCallum & Nigam 1998), all in log space.
    public func fit(_ x: FeatureMatrix, labels: [Int], classCount K: Int, seed: UInt64) throws -> MultinomialNaiveBayes
    {
        try TrainingData.validate(x, labels: labels, classCount: K, model: MultinomialNaiveBayes.kind)
        try Smoothing.check(alpha)
        try TrainingData.requireNonNegative(x, model: MultinomialNaiveBayes.kind)
        let d = x.columnCount
        let sums = classFeatureSums(x, labels, classCount: K, binarize: false)
        var totals = [Double](repeating: 0, count: K)
        for j in 0..<d { for k in 0..<K { totals[k] += sums[j * K + k] } }
        var weights = [Float](repeating: 0, count: d * K)
        for j in 0..<d {
            for k in 0..<K {
                weights[j * K + k] = Float(log(sums[j * K + k] + alpha) - log(totals[k] + alpha * Double(d)))
            }
        }
        let prior = try priors.logPriors(TrainingData.classCounts(labels, classCount: K)).map { Float($0) }
        return MultinomialNaiveBayes(
            model: LinearJointLogLikelihood(
                classCount: K, featureCount: d, weights: weights, bias: prior, binarize: false))
    }
}

/// Naive Bayes models whose joint log-likelihood is linear in the features share scoring and storage.
protocol LinearNaiveBayes: Classifier {
    var model: LinearJointLogLikelihood { get }
    init(model: LinearJointLogLikelihood)
}

extension LinearNaiveBayes {
    /// Generative or discriminative.
    public static var family: ModelFamily { .generative }
    /// Classes.
    public var classCount: Int { model.classCount }
    /// Feature columns it was trained on.
    public var featureCount: Int { model.featureCount }
    /// What its scores are (log joint, logit or decision value).
    public var scoreKind: ScoreKind { .logJoint }
    /// Per-class scores of each row (see `scoreKind`).
    public func scores(_ x: FeatureMatrix) -> DenseMatrix { model.scores(x) }
    /// A weight per (feature, class), for the report's informative features.
    public var featureWeights: DenseMatrix? { model.featureWeights }
    /// Writes the trained parameters.
    public func encode(into w: inout BinaryWriter) throws { model.encode(into: &w) }
    /// Reads parameters written by `encode`, checking their sizes.
    public static func decode(from r: inout BinaryReader) throws -> Self { Self(model: try .decode(from: &r)) }
}

/// Multinomial naive Bayes: features are counts drawn from a per-class multinomial.
public struct MultinomialNaiveBayes: LinearNaiveBayes {
    /// Spec name.
    public static let kind = "multinomial_nb"
    let model: LinearJointLogLikelihood
}

/// Hyperparameters of Bernoulli naive Bayes.
public struct BernoulliNaiveBayesConfiguration: ClassifierConfiguration {
    /// Additive (Lidstone) smoothing.
    public var alpha: Double = 1.0
    /// Class priors p(y).
    public var priors: ClassPriors = .learned
    /// The defaults (as scikit-learn's where it has a counterpart).
    public init() {}

    /// One line for the README.
    public static let summary = "presence/absence per feature; absent features count too"
    /// What it needs and gives (declared once, read before training).
    public static let capabilities: ClassifierCapabilities = [.givesProbabilities]
    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<Self>] = [
        .number(
            "alpha", \.alpha, Smoothing.bound, "additive (Lidstone) smoothing (0 would give unseen words probability 0)"
        ),
        .priors(\.priors)
    ]

    /// `p_kj = (docs of k containing j + alpha) / (docs of k + 2 alpha)`; absent features count too:
    /// `log p(x, k) = prior_k + sum_j log(1 - p_kj) + sum_{j in x} (log p_kj - log(1 - p_kj))`.
    public func fit(_ x: FeatureMatrix, labels: [Int], classCount K: Int, seed: UInt64) throws -> BernoulliNaiveBayes {
        try TrainingData.validate(x, labels: labels, classCount: K, model: BernoulliNaiveBayes.kind)
        try Smoothing.check(alpha)
        let d = x.columnCount
        let docCounts = classFeatureSums(x, labels, classCount: K, binarize: true)
        let classDocs = TrainingData.classCounts(labels, classCount: K)
        var weights = [Float](repeating: 0, count: d * K)
        var absent = [Double](repeating: 0, count: K)
        for j in 0..<d {
            for k in 0..<K {
                let p = (docCounts[j * K + k] + alpha) / (Double(classDocs[k]) + 2 * alpha)
                weights[j * K + k] = Float(log(p) - log(1 - p))
                absent[k] += log(1 - p)
            }
        }
        let prior = try priors.logPriors(classDocs)
        let bias = (0..<K).map { Float(prior[$0] + absent[$0]) }
        return BernoulliNaiveBayes(
            model: LinearJointLogLikelihood(
                classCount: K, featureCount: d, weights: weights, bias: bias, binarize: true))
    }
}

/// Bernoulli naive Bayes: each feature is present or absent, independently given the class.
public struct BernoulliNaiveBayes: LinearNaiveBayes {
    /// Spec name.
    public static let kind = "bernoulli_nb"
    let model: LinearJointLogLikelihood
}

/// The range of additive smoothing every naive Bayes accepts, stated once: the spec key's declared bound (checked
/// when the spec is read, naming the key) and the guard in `fit` for settings made in code. `alpha = 0` gives a word
/// never seen with a class the probability 0 (log 0 is minus infinity, and every score involving it is NaN), and
/// beyond 1e6 the smoothed counts overflow.
enum Smoothing {
    /// (0, 1e6].
    static let bound = ParameterType.number(minimum: 0, minimumInclusive: false, maximum: 1e6, maximumInclusive: true)

    /// Refuses an `alpha` outside `bound`, with the decoder's message.
    static func check(_ alpha: Double) throws {
        if let refusal = bound.refusal(of: alpha, key: "alpha") { throw TextpipeError(.spec, refusal, key: "alpha") }
    }
}
