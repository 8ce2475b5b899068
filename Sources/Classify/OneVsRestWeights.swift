import Foundation
import TextCore

/// What every one-vs-rest linear classifier trained by a margin solver stores, once: one weight vector and intercept
/// per problem (one problem, class 1's margin, for two classes; one per class otherwise), with how the solver ended.
/// `LinearSVM` and `NBSVM` hold one; each adds only what is its own (Platt parameters, log-count ratios).
///
/// Saved as the class count, feature count and problem count, the weights (`features x problems`, row-major) and
/// intercepts, then the model's own part, then the iterations and the convergence flag: the layout both models have
/// always written, so earlier saved models read unchanged.
struct OneVsRestWeights: Sendable {
    /// Classes.
    let classCount: Int
    /// Feature columns it was trained on.
    let featureCount: Int
    /// 1 for two classes, else one per class.
    let problems: Int
    /// `weights[j * problems + p]`.
    let weights: [Float]
    /// One per problem.
    let intercepts: [Float]
    /// Iterations of each problem's optimisation.
    let iterations: [Int]
    /// Whether every optimisation reached its tolerance.
    let converged: Bool

    /// The problems `K` classes make: one (class 1 against class 0) for two, else one per class.
    static func problems(classCount K: Int) -> Int { K == 2 ? 1 : K }

    /// `z[r, p] = b_p + sum_j x_rj w_jp`, one column per problem.
    func margins(_ x: FeatureMatrix) -> DenseMatrix {
        LinearScores.compute(x, weights: weights, intercepts: intercepts, outputs: problems, featureCount: featureCount)
    }

    /// Per-class decision values of each row.
    func decisionValues(_ x: FeatureMatrix) -> DenseMatrix {
        LinearScores.decisionValues(margins(x), classCount: classCount)
    }

    /// A weight per (feature, class), for the report's informative features.
    var featureWeights: DenseMatrix? {
        LinearScores.perClassWeights(weights, outputs: problems, featureCount: featureCount, classCount: classCount)
    }

    /// Iterations per problem and convergence, for the report.
    var solverSummary: [String: String] {
        ["iterations": iterations.map(String.init).joined(separator: ","), "converged": "\(converged)"]
    }

    /// Writes the layout above, the model's own part (`own`) in the middle.
    func encode(into w: inout BinaryWriter, own: (inout BinaryWriter) -> Void) {
        w.write(UInt64(classCount))
        w.write(UInt64(featureCount))
        w.write(UInt64(problems))
        w.write(array: weights)
        w.write(array: intercepts)
        own(&w)
        w.write(array: iterations.map { Int64($0) })
        w.write(UInt8(converged ? 1 : 0))
    }

    /// Reads the layout above; `own` reads and checks the model's part given the problem and feature counts and
    /// returns nil when it does not fit them. Sizes that disagree are `corrupt` errors naming `model`.
    static func decode<Own>(
        from r: inout BinaryReader, model: String,
        own: (inout BinaryReader, _ problems: Int, _ features: Int) throws -> Own?
    ) throws -> (OneVsRestWeights, Own) {
        let k = try r.readCount()
        let d = try r.readCount()
        let p = try r.readCount()
        let w = try r.readFloats()
        let b = try r.readFloats()
        let part = try own(&r, p, d)
        guard k >= 2, w.count == d * p, b.count == p, p == problems(classCount: k), let part else {
            throw TextpipeError(.model, "corrupt \(model) weights")
        }
        let iterations = try r.readArray(Int64.self).map { Int($0) }
        let converged = try r.read(UInt8.self) == 1
        return (
            OneVsRestWeights(
                classCount: k, featureCount: d, problems: p, weights: w, intercepts: b, iterations: iterations,
                converged: converged),
            part
        )
    }
}
