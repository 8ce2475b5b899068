import Evaluate
import Foundation

/// Which model a run saves as `models/best`, and why: one documented rule, never the alphabet.
///
/// 1. The leader is the model with the highest headline metric (macro-F1; then accuracy, then name for exact ties).
/// 2. The candidates are the leader and every model the decision rule calls tied with it (Holm-adjusted p of their
///    paired test >= alpha); without pairwise tests, the models whose headline equals the leader's.
/// 3. Among the candidates: a model with probabilities first (`predict --threshold` and calibrated scores need them),
///    then the lower log loss, then the smaller saved model (cheaper to load and run; sizes, unlike timings, are the
///    same on every rerun, so the choice is reproducible), then the higher rank.
///
/// Three models at 99.50% macro-F1, `linear_svm` without probabilities and two with log losses 0.031 and 0.027: the
/// one with log loss 0.027 is best.
public struct BestModelChoice: Codable, Sendable, Equatable {
    /// One model as the rule sees it.
    public struct Candidate: Sendable {
        /// `features + classifier`.
        public var name: String
        /// Its mean log loss, nil when it gives no probabilities.
        public var logLoss: Double?
        /// Bytes of its saved model.
        public var modelBytes: Int
        /// A candidate.
        public init(name: String, logLoss: Double?, modelBytes: Int) {
            self.name = name
            self.logLoss = logLoss
            self.modelBytes = modelBytes
        }
    }

    /// The model chosen.
    public var model: String
    /// The model with the highest headline metric.
    public var leader: String
    /// The other models the decision rule calls tied with the leader (ranked order).
    public var tied: [String]
    /// The rule, in one sentence for reports.
    public static let ruleStatement =
        "models/best is the model with the highest macro-F1 or, among the models the decision rule calls tied with "
        + "it, the one with probabilities and the lowest log loss (then the smallest saved model)."
    /// Why this model, in words.
    public var reason: String

    /// Applies the rule to `ranked` (best headline first) with the pairwise tests in the same order.
    public static func choose(
        ranked: [Candidate], headlines: [Double], significance: SignificanceMatrix?
    ) -> BestModelChoice? {
        guard let leader = ranked.first else { return nil }
        var group: [Int] = [0]
        if let sig = significance, sig.models == ranked.map(\.name) {
            group += ranked.indices.dropFirst().filter { sig.verdict(0, $0) == .tied }
        } else {
            group += ranked.indices.dropFirst().filter { headlines[$0] == headlines[0] }
        }
        let chosen =
            group.min { a, b in
                let x = ranked[a]
                let y = ranked[b]
                if (x.logLoss != nil) != (y.logLoss != nil) { return x.logLoss != nil }
                if let lx = x.logLoss, let ly = y.logLoss, lx != ly { return lx < ly }
                if x.modelBytes != y.modelBytes { return x.modelBytes < y.modelBytes }
                return a < b
            } ?? 0
        let tied = group.dropFirst().map { ranked[$0].name }
        let others = "\(tied.count) other model\(tied.count == 1 ? "" : "s")"
        let reason: String
        if group.count == 1 {
            reason = "no other model is tied with it under the decision rule"
        } else if group.allSatisfy({ ranked[$0].logLoss == nil }) {
            reason =
                "tied under the decision rule with \(others), none with probabilities: the smallest saved model among "
                + "them is kept"
        } else {
            let loss = ranked[chosen].logLoss.map { String(format: "%.4f", $0) } ?? "-"
            let withProbabilities = group.filter { ranked[$0].logLoss != nil }.count
            reason =
                (chosen == 0
                    ? "tied under the decision rule with \(others); it also has"
                    : "the highest headline metric, \(Format.percent(headlines[0])) %, is \(leader.name)'s, "
                        + "but the decision rule calls the two tied (with \(tied.count - 1) more); "
                        + "among them this one has")
                + (withProbabilities < group.count ? " probabilities and" : "")
                + " the lowest log loss (\(loss))"
        }
        return BestModelChoice(model: ranked[chosen].name, leader: leader.name, tied: tied, reason: reason)
    }
}
