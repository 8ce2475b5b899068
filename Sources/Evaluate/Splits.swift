import TextCore

/// One train/test partition of document indices.
public struct Fold: Sendable, Codable, Hashable {
    /// Indices of the documents trained on.
    public var train: [Int]
    /// Indices of the documents scored.
    public var test: [Int]
    /// A fold of these documents.
    public init(train: [Int], test: [Int]) {
        self.train = train
        self.test = test
    }
}

/// How a spec evaluates: a given test set, a seeded stratified hold-out split, or stratified k-fold CV.
public enum EvaluationPlan: Sendable, Codable, Hashable {
    case givenTest
    case split(testFraction: Double, seed: UInt64)
    case crossValidation(folds: Int, seed: UInt64)

    /// The plan in words, for reports.
    public var description: String {
        switch self {
        case .givenTest: return "the given test set"
        case .split(let f, let s): return "stratified hold-out split (test \(Int((f * 100).rounded()))%, seed \(s))"
        case .crossValidation(let k, let s): return "stratified \(k)-fold cross-validation (seed \(s))"
        }
    }
}

/// Stratified partitions: each class is shuffled with a seeded generator and dealt out in turn, so every
/// fold holds each class in (nearly) the same proportion as the whole.
public enum Stratified {
    /// Indices of each class, in class order, shuffled with `seed`.
    static func shuffledByClass(_ labels: [Int], classCount: Int, seed: UInt64) -> [[Int]] {
        var byClass = [[Int]](repeating: [], count: classCount)
        for (i, l) in labels.enumerated() { byClass[l].append(i) }
        var rng = Xoshiro256StarStar(seed: seed)
        for k in 0..<classCount { byClass[k].seededShuffle(&rng) }
        return byClass
    }

    /// k folds. Documents are dealt round-robin across folds, continuing from class to class, so fold sizes
    /// differ by at most one and a class smaller than k still lands somewhere (its folds' training sets lack it).
    ///
    /// `kFold(labels: [0,0,0,1,1,1], classCount: 2, folds: 3, seed: 1)` gives three folds with one of each class.
    public static func kFold(labels: [Int], classCount: Int, folds: Int, seed: UInt64) throws -> [Fold] {
        guard folds >= 2 else {
            throw TextpipeError(.spec, "cross-validation needs at least 2 folds, got \(folds)", key: "folds")
        }
        guard labels.count >= folds else {
            throw TextpipeError(.data, "\(labels.count) labelled documents cannot make \(folds) folds", key: "folds")
        }
        var assignment = [Int](repeating: 0, count: labels.count)
        var next = 0
        for members in shuffledByClass(labels, classCount: classCount, seed: seed) {
            for i in members {
                assignment[i] = next
                next = (next + 1) % folds
            }
        }
        return (0..<folds).map { f in
            Fold(
                train: assignment.indices.filter { assignment[$0] != f },
                test: assignment.indices.filter { assignment[$0] == f })
        }
    }

    /// One hold-out split with `round(n_k * testFraction)` test documents from each class of size >= 2.
    public static func split(labels: [Int], classCount: Int, testFraction: Double, seed: UInt64) throws -> Fold {
        guard testFraction > 0, testFraction < 1 else {
            throw TextpipeError(
                .spec, "test fraction must be between 0 and 1 (exclusive), got \(testFraction)", key: "test")
        }
        var train: [Int] = []
        var test: [Int] = []
        for members in shuffledByClass(labels, classCount: classCount, seed: seed) {
            let n = members.count
            let t = n < 2 ? 0 : min(n - 1, max(1, Int((Double(n) * testFraction).rounded())))
            test.append(contentsOf: members.prefix(t))
            train.append(contentsOf: members.dropFirst(t))
        }
        guard !test.isEmpty else { throw TextpipeError(.data, "the split left no test documents", key: "test") }
        return Fold(train: train.sorted(), test: test.sorted())
    }
}

/// Held-out splits of sentences (tagging corpora have no document label to stratify by).
public enum SentenceSplit {
    /// A seeded random `testFraction` of `count` sentences held out, both parts in corpus order.
    ///
    /// `holdout(count: 10, testFraction: 0.1, seed: 1)` holds out one sentence; the same seed gives the same one.
    public static func holdout(count: Int, testFraction: Double, seed: UInt64) throws -> Fold {
        guard testFraction > 0, testFraction < 1 else {
            throw TextpipeError(.spec, "test fraction must be between 0 and 1", key: "test")
        }
        let testCount = Int((Double(count) * testFraction).rounded())
        guard testCount >= 1, testCount < count else {
            throw TextpipeError(
                .data, "\(count) sentences cannot be split into training and \(Int(testFraction * 100))% test")
        }
        var rng = Xoshiro256StarStar(seed: seed)
        var order = Array(0..<count)
        order.shuffle(using: &rng)
        return Fold(train: order[testCount...].sorted(), test: order[..<testCount].sorted())
    }
}
