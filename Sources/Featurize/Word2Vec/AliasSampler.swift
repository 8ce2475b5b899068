import Foundation

/// Draws indices with given probabilities in O(1) per draw (Walker's alias method, Vose's construction),
/// using two arrays the size of the vocabulary: the negative-sampling noise distribution without
/// word2vec.c's 100-million-entry table.
///
/// Weights `[1, 3]` give index 1 three times as often as index 0.
public struct AliasSampler: Sendable {
    let probability: [Float]
    let alias: [Int32]

    /// A sampler for these non-negative weights.
    public init(weights: [Double]) {
        let n = weights.count
        precondition(n > 0)
        let total = weights.reduce(0, +)
        var scaled = weights.map { $0 * Double(n) / total }
        var probability = [Float](repeating: 1, count: n)
        var alias = [Int32](repeating: 0, count: n)
        var small: [Int] = []
        var large: [Int] = []
        for (i, p) in scaled.enumerated() { if p < 1 { small.append(i) } else { large.append(i) } }
        while let s = small.popLast(), let l = large.popLast() {
            probability[s] = Float(scaled[s])
            alias[s] = Int32(l)
            scaled[l] = scaled[l] + scaled[s] - 1
            if scaled[l] < 1 { small.append(l) } else { large.append(l) }
        }
        for i in small + large {
            probability[i] = 1
            alias[i] = Int32(i)
        }
        self.probability = probability
        self.alias = alias
    }

    /// The unigram distribution raised to `power` (0.75 in Mikolov et al.), as negative sampling uses.
    public init(counts: [Int], power: Double) {
        self.init(weights: counts.map { Double($0).squareRootPower(power) })
    }

    /// One index drawn in proportion to its weight.
    @inline(__always)
    public func sample(_ u: UInt64) -> Int {
        // High bits pick the column, low bits the coin.
        let i = Int(((u >> 32) &* UInt64(probability.count)) >> 32)
        let coin = Float(u & 0xFFFFFF) / Float(0x1000000)
        return coin < probability[i] ? i : Int(alias[i])
    }
}

extension Double {
    @inline(__always) func squareRootPower(_ p: Double) -> Double { p == 1 ? self : Foundation.pow(self, p) }
}
