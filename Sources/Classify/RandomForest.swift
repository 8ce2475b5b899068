import Foundation
import TextCore

/// How many features a random forest's split may look at (scikit-learn's `max_features`).
public enum MaxFeatures: Sendable, Codable, Hashable {
    /// `max(1, floor(sqrt(d)))`, scikit-learn's default for classifiers.
    case sqrt
    /// `max(1, floor(log2(d)))`.
    case log2
    /// Every feature (plain bagging).
    case all
    case count(Int)
    /// `max(1, floor(f d))`.
    case fraction(Double)

    /// The number of features for `d` columns.
    public func resolve(_ d: Int) -> Int {
        switch self {
        case .sqrt: return max(1, Int(Double(d).squareRoot()))
        case .log2: return max(1, Int(Foundation.log2(Double(max(d, 1)))))
        case .all: return max(1, d)
        case .count(let c): return max(1, min(c, d))
        case .fraction(let f): return max(1, Int(f * Double(d)))
        }
    }

    var specText: String {
        switch self {
        case .sqrt: return "sqrt"
        case .log2: return "log2"
        case .all: return "all"
        case .count(let c): return "\(c)"
        case .fraction(let f): return "\(f)"
        }
    }
}

/// Hyperparameters of a random forest of CART trees.
public struct RandomForestConfiguration: ClassifierConfiguration, ClassWeighted {
    /// Trees in the forest.
    public var trees = 100
    /// Gini or entropy.
    public var criterion: SplitCriterion = .gini
    /// Deepest level (nil: grow until pure).
    public var maxDepth: Int? = nil
    /// Nodes with fewer documents are not split.
    public var minSamplesSplit = 2
    /// Fewest documents in a leaf.
    public var minSamplesLeaf = 1
    /// Features tried at each split.
    public var maxFeatures: MaxFeatures = .sqrt
    /// Train each tree on a bootstrap sample (n draws with replacement) instead of every document.
    public var bootstrap = true
    /// Weight of each class's documents.
    public var classWeights: ClassWeights = .uniform
    /// Trees trained at once; 0 = one per core. The forest is the same for any number.
    public var threads = 0
    /// The defaults (as scikit-learn's where it has a counterpart).
    public init() {}

    /// One line for the README.
    public static let summary =
        "bagged CART trees on sparse rows (Breiman 2001): each split searches a seeded random subset of features, probabilities are the trees' mean leaf frequencies; trees trained in parallel, the same forest for any thread count"
    /// What it needs and gives (declared once, read before training).
    public static let capabilities: ClassifierCapabilities = [.givesProbabilities, .acceptsClassWeights, .usesSeed]
    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<Self>] = [
        .integer("n_estimators", \.trees, minimum: 1, "number of trees"),
        Parameter(
            key: "max_features", type: .countOrFraction(names: ["sqrt", "log2", "all"]),
            summary: "features each split looks at (it looks further while all it saw were constant, as scikit-learn)",
            defaultValue: "sqrt"
        ) { c, v in
            switch v {
            case .choice("log2"): c.maxFeatures = .log2
            case .choice("all"): c.maxFeatures = .all
            case .choice: c.maxFeatures = .sqrt
            case .count(let n): c.maxFeatures = .count(n)
            case .fraction(let f): c.maxFeatures = .fraction(f)
            default: break
            }
        },
        .optionalInteger("max_depth", \.maxDepth, minimum: 1, "deepest level (none: grow until pure)"),
        .boolean("bootstrap", \.bootstrap, "each tree sees a bootstrap sample of the documents"),
        .choice("criterion", \.criterion, "impurity: `gini` or `entropy`"),
        .integer("min_samples_split", \.minSamplesSplit, minimum: 2, "documents a node needs to be split"),
        .integer("min_samples_leaf", \.minSamplesLeaf, minimum: 1, "documents each leaf keeps at least"),
        .classWeights(\.classWeights),
        .integer(
            "threads", \.threads, minimum: 0, "trees trained at once (0: one per core); does not change the forest")
    ]

    /// Grows `trees` trees, each from its own seed derived from `seed` and its index, so the forest does not depend on
    /// how many threads built it.
    public func fit(_ x: FeatureMatrix, labels: [Int], classCount K: Int, seed: UInt64) throws -> RandomForest {
        try TrainingData.validate(x, labels: labels, classCount: K, model: RandomForest.kind)
        let classWeight = try classWeights.resolve(labels, classCount: K)
        let columns = ColumnMajor(x)
        let count = trees
        let workers = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
        let built = Parallel.map(count, workers: workers) { t in
            var rng = Self.treeGenerator(seed: seed, tree: t)
            var builder = ForestTreeBuilder(
                columns: columns, x: x, labels: labels, classCount: K, classWeight: classWeight, configuration: self)
            return builder.grow(rng: &rng)
        }
        return RandomForest(classCount: K, featureCount: x.columnCount, trees: built)
    }

    /// Tree `tree`'s own generator: its bootstrap sample and feature draws come from it alone.
    static func treeGenerator(seed: UInt64, tree: Int) -> Xoshiro256StarStar {
        Xoshiro256StarStar(seed: seed ^ (0x9E37_79B9_7F4A_7C15 &* UInt64(tree + 1)))
    }

    /// A bootstrap sample as draw counts: `n` draws with replacement from `n` rows, `draws[r]` the times row `r` was
    /// drawn. A tree weighs each row by its count (scikit-learn's `sample_weight` from `bincount`), so a row drawn
    /// twice counts twice; about (1 - 1/n)^n -> 1/e = 36.8% of the rows are out of the bag.
    ///
    /// n = 4, draws 2, 0, 2, 3 -> `[0, 0, 2, 1]`: rows 0 and 1 out of the bag, row 2 counts twice.
    static func bootstrapDraws(_ n: Int, rng: inout Xoshiro256StarStar) -> [Int] {
        var draws = [Int](repeating: 0, count: n)
        for _ in 0..<n { draws[rng.nextIndex(n)] += 1 }
        return draws
    }
}

/// Grows one tree of a forest. A node's rows are marked with a stamp, so a candidate feature's values in the node are
/// read from its column alone: the cost of a split is that of the features it looks at, not of the node's rows.
struct ForestTreeBuilder {
    let columns: ColumnMajor
    let x: FeatureMatrix
    let labels: [Int]
    let K: Int
    let classWeight: [Double]
    let configuration: RandomForestConfiguration
    var weight: [Double]
    var stamp: [Int32]
    var featureOrder: [Int32]
    var feature: [Int32] = [], threshold: [Float] = [], left: [Int32] = [], right: [Int32] = [],
        distribution: [Float] = []

    init(
        columns: ColumnMajor, x: FeatureMatrix, labels: [Int], classCount: Int, classWeight: [Double],
        configuration: RandomForestConfiguration
    ) {
        self.columns = columns
        self.x = x
        self.labels = labels
        self.K = classCount
        self.classWeight = classWeight
        self.configuration = configuration
        weight = [Double](repeating: 0, count: columns.rowCount)
        stamp = [Int32](repeating: -1, count: columns.rowCount)
        featureOrder = (0..<columns.columnCount).map(Int32.init)
    }

    func impurity(_ counts: [Double], _ total: Double) -> Double {
        guard total > 0 else { return 0 }
        var s = 0.0
        switch configuration.criterion {
        case .gini:
            for c in counts {
                let p = c / total
                s += p * p
            }
            return 1 - s
        case .entropy:
            for c in counts where c > 0 {
                let p = c / total
                s -= p * Foundation.log2(p)
            }
            return s
        }
    }

    /// A value with the row it belongs to; `key` sorts like the value (and, with the feature in its high bits, by feature first).
    struct SortEntry {
        var key: UInt64
        var row: Int32
        var value: Float
    }

    /// `c ln c`, 0 at 0.
    @inline(__always) func xLogX(_ c: Double) -> Double { c > 1e-300 ? c * Foundation.log(c) : 0 }

    /// A node's sum of squared class weights and sum of c ln c: where the children's running sums start.
    func splitTerms(_ counts: [Double]) -> (Double, Double) {
        (counts.reduce(0) { $0 + $1 * $1 }, counts.reduce(0) { $0 + xLogX($1) })
    }

    mutating func grow(rng: inout Xoshiro256StarStar) -> DecisionTree {
        let n = columns.rowCount
        var root: [Int] = []
        if configuration.bootstrap {
            let draws = RandomForestConfiguration.bootstrapDraws(n, rng: &rng)
            for r in 0..<n where draws[r] > 0 {
                root.append(r)
                weight[r] = Double(draws[r]) * classWeight[labels[r]]
            }
        } else {
            root = Array(0..<n)
            for r in 0..<n { weight[r] = classWeight[labels[r]] }
        }
        let m = configuration.maxFeatures.resolve(columns.columnCount)
        let d = columns.columnCount
        var stack: [(rows: [Int], depth: Int, parent: Int, isLeft: Bool)] = [(root, 0, -1, false)]
        var maxDepth = 0
        var counts = [Double](repeating: 0, count: K)
        var nonZeroCounts = [Double](repeating: 0, count: K)
        var leftCounts = [Double](repeating: 0, count: K)
        var entries: [SortEntry] = []
        var rowEntries: [SortEntry] = []
        let gini = configuration.criterion == .gini
        while let item = stack.popLast() {
            let node = feature.count
            if item.parent >= 0 {
                if item.isLeft { left[item.parent] = Int32(node) } else { right[item.parent] = Int32(node) }
            }
            maxDepth = max(maxDepth, item.depth)
            for k in 0..<K { counts[k] = 0 }
            for r in item.rows {
                counts[labels[r]] += weight[r]
                stamp[r] = Int32(node)
            }
            let total = counts.reduce(0, +)
            feature.append(-1)
            threshold.append(0)
            left.append(-1)
            right.append(-1)
            distribution.append(contentsOf: counts.map { Float($0 / max(total, 1e-300)) })
            let nodeImpurity = impurity(counts, total)
            let rowCount = item.rows.count
            let minLeaf = configuration.minSamplesLeaf
            if nodeImpurity <= 1e-12 || rowCount < configuration.minSamplesSplit || rowCount < 2 * minLeaf
                || (configuration.maxDepth.map { item.depth >= $0 } ?? false)
            {
                continue
            }

            var best = (gain: -Double.infinity, feature: -1, threshold: Float(0))
            var visited = 0
            var nonConstant = 0
            var drawn = 0
            // A small node reads its own rows once (entries grouped by feature); a large one reads each drawn feature's
            // column. Either way features are drawn as from a uniform permutation of all d.
            var nodeEntries = 0
            for r in item.rows { nodeEntries += x.storedCount(inRow: r) }
            let rowMode = nodeEntries <= 8 * m
            var present: [(start: Int, end: Int)] = []
            if rowMode {
                rowEntries.removeAll(keepingCapacity: true)
                for r in item.rows {
                    x.forEach(inRow: r) { j, v in
                        if v != 0 {
                            rowEntries.append(
                                SortEntry(
                                    key: UInt64(j) << 32 | UInt64(TreeBuilder.orderBits(v)), row: Int32(r), value: v))
                        }
                    }
                }
                rowEntries.sort { $0.key < $1.key }
                var a = 0
                while a < rowEntries.count {
                    var b = a
                    while b < rowEntries.count && rowEntries[b].key >> 32 == rowEntries[a].key >> 32 { b += 1 }
                    present.append((a, b))
                    a = b
                }
            }
            var presentLeft = present.count
            let (nodeSquares, nodeEntropyTerm) = splitTerms(counts)
            // Draw features without replacement until `m` were looked at and at least one varied in this node.
            while drawn < d && (visited < m || nonConstant == 0) {
                entries.removeAll(keepingCapacity: true)
                var j = -1
                if rowMode {
                    // The next draw is one of the node's present features with probability presentLeft / (d - drawn).
                    if presentLeft == 0 { break }
                    let isPresent = rng.nextIndex(d - drawn) < presentLeft
                    drawn += 1
                    visited += 1
                    guard isPresent else { continue }
                    let first = present.count - presentLeft
                    present.swapAt(first, first + rng.nextIndex(presentLeft))
                    let group = present[first]
                    presentLeft -= 1
                    j = Int(rowEntries[group.start].key >> 32)
                    entries.append(contentsOf: rowEntries[group.start..<group.end])
                } else {
                    let pick = drawn + rng.nextIndex(d - drawn)
                    featureOrder.swapAt(drawn, pick)
                    j = Int(featureOrder[drawn])
                    drawn += 1
                    visited += 1
                    for e in columns.start[j]..<columns.start[j + 1] where stamp[Int(columns.rows[e])] == Int32(node) {
                        let v = columns.values[e]
                        entries.append(SortEntry(key: UInt64(TreeBuilder.orderBits(v)), row: columns.rows[e], value: v))
                    }
                    entries.sort { $0.key < $1.key }
                }
                if entries.isEmpty { continue }
                let zeros = rowCount - entries.count
                if zeros == 0 && entries[0].value == entries[entries.count - 1].value { continue }
                nonConstant += 1
                for k in 0..<K { nonZeroCounts[k] = 0 }
                for e in entries { nonZeroCounts[labels[Int(e.row)]] += weight[Int(e.row)] }
                // Walk the values in order with the block of implicit zeros between negatives and positives. The
                // children's impurities are kept up to date in O(1) per moved document: for gini the sums of squared
                // class weights, for entropy the sums of c ln c (weighted impurity = T - sum c^2 / T, or T ln T - sum c ln c).
                for k in 0..<K { leftCounts[k] = 0 }
                var leftSquares = 0.0
                var rightSquares = nodeSquares
                var leftEntropy = 0.0
                var rightEntropy = nodeEntropyTerm
                var leftTotal = 0.0
                var leftN = 0
                var e = 0
                var zerosAdded = zeros == 0
                var previous: Float = 0
                var hasPrevious = false
                @inline(__always) func move(_ l: Int, _ w: Double) {
                    let c = leftCounts[l]
                    let rc = counts[l] - c
                    if gini {
                        leftSquares += w * (2 * c + w)
                        rightSquares -= w * (2 * rc - w)
                    } else {
                        leftEntropy += xLogX(c + w) - xLogX(c)
                        rightEntropy += xLogX(rc - w) - xLogX(rc)
                    }
                    leftCounts[l] = c + w
                    leftTotal += w
                }
                while e < entries.count || !zerosAdded {
                    let takeZeros = !zerosAdded && (e >= entries.count || entries[e].value > 0)
                    let value: Float = takeZeros ? 0 : entries[e].value
                    if hasPrevious, value > previous, leftN >= minLeaf, rowCount - leftN >= minLeaf {
                        let rightTotal = total - leftTotal
                        let weighted =
                            gini
                            ? total - leftSquares / leftTotal - rightSquares / rightTotal
                            : (xLogX(leftTotal) - leftEntropy + xLogX(rightTotal) - rightEntropy) / M_LN2
                        let gain = nodeImpurity - weighted / total
                        if gain > best.gain + 1e-12 {
                            var t = previous / 2 + value / 2
                            if t == value { t = previous }
                            best = (gain, j, t)
                        }
                    }
                    if takeZeros {
                        for k in 0..<K where counts[k] - nonZeroCounts[k] > 0 { move(k, counts[k] - nonZeroCounts[k]) }
                        leftN += zeros
                        zerosAdded = true
                    } else {
                        let r = Int(entries[e].row)
                        move(labels[r], weight[r])
                        leftN += 1
                        e += 1
                    }
                    previous = value
                    hasPrevious = true
                }
            }
            guard best.feature >= 0 else { continue }
            feature[node] = Int32(best.feature)
            threshold[node] = best.threshold
            // Rows whose value is above the threshold go right; a row absent from the column has value 0.
            let goesRightAtZero = 0 > best.threshold
            let rightMark = Int32(-2 - node)
            for e in columns.start[best.feature]..<columns.start[best.feature + 1] {
                let r = Int(columns.rows[e])
                if stamp[r] == Int32(node) {
                    stamp[r] = columns.values[e] > best.threshold ? rightMark : Int32(node) - Int32.max
                }
            }
            var leftRows: [Int] = []
            var rightRows: [Int] = []
            for r in item.rows {
                let goesRight = stamp[r] == rightMark || (stamp[r] == Int32(node) && goesRightAtZero)
                if goesRight { rightRows.append(r) } else { leftRows.append(r) }
            }
            stack.append((rightRows, item.depth + 1, node, false))
            stack.append((leftRows, item.depth + 1, node, true))
        }
        return DecisionTree(
            classCount: K, featureCount: columns.columnCount, feature: feature, threshold: threshold, left: left,
            right: right, distribution: distribution, depth: maxDepth)
    }
}

/// A trained random forest: the class probabilities are the mean of its trees' leaf class frequencies.
public struct RandomForest: Classifier {
    /// Spec name.
    public static let kind = "random_forest"
    /// Generative or discriminative.
    public static let family = ModelFamily.discriminative
    /// Classes.
    public let classCount: Int
    /// Feature columns it was trained on.
    public let featureCount: Int
    /// The trees, in seed order.
    public let trees: [DecisionTree]

    /// What its scores are (log joint, logit or decision value).
    public var scoreKind: ScoreKind { .logit }

    /// `log` of the mean leaf distribution, so probabilities are the forest's votes (scikit-learn's `predict_proba`).
    public func scores(_ x: FeatureMatrix) -> DenseMatrix {
        var out = DenseMatrix(rowCount: x.rowCount, columnCount: classCount)
        var row = [Float](repeating: 0, count: featureCount)
        var mean = [Float](repeating: 0, count: classCount)
        for r in 0..<x.rowCount {
            x.forEach(inRow: r) { j, v in if j < featureCount { row[j] = v } }
            for k in 0..<classCount { mean[k] = 0 }
            for tree in trees {
                var node = 0
                while tree.feature[node] >= 0 {
                    node = Int(
                        row[Int(tree.feature[node])] <= tree.threshold[node] ? tree.left[node] : tree.right[node])
                }
                for k in 0..<classCount { mean[k] += tree.distribution[node * classCount + k] }
            }
            for k in 0..<classCount { out[r, k] = log(mean[k] / Float(max(trees.count, 1))) }
            x.forEach(inRow: r) { j, _ in if j < featureCount { row[j] = 0 } }
        }
        return out
    }

    /// What training did, for the report.
    public var trainingSummary: [String: String] {
        let depths = trees.map(\.depth)
        let leaves = trees.map { $0.feature.filter { $0 < 0 }.count }
        return [
            "trees": "\(trees.count)",
            "mean depth": String(format: "%.1f", Double(depths.reduce(0, +)) / Double(max(1, trees.count))),
            "mean leaves": String(format: "%.1f", Double(leaves.reduce(0, +)) / Double(max(1, trees.count)))
        ]
    }

    /// Writes the trained parameters.
    public func encode(into w: inout BinaryWriter) throws {
        w.write(UInt64(classCount))
        w.write(UInt64(featureCount))
        w.write(UInt64(trees.count))
        for t in trees { try t.encode(into: &w) }
    }

    /// Reads parameters written by `encode`, checking their sizes.
    public static func decode(from r: inout BinaryReader) throws -> RandomForest {
        let k = try r.readCount()
        let d = try r.readCount()
        let n = try r.readCount()
        var trees: [DecisionTree] = []
        for _ in 0..<n {
            let t = try DecisionTree.decode(from: &r)
            guard t.classCount == k, t.featureCount == d else {
                throw TextpipeError(.model, "corrupt random forest: a tree of another shape")
            }
            trees.append(t)
        }
        return RandomForest(classCount: k, featureCount: d, trees: trees)
    }
}

extension FeatureMatrix {
    /// Stored entries of row `r` (its non-zeros when sparse, every column when dense).
    fileprivate func storedCount(inRow r: Int) -> Int {
        switch self {
        case .sparse(let m): return m.rowStart[r + 1] - m.rowStart[r]
        case .dense(let m): return m.columnCount
        }
    }
}
