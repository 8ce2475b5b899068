import Foundation

/// Huffman coding by the two-queue merge that word2vec.c (`CreateBinaryTree`) and fastText (`Model::buildTree`) both
/// use: leaves are taken in ascending count order, inner nodes in the order they are made, and the two smallest
/// heads merge into the next inner node (a tie goes to the inner node). word2vec's hierarchical softmax over words
/// and fastText's over classes build their trees here.
///
/// Counts 5, 3, 2, 1 taken in that reversed order (1, 2, 3, 5): 1 + 2 make node 4, then 3 + node 4 (3) make node 5,
/// then 5 + node 5 (6) make the root, node 6.
public enum HuffmanCoding {
    /// Merges the leaves `0..<counts.count`, taken in `order` (ascending counts), into a tree of `2v - 1` nodes:
    /// leaves `0..<v`, inner node `v + a` made by the a-th merge, the root last. Returns each node's parent (-1 for
    /// the root) and whether it is the second child merged (the branch coded 1).
    public static func merge(counts: [Int64], order: [Int]) -> (parent: [Int], second: [Bool]) {
        let v = counts.count
        guard v > 0 else { return ([], []) }
        var count = counts + [Int64](repeating: 0, count: v - 1)
        var parent = [Int](repeating: -1, count: 2 * v - 1)
        var second = [Bool](repeating: false, count: 2 * v - 1)
        var leaf = 0
        var inner = v
        for made in v..<(2 * v - 1) {
            var children = (0, 0)
            for j in 0..<2 {
                // A leaf when some are left and no inner node waits or the leaf is strictly smaller.
                let takeLeaf = leaf < v && (inner >= made || count[order[leaf]] < count[inner])
                let child = takeLeaf ? order[leaf] : inner
                if takeLeaf { leaf += 1 } else { inner += 1 }
                if j == 0 { children.0 = child } else { children.1 = child }
            }
            count[made] = count[children.0] + count[children.1]
            parent[children.0] = made
            parent[children.1] = made
            second[children.1] = true
        }
        return (parent, second)
    }
}
