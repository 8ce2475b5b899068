import CKernels
import Foundation
import TextCore

/// One training thread's loop, scratch space and random generator (fastText keeps these in a `State` too).
struct Worker {
    let c: Word2VecConfiguration
    let state: TrainingState
    /// Hierarchical softmax when the flattened Huffman paths are given, negative sampling otherwise.
    let hierarchical: Bool
    let noise: AliasSampler?
    let keep: [Float]
    let shared: SharedProgress
    var rng: Xoshiro256StarStar
    let d: Int
    /// Scratch vectors (the CBOW hidden layer and the input's accumulated error); `release()` frees them.
    let hidden: UnsafeMutablePointer<Float>
    let hiddenError: UnsafeMutablePointer<Float>
    var filtered: [Int32] = []
    var alpha: Float
    var pendingWords = 0, pendingLoss = 0.0, pendingUpdates = 0
    /// The Huffman paths flattened (word w's points and codes are at `pathStart[w]..<pathStart[w + 1]`):
    /// arrays of arrays would retain and release on every access in the hot loop.
    let pathStart: [Int]
    let pathPoints: [Int32]
    let pathCodes: [UInt8]
    let sigmoid: [Float], lossOne: [Float], lossZero: [Float]

    static let maxExp: Float = 6
    static let tableSize = 1000
    /// sigmoid(x) on [-6, 6], as word2vec.c's expTable.
    static let sigmoidTable: [Float] = (0..<tableSize).map { i in
        let x = (Float(i) / Float(tableSize) * 2 - 1) * maxExp
        return 1 / (1 + exp(-x))
    }
    /// -log(sigmoid(x)) and -log(1 - sigmoid(x)) on the same grid, for the reported loss without a log per update.
    static let lossIfOne: [Float] = sigmoidTable.map { -log($0) }
    static let lossIfZero: [Float] = sigmoidTable.map { -log(1 - $0) }

    init(
        configuration: Word2VecConfiguration, state: TrainingState, noise: AliasSampler?, keep: [Float],
        shared: SharedProgress, seed: UInt64, paths: (start: [Int], points: [Int32], labels: [UInt8])? = nil
    ) {
        c = configuration
        self.state = state
        self.hierarchical = paths != nil
        self.noise = noise
        self.keep = keep
        self.shared = shared
        rng = Xoshiro256StarStar(seed: seed)
        d = configuration.dimensions
        hidden = .allocate(capacity: d)
        hiddenError = .allocate(capacity: d)
        hidden.initialize(repeating: 0, count: d)
        hiddenError.initialize(repeating: 0, count: d)
        alpha = configuration.startingAlpha
        // Flattened paths are shared by all workers (copy-on-write arrays: no copy unless written).
        let flat = paths ?? ([0], [], [])
        pathStart = flat.start
        pathPoints = flat.points
        pathCodes = flat.labels
        sigmoid = Self.sigmoidTable
        lossOne = Self.lossIfOne
        lossZero = Self.lossIfZero
    }

    @inline(__always) static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        textpipe_sdot(a, b, Int32(n))
    }

    /// `y += g * x`.
    @inline(__always) static func axpy(
        _ g: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int
    ) {
        textpipe_saxpy(g, x, y, Int32(n))
    }

    /// One logistic unit: pushes `sigmoid(l1 . out)` toward `label`, accumulates the input's error, updates `out`.
    @inline(__always) mutating func unit(
        _ l1: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, label: Float,
        _ error: UnsafeMutablePointer<Float>
    ) {
        let f = Self.dot(l1, out, d)
        let g: Float
        if f >= Self.maxExp {
            g = (label - 1) * alpha
            pendingLoss += label == 1 ? 0 : Double(f)
        } else if f <= -Self.maxExp {
            g = label * alpha
            pendingLoss += label == 1 ? Double(-f) : 0
        } else if !f.isFinite {
            return
        }  // a diverged update (too large a learning rate) is skipped, never a crash
        else {
            let i = min(Self.tableSize - 1, Int((f + Self.maxExp) * (Float(Self.tableSize) / Self.maxExp / 2)))
            g = (label - sigmoid[i]) * alpha
            pendingLoss += Double(label == 1 ? lossOne[i] : lossZero[i])
        }
        pendingUpdates += 1
        // One pass: error += g * out (old values), then out += g * l1.
        textpipe_unit_update(g, out, l1, error, Int32(d))
    }

    /// Trains on one sentence of vocabulary ids.
    mutating func trainSentence(_ sentence: [Int32]) {
        guard !sentence.isEmpty else { return }
        filtered.removeAll(keepingCapacity: true)
        for w in sentence where keep[Int(w)] >= 1 || keep[Int(w)] > Float(rng.nextUnit()) { filtered.append(w) }
        pendingWords += sentence.count
        if pendingWords >= 10_000 { flush() }
        let input = state.input
        let output = state.output
        let window = c.window
        let hp = hidden
        let ep = hiddenError
        do {
            for (pos, word) in filtered.enumerated() {
                let b = Int(rng.next() % UInt64(window))
                let lo = max(0, pos - window + b)
                let hi = min(filtered.count - 1, pos + window - b)
                if c.architecture == .skipgram {
                    for ctx in lo...hi where ctx != pos {
                        let l1 = input + Int(filtered[ctx]) * d
                        ep.update(repeating: 0, count: d)
                        predict(Int(word), from: UnsafePointer(l1), output: output, error: ep)
                        Self.axpy(1, ep, l1, d)
                    }
                } else {
                    hp.update(repeating: 0, count: d)
                    ep.update(repeating: 0, count: d)
                    let count = hi - lo
                    guard count > 0 else { continue }
                    // The mean of the context vectors, summed with weight 1/count directly.
                    let inv = 1 / Float(count)
                    for ctx in lo...hi where ctx != pos { Self.axpy(inv, input + Int(filtered[ctx]) * d, hp, d) }
                    predict(Int(word), from: UnsafePointer(hp), output: output, error: ep)
                    for ctx in lo...hi where ctx != pos { Self.axpy(1, ep, input + Int(filtered[ctx]) * d, d) }
                }
            }
        }
    }

    func release() {
        hidden.deallocate()
        hiddenError.deallocate()
    }

    @inline(__always) mutating func predict(
        _ word: Int, from l1: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        error: UnsafeMutablePointer<Float>
    ) {
        if hierarchical {
            for i in pathStart[word]..<pathStart[word + 1] {
                unit(l1, output + Int(pathPoints[i]) * d, label: Float(pathCodes[i]), error)
            }
        } else if let noise {
            unit(l1, output + word * d, label: 1, error)
            for _ in 0..<c.negative {
                let target = noise.sample(rng.next())
                if target == word { continue }
                unit(l1, output + target * d, label: 0, error)
            }
        }
    }

    /// Reports progress and updates the decaying learning rate from all threads' progress.
    mutating func flush() {
        let done = shared.add(words: pendingWords, loss: pendingLoss, updates: pendingUpdates)
        pendingWords = 0
        pendingLoss = 0
        pendingUpdates = 0
        alpha = max(c.startingAlpha * 1e-4, c.startingAlpha * Float(1 - done / (shared.total + 1)))
    }
}
