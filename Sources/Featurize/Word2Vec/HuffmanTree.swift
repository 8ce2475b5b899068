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
        guard v > 1 else { points = Array(repeating: [], count: v); codes = Array(repeating: [], count: v); self.innerCount = 0; return }
        var count = counts.map { Int64($0) } + [Int64](repeating: Int64.max / 4, count: v)
        var binary = [UInt8](repeating: 0, count: 2 * v)
        var parent = [Int](repeating: 0, count: 2 * v)
        var pos1 = v - 1, pos2 = v
        for a in 0..<(v - 1) {
            // The two smallest nodes among the remaining leaves (pos1, descending) and new inner nodes (pos2, ascending).
            var min1: Int, min2: Int
            if pos1 >= 0 && count[pos1] < count[pos2] { min1 = pos1; pos1 -= 1 } else { min1 = pos2; pos2 += 1 }
            if pos1 >= 0 && count[pos1] < count[pos2] { min2 = pos1; pos1 -= 1 } else { min2 = pos2; pos2 += 1 }
            count[v + a] = count[min1] + count[min2]
            parent[min1] = v + a; parent[min2] = v + a
            binary[min2] = 1
        }
        var allPoints: [[Int32]] = [], allCodes: [[UInt8]] = []
        allPoints.reserveCapacity(v); allCodes.reserveCapacity(v)
        for a in 0..<v {
            var code: [UInt8] = [], point: [Int32] = []
            var b = a
            while b != 2 * v - 2 {
                code.append(binary[b]); point.append(Int32(b))
                b = parent[b]
            }
            // Root first; inner node n is stored as n - v (0...v-2).
            allCodes.append(code.reversed())
            allPoints.append(([Int32(2 * v - 2)] + point.reversed().dropLast()).map { $0 - Int32(v) })
        }
        points = allPoints; codes = allCodes
        innerCount = v - 1
    }

    /// The paths flattened for the training loop: word w's inner nodes are `flatPoints[flatStart[w]..<flatStart[w+1]]`
    /// with target labels `1 - code` in `flatLabels` (arrays of arrays would retain on every access).
    public func flattened() -> (start: [Int], points: [Int32], labels: [Float]) {
        var start = [0], p: [Int32] = [], l: [Float] = []
        let total = points.reduce(0) { $0 + $1.count }
        p.reserveCapacity(total); l.reserveCapacity(total); start.reserveCapacity(points.count + 1)
        for w in 0..<points.count { p += points[w]; l += codes[w].map { 1 - Float($0) }; start.append(p.count) }
        return (start, p, l)
    }

    /// Number of inner nodes (output vectors): one fewer than the words.
    public let innerCount: Int
}
