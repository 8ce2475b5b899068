import Foundation
import TextCore

/// The penalty of a linear model.
public enum Penalty: String, Sendable, Codable, Hashable, CaseIterable {
    /// `(1/2C) ||w||^2`: smooth, every feature keeps a small weight.
    case l2
    /// `(1/C) ||w||_1`: sparse weights, trained by OWL-QN.
    case l1
}

/// Hyperparameters of logistic regression.
public struct LogisticRegressionConfiguration: ClassifierConfiguration, ClassWeighted {
    /// Inverse regularisation strength, as scikit-learn's `C`.
    public var C: Double = 1.0
    /// L2 (L-BFGS) or L1 (OWL-QN).
    public var penalty: Penalty = .l2
    /// Optimiser iterations at most.
    public var maxIterations = 500
    /// Stop when the largest gradient component (or change) is below this.
    public var tolerance = 1e-5
    /// Learn an unpenalised intercept.
    public var fitIntercept = true
    /// Weight of each class's documents.
    public var classWeights: ClassWeights = .uniform
    /// The defaults (as scikit-learn's where it has a counterpart).
    public init() {}

    /// One line for the README.
    public static let summary =
        "binary logistic regression, one-vs-rest for more classes (probabilities normalised); L2 by L-BFGS, L1 by OWL-QN (Andrew & Gao 2007)"
    /// What it needs and gives (declared once, read before training).
    public static let capabilities: ClassifierCapabilities = [.givesProbabilities, .acceptsClassWeights]
    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<Self>] = [
        .number("C", \.C, .positive, "inverse regularisation strength, as scikit-learn's"),
        .choice("penalty", \.penalty, "`l2` (smooth) or `l1` (sparse weights)"),
        .integer("max_iterations", \.maxIterations, minimum: 1, "iterations at most"),
        .number("tolerance", \.tolerance, .positive, "convergence tolerance"),
        .boolean("fit_intercept", \.fitIntercept, "learn an unpenalised intercept"),
        .classWeights(\.classWeights)
    ]

    /// Binary logistic regression minimising `C sum_i w_i log(1 + exp(-y_i (w.x_i + b))) + penalty(w)`;
    /// with more than two classes, one binary model per class against the rest (one-vs-rest), whose
    /// probabilities are normalised to sum to one (as scikit-learn's `OneVsRestClassifier`).
    /// L2 is trained by L-BFGS, L1 by OWL-QN (Andrew & Gao 2007). The intercept is never penalised.
    public func fit(_ x: FeatureMatrix, labels: [Int], classCount K: Int, seed: UInt64) throws -> LogisticRegression {
        try TrainingData.validate(x, labels: labels, classCount: K, model: LogisticRegression.kind)
        guard C > 0 else { throw TextpipeError(.spec, "C must be > 0, got \(C)", key: "C") }
        let d = x.columnCount
        let problems = OneVsRest.count(classCount: K)
        var weights = [Float](repeating: 0, count: d * problems)
        var intercepts = [Float](repeating: 0, count: problems)
        var iterations: [Int] = []
        var converged = true
        var gradientMax = 0.0
        let classWeightVector = try classWeights.resolve(labels, classCount: K)
        let columns = ColumnMajorRows(x)  // shared by every one-vs-rest problem
        // One-vs-rest problems are independent: run them side by side, one core each; a single binary problem
        // uses every core inside its objective instead.
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let parallelProblems = problems > 1 ? min(cores, problems) : 1
        let outcomes = try OneVsRest.solve(labels: labels, classCount: K, workers: parallelProblems) {
            problem throws(any Error) -> LBFGS.Outcome in
            let binary = problem.positive.map { $0 ? 1 : 0 }
            let sampleWeights: [Double]
            switch classWeights {
            case .uniform: sampleWeights = [Double](repeating: 1, count: labels.count)
            case .balanced: sampleWeights = try ClassWeights.balanced.sampleWeights(binary, classCount: 2)
            case .perClass, .named: sampleWeights = labels.map { classWeightVector[$0] }
            }
            var smooth = SoftmaxRegressionConfiguration()
            smooth.fitIntercept = fitIntercept
            smooth.l2 = penalty == .l2 ? 1 / C : 0
            let objective = smooth.objective(
                x, labels: binary, classCount: 2, sampleWeights: sampleWeights, columns: columns,
                threads: parallelProblems > 1 ? 1 : nil)
            let start = [Double](repeating: 0, count: d + 1)
            let outcome: LBFGS.Outcome
            switch penalty {
            case .l2:
                outcome = LBFGS(maxIterations: maxIterations, tolerance: tolerance).minimize(start, objective)
            case .l1:
                outcome = LBFGS(
                    maxIterations: maxIterations, tolerance: tolerance, l1: 1 / (C * Double(labels.count)),
                    penalized: d
                )
                .minimize(start, objective)
            }
            return outcome
        }
        for (p, outcome) in outcomes.enumerated() {
            for j in 0..<d { weights[j * problems + p] = Float(outcome.x[j]) }
            intercepts[p] = Float(outcome.x[d])
            iterations.append(outcome.iterations)
            converged = converged && outcome.converged
            gradientMax = max(gradientMax, outcome.gradientMax)
        }
        return LogisticRegression(
            classCount: K, featureCount: d, problems: problems, weights: weights, intercepts: intercepts,
            iterations: iterations, converged: converged, gradientMax: gradientMax)
    }
}

/// Logistic regression: binary, or one-vs-rest for more classes.
public struct LogisticRegression: Classifier {
    /// Spec name.
    public static let kind = "logistic"
    /// Generative or discriminative.
    public static let family = ModelFamily.discriminative
    /// Classes.
    public let classCount: Int
    /// Feature columns it was trained on.
    public let featureCount: Int
    let problems: Int
    /// `weights[j * problems + p]`.
    let weights: [Float]
    let intercepts: [Float]
    /// Iterations of each optimisation.
    public let iterations: [Int]
    /// Whether every optimisation reached its tolerance.
    public let converged: Bool
    /// Largest gradient component at the end.
    public let gradientMax: Double

    /// What its scores are (log joint, logit or decision value).
    public var scoreKind: ScoreKind { .logit }

    /// Two classes: `[0, z]`; more: `log sigmoid(z_k)` per class, so that the shared softmax gives
    /// one-vs-rest probabilities normalised to sum to one.
    public func scores(_ x: FeatureMatrix) -> DenseMatrix {
        let z = LinearScores.compute(
            x, weights: weights, intercepts: intercepts, outputs: problems, featureCount: featureCount)
        var out = DenseMatrix(rowCount: x.rowCount, columnCount: classCount)
        for r in 0..<x.rowCount {
            if problems == 1 {
                out[r, 1] = z[r, 0]
            } else {
                for k in 0..<classCount {
                    let v = z[r, k]
                    out[r, k] = v >= 0 ? -log1p(exp(-v)) : v - log1p(exp(v))
                }
            }
        }
        return out
    }

    /// A weight per (feature, class), for the report's informative features.
    public var featureWeights: DenseMatrix? {
        LinearScores.perClassWeights(weights, outputs: problems, featureCount: featureCount, classCount: classCount)
    }

    /// What training did, for the report.
    public var trainingSummary: [String: String] {
        [
            "iterations": iterations.map(String.init).joined(separator: ","), "converged": "\(converged)",
            "max |gradient|": String(format: "%.2e", gradientMax),
            "non-zero weights": "\(weights.filter { $0 != 0 }.count) of \(weights.count)"
        ]
    }

    /// Writes the trained parameters.
    public func encode(into w: inout BinaryWriter) throws {
        w.write(UInt64(classCount))
        w.write(UInt64(featureCount))
        w.write(UInt64(problems))
        w.write(array: weights)
        w.write(array: intercepts)
        w.write(array: iterations.map { Int64($0) })
        w.write(UInt8(converged ? 1 : 0))
        w.write(gradientMax)
    }

    /// Reads parameters written by `encode`, checking their sizes.
    public static func decode(from r: inout BinaryReader) throws -> LogisticRegression {
        let k = try r.readCount()
        let d = try r.readCount()
        let p = try r.readCount()
        let w = try r.readFloats()
        let b = try r.readFloats()
        guard k >= 2, w.count == d * p, b.count == p, p == (k == 2 ? 1 : k) else {
            throw TextpipeError(.model, "corrupt logistic regression weights")
        }
        return LogisticRegression(
            classCount: k, featureCount: d, problems: p, weights: w, intercepts: b,
            iterations: try r.readArray(Int64.self).map { Int($0) }, converged: try r.read(UInt8.self) == 1,
            gradientMax: try r.readDouble())
    }
}

/// Shared arithmetic of linear models with weights stored feature-major (`w[j * outputs + k]`).
enum LinearScores {
    /// `z[r, k] = b_k + sum_j x_rj w_jk`; columns past `featureCount` (unseen in training) are ignored.
    static func compute(_ x: FeatureMatrix, weights: [Float], intercepts: [Float], outputs: Int, featureCount: Int)
        -> DenseMatrix
    {
        var out = DenseMatrix(rowCount: x.rowCount, columnCount: outputs)
        weights.withUnsafeBufferPointer { w in
            out.values.withUnsafeMutableBufferPointer { o in
                for r in 0..<x.rowCount {
                    let row = o.start + r * outputs
                    for k in 0..<outputs { row[k] = intercepts[k] }
                    x.forEach(inRow: r) { j, v in
                        guard j < featureCount else { return }
                        let base = j * outputs
                        for k in 0..<outputs { row[k] += w[base + k] * v }
                    }
                }
            }
        }
        return out
    }

    /// Per-class decision values from one-vs-rest outputs `z`: `[0, z]` for a single binary problem
    /// (class 1 wins when z > 0, as scikit-learn decides), `z` itself otherwise.
    static func decisionValues(_ z: DenseMatrix, classCount: Int) -> DenseMatrix {
        guard z.columnCount == 1 else { return z }
        var out = DenseMatrix(rowCount: z.rowCount, columnCount: classCount)
        for r in 0..<z.rowCount { out[r, 1] = z[r, 0] }
        return out
    }

    /// Per-class weights for "most informative features"; a single binary model gives class 0 the negation.
    static func perClassWeights(_ weights: [Float], outputs: Int, featureCount: Int, classCount: Int) -> DenseMatrix {
        if outputs == 1 {
            var m = DenseMatrix(rowCount: featureCount, columnCount: 2)
            for j in 0..<featureCount {
                m[j, 0] = -weights[j]
                m[j, 1] = weights[j]
            }
            return m
        }
        return DenseMatrix(rowCount: featureCount, columnCount: classCount, values: weights)
    }
}
