import Foundation
import TextCore

/// Hyperparameters of NB-SVM (Wang & Manning 2012).
public struct NBSVMConfiguration: ClassifierConfiguration, ClassWeighted {
    /// Smoothing of the naive Bayes count ratios.
    public var alpha: Double = 1.0
    /// SVM cost.
    public var C: Double = 1.0
    /// Interpolation between the mean weight magnitude (0) and the SVM's weights (1); the paper uses 0.25.
    public var beta: Double = 0.25
    /// Hinge or squared hinge.
    public var loss: HingeLoss = .squaredHinge
    /// Stop when the largest gradient component (or change) is below this.
    public var tolerance = 1e-4
    /// Optimiser iterations at most.
    public var maxIterations = 1000
    /// Weight of each class's documents.
    public var classWeights: ClassWeights = .uniform
    /// The defaults (as scikit-learn's where it has a counterpart).
    public init() {}

    /// One line for the README.
    public static let summary =
        "NB-SVM (Wang & Manning 2012): binarised features scaled by naive Bayes log-count ratios, a linear SVM on them, weights interpolated `w' = (1−β)·mean|w| + β·w`"
    /// What it needs and gives (declared once, read before training).
    public static let capabilities: ClassifierCapabilities = [.acceptsClassWeights]
    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<Self>] = [
        .number("alpha", \.alpha, .positive, "smoothing of the count ratios"),
        .number("C", \.C, .positive, "SVM cost"),
        .number("beta", \.beta, .unitInterval, "interpolation toward the mean weight"),
        .choice("loss", \.loss, "hinge or squared hinge"),
        .number("tolerance", \.tolerance, .positive, "dual convergence tolerance"),
        .integer("max_iterations", \.maxIterations, minimum: 1, "passes at most"),
        .classWeights(\.classWeights)
    ]

    /// Where the generative and discriminative views meet: each binarised feature is scaled by its naive
    /// Bayes log-count ratio `r = log((p / |p|_1) / (q / |q|_1))`, `p = alpha + sum of positive documents`,
    /// `q` likewise for the negatives; a linear SVM is trained on the scaled features, and its weights are
    /// interpolated toward their mean magnitude: `w' = (1 - beta) mean|w| + beta w`.
    /// More than two classes: one such model per class against the rest.
    public func fit(_ x: FeatureMatrix, labels: [Int], classCount K: Int, seed: UInt64) throws -> NBSVM {
        try TrainingData.validate(x, labels: labels, classCount: K, model: NBSVM.kind)
        guard alpha > 0, C > 0, (0...1).contains(beta) else {
            throw TextpipeError(.spec, "nbsvm needs alpha > 0, C > 0 and beta in [0, 1]", key: "nbsvm")
        }
        let d = x.columnCount
        let binary = Self.binarize(x)
        let problems = OneVsRest.count(classCount: K)
        let classWeight = try classWeights.resolve(labels, classCount: K)
        var effective = [Float](repeating: 0, count: d * problems)
        var intercepts = [Float](repeating: 0, count: problems)
        var ratios = [Float](repeating: 0, count: d * problems)
        var iterations: [Int] = []
        var converged = true
        let solver = DualCoordinateDescent(
            loss: loss, tolerance: tolerance, maxIterations: maxIterations, interceptScaling: 1)
        let solved = OneVsRest.solve(labels: labels, classCount: K, seed: seed) { problem in
            var pc = [Double](repeating: alpha, count: d)
            var qc = [Double](repeating: alpha, count: d)
            binary.forEachRow { r, j in if problem.positive[r] { pc[j] += 1 } else { qc[j] += 1 } }
            let pn = pc.reduce(0, +)
            let qn = qc.reduce(0, +)
            let r = (0..<d).map { log(pc[$0] / pn) - log(qc[$0] / qn) }
            var rng = Xoshiro256StarStar(seed: problem.seed)
            let s = solver.solve(
                binary.scaled(by: r), positive: problem.positive,
                cost: problem.costs(labels: labels, C: C, classWeight: classWeight, classCount: K), rng: &rng)
            return (ratios: r, solution: s)
        }
        for (p, (r, s)) in solved.enumerated() {
            let meanMagnitude = s.weights.reduce(0) { $0 + abs($1) } / Double(max(1, d))
            for j in 0..<d {
                let interpolated = (1 - beta) * meanMagnitude + beta * s.weights[j]
                effective[j * problems + p] = Float(interpolated * r[j])
                ratios[j * problems + p] = Float(r[j])
            }
            intercepts[p] = Float(s.intercept)
            iterations.append(s.iterations)
            converged = converged && s.converged
        }
        return NBSVM(
            linear: OneVsRestWeights(
                classCount: K, featureCount: d, problems: problems, weights: effective, intercepts: intercepts,
                iterations: iterations, converged: converged),
            ratios: ratios)
    }

    /// Presence (1) of each feature.
    static func binarize(_ x: FeatureMatrix) -> BinaryFeatures {
        var rows: [[Int32]] = []
        rows.reserveCapacity(x.rowCount)
        for r in 0..<x.rowCount {
            var cols: [Int32] = []
            x.forEach(inRow: r) { j, v in if v > 0 { cols.append(Int32(j)) } }
            rows.append(cols)
        }
        return BinaryFeatures(columnCount: x.columnCount, rows: rows)
    }
}

/// Which features are present in each row.
struct BinaryFeatures {
    let columnCount: Int
    let rows: [[Int32]]
    func forEachRow(_ body: (Int, Int) -> Void) {
        for (r, cols) in rows.enumerated() { for j in cols { body(r, Int(j)) } }
    }
    /// The sparse matrix with value `r[j]` wherever feature j is present.
    func scaled(by r: [Double]) -> FeatureMatrix {
        var m = SparseMatrix(columnCount: columnCount)
        for cols in rows {
            for j in cols {
                m.columns.append(j)
                m.values.append(Float(r[Int(j)]))
            }
            m.rowStart.append(m.columns.count)
        }
        return .sparse(m)
    }
}

/// NB-SVM: a linear SVM on naive-Bayes-scaled binary features. Decision values, no probabilities.
public struct NBSVM: Classifier {
    /// Spec name.
    public static let kind = "nbsvm"
    /// Generative or discriminative.
    public static let family = ModelFamily.discriminative
    /// Weights on *binarised* features (the interpolated SVM weight times the log-count ratio), intercepts and how
    /// the solver ended (shared with `LinearSVM`).
    let linear: OneVsRestWeights
    /// The log-count ratios, kept for the report ("which words does naive Bayes favour").
    let ratios: [Float]
    /// Classes.
    public var classCount: Int { linear.classCount }
    /// Feature columns it was trained on.
    public var featureCount: Int { linear.featureCount }
    /// Iterations of each optimisation.
    public var iterations: [Int] { linear.iterations }
    /// Whether every optimisation reached its tolerance.
    public var converged: Bool { linear.converged }

    /// What its scores are (log joint, logit or decision value).
    public var scoreKind: ScoreKind { .decision }

    /// Per-class scores of each row (see `scoreKind`).
    public func scores(_ x: FeatureMatrix) -> DenseMatrix {
        let binary = NBSVMConfiguration.binarize(x)
        var ones = SparseMatrix(columnCount: x.columnCount)
        for cols in binary.rows {
            for j in cols {
                ones.columns.append(j)
                ones.values.append(1)
            }
            ones.rowStart.append(ones.columns.count)
        }
        return linear.decisionValues(.sparse(ones))
    }

    /// A weight per (feature, class), for the report's informative features.
    public var featureWeights: DenseMatrix? { linear.featureWeights }

    /// What training did, for the report.
    public var trainingSummary: [String: String] {
        var s = linear.solverSummary
        s["view"] = "naive Bayes log-count ratios scale the features of a discriminative SVM"
        return s
    }

    /// Writes the trained parameters (`OneVsRestWeights`' layout, the log-count ratios in its middle).
    public func encode(into w: inout BinaryWriter) throws {
        linear.encode(into: &w) { $0.write(array: ratios) }
    }

    /// Reads parameters written by `encode`, checking their sizes.
    public static func decode(from r: inout BinaryReader) throws -> NBSVM {
        let (linear, ratios) = try OneVsRestWeights.decode(from: &r, model: "nbsvm") { r, problems, features in
            let ratios = try r.readFloats()
            return ratios.count == features * problems ? ratios : nil
        }
        return NBSVM(linear: linear, ratios: ratios)
    }
}
