import CBLAS
import Classify
import Foundation
import TextCore

/// Hyperparameters of the linear-chain CRF (Lafferty et al. 2001), trained as CRFsuite's `lbfgs` trains it.
public struct ConditionalRandomFieldConfiguration: Sendable, Codable, Hashable {
    /// Token features (set from the spec's `features`).
    public var features = TokenFeatureConfiguration()
    /// L1 coefficient (OWL-QN when > 0).
    public var c1 = 0.0
    /// L2 coefficient: the objective adds `c2 * |w|^2` (CRFsuite's convention).
    public var c2 = 1.0
    /// L-BFGS iterations at most.
    public var maxIterations = 100
    /// Stop when the objective fell by less than `delta` (relative) over `period` iterations (CRFsuite's test).
    public var period = 10
    /// Relative decrease of the stopping test.
    public var delta = 1e-5
    /// Threads for the gradient (0: every core).
    public var threads = 0
    /// CRFsuite's defaults.
    public init() {}
}

/// A linear-chain conditional random field: p(y | x) = exp(sum_t s(x, t, y_t) + A[y_{t-1}, y_t]) / Z(x),
/// trained by L-BFGS on the penalised negative log-likelihood (forward-backward with per-position scaling),
/// decoded by Viterbi. The gradient is summed over sentences on every core.
public struct ConditionalRandomField: SequenceTagger {
    /// Spec name.
    public static let kind = "crf"
    /// Discriminative: models p(tags | words).
    public static let family = ModelFamily.discriminative
    /// The trained chain and its feature extractor.
    public let model: LinearChainTagger
    /// Iterations, objective, seconds.
    public let trainingSummary: [String: String]
    /// The tag set.
    public var tags: [String] { model.tags }
    /// Viterbi tags of each sentence.
    public func predict(_ sentences: [[String]]) -> [[String]] { model.predict(sentences) }

    /// Writes the chain.
    public func encodeBody(into w: inout BinaryWriter) throws { try TaggerStore.encodeChain(model, &w) }

    /// Reads the chain.
    public static func decodeBody(
        tags: [String], summary: [String: String], from r: inout BinaryReader,
        vectors: (TokenVectorSpec) throws -> TokenVectorSource
    ) throws -> Self {
        Self(model: try TaggerStore.decodeChain(tags, &r), trainingSummary: summary)
    }

    /// Trains on `sentences`; `log` gets a progress line every 10 iterations.
    public static func fit(
        _ c: ConditionalRandomFieldConfiguration, sentences: [TaggedSentence], tags: [String],
        log: ((String) -> Void)? = nil
    ) throws -> ConditionalRandomField {
        return try fit(
            c, prepared: try PreparedTrainingData(sentences, tags: tags, features: c.features), tags: tags, log: log)
    }

    static func fit(
        _ c: ConditionalRandomFieldConfiguration, prepared: PreparedTrainingData, tags: [String],
        log: ((String) -> Void)? = nil
    ) throws -> ConditionalRandomField {
        var chain = LinearChain(
            attributeCount: prepared.attributes.count, tagCount: tags.count, sequences: prepared.x, tags: prepared.y)
        let objective = LogLikelihood(
            chain: chain, x: prepared.x, y: prepared.y, c2: c.c2,
            threads: c.threads > 0 ? c.threads : ProcessInfo.processInfo.activeProcessorCount)
        var optimiser = LBFGS(
            memory: 6, maxIterations: c.maxIterations, tolerance: 0, l1: c.c1, penalized: chain.weights.count)
        optimiser.period = c.period
        optimiser.delta = c.delta
        let watch = Stopwatch()
        if let log {
            optimiser.onIteration = { i, f in
                if i % 10 == 0 {
                    log(
                        String(
                            format: "iteration %d of at most %d, objective %.1f, %.0f s", i, c.maxIterations, f,
                            watch.seconds))
                }
            }
        }
        let outcome = optimiser.minimize(chain.weights) { w, g in objective.evaluate(w, gradient: &g) }
        chain.weights = outcome.x
        let nonZero = outcome.x.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        return ConditionalRandomField(
            model: LinearChainTagger(
                tags: tags, extractor: prepared.extractor, attributes: prepared.attributes, chain: chain),
            trainingSummary: [
                "iterations": "\(outcome.iterations)", "evaluations": "\(outcome.evaluations)",
                "converged": "\(outcome.converged)",
                "objective": String(format: "%.4f", outcome.value), "attributes": "\(prepared.attributes.count)",
                "parameters": "\(chain.weights.count)", "non_zero": "\(nonZero)",
                "optimise_seconds": String(format: "%.2f", watch.seconds)
            ])
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
        self.chain = chain
        self.x = x
        self.y = y
        self.c2 = c2
        let total = x.reduce(0) { $0 + $1.count }
        var parts: [Range<Int>] = []
        var begin = 0
        var tokens = 0
        for (i, s) in x.enumerated() {
            tokens += s.count
            if tokens * max(1, threads) >= total * (parts.count + 1) || i == x.count - 1 {
                parts.append(begin..<(i + 1))
                begin = i + 1
            }
        }
        self.parts = parts.isEmpty ? [0..<x.count] : parts
    }

    func evaluate(_ w: [Double], gradient g: inout [Double]) -> Double {
        let T = chain.tagCount
        let offset = chain.transitionOffset
        let P = w.count
        // exp of the transition weights, shifted by their maximum (added back to log Z).
        let shift = (0..<(T * T)).reduce(-Double.infinity) { max($0, w[offset + $1]) }
        let M = (0..<(T * T)).map { exp(w[offset + $0] - shift) }
        var values = [Double](repeating: 0, count: parts.count)
        var gradients = [[Double]](repeating: [], count: parts.count)
        w.withUnsafeBufferPointer { wp in
            values.withUnsafeMutableBufferPointer { vp in
                gradients.withUnsafeMutableBufferPointer { gp in
                    let vBase = vp.start
                    let gBase = gp.start
                    DispatchQueue.concurrentPerform(iterations: parts.count) { k in
                        var local = [Double](repeating: 0, count: P)
                        var scratch = Scratch(tagCount: T)
                        var f = 0.0
                        local.withUnsafeMutableBufferPointer { lp in
                            for i in parts[k] {
                                f += sentence(
                                    x[i], y[i], w: wp.start, M: M, shift: shift, g: lp.start,
                                    scratch: &scratch)
                            }
                            // Expected transition counts were summed without the factor M[p][k] (see `sentence`): apply it once.
                            for q in 0..<(T * T) { lp[offset + q] += scratch.pairwise[q] * M[q] }
                        }
                        (vBase + k).pointee = f
                        (gBase + k).pointee = local
                    }
                }
            }
        }
        var f = values.reduce(0, +)
        g.withUnsafeMutableBufferPointer { out in
            w.withUnsafeBufferPointer { wp in for i in 0..<P { out[i] = 2 * c2 * wp[i] } }
            for part in gradients { part.withUnsafeBufferPointer { p in for i in 0..<P { out[i] += p[i] } } }
            // Transitions never seen in training have no feature (CRFsuite's generation): they stay at 0.
            for q in 0..<(T * T) where !chain.isFree(q) { out[offset + q] = 0 }
        }
        f += c2 * w.reduce(0) { $0 + $1 * $1 }
        return f
    }

    /// Per-thread buffers, grown to the longest sentence; `pairwise` sums alpha[t-1][p] / z[t] * psi[t][k] * beta[t][k]
    /// over all positions of the thread's sentences (the expected transition counts before the factor M[p][k]).
    struct Scratch {
        var scores: [Double] = [], psi: [Double] = [], alpha: [Double] = [], beta: [Double] = [], z: [Double] = []
        var left: [Double] = [], right: [Double] = [], pairwise: [Double]
        init(tagCount: Int) { pairwise = [Double](repeating: 0, count: tagCount * tagCount) }
    }

    /// One sentence's log Z - gold score, adding its state gradient to `g` and its transition statistics to
    /// `scratch.pairwise`. Tag sets of 16 or more go through BLAS (the T x T products dominate POS tagging).
    func sentence(
        _ x: AttributeSequence, _ y: [Int32], w: UnsafePointer<Double>, M: [Double], shift: Double,
        g: UnsafeMutablePointer<Double>, scratch s: inout Scratch
    ) -> Double {
        let n = x.count
        let T = chain.tagCount
        let offset = chain.transitionOffset
        guard n > 0 else { return 0 }
        let useBLAS = T >= 16
        return chain.stateStart.withUnsafeBufferPointer { ssb in
            chain.stateTag.withUnsafeBufferPointer { stb in
                let ss = ssb.start
                let st = stb.start
                LinearChain.stateScores(x, tagCount: T, stateStart: ss, stateTag: st, w: w, into: &s.scores)
                if s.psi.count < n * T {
                    s.psi = [Double](repeating: 0, count: n * T)
                    s.alpha = s.psi
                    s.beta = s.psi
                    s.left = s.psi
                    s.right = s.psi
                    s.z = [Double](repeating: 0, count: n)
                }
                var gold = 0.0
                var logZ = 0.0
                s.scores.withUnsafeBufferPointer { scb in
                    s.psi.withUnsafeMutableBufferPointer { psb in
                        s.alpha.withUnsafeMutableBufferPointer { ab in
                            s.beta.withUnsafeMutableBufferPointer { bb in
                                s.z.withUnsafeMutableBufferPointer { zb in
                                    M.withUnsafeBufferPointer { mb in
                                        let sc = scb.start
                                        let psi = psb.start
                                        let alpha = ab.start
                                        let beta = bb.start
                                        let z = zb.start
                                        let m = mb.start
                                        for t in 0..<n {
                                            gold += sc[t * T + Int(y[t])]
                                            if t > 0 { gold += w[offset + Int(y[t - 1]) * T + Int(y[t])] }
                                            var top = -Double.infinity
                                            for k in 0..<T { top = max(top, sc[t * T + k]) }
                                            for k in 0..<T { psi[t * T + k] = exp(sc[t * T + k] - top) }
                                            logZ += top
                                        }
                                        // Forward, normalised at each position: alpha[t] = psi[t] * (M^T alpha[t-1]) / z[t].
                                        for t in 0..<n {
                                            let row = alpha + t * T
                                            if t == 0 {
                                                for k in 0..<T { row[k] = psi[k] }
                                            } else if useBLAS {
                                                cblas_dgemv(
                                                    CblasRowMajor, CblasTrans, Int32(T), Int32(T), 1, m, Int32(T),
                                                    row - T, 1, 0, row, 1)
                                                for k in 0..<T { row[k] *= psi[t * T + k] }
                                            } else {
                                                for k in 0..<T {
                                                    var v = 0.0
                                                    for p in 0..<T { v += (row - T)[p] * m[p * T + k] }
                                                    row[k] = v * psi[t * T + k]
                                                }
                                            }
                                            var sum = 0.0
                                            for k in 0..<T { sum += row[k] }
                                            let inv = 1 / sum
                                            for k in 0..<T { row[k] *= inv }
                                            z[t] = sum
                                            logZ += log(sum) + (t > 0 ? shift : 0)
                                        }
                                        // Backward with the same normalisers: beta[t] = M (psi[t+1] * beta[t+1]) / z[t+1].
                                        for k in 0..<T { beta[(n - 1) * T + k] = 1 }
                                        if n > 1 {
                                            s.right.withUnsafeMutableBufferPointer { rb in
                                                let v = rb.start
                                                for t in stride(from: n - 2, through: 0, by: -1) {
                                                    for k in 0..<T {
                                                        v[k] = psi[(t + 1) * T + k] * beta[(t + 1) * T + k] / z[t + 1]
                                                    }
                                                    if useBLAS {
                                                        cblas_dgemv(
                                                            CblasRowMajor, CblasNoTrans, Int32(T), Int32(T), 1, m,
                                                            Int32(T), v, 1, 0, beta + t * T, 1)
                                                    } else {
                                                        for p in 0..<T {
                                                            var acc = 0.0
                                                            for k in 0..<T { acc += m[p * T + k] * v[k] }
                                                            beta[t * T + p] = acc
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                        // Expected minus observed state counts: p(y_t = k) = alpha[t][k] * beta[t][k].
                                        x.ids.withUnsafeBufferPointer { ids in
                                            x.offsets.withUnsafeBufferPointer { off in
                                                for t in 0..<n {
                                                    let gt = Int(y[t])
                                                    for i in Int(off[t])..<Int(off[t + 1]) {
                                                        let a = Int(ids[i])
                                                        for q in Int(ss[a])..<Int(ss[a + 1]) {
                                                            let k = Int(st[q])
                                                            g[q] +=
                                                                alpha[t * T + k] * beta[t * T + k] - (k == gt ? 1 : 0)
                                                        }
                                                    }
                                                    if t > 0 { g[offset + Int(y[t - 1]) * T + gt] -= 1 }
                                                }
                                            }
                                        }
                                        // Transition statistics: pairwise += sum_t (alpha[t-1] / z[t]) (psi[t] * beta[t])^T.
                                        if n > 1 {
                                            s.left.withUnsafeMutableBufferPointer { lb in
                                                s.right.withUnsafeMutableBufferPointer { rb in
                                                    s.pairwise.withUnsafeMutableBufferPointer { pw in
                                                        let left = lb.start
                                                        let right = rb.start
                                                        let pair = pw.start
                                                        for t in 1..<n {
                                                            let inv = 1 / z[t]
                                                            for k in 0..<T {
                                                                left[(t - 1) * T + k] = alpha[(t - 1) * T + k] * inv
                                                                right[(t - 1) * T + k] =
                                                                    psi[t * T + k] * beta[t * T + k]
                                                            }
                                                        }
                                                        if useBLAS {
                                                            cblas_dgemm(
                                                                CblasRowMajor, CblasTrans, CblasNoTrans, Int32(T),
                                                                Int32(T), Int32(n - 1), 1, left, Int32(T), right,
                                                                Int32(T), 1, pair, Int32(T))
                                                        } else {
                                                            for t in 0..<(n - 1) {
                                                                for p in 0..<T {
                                                                    let a = left[t * T + p]
                                                                    for k in 0..<T {
                                                                        pair[p * T + k] += a * right[t * T + k]
                                                                    }
                                                                }
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                return logZ - gold
            }
        }
    }
}

extension ConditionalRandomFieldConfiguration: TaggerSettings {
    /// Spec name.
    public static let kind = "crf"
    /// One line for the README.
    public static let summary =
        "linear-chain CRF trained by L-BFGS (OWL-QN with c1), CRFsuite's features and stopping test"
    /// Discriminative.
    public var family: ModelFamily { .discriminative }
    /// `linear-chain CRF, L-BFGS, c1 0, c2 1, at most 100 iterations (Viterbi)`.
    public var description: String {
        "linear-chain CRF, L-BFGS, c1 \(c1), c2 \(c2), at most \(maxIterations) iterations (Viterbi)"
    }
    /// Trains by L-BFGS (OWL-QN with c1).
    public func fit(
        _ sentences: [TaggedSentence], tags: [String], features: TokenFeatureConfiguration, seed: UInt64,
        vectors: TokenVectorSource?, log: ((String) -> Void)?
    ) throws -> any SequenceTagger {
        var c = self
        c.features = features
        return try ConditionalRandomField.fit(c, sentences: sentences, tags: tags, log: log)
    }
    /// `ConditionalRandomField`.
    public static var taggerType: any SequenceTagger.Type { ConditionalRandomField.self }

    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<ConditionalRandomFieldConfiguration>] = [
        .number("c1", \.c1, .nonNegative, "L1 coefficient (OWL-QN when > 0)"),
        .number("c2", \.c2, .nonNegative, "L2 coefficient: the objective adds c2 |w|^2"),
        .integer("max_iterations", \.maxIterations, minimum: 1, "L-BFGS iterations at most"),
        .integer(
            "period", \.period, minimum: 0, "stop when the objective fell by less than delta over this many iterations"),
        .number("delta", \.delta, .nonNegative, "relative decrease of the stopping test"),
        .integer("threads", \.threads, minimum: 0, "threads for the gradient (0: every core)")
    ]
}
