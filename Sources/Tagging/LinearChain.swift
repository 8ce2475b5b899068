import Foundation
import TextCore

/// The parameters of a first-order linear-chain model, shared by the CRF and the structured perceptron.
///
/// State features are (attribute, tag) pairs that occur in the training data, as CRFsuite generates them
/// (an attribute seen only with `NN` gets one weight, not one per tag); transition features are every
/// (previous tag, tag) pair. Parameters: the state weights first, in attribute order, then `tags x tags`
/// transitions (row = previous tag).
public struct LinearChain: Sendable {
    /// Tags.
    public let tagCount: Int
    /// Attribute `a` owns state parameters `stateStart[a]..<stateStart[a + 1]`, for tags `stateTag[...]`.
    public let stateStart: [Int32]
    /// The tag of each state (attribute, tag) weight.
    public let stateTag: [Int32]
    /// State weights, then tag-to-tag transition weights.
    public var weights: [Double]
    /// Transitions seen in training (`previous * tags + tag`); the others stay at weight 0, as CRFsuite has no
    /// feature for them. Empty means every transition is free.
    public var observedTransitions: [Bool] = []
    /// State weights.
    public var stateCount: Int { stateTag.count }
    /// Where the transition weights start in `weights`.
    public var transitionOffset: Int { stateTag.count }

    /// A chain with these states (zero weights unless given).
    public init(tagCount: Int, stateStart: [Int32], stateTag: [Int32], weights: [Double]? = nil) {
        self.tagCount = tagCount
        self.stateStart = stateStart
        self.stateTag = stateTag
        self.weights = weights ?? [Double](repeating: 0, count: stateTag.count + tagCount * tagCount)
    }

    /// The (attribute, tag) pairs of the training sequences.
    public init(attributeCount: Int, tagCount: Int, sequences: [AttributeSequence], tags: [[Int32]]) {
        let words = (tagCount + 63) / 64
        var seen = [UInt64](repeating: 0, count: attributeCount * words)
        for (x, y) in zip(sequences, tags) {
            for t in 0..<x.count {
                let tag = Int(y[t])
                for a in x.attributes(of: t) { seen[Int(a) * words + tag / 64] |= 1 << UInt64(tag % 64) }
            }
        }
        var start: [Int32] = [0]
        var list: [Int32] = []
        for a in 0..<attributeCount {
            for w in 0..<words {
                var bits = seen[a * words + w]
                while bits != 0 {
                    let b = bits.trailingZeroBitCount
                    list.append(Int32(w * 64 + b))
                    bits &= bits - 1
                }
            }
            start.append(Int32(list.count))
        }
        self.init(tagCount: tagCount, stateStart: start, stateTag: list)
        var observed = [Bool](repeating: false, count: tagCount * tagCount)
        for y in tags where y.count > 1 {
            for t in 1..<y.count { observed[Int(y[t - 1]) * tagCount + Int(y[t])] = true }
        }
        observedTransitions = observed
    }

    /// True if the transition parameter `previous * tags + tag` may move.
    @inline(__always) func isFree(_ transition: Int) -> Bool {
        observedTransitions.isEmpty || observedTransitions[transition]
    }

    /// The parameter of (attribute, tag), if that pair was seen in training.
    @inline(__always) func stateParameter(_ a: Int32, _ tag: Int) -> Int? {
        for p in Int(stateStart[Int(a)])..<Int(stateStart[Int(a) + 1]) where Int(stateTag[p]) == tag { return p }
        return nil
    }

    /// State scores `scores[t * tags + y]` of a sequence under `w` (the weights, or a candidate during training).
    static func stateScores(
        _ x: AttributeSequence, tagCount: Int, stateStart: UnsafePointer<Int32>, stateTag: UnsafePointer<Int32>,
        w: UnsafePointer<Double>, into scores: inout [Double]
    ) {
        let n = x.count
        if scores.count < n * tagCount { scores = [Double](repeating: 0, count: n * tagCount) }
        scores.withUnsafeMutableBufferPointer { s in
            x.ids.withUnsafeBufferPointer { ids in
                for t in 0..<n {
                    let row = t * tagCount
                    for y in 0..<tagCount { s[row + y] = 0 }
                    for i in Int(x.offsets[t])..<Int(x.offsets[t + 1]) {
                        let a = Int(ids[i])
                        for p in Int(stateStart[a])..<Int(stateStart[a + 1]) { s[row + Int(stateTag[p])] += w[p] }
                    }
                }
            }
        }
    }

    /// The best tag sequence by Viterbi (ties to the lower tag index).
    public func decode(_ x: AttributeSequence) -> [Int32] {
        var scores: [Double] = []
        stateStart.withUnsafeBufferPointer { ss in
            stateTag.withUnsafeBufferPointer { st in
                weights.withUnsafeBufferPointer { w in
                    Self.stateScores(
                        x, tagCount: tagCount, stateStart: ss.start, stateTag: st.start,
                        w: w.start, into: &scores)
                }
            }
        }
        return Self.viterbi(
            scores, length: x.count, tagCount: tagCount, transitions: weights, transitionOffset: transitionOffset)
    }

    /// Viterbi over state scores and `transitions[offset + previous * tags + tag]`.
    static func viterbi(
        _ scores: [Double], length n: Int, tagCount T: Int, transitions: [Double], transitionOffset: Int
    ) -> [Int32] {
        guard n > 0 else { return [] }
        var best = Array(scores[0..<T])
        var next = [Double](repeating: 0, count: T)
        var back = [Int32](repeating: 0, count: n * T)
        for t in 1..<max(1, n) where n > 1 {
            for y in 0..<T {
                var m = -Double.infinity
                var arg = 0
                for p in 0..<T {
                    let v = best[p] + transitions[transitionOffset + p * T + y]
                    if v > m {
                        m = v
                        arg = p
                    }
                }
                next[y] = m + scores[t * T + y]
                back[t * T + y] = Int32(arg)
            }
            swap(&best, &next)
        }
        var y = 0
        for k in 1..<T where best[k] > best[y] { y = k }
        var path = [Int32](repeating: 0, count: n)
        path[n - 1] = Int32(y)
        if n > 1 {
            for t in stride(from: n - 1, to: 0, by: -1) {
                y = Int(back[t * T + y])
                path[t - 1] = Int32(y)
            }
        }
        return path
    }

    /// Writes the states and weights.
    public func encode(into w: inout BinaryWriter) {
        w.write(Int64(tagCount))
        w.write(array: stateStart)
        w.write(array: stateTag)
        w.write(array: weights.map { Float($0) })
        w.write(array: observedTransitions.map { UInt8($0 ? 1 : 0) })
    }

    /// Reads a chain written by `encode`, checking its sizes.
    public static func decode(from r: inout BinaryReader) throws -> LinearChain {
        let rawTags = try r.read(Int64.self)
        // Sizes and indices come from the file: each is checked before anything is sized or indexed by it.
        guard (1...65_536).contains(rawTags) else {
            throw TextpipeError(.model, "a linear-chain model with \(rawTags) tags")
        }
        let tags = Int(rawTags)
        let start = try r.readArray(Int32.self)
        let tag = try r.readArray(Int32.self)
        let w = try r.readFloats().map { Double($0) }
        guard w.count == tag.count + tags * tags, start.first == 0, start.last.map({ Int($0) == tag.count }) ?? false,
            zip(start, start.dropFirst()).allSatisfy({ $0 <= $1 }), tag.allSatisfy({ $0 >= 0 && Int($0) < tags })
        else {
            throw TextpipeError(.model, "a linear-chain model whose parameter counts disagree")
        }
        var chain = LinearChain(tagCount: tags, stateStart: start, stateTag: tag, weights: w)
        let observed = try r.readArray(UInt8.self)
        guard observed.isEmpty || observed.count == tags * tags else {
            throw TextpipeError(.model, "a linear-chain model with a malformed transition mask")
        }
        chain.observedTransitions = observed.map { $0 != 0 }
        return chain
    }
}
