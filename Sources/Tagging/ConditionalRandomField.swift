import Classify
import Foundation
import TextCore

/// Hyperparameters of the linear-chain CRF (Lafferty et al. 2001), trained as CRFsuite's `lbfgs` trains it.
public struct ConditionalRandomFieldConfiguration: Sendable, Codable, Hashable {
    public var features = TokenFeatureConfiguration()
    /// L1 coefficient (OWL-QN when > 0).
    public var c1 = 0.0
    /// L2 coefficient: the objective adds `c2 * |w|^2` (CRFsuite's convention).
    public var c2 = 1.0
    public var maxIterations = 100
    /// Stop when the objective fell by less than `delta` (relative) over `period` iterations (CRFsuite's test).
    public var period = 10
    public var delta = 1e-5
    /// Threads for the gradient (0: every core).
    public var threads = 0
    public init() {}
}

/// A linear-chain conditional random field: p(y | x) = exp(sum_t s(x, t, y_t) + A[y_{t-1}, y_t]) / Z(x),
/// trained by L-BFGS on the penalised negative log-likelihood (forward-backward with per-position scaling),
/// decoded by Viterbi. The gradient is summed over sentences on every core.
public struct ConditionalRandomField: SequenceTagger {
    public static let kind = "crf"
    public static let family = ModelFamily.discriminative
    public let model: LinearChainTagger
    public let trainingSummary: [String: String]
    public var tags: [String] { model.tags }
    public func predict(_ sentences: [[String]]) -> [[String]] { model.predict(sentences) }

    /// Trains on `sentences`; `log` gets a progress line every 10 iterations.
    public static func fit(_ c: ConditionalRandomFieldConfiguration, sentences: [TaggedSentence], tags: [String],
                           log: ((String) -> Void)? = nil) throws -> ConditionalRandomField {
        let prepared = try PreparedTrainingData(sentences, tags: tags, features: c.features)
        var chain = LinearChain(attributeCount: prepared.attributes.count, tagCount: tags.count, sequences: prepared.x, tags: prepared.y)
        let objective = LogLikelihood(chain: chain, x: prepared.x, y: prepared.y, c2: c.c2,
                                      threads: c.threads > 0 ? c.threads : ProcessInfo.processInfo.activeProcessorCount)
        var optimiser = LBFGS(memory: 6, maxIterations: c.maxIterations, tolerance: 0, l1: c.c1, penalized: chain.weights.count)
        optimiser.period = c.period; optimiser.delta = c.delta
        let start = DispatchTime.now().uptimeNanoseconds
        if let log {
            optimiser.onIteration = { i, f in
                if i % 10 == 0 {
                    log(String(format: "iteration %d of at most %d, objective %.1f, %.0f s", i, c.maxIterations, f,
                               Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
                }
            }
        }
        let outcome = optimiser.minimize(chain.weights) { w, g in objective.evaluate(w, gradient: &g) }
        chain.weights = outcome.x
        let nonZero = outcome.x.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        return ConditionalRandomField(model: LinearChainTagger(tags: tags, extractor: prepared.extractor, attributes: prepared.attributes, chain: chain), trainingSummary: [
            "iterations": "\(outcome.iterations)", "evaluations": "\(outcome.evaluations)", "converged": "\(outcome.converged)",
            "objective": String(format: "%.4f", outcome.value), "attributes": "\(prepared.attributes.count)",
            "parameters": "\(chain.weights.count)", "non_zero": "\(nonZero)",
            "optimise_seconds": String(format: "%.2f", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)])
    }
}

/// The CRF objective: sum over sentences of log Z(x) - score(x, y), plus `c2 |w|^2`, and its gradient
/// (expected minus observed feature counts, plus `2 c2 w`).
struct LogLikelihood: Sendable {
    let chain: LinearChain
    let x: [AttributeSequence]
    let y: [[Int32]]
    let c2: Double
    /// Sentence ranges of about equal token counts, one per thread.
    let parts: [Range<Int>]

    init(chain: LinearChain, x: [AttributeSequence], y: [[Int32]], c2: Double, threads: Int) {
        self.chain = chain; self.x = x; self.y = y; self.c2 = c2
        let total = x.reduce(0) { $0 + $1.count }
        var parts: [Range<Int>] = [], begin = 0, tokens = 0
        for (i, s) in x.enumerated() {
            tokens += s.count
            if tokens * max(1, threads) >= total * (parts.count + 1) || i == x.count - 1 { parts.append(begin..<(i + 1)); begin = i + 1 }
        }
        self.parts = parts.isEmpty ? [0..<x.count] : parts
    }

    func evaluate(_ w: [Double], gradient g: inout [Double]) -> Double {
        let T = chain.tagCount, offset = chain.transitionOffset, P = w.count
        // exp of the transition weights, shifted by their maximum (added back to log Z).
        let shift = (0..<(T * T)).reduce(-Double.infinity) { max($0, w[offset + $1]) }
        let M = (0..<(T * T)).map { exp(w[offset + $0] - shift) }
        var values = [Double](repeating: 0, count: parts.count)
        var gradients = [[Double]](repeating: [], count: parts.count)
        w.withUnsafeBufferPointer { wp in
            values.withUnsafeMutableBufferPointer { vp in gradients.withUnsafeMutableBufferPointer { gp in
                let vBase = vp.baseAddress!, gBase = gp.baseAddress!
                DispatchQueue.concurrentPerform(iterations: parts.count) { k in
                    var local = [Double](repeating: 0, count: P)
                    var scratch = Scratch()
                    var f = 0.0
                    local.withUnsafeMutableBufferPointer { lp in
                        for i in parts[k] { f += sentence(x[i], y[i], w: wp.baseAddress!, M: M, shift: shift, g: lp.baseAddress!, scratch: &scratch) }
                    }
                    (vBase + k).pointee = f; (gBase + k).pointee = local
                }
            } }
        }
        var f = values.reduce(0, +)
        g.withUnsafeMutableBufferPointer { out in
            for i in 0..<P { out[i] = 2 * c2 * w[i] }
            for part in gradients { part.withUnsafeBufferPointer { p in for i in 0..<P { out[i] += p[i] } } }
        }
        f += c2 * w.reduce(0) { $0 + $1 * $1 }
        return f
    }

    struct Scratch { var scores: [Double] = [], psi: [Double] = [], alpha: [Double] = [], beta: [Double] = [], z: [Double] = [] }

    /// One sentence's log Z - gold score, adding its gradient to `g`.
    func sentence(_ x: AttributeSequence, _ y: [Int32], w: UnsafePointer<Double>, M: [Double], shift: Double,
                  g: UnsafeMutablePointer<Double>, scratch s: inout Scratch) -> Double {
        let n = x.count, T = chain.tagCount, offset = chain.transitionOffset
        guard n > 0 else { return 0 }
        return chain.stateStart.withUnsafeBufferPointer { ssb in chain.stateTag.withUnsafeBufferPointer { stb in
            let ss = ssb.baseAddress!, st = stb.baseAddress!
            LinearChain.stateScores(x, tagCount: T, stateStart: ss, stateTag: st, w: w, into: &s.scores)
            if s.psi.count < n * T { s.psi = [Double](repeating: 0, count: n * T); s.alpha = s.psi; s.beta = s.psi }
            if s.z.count < n { s.z = [Double](repeating: 0, count: n) }
            var gold = 0.0, logZ = 0.0
            for t in 0..<n {
                gold += s.scores[t * T + Int(y[t])]
                if t > 0 { gold += w[offset + Int(y[t - 1]) * T + Int(y[t])] }
                var m = -Double.infinity
                for k in 0..<T { m = max(m, s.scores[t * T + k]) }
                for k in 0..<T { s.psi[t * T + k] = exp(s.scores[t * T + k] - m) }
                logZ += m
            }
            // Forward, normalised at each position.
            for t in 0..<n {
                var z = 0.0
                for k in 0..<T {
                    var v: Double
                    if t == 0 { v = 1 } else {
                        v = 0
                        for p in 0..<T { v += s.alpha[(t - 1) * T + p] * M[p * T + k] }
                    }
                    v *= s.psi[t * T + k]
                    s.alpha[t * T + k] = v; z += v
                }
                for k in 0..<T { s.alpha[t * T + k] /= z }
                s.z[t] = z
                logZ += log(z) + (t > 0 ? shift : 0)
            }
            // Backward with the same normalisers: p(y_t = k) = alpha[t][k] * beta[t][k].
            for k in 0..<T { s.beta[(n - 1) * T + k] = 1 }
            if n > 1 {
                for t in stride(from: n - 2, through: 0, by: -1) {
                    for p in 0..<T {
                        var v = 0.0
                        for k in 0..<T { v += M[p * T + k] * s.psi[(t + 1) * T + k] * s.beta[(t + 1) * T + k] }
                        s.beta[t * T + p] = v / s.z[t + 1]
                    }
                }
            }
            // Expected minus observed counts.
            x.ids.withUnsafeBufferPointer { ids in
                for t in 0..<n {
                    let gt = Int(y[t])
                    for i in Int(x.offsets[t])..<Int(x.offsets[t + 1]) {
                        let a = Int(ids[i])
                        for q in Int(ss[a])..<Int(ss[a + 1]) {
                            let k = Int(st[q])
                            g[q] += s.alpha[t * T + k] * s.beta[t * T + k] - (k == gt ? 1 : 0)
                        }
                    }
                    if t > 0 {
                        let inv = 1 / s.z[t]
                        for p in 0..<T {
                            let ap = s.alpha[(t - 1) * T + p] * inv
                            for k in 0..<T { g[offset + p * T + k] += ap * M[p * T + k] * s.psi[t * T + k] * s.beta[t * T + k] }
                        }
                        g[offset + Int(y[t - 1]) * T + gt] -= 1
                    }
                }
            }
            return logZ - gold
        } }
    }
}
