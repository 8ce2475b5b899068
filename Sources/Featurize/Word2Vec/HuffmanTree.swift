import Foundation
import TextCore

/// The Huffman tree of hierarchical softmax (Mikolov et al. 2013), built as word2vec.c's `CreateBinaryTree`:
/// words sorted by descending count are the leaves; each inner node gets an output vector, and a word's
/// `points` are the inner nodes on its root-to-leaf path with `codes` the branch taken at each (0 or 1).
///
/// Counts `[5, 3, 2, 1]` (sorted descending): inner nodes 0 = {2, 1} (count 3), 1 = {3, node 0} (count 6),
/// 2 = {count 5, node 1} (11, the root). Word 0: points `[2]`, codes `[0]`; word 3: points `[2, 1, 0]`, codes `[1, 0, 0]`.
public struct HuffmanTree: Sendable {
    /// Inner-node indices from the root down, per word.
    public let points: [[Int32]]
    /// Branch bits from the root down, per word.
    public let codes: [[UInt8]]

    /// `counts` must be sorted in descending order (the vocabulary is).
    public init(counts: [Int]) {
        let v = counts.count
        guard v > 1 else {
            points = Array(repeating: [], count: v)
            codes = Array(repeating: [], count: v)
            self.innerCount = 0
            return
        }
        let (parent, binary) = Self.build(counts)
        var allPoints: [[Int32]] = []
        var allCodes: [[UInt8]] = []
        allPoints.reserveCapacity(v)
        allCodes.reserveCapacity(v)
        for a in 0..<v {
            var code: [UInt8] = []
            var point: [Int32] = []
            var b = a
            while b != 2 * v - 2 {
                code.append(binary[b])
                point.append(Int32(b))
                b = Int(parent[b])
            }
            // Root first; inner node n is stored as n - v (0...v-2).
            allCodes.append(code.reversed())
            allPoints.append(([Int32(2 * v - 2)] + point.reversed().dropLast()).map { $0 - Int32(v) })
        }
        points = allPoints
        codes = allCodes
        innerCount = v - 1
    }

    /// word2vec.c's tree construction: each node's parent and the branch bit leading to it.
    static func build(_ counts: [Int]) -> (parent: [Int32], binary: [UInt8]) {
        // Counts arrive sorted descending (the vocabulary's order), so ascending is the reverse index order.
        let (parent, second) = HuffmanCoding.merge(
            counts: counts.map { Int64($0) }, order: Array((0..<counts.count).reversed()))
        return (parent.map { Int32($0) } + [0], second.map { $0 ? 1 : 0 } + [0])
    }

    /// The flattened paths straight from the counts, without per-word arrays (the training loop's form).
    public static func flatPaths(counts: [Int]) -> (start: [Int], points: [Int32], labels: [UInt8]) {
        let v = counts.count
        guard v > 1 else { return ([Int](repeating: 0, count: v + 1), [], []) }
        let (parent, binary) = build(counts)
        var start = [0]
        var points: [Int32] = []
        var labels: [UInt8] = []
        start.reserveCapacity(v + 1)
        var code: [UInt8] = []
        var point: [Int32] = []
        for a in 0..<v {
            code.removeAll(keepingCapacity: true)
            point.removeAll(keepingCapacity: true)
            var b = a
            while b != 2 * v - 2 {
                code.append(binary[b])
                point.append(Int32(b))
                b = Int(parent[b])
            }
            // Root first: inner node n is stored as n - v; the leaf itself is not a point.
            points.append(Int32(v - 2))
            for i in stride(from: point.count - 1, through: 1, by: -1) { points.append(point[i] - Int32(v)) }
            for i in stride(from: code.count - 1, through: 0, by: -1) { labels.append(1 - code[i]) }
            start.append(points.count)
        }
        return (start, points, labels)
    }

    /// The paths flattened for the training loop: word w's inner nodes are `flatPoints[flatStart[w]..<flatStart[w+1]]`
    /// with target labels `1 - code` in `flatLabels` (arrays of arrays would retain on every access).
    public func flattened() -> (start: [Int], points: [Int32], labels: [UInt8]) {
        var start = [0]
        var p: [Int32] = []
        var l: [UInt8] = []
        let total = points.reduce(0) { $0 + $1.count }
        p.reserveCapacity(total)
        l.reserveCapacity(total)
        start.reserveCapacity(points.count + 1)
        for w in 0..<points.count {
            p += points[w]
            l += codes[w].map { 1 - $0 }
            start.append(p.count)
        }
        return (start, p, l)
    }

    /// Number of inner nodes (output vectors): one fewer than the words.
    public let innerCount: Int
}
