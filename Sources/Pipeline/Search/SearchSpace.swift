import Foundation
import TextCore

/// Where a searched hyperparameter's values come from: a list of values (`C: [0.01, 0.1, 1]` or
/// `{choice: [...]}`), or a distribution for random search.
public enum SearchDomain: Sendable, Hashable, Codable {
    /// Values as the spec writes them (YAML scalars), in the spec's order.
    case values([String])
    /// `{log_uniform: [lo, hi]}`: exp of a uniform draw between log lo and log hi.
    case logUniform(Double, Double)
    /// `{uniform: [lo, hi]}`.
    case uniform(Double, Double)
    /// `{int: [lo, hi]}`: an integer in lo...hi, each equally likely.
    case integers(Int, Int)

    /// Spec keys of the distribution forms.
    static let forms = ["choice", "log_uniform", "uniform", "int"]
}

/// One searched key of a classifier: its spec key and where its values come from.
public struct SearchDimension: Sendable, Hashable, Codable {
    /// The spec key (`C`).
    public var key: String
    /// Its values or distribution.
    public var domain: SearchDomain
}

/// `search:`: how searched hyperparameters are explored and scored.
public struct SearchSettings: SpecConfigurable, Sendable, Hashable, Codable {
    /// Grid enumerates every combination; random draws `trials` seeded combinations.
    public enum Strategy: String, Sendable, Hashable, Codable, CaseIterable { case grid, random }
    /// What the inner folds rank trials by (higher is better; log loss is negated).
    public enum Metric: String, Sendable, Hashable, Codable, CaseIterable {
        case macroF1 = "macro_f1"
        case accuracy
        case logLoss = "log_loss"
    }
    /// Grid or random.
    public var strategy = Strategy.grid
    /// Trials drawn under random search.
    public var trials = 30
    /// A budget: no new trial starts after this many seconds of search in a run (nil: none).
    public var seconds: Double? = nil
    /// The metric trials are chosen by.
    public var metric = Metric.macroF1
    /// Folds of the inner cross-validation, on each outer fold's training part.
    public var innerFolds = 3
    /// Seed of the random draws and of the inner folds.
    public var seed: UInt64 = 1
    /// The defaults: grid search, macro-F1, 3 inner folds, seed 1.
    public init() {}

    /// The spec keys of `search:`, in documentation order.
    public static let parameters: [Parameter<SearchSettings>] = [
        .choice("strategy", \.strategy, "`grid`: every combination; `random`: `trials` seeded draws"),
        .integer("trials", \.trials, minimum: 1, "combinations drawn by the random strategy"),
        .optionalNumber("seconds", \.seconds, .positive, "a budget: no new trial starts after this many seconds"),
        .choice("metric", \.metric, "what the inner folds choose by"),
        .integer(
            "inner_folds", \.innerFolds, minimum: 2, "folds of the nested cross-validation inside each outer fold"),
        .seed("seed", \.seed, "seed of the inner folds and the random draws")
    ]

}

/// The trials of a searched classifier, in the order they are run and reported.
///
/// Grid: every combination, the classifier's keys in their declared order (as `textpipe docs` lists them), values in
/// the order written, the last key varying fastest: `C: [1, 10]`, `penalty: {choice: [l1, l2]}` on `logistic`
/// (declared C, penalty) -> `C=1 penalty=l1`, `C=1 penalty=l2`, `C=10 penalty=l1`, `C=10 penalty=l2`.
/// Random: `trials` draws from a xoshiro256** seeded with `search.seed` mixed with the classifier's name, each key
/// in declared order; repeated combinations (possible with lists only) are dropped.
public enum SearchTrials {
    /// The assignments (key -> YAML scalar text) of every trial.
    public static func assignments(
        _ dimensions: [SearchDimension], settings: SearchSettings, name: String
    ) throws -> [[String: String]] {
        switch settings.strategy {
        case .grid:
            var out: [[String: String]] = [[:]]
            for d in dimensions {
                guard case .values(let values) = d.domain else {
                    throw TextpipeError(
                        .spec,
                        "grid search needs lists of values; '\(d.key)' is a distribution (use search: {strategy: "
                            + "random})",
                        key: "classifiers.\(name).\(d.key)")
                }
                out = out.flatMap { partial in values.map { v in partial.merging([d.key: v]) { $1 } } }
            }
            return out
        case .random:
            var rng = Xoshiro256StarStar(seed: settings.seed ^ UInt64(truncatingIfNeeded: stableHash(name)))
            var out: [[String: String]] = []
            var seen = Set<[String: String]>()
            for _ in 0..<settings.trials {
                var a: [String: String] = [:]
                for d in dimensions {
                    switch d.domain {
                    case .values(let values): a[d.key] = values[rng.nextIndex(values.count)]
                    case .uniform(let lo, let hi): a[d.key] = text(lo + (hi - lo) * rng.nextUnit())
                    case .logUniform(let lo, let hi):
                        a[d.key] = text(exp(log(lo) + (log(hi) - log(lo)) * rng.nextUnit()))
                    case .integers(let lo, let hi): a[d.key] = String(lo + rng.nextIndex(hi - lo + 1))
                    }
                }
                if seen.insert(a).inserted { out.append(a) }
            }
            return out
        }
    }

    /// A number as the spec would write it: the shortest text that reads back as the same double.
    static func text(_ x: Double) -> String { "\(x)" }

    /// FNV-1a of a name: the same on every machine and run (Swift's `hashValue` is seeded per process).
    static func stableHash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }

    /// `C=0.1 penalty=l2`: an assignment in words, keys in the given order.
    public static func describe(_ assignment: [String: String], order: [String]) -> String {
        order.compactMap { k in assignment[k].map { "\(k)=\($0)" } }.joined(separator: " ")
    }
}
