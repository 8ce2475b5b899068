import Foundation

/// Limited-memory BFGS (Nocedal & Wright 2006, Algorithm 7.4/7.5) with a backtracking line search that
/// enforces the Armijo condition and skips curvature pairs with `y's <= 0`.
///
/// Minimises a smooth function given as `objective(x, &gradient) -> value`. It stops when the largest
/// gradient component is at most `tolerance` (as scikit-learn's `lbfgs` `pgtol`), or after `maxIterations`.
public struct LBFGS {
    public var memory = 10
    public var maxIterations = 500
    public var tolerance = 1e-5

    public struct Outcome: Sendable {
        public var x: [Double]
        public var value: Double
        public var iterations: Int
        public var converged: Bool
        public var gradientMax: Double
        public var evaluations: Int
    }

    public init(memory: Int = 10, maxIterations: Int = 500, tolerance: Double = 1e-5) {
        self.memory = memory; self.maxIterations = maxIterations; self.tolerance = tolerance
    }

    public func minimize(_ start: [Double], _ objective: ([Double], inout [Double]) -> Double) -> Outcome {
        let n = start.count
        var x = start
        var g = [Double](repeating: 0, count: n)
        var f = objective(x, &g)
        var evaluations = 1
        var sList: [[Double]] = [], yList: [[Double]] = [], rhoList: [Double] = []
        var direction = [Double](repeating: 0, count: n)
        var xNew = x, gNew = g
        var iteration = 0
        func maxAbs(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }
        if maxAbs(g) <= tolerance { return Outcome(x: x, value: f, iterations: 0, converged: true, gradientMax: maxAbs(g), evaluations: 1) }

        while iteration < maxIterations {
            iteration += 1
            // Two-loop recursion: direction = -H g.
            for i in 0..<n { direction[i] = -g[i] }
            var alphas = [Double](repeating: 0, count: sList.count)
            for i in stride(from: sList.count - 1, through: 0, by: -1) {
                let a = rhoList[i] * dot(sList[i], direction)
                alphas[i] = a
                axpy(-a, yList[i], &direction)
            }
            if let sLast = sList.last, let yLast = yList.last {
                let gamma = dot(sLast, yLast) / dot(yLast, yLast)
                for i in 0..<n { direction[i] *= gamma }
            } else {
                let scale = 1 / max(1e-12, maxAbs(g) * Double(n).squareRoot())
                for i in 0..<n { direction[i] *= min(1, scale * 10) }
            }
            for i in 0..<sList.count {
                let b = rhoList[i] * dot(yList[i], direction)
                axpy(alphas[i] - b, sList[i], &direction)
            }
            var slope = dot(g, direction)
            if slope >= 0 {  // not a descent direction: restart from steepest descent
                sList.removeAll(); yList.removeAll(); rhoList.removeAll()
                for i in 0..<n { direction[i] = -g[i] }
                slope = dot(g, direction)
            }
            // Backtracking line search (Armijo, c1 = 1e-4), halving with a cubic-safe floor.
            var step = 1.0
            var fNew = 0.0
            var accepted = false
            for _ in 0..<40 {
                for i in 0..<n { xNew[i] = x[i] + step * direction[i] }
                fNew = objective(xNew, &gNew)
                evaluations += 1
                if fNew.isFinite && fNew <= f + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            if !accepted { break }
            // Reuse the oldest pair's storage once the memory is full: no allocation per iteration.
            var s: [Double], y: [Double]
            if sList.count >= memory { s = sList.removeFirst(); y = yList.removeFirst(); rhoList.removeFirst() }
            else { s = [Double](repeating: 0, count: n); y = [Double](repeating: 0, count: n) }
            s.withUnsafeMutableBufferPointer { sp in y.withUnsafeMutableBufferPointer { yp in
                for i in 0..<n { sp[i] = xNew[i] - x[i]; yp[i] = gNew[i] - g[i] }
            } }
            let sy = dot(s, y)
            if sy > 1e-12 * dot(y, y) {
                sList.append(s); yList.append(y); rhoList.append(1 / sy)
            }
            let decrease = f - fNew
            swap(&x, &xNew); swap(&g, &gNew); f = fNew
            let gm = maxAbs(g)
            if gm <= tolerance {
                return Outcome(x: x, value: f, iterations: iteration, converged: true, gradientMax: gm, evaluations: evaluations)
            }
            if decrease <= 1e-15 * max(1, abs(f)) { break }  // no progress possible at machine precision
        }
        let gm = maxAbs(g)
        return Outcome(x: x, value: f, iterations: iteration, converged: gm <= tolerance, gradientMax: gm, evaluations: evaluations)
    }

    @inline(__always) private func dot(_ a: [Double], _ b: [Double]) -> Double {
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
            var s = 0.0
            for i in 0..<pa.count { s += pa[i] * pb[i] }
            return s
        } }
    }
    @inline(__always) private func axpy(_ a: Double, _ x: [Double], _ y: inout [Double]) {
        x.withUnsafeBufferPointer { px in y.withUnsafeMutableBufferPointer { py in
            for i in 0..<px.count { py[i] += a * px[i] }
        } }
    }
}
