import Foundation
import TextCore

/// The hinge losses a linear SVM can use.
public enum HingeLoss: String, Sendable, Codable, Hashable, CaseIterable {
    /// `max(0, 1 - y w.x)` (L1-loss SVM).
    case hinge
    /// `max(0, 1 - y w.x)^2` (L2-loss SVM), scikit-learn's default.
    case squaredHinge = "squared_hinge"
}

/// Dual coordinate descent for L2-regularised linear SVMs (Hsieh, Chang, Lin, Keerthi & Sundararajan 2008),
/// the method of liblinear: minimises `(1/2)||w||^2 + sum_i C_i loss(y_i w.x_i)` through its dual, one
/// coordinate at a time in a random order, with liblinear's shrinking of bounded coordinates.
///
/// The intercept is learned as the weight of a constant feature `interceptScaling` (so, as in liblinear and
/// scikit-learn's `LinearSVC`, it is regularised too).
struct DualCoordinateDescent {
    var loss: HingeLoss
    var tolerance: Double
    var maxIterations: Int
    var interceptScaling: Double

    struct Solution {
        var weights: [Double]
        var intercept: Double
        var iterations: Int
        var converged: Bool
    }

    /// Rows as plain CSR arrays in double precision, prepared once and shared by all one-vs-rest problems.
    struct Rows {
        let columnCount: Int
        let starts: [Int]
        let columns: [Int32]
        let values: [Double]
        init(_ x: FeatureMatrix) {
            var starts = [0]
            var columns: [Int32] = []
            var values: [Double] = []
            for r in 0..<x.rowCount {
                x.forEach(inRow: r) { j, v in
                    if v != 0 {
                        columns.append(Int32(j))
                        values.append(Double(v))
                    }
                }
                starts.append(columns.count)
            }
            self.columnCount = x.columnCount
            self.starts = starts
            self.columns = columns
            self.values = values
        }
    }

    func solve(_ x: FeatureMatrix, positive: [Bool], cost: [Double], rng: inout Xoshiro256StarStar) -> Solution {
        solve(Rows(x), positive: positive, cost: cost, rng: &rng)
    }

    /// `positive[i]` marks y = +1; `cost[i]` is C for document i.
    func solve(_ rows: Rows, positive: [Bool], cost: [Double], rng: inout Xoshiro256StarStar) -> Solution {
        let l = positive.count
        let d = rows.columnCount
        var w = [Double](repeating: 0, count: d)
        var wb = 0.0
        var alpha = [Double](repeating: 0, count: l)
        let bias = interceptScaling
        var diag = [Double](repeating: 0, count: l)
        var upper = [Double](repeating: .infinity, count: l)
        var qd = [Double](repeating: 0, count: l)
        for i in 0..<l {
            if loss == .squaredHinge { diag[i] = 0.5 / cost[i] } else { upper[i] = cost[i] }
            var norm = bias * bias
            for k in rows.starts[i]..<rows.starts[i + 1] { norm += rows.values[k] * rows.values[k] }
            qd[i] = diag[i] + norm
        }
        var index = Array(0..<l)
        var active = l
        var pgMaxOld = Double.infinity
        var pgMinOld = -Double.infinity
        var iteration = 0
        var converged = false
        rows.columns.withUnsafeBufferPointer { cols in
            rows.values.withUnsafeBufferPointer { vals in
                rows.starts.withUnsafeBufferPointer { starts in
                    w.withUnsafeMutableBufferPointer { wp in
                        while iteration < maxIterations {
                            var pgMaxNew = -Double.infinity
                            var pgMinNew = Double.infinity
                            for s in stride(from: active - 1, to: 0, by: -1) {
                                let j = Int(rng.next() % UInt64(s + 1))
                                index.swapAt(s, j)
                            }
                            var s = 0
                            while s < active {
                                let i = index[s]
                                let y: Double = positive[i] ? 1 : -1
                                var dot = wb * bias
                                for k in starts[i]..<starts[i + 1] { dot += wp[Int(cols[k])] * vals[k] }
                                let g = y * dot - 1 + alpha[i] * diag[i]
                                var pg = 0.0
                                if alpha[i] == 0 {
                                    if g > pgMaxOld {
                                        active -= 1
                                        index.swapAt(s, active)
                                        continue
                                    }
                                    if g < 0 { pg = g }
                                } else if alpha[i] == upper[i] {
                                    if g < pgMinOld {
                                        active -= 1
                                        index.swapAt(s, active)
                                        continue
                                    }
                                    if g > 0 { pg = g }
                                } else {
                                    pg = g
                                }
                                pgMaxNew = max(pgMaxNew, pg)
                                pgMinNew = min(pgMinNew, pg)
                                if abs(pg) > 1e-12 {
                                    let old = alpha[i]
                                    alpha[i] = min(max(alpha[i] - g / qd[i], 0), upper[i])
                                    let delta = (alpha[i] - old) * y
                                    for k in starts[i]..<starts[i + 1] { wp[Int(cols[k])] += delta * vals[k] }
                                    wb += delta * bias
                                }
                                s += 1
                            }
                            iteration += 1
                            if pgMaxNew - pgMinNew <= tolerance {
                                if active == l {
                                    converged = true
                                    break
                                }
                                active = l
                                pgMaxOld = .infinity
                                pgMinOld = -.infinity
                                continue
                            }
                            pgMaxOld = pgMaxNew <= 0 ? .infinity : pgMaxNew
                            pgMinOld = pgMinNew >= 0 ? -.infinity : pgMinNew
                        }
                    }
                }
            }
        }
        return Solution(weights: w, intercept: wb * bias, iterations: iteration, converged: converged)
    }
}

/// Platt scaling (Platt 1999, with the Newton method of Lin, Lin & Weng 2007): fits
/// `p(y = 1 | f) = 1 / (1 + exp(A f + B))` to decision values `f`.
enum PlattScaling {
    static func fit(_ f: [Double], _ positive: [Bool]) -> (a: Double, b: Double) {
        let prior1 = Double(positive.filter { $0 }.count)
        let prior0 = Double(positive.count) - prior1
        let hi = (prior1 + 1) / (prior1 + 2)
        let lo = 1 / (prior0 + 2)
        let t = positive.map { $0 ? hi : lo }
        var a = 0.0
        var b = log((prior0 + 1) / (prior1 + 1))
        func value(_ a: Double, _ b: Double) -> Double {
            var v = 0.0
            for i in f.indices {
                let fApB = f[i] * a + b
                v += fApB >= 0 ? t[i] * fApB + log1p(exp(-fApB)) : (t[i] - 1) * fApB + log1p(exp(fApB))
            }
            return v
        }
        var fval = value(a, b)
        for _ in 0..<100 {
            var h11 = 1e-12
            var h22 = 1e-12
            var h21 = 0.0
            var g1 = 0.0
            var g2 = 0.0
            for i in f.indices {
                let fApB = f[i] * a + b
                let (p, q) =
                    fApB >= 0
                    ? (exp(-fApB) / (1 + exp(-fApB)), 1 / (1 + exp(-fApB)))
                    : (1 / (1 + exp(fApB)), exp(fApB) / (1 + exp(fApB)))
                let d2 = p * q
                h11 += f[i] * f[i] * d2
                h22 += d2
                h21 += f[i] * d2
                let d1 = t[i] - p
                g1 += f[i] * d1
                g2 += d1
            }
            if abs(g1) < 1e-5 && abs(g2) < 1e-5 { break }
            let det = h11 * h22 - h21 * h21
            let da = -(h22 * g1 - h21 * g2) / det
            let db = -(-h21 * g1 + h11 * g2) / det
            let gd = g1 * da + g2 * db
            var step = 1.0
            while step >= 1e-10 {
                let na = a + step * da
                let nb = b + step * db
                let nf = value(na, nb)
                if nf < fval + 1e-4 * step * gd {
                    a = na
                    b = nb
                    fval = nf
                    break
                }
                step /= 2
            }
            if step < 1e-10 { break }
        }
        return (a, b)
    }
}
