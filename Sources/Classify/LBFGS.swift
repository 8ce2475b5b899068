import CBLAS
import CKernels
import Foundation

/// Limited-memory BFGS (Nocedal & Wright 2006, Algorithms 7.4/7.5) with a backtracking Armijo line search;
/// with `l1 > 0` it becomes OWL-QN (Andrew & Gao 2007) for `f(x) + l1 * sum_{i < penalized} |x_i|`:
/// the direction comes from the pseudo-gradient and is kept in its orthant, and trial points are projected
/// onto that orthant, so weights become exactly zero.
///
/// Minimises a smooth `objective(x, &gradient) -> value`. Stops when the largest (pseudo-)gradient component
/// is at most `tolerance` (as scikit-learn's `lbfgs` `pgtol`), or after `maxIterations`.
public struct LBFGS {
    /// Correction pairs kept.
    public var memory = 10
    /// Optimiser iterations at most.
    public var maxIterations = 500
    /// Stop when the largest gradient component (or change) is below this.
    public var tolerance = 1e-5
    /// L1 coefficient (OWL-QN when > 0).
    public var l1 = 0.0
    /// With `l1 > 0`, the first `penalized` parameters carry the L1 penalty (intercepts come after them).
    public var penalized = 0
    /// CRFsuite's test as well, when `period > 0`: stop once the objective fell by less than `delta` (relative)
    /// over the last `period` iterations.
    public var period = 0
    /// Relative decrease of the stopping test.
    public var delta = 1e-5
    /// Called after every iteration with its number and the objective (progress lines for long trainings).
    public var onIteration: ((Int, Double) -> Void)? = nil

    /// Where the optimisation ended.
    public struct Outcome: Sendable {
        /// The minimiser found.
        public var x: [Double]
        /// The objective there.
        public var value: Double
        /// Iterations run.
        public var iterations: Int
        /// Whether the stopping test was met.
        public var converged: Bool
        /// Largest gradient component at the end.
        public var gradientMax: Double
        /// Objective evaluations.
        public var evaluations: Int
    }

    /// An optimiser with these settings.
    public init(
        memory: Int = 10, maxIterations: Int = 500, tolerance: Double = 1e-5, l1: Double = 0, penalized: Int = 0
    ) {
        self.memory = memory
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.l1 = l1
        self.penalized = penalized
    }

    /// The pseudo-gradient of `f + l1 |x|` (the plain gradient without L1).
    func pseudoGradient(_ x: [Double], _ g: [Double], into pg: inout [Double]) {
        for i in 0..<g.count { pg[i] = g[i] }
        guard l1 > 0 else { return }
        for i in 0..<penalized {
            if x[i] > 0 {
                pg[i] = g[i] + l1
            } else if x[i] < 0 {
                pg[i] = g[i] - l1
            } else if g[i] + l1 < 0 {
                pg[i] = g[i] + l1
            } else if g[i] - l1 > 0 {
                pg[i] = g[i] - l1
            } else {
                pg[i] = 0
            }
        }
    }

    func penalty(_ x: [Double]) -> Double {
        guard l1 > 0 else { return 0 }
        var s = 0.0
        for i in 0..<penalized { s += abs(x[i]) }
        return l1 * s
    }

    /// Minimises `objective` (which fills the gradient) from `start`.
    public func minimize(_ start: [Double], _ objective: ([Double], inout [Double]) -> Double) -> Outcome {
        let n = start.count
        let orthantWise = l1 > 0
        var x = start
        var g = [Double](repeating: 0, count: n)
        var f = objective(x, &g) + penalty(x)
        var evaluations = 1
        var pg = g
        pseudoGradient(x, g, into: &pg)
        var sList: [[Double]] = []
        var yList: [[Double]] = []
        var rhoList: [Double] = []
        var direction = [Double](repeating: 0, count: n)
        var xNew = x
        var gNew = g
        var orthant = [Double](repeating: 0, count: orthantWise ? n : 0)
        var iteration = 0
        var history: [Double] = [f]
        func maxAbs(_ v: [Double]) -> Double {
            v.withUnsafeBufferPointer { p in
                var m = 0.0
                for x in p { m = max(m, abs(x)) }
                return m
            }
        }
        if maxAbs(pg) <= tolerance {
            return Outcome(x: x, value: f, iterations: 0, converged: true, gradientMax: maxAbs(pg), evaluations: 1)
        }

        while iteration < maxIterations {
            iteration += 1
            // Two-loop recursion: direction = -H pg.
            for i in 0..<n { direction[i] = -pg[i] }
            var alphas = [Double](repeating: 0, count: sList.count)
            for i in stride(from: sList.count - 1, through: 0, by: -1) {
                let a = rhoList[i] * dot(sList[i], direction)
                alphas[i] = a
                axpy(-a, yList[i], &direction)
            }
            if let sLast = sList.last, let yLast = yList.last {
                let gamma = dot(sLast, yLast) / dot(yLast, yLast)
                cblas_dscal(Int32(n), gamma, &direction, 1)
            } else {
                let scale = 1 / max(1e-12, maxAbs(pg) * Double(n).squareRoot())
                for i in 0..<n { direction[i] *= min(1, scale * 10) }
            }
            for i in 0..<sList.count {
                let b = rhoList[i] * dot(yList[i], direction)
                axpy(alphas[i] - b, sList[i], &direction)
            }
            if orthantWise {
                for i in 0..<penalized where direction[i] * pg[i] >= 0 { direction[i] = 0 }
                for i in 0..<n { orthant[i] = x[i] != 0 ? (x[i] > 0 ? 1 : -1) : (pg[i] < 0 ? 1 : (pg[i] > 0 ? -1 : 0)) }
            }
            var slope = dot(pg, direction)
            if slope >= 0 {  // not a descent direction: restart from steepest descent
                sList.removeAll()
                yList.removeAll()
                rhoList.removeAll()
                for i in 0..<n { direction[i] = -pg[i] }
                slope = dot(pg, direction)
            }
            // Backtracking line search (Armijo, c1 = 1e-4); OWL-QN measures the decrease along the projected step.
            var step = 1.0
            var fNew = 0.0
            var accepted = false
            for _ in 0..<40 {
                for i in 0..<n {
                    var v = x[i] + step * direction[i]
                    if orthantWise && i < penalized && v * orthant[i] <= 0 { v = 0 }
                    xNew[i] = v
                }
                fNew = objective(xNew, &gNew) + penalty(xNew)
                evaluations += 1
                var expected = step * slope
                if orthantWise {
                    expected = 0
                    for i in 0..<n { expected += pg[i] * (xNew[i] - x[i]) }
                }
                if fNew.isFinite && fNew <= f + 1e-4 * expected {
                    accepted = true
                    break
                }
                step *= 0.5
            }
            if !accepted { break }
            // Reuse the oldest pair's storage once the memory is full: no allocation per iteration.
            var s: [Double]
            var y: [Double]
            if sList.count >= memory {
                s = sList.removeFirst()
                y = yList.removeFirst()
                rhoList.removeFirst()
            } else {
                s = [Double](repeating: 0, count: n)
                y = [Double](repeating: 0, count: n)
            }
            s.withUnsafeMutableBufferPointer { sp in
                y.withUnsafeMutableBufferPointer { yp in
                    for i in 0..<n {
                        sp[i] = xNew[i] - x[i]
                        yp[i] = gNew[i] - g[i]
                    }
                }
            }
            let sy = dot(s, y)
            if sy > 1e-12 * dot(y, y) {
                sList.append(s)
                yList.append(y)
                rhoList.append(1 / sy)
            }
            let decrease = f - fNew
            swap(&x, &xNew)
            swap(&g, &gNew)
            f = fNew
            onIteration?(iteration, f)
            pseudoGradient(x, g, into: &pg)
            let gm = maxAbs(pg)
            if gm <= tolerance {
                return Outcome(
                    x: x, value: f, iterations: iteration, converged: true, gradientMax: gm, evaluations: evaluations)
            }
            if decrease <= 1e-15 * max(1, abs(f)) { break }  // no progress possible at machine precision
            if period > 0 {
                history.append(f)
                if history.count > period, (history[history.count - 1 - period] - f) / max(abs(f), 1e-300) < delta {
                    return Outcome(
                        x: x, value: f, iterations: iteration, converged: true, gradientMax: gm,
                        evaluations: evaluations)
                }
            }
        }
        let gm = maxAbs(pg)
        return Outcome(
            x: x, value: f, iterations: iteration, converged: gm <= tolerance, gradientMax: gm, evaluations: evaluations
        )
    }

    // Dot products in a fixed order (a kernel of CKernels): OpenBLAS's threaded ddot sums per thread, so its result
    // would depend on OpenBLAS's thread count, which `run --jobs` sets to one per unit. The element-wise updates stay
    // in OpenBLAS (vectorised and threaded; their results do not depend on the threads).
    @inline(__always) private func dot(_ a: [Double], _ b: [Double]) -> Double {
        textpipe_ddot(a, b, a.count)
    }
    @inline(__always) private func axpy(_ a: Double, _ x: [Double], _ y: inout [Double]) {
        cblas_daxpy(Int32(x.count), a, x, 1, &y, 1)
    }
}
