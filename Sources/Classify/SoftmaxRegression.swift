import Foundation
import TextCore

/// Hyperparameters of softmax (multinomial logistic) regression.
public struct SoftmaxRegressionConfiguration: ClassifierConfiguration, ClassWeighted {
    /// L2 penalty strength on the weights (not the intercepts): `l2 = 1 / C` in scikit-learn's terms.
    public var l2: Double = 1.0
    /// Optimiser iterations at most.
    public var maxIterations = 500
    /// Stop when the largest component of the (per-document) gradient is at most this.
    public var tolerance = 1e-5
    /// Learn an unpenalised intercept.
    public var fitIntercept = true
    /// Weight of each class's documents.
    public var classWeights: ClassWeights = .uniform
    /// The defaults (as scikit-learn's where it has a counterpart).
    public init() {}

    /// One line for the README.
    public static let summary = "multinomial logistic regression (binary logistic for two classes), L-BFGS"
    /// What it needs and gives (declared once, read before training).
    public static let capabilities: ClassifierCapabilities = [.givesProbabilities, .acceptsClassWeights]
    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<Self>] = [
        .number("l2", \.l2, .nonNegative, "L2 penalty on the weights (not the intercepts)"),
        Parameter(key: "C", type: .positive, summary: "inverse penalty, `l2 = 1 / C`", defaultValue: "1") { c, v in
            if case .number(let d) = v { c.l2 = 1 / d }
        },
        .integer("max_iterations", \.maxIterations, minimum: 1, "L-BFGS iterations at most"),
        .number("tolerance", \.tolerance, .positive, "stop when the gradient's largest entry falls below this"),
        .boolean("fit_intercept", \.fitIntercept, "learn an unpenalised intercept per class"),
        .classWeights(\.classWeights)
    ]

    /// `l2` and `C` are the same setting: give one.
    public func validate(present: Set<String>) throws {
        if present.contains("l2"), present.contains("C") {
            throw SettingsConflict(key: "C", "give either l2 or C (= 1 / l2), not both")
        }
    }

    /// Minimises `(1/n) [ sum_i -log p(y_i | x_i) + (l2 / 2) ||W||^2 ]` by L-BFGS.
    ///
    /// With two classes the model is binary logistic regression (one weight vector, `p(1|x) = sigmoid(w.x + b)`),
    /// which is exactly scikit-learn's `LogisticRegression(C = 1 / l2)`; with more it is the full softmax.
    public func fit(_ x: FeatureMatrix, labels: [Int], classCount K: Int, seed: UInt64) throws -> SoftmaxRegression {
        try TrainingData.validate(x, labels: labels, classCount: K, model: SoftmaxRegression.kind)
        guard l2 >= 0 else { throw TextpipeError(.spec, "l2 must be >= 0, got \(l2)", key: "l2") }
        guard maxIterations > 0 else { throw TextpipeError(.spec, "max_iterations must be > 0", key: "max_iterations") }
        let d = x.columnCount
        let outputs = K == 2 ? 1 : K
        let weightCount = d * outputs
        let objective = self.objective(
            x, labels: labels, classCount: K,
            sampleWeights: try classWeights.sampleWeights(labels, classCount: K))
        let start = [Double](repeating: 0, count: weightCount + outputs)
        let outcome = LBFGS(maxIterations: maxIterations, tolerance: tolerance).minimize(start, objective)
        return SoftmaxRegression(
            classCount: K, featureCount: d, outputs: outputs,
            weights: outcome.x[0..<weightCount].map { Float($0) },
            intercepts: outcome.x[weightCount...].map { Float($0) },
            iterations: outcome.iterations, converged: outcome.converged,
            gradientMax: outcome.gradientMax, finalLoss: outcome.value)
    }

    /// The training objective and its gradient, `(1/n) [ sum_i -log p(y_i | x_i) + (l2 / 2) ||W||^2 ]`.
    /// Parameter layout: `W[j * outputs + k]` for features j, then one intercept per output.
    func objective(
        _ x: FeatureMatrix, labels: [Int], classCount K: Int, sampleWeights: [Double]? = nil,
        columns prepared: ColumnMajorRows? = nil, threads threadLimit: Int? = nil
    ) -> ([Double], inout [Double]) -> Double {
        let d = x.columnCount
        let outputs = K == 2 ? 1 : K
        let weightCount = d * outputs
        let n = x.rowCount
        let threads = max(1, min(threadLimit ?? ProcessInfo.processInfo.activeProcessorCount, n / 256))
        let chunk = (n + threads - 1) / threads
        let invN = 1 / Double(n)
        let l2 = self.l2
        let fitIntercept = self.fitIntercept

        // Work on a column-major copy of the features, split by feature ranges across threads: the forward pass
        // adds each column into small per-thread score buffers (n x outputs), and the backward pass writes each
        // feature's gradient exactly once, so no per-thread copy of the (features x classes) gradient is needed.
        let columns = prepared ?? ColumnMajorRows(x)
        let ranges = columns.balancedRanges(parts: threads)
        let scoreBuffers = ThreadBuffers(threads: threads, size: n * outputs)
        let residual = ThreadBuffers(threads: 1, size: n * outputs)
        let weights = sampleWeights ?? [Double](repeating: 1, count: n)
        let penalties = ThreadBuffers(threads: 1, size: threads)
        return { params, gradient in
            params.withUnsafeBufferPointer { p -> Double in
                gradient.withUnsafeMutableBufferPointer { grad -> Double in
                    columns.starts.withUnsafeBufferPointer { starts in
                        columns.rows.withUnsafeBufferPointer { rowsOf in
                            columns.values.withUnsafeBufferPointer { vals in
                                DispatchQueue.concurrentPerform(iterations: threads) { t in
                                    let z = scoreBuffers.buffer(t)
                                    z.update(repeating: 0)
                                    for j in ranges[t] {
                                        let w = p.start + j * outputs
                                        for e in starts[j]..<starts[j + 1] {
                                            let row = z.start + Int(rowsOf[e]) * outputs
                                            let v = vals[e]
                                            for k in 0..<outputs { row[k] += v * w[k] }
                                        }
                                    }
                                }
                                // Scores, loss and residuals row by row (n x outputs: small).
                                let r = residual.buffer(0)
                                var loss = 0.0
                                for i in 0..<n {
                                    let base = i * outputs
                                    for k in 0..<outputs {
                                        var v = fitIntercept ? p[weightCount + k] : 0
                                        for t in 0..<threads { v += scoreBuffers.buffer(t)[base + k] }
                                        r[base + k] = v
                                    }
                                    let y = labels[i]
                                    let weight = weights[i]
                                    if outputs == 1 {
                                        // Binary: loss = log(1 + e^z) - [y == 1] z, computed stably.
                                        let zz = r[base]
                                        loss +=
                                            weight
                                            * ((zz > 0 ? zz + log1p(exp(-zz)) : log1p(exp(zz))) - (y == 1 ? zz : 0))
                                        let prob = zz >= 0 ? 1 / (1 + exp(-zz)) : exp(zz) / (1 + exp(zz))
                                        r[base] = weight * (prob - (y == 1 ? 1 : 0))
                                    } else {
                                        var m = -Double.infinity
                                        for k in 0..<outputs { m = max(m, r[base + k]) }
                                        var sum = 0.0
                                        for k in 0..<outputs { sum += exp(r[base + k] - m) }
                                        let logSum = m + log(sum)
                                        loss += weight * (logSum - r[base + y])
                                        for k in 0..<outputs {
                                            r[base + k] = weight * (exp(r[base + k] - logSum) - (k == y ? 1 : 0))
                                        }
                                    }
                                }
                                let pen = penalties.buffer(0)
                                DispatchQueue.concurrentPerform(iterations: threads) { t in
                                    var penalty = 0.0
                                    for j in ranges[t] {
                                        let g = grad.start + j * outputs
                                        let w = p.start + j * outputs
                                        for k in 0..<outputs { g[k] = 0 }
                                        for e in starts[j]..<starts[j + 1] {
                                            let row = r.start + Int(rowsOf[e]) * outputs
                                            let v = vals[e]
                                            for k in 0..<outputs { g[k] += v * row[k] }
                                        }
                                        for k in 0..<outputs {
                                            penalty += w[k] * w[k]
                                            g[k] = (g[k] + l2 * w[k]) * invN
                                        }
                                    }
                                    pen[t] = penalty  // each thread writes only its own slot
                                }
                                for k in 0..<outputs {
                                    var s = 0.0
                                    if fitIntercept { for i in 0..<n { s += r[i * outputs + k] } }
                                    grad[weightCount + k] = s * invN
                                }
                                let penalty = (0..<threads).reduce(0.0) { $0 + pen[$1] }
                                return (loss + 0.5 * l2 * penalty) * invN
                            }
                        }
                    }
                }
            }
        }
    }

}

/// A column-major (CSC) copy of a feature matrix, in double precision.
struct ColumnMajorRows {
    let starts: [Int]
    let rows: [Int32]
    let values: [Double]
    init(_ x: FeatureMatrix) {
        var counts = [Int](repeating: 0, count: x.columnCount + 1)
        for r in 0..<x.rowCount { x.forEach(inRow: r) { j, v in if v != 0 { counts[j + 1] += 1 } } }
        for j in 0..<x.columnCount { counts[j + 1] += counts[j] }
        var next = counts
        var rows = [Int32](repeating: 0, count: counts[x.columnCount])
        var values = [Double](repeating: 0, count: counts[x.columnCount])
        for r in 0..<x.rowCount {
            x.forEach(inRow: r) { j, v in
                if v != 0 {
                    rows[next[j]] = Int32(r)
                    values[next[j]] = Double(v)
                    next[j] += 1
                }
            }
        }
        starts = counts
        self.rows = rows
        self.values = values
    }
    /// Contiguous feature ranges holding about the same number of entries each.
    func balancedRanges(parts: Int) -> [Range<Int>] {
        let d = starts.count - 1
        let total = starts[d]
        var out: [Range<Int>] = []
        var begin = 0
        for part in 1...parts {
            var end = begin
            let goal = total * part / parts
            while end < d && starts[end + 1] <= goal { end += 1 }
            if part == parts { end = d }
            out.append(begin..<end)
            begin = end
        }
        return out
    }
}

/// Scratch gradient buffers, one per thread, freed with the objective that owns them.
final class ThreadBuffers: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Double>
    private let size: Int
    init(threads: Int, size: Int) {
        self.size = size
        storage = .allocate(capacity: max(1, threads * size))
        storage.initialize(repeating: 0)
    }
    func buffer(_ t: Int) -> UnsafeMutableBufferPointer<Double> {
        UnsafeMutableBufferPointer(rebasing: storage[t * size..<(t + 1) * size])
    }
    deinit { storage.deallocate() }
}

/// Softmax regression (multinomial logistic regression); binary logistic regression for two classes.
public struct SoftmaxRegression: Classifier {
    /// Spec name.
    public static let kind = "softmax"
    /// Generative or discriminative.
    public static let family = ModelFamily.discriminative
    /// Classes.
    public let classCount: Int
    /// Feature columns it was trained on.
    public let featureCount: Int
    let outputs: Int
    let weights: [Float]
    let intercepts: [Float]
    /// L-BFGS iterations.
    public let iterations: Int
    /// Whether every optimisation reached its tolerance.
    public let converged: Bool
    /// Largest gradient component at the end.
    public let gradientMax: Double
    /// The objective at the end.
    public let finalLoss: Double

    /// What its scores are (log joint, logit or decision value).
    public var scoreKind: ScoreKind { .logit }

    /// Per-class scores of each row (see `scoreKind`).
    public func scores(_ x: FeatureMatrix) -> DenseMatrix {
        var out = DenseMatrix(rowCount: x.rowCount, columnCount: classCount)
        let o = outputs
        weights.withUnsafeBufferPointer { w in
            for r in 0..<x.rowCount {
                var z = intercepts
                x.forEach(inRow: r) { j, v in
                    guard j < featureCount else { return }
                    for k in 0..<o { z[k] += w[j * o + k] * v }
                }
                if o == 1 {
                    out[r, 0] = 0
                    out[r, 1] = z[0]
                } else {
                    for k in 0..<o { out[r, k] = z[k] }
                }
            }
        }
        return out
    }

    /// Per-class weights; for two classes, class 0 gets the negated vector so that "toward class k" reads the same.
    public var featureWeights: DenseMatrix? {
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

    /// What training did, for the report.
    public var trainingSummary: [String: String] {
        [
            "iterations": "\(iterations)", "converged": "\(converged)",
            "max |gradient|": String(format: "%.2e", gradientMax), "final loss": String(format: "%.6f", finalLoss)
        ]
    }

    /// Writes the trained parameters.
    public func encode(into w: inout BinaryWriter) throws {
        w.write(UInt64(classCount))
        w.write(UInt64(featureCount))
        w.write(UInt64(outputs))
        w.write(array: weights)
        w.write(array: intercepts)
        w.write(UInt64(iterations))
        w.write(UInt8(converged ? 1 : 0))
        w.write(gradientMax)
        w.write(finalLoss)
    }

    /// Reads parameters written by `encode`, checking their sizes.
    public static func decode(from r: inout BinaryReader) throws -> SoftmaxRegression {
        let k = try r.readCount()
        let d = try r.readCount()
        let o = try r.readCount()
        let w = try r.readFloats()
        let b = try r.readFloats()
        guard w.count == d * o, b.count == o, o == (k == 2 ? 1 : k) else {
            throw TextpipeError(.model, "corrupt softmax weights")
        }
        let it = try r.readCount()
        let conv = try r.read(UInt8.self) == 1
        return SoftmaxRegression(
            classCount: k, featureCount: d, outputs: o, weights: w, intercepts: b, iterations: it,
            converged: conv, gradientMax: try r.readDouble(), finalLoss: try r.readDouble())
    }
}
