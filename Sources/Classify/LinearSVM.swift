import Foundation
import TextCore

/// Hyperparameters of the linear support vector machine.
public struct LinearSVMConfiguration: ClassifierConfiguration, ClassWeighted {
    /// Inverse regularisation strength.
    public var C: Double = 1.0
    /// Hinge or squared hinge.
    public var loss: HingeLoss = .squaredHinge
    /// Stop when the projected-gradient spread of the dual falls below this (liblinear's `eps`).
    public var tolerance = 1e-4
    /// Optimiser iterations at most.
    public var maxIterations = 1000
    /// Value of the constant feature whose weight is the intercept; 0 fits no intercept.
    public var interceptScaling = 1.0
    /// Weight of each class's documents.
    public var classWeights: ClassWeights = .uniform
    /// `true` adds Platt-scaled probabilities, fitted on decision values from an internal 3-fold split.
    public var plattScaling = false
    /// The defaults (as scikit-learn's where it has a counterpart).
    public init() {}

    /// One line for the README.
    public static let summary =
        "L2-regularised hinge or squared-hinge SVM by dual coordinate descent (Hsieh et al. 2008, liblinear's method), one-vs-rest; decision values, no probabilities unless `platt: true`"
    /// What it needs and gives (declared once, read before training).
    public static let capabilities: ClassifierCapabilities = [.acceptsClassWeights]
    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<Self>] = [
        .number("C", \.C, .positive, "cost of a margin violation"),
        .choice("loss", \.loss, "hinge or squared hinge"),
        .number("tolerance", \.tolerance, .positive, "liblinear's `eps` on the dual's projected gradient"),
        .integer("max_iterations", \.maxIterations, minimum: 1, "passes over the data at most"),
        .number(
            "intercept_scaling", \.interceptScaling, .nonNegative, "value of the constant feature (0: no intercept)"),
        .classWeights(\.classWeights),
        .boolean("platt", \.plattScaling, "fit Platt scaling on held-out thirds to give probabilities")
    ]

    /// Whether these settings give class probabilities.
    public var givesProbabilities: Bool { plattScaling }

    /// One binary SVM, or one per class against the rest, by dual coordinate descent. With class weights,
    /// a binary problem uses `C * w_y` per document; a one-vs-rest problem `C * w_k` for class k's documents
    /// and `C` for the rest (liblinear's convention, which scikit-learn's `LinearSVC` inherits).
    public func fit(_ x: FeatureMatrix, labels: [Int], classCount K: Int, seed: UInt64) throws -> LinearSVM {
        try TrainingData.validate(x, labels: labels, classCount: K, model: LinearSVM.kind)
        guard C > 0 else { throw TextpipeError(.spec, "C must be > 0, got \(C)", key: "C") }
        let classWeight = try classWeights.resolve(labels, classCount: K)
        let (weights, intercepts, iterations, converged) = train(
            x, labels: labels, classCount: K, classWeight: classWeight, seed: seed)
        var platt: [Double] = []
        if plattScaling {
            // Decision values of held-out thirds, so the sigmoid is not fitted to the SVM's own training margins.
            let problems = K == 2 ? 1 : K
            var decision = [[Double]](repeating: [Double](repeating: 0, count: labels.count), count: problems)
            var order = Array(0..<labels.count)
            var rng = Xoshiro256StarStar(seed: seed ^ 0x5EED)
            order.seededShuffle(&rng)
            for part in 0..<3 {
                let test = order.enumerated().filter { $0.offset % 3 == part }.map(\.element)
                let train = order.enumerated().filter { $0.offset % 3 != part }.map(\.element)
                let trainLabels = train.map { labels[$0] }
                let cw = try classWeights.resolve(trainLabels, classCount: K)
                let (w, b, _, _) = self.train(
                    x.rows(train), labels: trainLabels, classCount: K, classWeight: cw, seed: seed &+ UInt64(part))
                let z = LinearScores.compute(
                    x.rows(test), weights: w, intercepts: b, outputs: problems, featureCount: x.columnCount)
                for (r, doc) in test.enumerated() { for p in 0..<problems { decision[p][doc] = Double(z[r, p]) } }
            }
            for p in 0..<problems {
                let (a, b) = PlattScaling.fit(decision[p], labels.map { $0 == (K == 2 ? 1 : p) })
                platt += [a, b]
            }
        }
        return LinearSVM(
            linear: OneVsRestWeights(
                classCount: K, featureCount: x.columnCount, problems: OneVsRestWeights.problems(classCount: K),
                weights: weights, intercepts: intercepts, iterations: iterations, converged: converged),
            platt: platt)
    }

    func train(_ x: FeatureMatrix, labels: [Int], classCount K: Int, classWeight: [Double], seed: UInt64)
        -> (weights: [Float], intercepts: [Float], iterations: [Int], converged: Bool)
    {
        let problems = OneVsRest.count(classCount: K)
        let d = x.columnCount
        var weights = [Float](repeating: 0, count: d * problems)
        var intercepts = [Float](repeating: 0, count: problems)
        var iterations: [Int] = []
        var converged = true
        let solver = DualCoordinateDescent(
            loss: loss, tolerance: tolerance, maxIterations: maxIterations, interceptScaling: interceptScaling)
        let rows = DualCoordinateDescent.Rows(x)
        let solutions = OneVsRest.solve(labels: labels, classCount: K, seed: seed) { problem in
            var rng = Xoshiro256StarStar(seed: problem.seed)
            return solver.solve(
                rows, positive: problem.positive,
                cost: problem.costs(labels: labels, C: C, classWeight: classWeight, classCount: K), rng: &rng)
        }
        for (p, solution) in solutions.enumerated() {
            for j in 0..<d { weights[j * problems + p] = Float(solution.weights[j]) }
            intercepts[p] = Float(solution.intercept)
            iterations.append(solution.iterations)
            converged = converged && solution.converged
        }
        return (weights, intercepts, iterations, converged)
    }
}

/// A linear SVM: decision values `w.x + b` per class (one-vs-rest), no probabilities unless Platt-scaled.
public struct LinearSVM: Classifier {
    /// Spec name.
    public static let kind = "linear_svm"
    /// Generative or discriminative.
    public static let family = ModelFamily.discriminative
    /// Weights, intercepts and how the solver ended (shared with `NBSVM`).
    let linear: OneVsRestWeights
    /// Platt parameters (A, B) per problem, empty without Platt scaling.
    let platt: [Double]
    /// Classes.
    public var classCount: Int { linear.classCount }
    /// Feature columns it was trained on.
    public var featureCount: Int { linear.featureCount }
    /// Iterations of each optimisation.
    public var iterations: [Int] { linear.iterations }
    /// Whether every optimisation reached its tolerance.
    public var converged: Bool { linear.converged }

    /// What its scores are (log joint, logit or decision value).
    public var scoreKind: ScoreKind { platt.isEmpty ? .decision : .logit }

    /// Per-class scores of each row (see `scoreKind`).
    public func scores(_ x: FeatureMatrix) -> DenseMatrix {
        if platt.isEmpty { return linear.decisionValues(x) }
        let z = linear.margins(x)
        var out = DenseMatrix(rowCount: x.rowCount, columnCount: classCount)
        for r in 0..<x.rowCount {
            do {
                // log p(k) from the sigmoid 1 / (1 + exp(A f + B)); the shared softmax normalises one-vs-rest.
                func logSigmoidOfMinus(_ t: Double) -> Float { Float(t >= 0 ? -t - log1p(exp(-t)) : -log1p(exp(t))) }
                if linear.problems == 1 {
                    let t = platt[0] * Double(z[r, 0]) + platt[1]
                    out[r, 1] = logSigmoidOfMinus(t)
                    out[r, 0] = logSigmoidOfMinus(-t)
                } else {
                    for k in 0..<classCount {
                        out[r, k] = logSigmoidOfMinus(platt[2 * k] * Double(z[r, k]) + platt[2 * k + 1])
                    }
                }
            }
        }
        return out
    }

    /// A weight per (feature, class), for the report's informative features.
    public var featureWeights: DenseMatrix? { linear.featureWeights }

    /// What training did, for the report.
    public var trainingSummary: [String: String] {
        var s = linear.solverSummary
        if !platt.isEmpty { s["probabilities"] = "Platt scaling (3-fold internal)" }
        return s
    }

    /// Writes the trained parameters (`OneVsRestWeights`' layout, the Platt parameters in its middle).
    public func encode(into w: inout BinaryWriter) throws {
        linear.encode(into: &w) { $0.write(array: platt) }
    }

    /// Reads parameters written by `encode`, checking their sizes.
    public static func decode(from r: inout BinaryReader) throws -> LinearSVM {
        let (linear, platt) = try OneVsRestWeights.decode(from: &r, model: "linear SVM") { r, problems, _ in
            let platt = try r.readDoubles()
            return platt.isEmpty || platt.count == 2 * problems ? platt : nil
        }
        return LinearSVM(linear: linear, platt: platt)
    }
}
