import Foundation

/// Orthant-wise limited-memory quasi-Newton (Andrew & Gao 2007): L-BFGS for `f(x) + l1 * sum_{i < penalized} |x_i|`
/// with smooth `f`. The search direction comes from the pseudo-gradient, is kept in the orthant the
/// pseudo-gradient points into, and every trial point is projected back onto that orthant, so weights
/// become exactly zero. Stops when the largest pseudo-gradient component is at most `tolerance`.
public struct OWLQN {
    public var memory = 10
    public var maxIterations = 500
    public var tolerance = 1e-5
    public var l1: Double
    /// The first `penalized` parameters carry the L1 penalty (intercepts, stored after them, do not).
    public var penalized: Int

    public init(l1: Double, penalized: Int, memory: Int = 10, maxIterations: Int = 500, tolerance: Double = 1e-5) {
        self.l1 = l1; self.penalized = penalized; self.memory = memory; self.maxIterations = maxIterations; self.tolerance = tolerance
    }

    func pseudoGradient(_ x: [Double], _ g: [Double]) -> [Double] {
        var pg = g
        for i in 0..<penalized {
            if x[i] > 0 { pg[i] = g[i] + l1 }
            else if x[i] < 0 { pg[i] = g[i] - l1 }
            else if g[i] + l1 < 0 { pg[i] = g[i] + l1 }
            else if g[i] - l1 > 0 { pg[i] = g[i] - l1 }
            else { pg[i] = 0 }
        }
        return pg
    }

    func penalty(_ x: [Double]) -> Double {
        var s = 0.0
        for i in 0..<penalized { s += abs(x[i]) }
        return l1 * s
    }

    public func minimize(_ start: [Double], _ objective: ([Double], inout [Double]) -> Double) -> LBFGS.Outcome {
        let n = start.count
        var x = start
        var g = [Double](repeating: 0, count: n)
        var f = objective(x, &g) + penalty(x)
        var evaluations = 1
        var sList: [[Double]] = [], yList: [[Double]] = [], rhoList: [Double] = []
        var iteration = 0
        var pg = pseudoGradient(x, g)
        func maxAbs(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }
        var xNew = x, gNew = g
        while iteration < maxIterations && maxAbs(pg) > tolerance {
            iteration += 1
            var d = pg.map { -$0 }
            var alphas = [Double](repeating: 0, count: sList.count)
            for i in stride(from: sList.count - 1, through: 0, by: -1) {
                let a = rhoList[i] * zip(sList[i], d).reduce(0) { $0 + $1.0 * $1.1 }
                alphas[i] = a
                for j in 0..<n { d[j] -= a * yList[i][j] }
            }
            if let s = sList.last, let y = yList.last {
                let gamma = zip(s, y).reduce(0) { $0 + $1.0 * $1.1 } / y.reduce(0) { $0 + $1 * $1 }
                for j in 0..<n { d[j] *= gamma }
            } else {
                let scale = 1 / max(1e-12, maxAbs(pg) * Double(n).squareRoot())
                for j in 0..<n { d[j] *= min(1, scale * 10) }
            }
            for i in 0..<sList.count {
                let b = rhoList[i] * zip(yList[i], d).reduce(0) { $0 + $1.0 * $1.1 }
                for j in 0..<n { d[j] += (alphas[i] - b) * sList[i][j] }
            }
            // Keep the direction in the orthant of steepest descent.
            for j in 0..<penalized where d[j] * pg[j] >= 0 { d[j] = 0 }
            // The orthant: the sign of x, or of -pg where x is zero.
            let orthant = (0..<n).map { j -> Double in x[j] != 0 ? (x[j] > 0 ? 1 : -1) : (pg[j] < 0 ? 1 : (pg[j] > 0 ? -1 : 0)) }
            var step = 1.0
            var fNew = 0.0, accepted = false
            for _ in 0..<40 {
                for j in 0..<n {
                    var v = x[j] + step * d[j]
                    if j < penalized && v * orthant[j] <= 0 { v = 0 }
                    xNew[j] = v
                }
                fNew = objective(xNew, &gNew) + penalty(xNew)
                evaluations += 1
                var decrease = 0.0
                for j in 0..<n { decrease += pg[j] * (xNew[j] - x[j]) }
                if fNew.isFinite && fNew <= f + 1e-4 * decrease { accepted = true; break }
                step *= 0.5
            }
            if !accepted { break }
            var s = [Double](repeating: 0, count: n), y = [Double](repeating: 0, count: n)
            for j in 0..<n { s[j] = xNew[j] - x[j]; y[j] = gNew[j] - g[j] }
            let sy = zip(s, y).reduce(0) { $0 + $1.0 * $1.1 }
            if sy > 1e-12 {
                if sList.count >= memory { sList.removeFirst(); yList.removeFirst(); rhoList.removeFirst() }
                sList.append(s); yList.append(y); rhoList.append(1 / sy)
            }
            let change = f - fNew
            swap(&x, &xNew); swap(&g, &gNew); f = fNew
            pg = pseudoGradient(x, g)
            if change <= 1e-15 * max(1, abs(f)) { break }
        }
        let gm = maxAbs(pg)
        return LBFGS.Outcome(x: x, value: f, iterations: iteration, converged: gm <= tolerance, gradientMax: gm, evaluations: evaluations)
    }
}
