import Foundation
import TextCore

/// Impurity measures for tree splits.
public enum SplitCriterion: String, Sendable, Codable, Hashable, CaseIterable {
    /// `1 - sum_k p_k^2`.
    case gini
    /// `-sum_k p_k log2 p_k`.
    case entropy
}

/// Hyperparameters of the CART decision tree.
public struct DecisionTreeConfiguration: ClassifierConfiguration, ClassWeighted {
    /// Gini or entropy.
    public var criterion: SplitCriterion = .gini
    /// Deepest level (nil: grow until pure).
    public var maxDepth: Int? = nil
    /// Nodes with fewer documents are not split.
    public var minSamplesSplit = 2
    /// Fewest documents in a leaf.
    public var minSamplesLeaf = 1
    /// Weight of each class's documents.
    public var classWeights: ClassWeights = .uniform
    /// The defaults (as scikit-learn's where it has a counterpart).
    public init() {}

    /// One line for the README.
    public static let summary =
        "CART on sparse rows without densifying (each node's non-zeros grouped by feature; implicit zeros counted); seeded feature order breaks ties"
    /// What it needs and gives (declared once, read before training).
    public static let capabilities: ClassifierCapabilities = [.givesProbabilities, .acceptsClassWeights, .usesSeed]
    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<Self>] = [
        .choice("criterion", \.criterion, "impurity: `gini` or `entropy`"),
        .optionalInteger("max_depth", \.maxDepth, minimum: 1, "deepest level (none: grow until pure)"),
        .integer("min_samples_split", \.minSamplesSplit, minimum: 2, "documents a node needs to be split"),
        .integer("min_samples_leaf", \.minSamplesLeaf, minimum: 1, "documents each leaf keeps at least"),
        .classWeights(\.classWeights)
    ]

    /// CART (Breiman et al. 1984): grows binary splits `x_j <= t` that most reduce the weighted impurity,
    /// depth first. It reads sparse rows directly: at each node the node's non-zero entries are grouped by
    /// feature and sorted by value, and the implicit zeros of each feature are counted, never materialised.
    /// Features are visited in a seeded random order and the first best split wins ties, so a seed fixes the tree.
    public func fit(_ x: FeatureMatrix, labels: [Int], classCount K: Int, seed: UInt64) throws -> DecisionTree {
        try TrainingData.validate(x, labels: labels, classCount: K, model: DecisionTree.kind)
        guard minSamplesSplit >= 2, minSamplesLeaf >= 1, (maxDepth ?? 1) >= 1 else {
            throw TextpipeError(
                .spec, "decision_tree needs min_samples_split >= 2, min_samples_leaf >= 1, max_depth >= 1",
                key: "decision_tree")
        }
        let weights = try classWeights.resolve(labels, classCount: K)
        var builder = TreeBuilder(
            x: x, labels: labels, classCount: K, weights: weights, configuration: self, seed: seed)
        builder.grow()
        return DecisionTree(
            classCount: K, featureCount: x.columnCount, feature: builder.feature, threshold: builder.threshold,
            left: builder.left, right: builder.right, distribution: builder.distribution, depth: builder.maxDepthReached
        )
    }
}

/// Grows a tree; kept apart from the model so the trained tree is a plain immutable value.
struct TreeBuilder {
    let x: FeatureMatrix
    let labels: [Int]
    let K: Int
    let weights: [Double]
    let configuration: DecisionTreeConfiguration
    /// Rank of each feature in the seeded visiting order (lower is earlier), and its inverse.
    let featureRank: [Int32]
    let featureOfRank: [Int]
    var feature: [Int32] = [], threshold: [Float] = [], left: [Int32] = [], right: [Int32] = []
    var distribution: [Float] = []
    var maxDepthReached = 0

    init(
        x: FeatureMatrix, labels: [Int], classCount: Int, weights: [Double], configuration: DecisionTreeConfiguration,
        seed: UInt64
    ) {
        self.x = x
        self.labels = labels
        self.K = classCount
        self.weights = weights
        self.configuration = configuration
        var order = Array(0..<x.columnCount)
        var rng = Xoshiro256StarStar(seed: seed)
        order.seededShuffle(&rng)
        var rank = [Int32](repeating: 0, count: x.columnCount)
        for (r, j) in order.enumerated() { rank[j] = Int32(r) }
        featureRank = rank
        featureOfRank = order
    }

    func impurity(_ counts: UnsafeBufferPointer<Double>, _ total: Double) -> Double {
        guard total > 0 else { return 0 }
        switch configuration.criterion {
        case .gini:
            var s = 0.0
            for c in counts {
                let p = c / total
                s += p * p
            }
            return 1 - s
        case .entropy:
            var s = 0.0
            for c in counts where c > 0 {
                let p = c / total
                s -= p * log2(p)
            }
            return s
        }
    }

    struct Entry {
        var key: UInt64
        var row: Int32
        var value: Float
    }

    /// Sortable bits of a float: order of the result equals numeric order.
    @inline(__always) static func orderBits(_ v: Float) -> UInt32 {
        let b = v.bitPattern
        return b & 0x8000_0000 != 0 ? ~b : b | 0x8000_0000
    }

    mutating func grow() {
        var stack: [(rows: [Int], depth: Int, parentSlot: Int, isLeft: Bool)] = [
            (Array(0..<labels.count), 0, -1, false)
        ]
        var counts = [Double](repeating: 0, count: K)
        var leftCounts = [Double](repeating: 0, count: K)
        var zeroCounts = [Double](repeating: 0, count: K)
        var groupCounts = [Double](repeating: 0, count: K)
        while let item = stack.popLast() {
            let node = feature.count
            if item.parentSlot >= 0 {
                if item.isLeft { left[item.parentSlot] = Int32(node) } else { right[item.parentSlot] = Int32(node) }
            }
            maxDepthReached = max(maxDepthReached, item.depth)
            for k in 0..<K { counts[k] = 0 }
            for r in item.rows { counts[labels[r]] += weights[labels[r]] }
            let total = counts.reduce(0, +)
            feature.append(-1)
            threshold.append(0)
            left.append(-1)
            right.append(-1)
            distribution.append(contentsOf: counts.map { Float($0 / max(total, 1e-300)) })
            let nodeImpurity = counts.withUnsafeBufferPointer { impurity($0, total) }
            let n = item.rows.count
            if nodeImpurity <= 1e-12 || n < configuration.minSamplesSplit || n < 2 * configuration.minSamplesLeaf
                || (configuration.maxDepth.map { item.depth >= $0 } ?? false)
            {
                continue
            }

            // Gather the node's non-zeros grouped by feature (visiting order) and sorted by value.
            var entries: [Entry] = []
            for r in item.rows {
                x.forEach(inRow: r) { j, v in
                    if v != 0 {
                        entries.append(
                            Entry(
                                key: UInt64(UInt32(featureRank[j])) << 32 | UInt64(Self.orderBits(v)), row: Int32(r),
                                value: v))
                    }
                }
            }
            entries.sort { $0.key < $1.key }
            var best = (gain: -Double.infinity, feature: -1, threshold: Float(0))
            let minLeaf = configuration.minSamplesLeaf
            var start = 0
            while start < entries.count {
                var end = start
                let group = entries[start].key >> 32
                while end < entries.count && entries[end].key >> 32 == group { end += 1 }
                // Class counts of this feature's non-zeros and of its implicit zeros.
                for k in 0..<K { groupCounts[k] = 0 }
                for e in start..<end {
                    let l = labels[Int(entries[e].row)]
                    groupCounts[l] += weights[l]
                }
                let nonZero = end - start
                let zeros = n - nonZero
                for k in 0..<K { zeroCounts[k] = counts[k] - groupCounts[k] }
                // Walk the values in order, inserting the zero block between negatives and positives.
                for k in 0..<K { leftCounts[k] = 0 }
                var leftN = 0
                var zerosAdded = zeros == 0
                var e = start
                var previous: Float = 0
                var hasPrevious = false
                func consider(
                    _ next: Float, _ leftCounts: [Double], _ leftN: Int,
                    _ best: inout (gain: Double, feature: Int, threshold: Float)
                ) {
                    guard hasPrevious, next > previous, leftN >= minLeaf, n - leftN >= minLeaf else { return }
                    let leftTotal = leftCounts.reduce(0, +)
                    let rightTotal = total - leftTotal
                    var rightCounts = counts
                    for k in 0..<K { rightCounts[k] -= leftCounts[k] }
                    let li = leftCounts.withUnsafeBufferPointer { impurity($0, leftTotal) }
                    let ri = rightCounts.withUnsafeBufferPointer { impurity($0, rightTotal) }
                    let gain = nodeImpurity - (leftTotal * li + rightTotal * ri) / total
                    if gain > best.gain + 1e-12 {
                        var t = previous / 2 + next / 2
                        if t == next { t = previous }  // midpoint rounding: keep "previous <= t < next"
                        best = (gain, featureOfRank[Int(group)], t)
                    }
                }
                while e < end || !zerosAdded {
                    let takeZeros = !zerosAdded && (e >= end || entries[e].value > 0)
                    let value: Float = takeZeros ? 0 : entries[e].value
                    consider(value, leftCounts, leftN, &best)
                    if takeZeros {
                        for k in 0..<K { leftCounts[k] += zeroCounts[k] }
                        leftN += zeros
                        zerosAdded = true
                    } else {
                        let l = labels[Int(entries[e].row)]
                        leftCounts[l] += weights[l]
                        leftN += 1
                        e += 1
                    }
                    previous = value
                    hasPrevious = true
                }
                start = end
            }
            guard best.feature >= 0 else { continue }
            feature[node] = Int32(best.feature)
            threshold[node] = best.threshold
            var leftRows: [Int] = []
            var rightRows: [Int] = []
            for r in item.rows {
                var v: Float = 0
                x.forEach(inRow: r) { j, value in if j == best.feature { v = value } }
                if v <= best.threshold { leftRows.append(r) } else { rightRows.append(r) }
            }
            // Right pushed first so the left subtree is built (and numbered) first.
            stack.append((rightRows, item.depth + 1, node, false))
            stack.append((leftRows, item.depth + 1, node, true))
        }
    }

}

/// A trained CART tree: leaf class frequencies as probabilities.
public struct DecisionTree: Classifier {
    /// Spec name.
    public static let kind = "decision_tree"
    /// Generative or discriminative.
    public static let family = ModelFamily.discriminative
    /// Classes.
    public let classCount: Int
    /// Feature columns it was trained on.
    public let featureCount: Int
    let feature: [Int32]
    let threshold: [Float]
    let left: [Int32]
    let right: [Int32]
    /// `distribution[node * K + k]`: weighted class frequencies at each node.
    let distribution: [Float]
    /// Depth of the deepest leaf.
    public let depth: Int

    /// What its scores are (log joint, logit or decision value).
    public var scoreKind: ScoreKind { .logit }
    /// Nodes, leaves included.
    public var nodeCount: Int { feature.count }

    func leaf(_ x: FeatureMatrix, _ r: Int) -> Int {
        var values: [Int: Float] = [:]
        x.forEach(inRow: r) { j, v in if v != 0 { values[j] = v } }
        var node = 0
        while feature[node] >= 0 {
            let v = values[Int(feature[node])] ?? 0
            node = Int(v <= threshold[node] ? left[node] : right[node])
        }
        return node
    }

    /// `log` of the leaf's class frequencies (`-infinity` for absent classes), so probabilities are the frequencies.
    public func scores(_ x: FeatureMatrix) -> DenseMatrix {
        var out = DenseMatrix(rowCount: x.rowCount, columnCount: classCount)
        for r in 0..<x.rowCount {
            let node = leaf(x, r)
            for k in 0..<classCount { out[r, k] = log(distribution[node * classCount + k]) }
        }
        return out
    }

    /// What training did, for the report.
    public var trainingSummary: [String: String] {
        ["nodes": "\(nodeCount)", "leaves": "\(feature.filter { $0 < 0 }.count)", "depth": "\(depth)"]
    }

    /// The top `levels` of the tree as indented rules: `contains 'worst' <= 0.5` / `> 0.5`, leaves with their class.
    public func rules(levels: Int, featureName: (Int) -> String, labels: [String]) -> [String] {
        var lines: [String] = []
        func walk(_ node: Int, _ depth: Int) {
            let indent = String(repeating: "  ", count: depth)
            let dist = (0..<classCount).map { distribution[node * classCount + $0] }
            let majority = dist.indices.max { dist[$0] < dist[$1] } ?? 0
            if feature[node] < 0 || depth >= levels {
                lines.append(
                    indent + "→ \(labels[majority]) (\(String(format: "%.0f", dist[majority] * 100))%)"
                        + (feature[node] >= 0 ? " …" : ""))
                return
            }
            let name = featureName(Int(feature[node]))
            let t = String(format: "%.4g", threshold[node])
            lines.append(indent + "if '\(name)' <= \(t):")
            walk(Int(left[node]), depth + 1)
            lines.append(indent + "else ('\(name)' > \(t)):")
            walk(Int(right[node]), depth + 1)
        }
        if !feature.isEmpty { walk(0, 0) }
        return lines
    }

    /// Writes the trained parameters.
    public func encode(into w: inout BinaryWriter) throws {
        w.write(UInt64(classCount))
        w.write(UInt64(featureCount))
        w.write(UInt64(depth))
        w.write(array: feature)
        w.write(array: threshold)
        w.write(array: left)
        w.write(array: right)
        w.write(array: distribution)
    }

    /// Reads parameters written by `encode`, checking their sizes.
    public static func decode(from r: inout BinaryReader) throws -> DecisionTree {
        let k = try r.readCount()
        let d = try r.readCount()
        let depth = try r.readCount()
        let f = try r.readArray(Int32.self)
        let t = try r.readFloats()
        let l = try r.readArray(Int32.self)
        let rt = try r.readArray(Int32.self)
        let dist = try r.readFloats()
        let n = f.count
        var valid = t.count == n && l.count == n && rt.count == n && dist.count == n * k && n > 0
        for i in 0..<n where valid && f[i] >= 0 {
            // Children come after their parent, so a walk always ends at a leaf.
            let a = Int(l[i])
            let b = Int(rt[i])
            valid = Int(f[i]) < d && a > i && b > i && a < n && b < n
        }
        guard valid else { throw TextpipeError(.model, "corrupt decision tree") }
        return DecisionTree(
            classCount: k, featureCount: d, feature: f, threshold: t, left: l, right: rt, distribution: dist,
            depth: depth)
    }
}
