import Foundation

/// The one rule behind every "better", "worse" and "tied" a report, `report diff`, a regression alert or `runs list`
/// prints: a paired test, Holm's correction over every comparison made at once, and a family-wise level alpha.
///
/// Model A is better than model B when the Holm-adjusted p-value of their paired test is below alpha and A is ahead;
/// worse when it is below alpha and B is ahead; otherwise they are tied. An uncorrected p-value is shown beside the
/// adjusted one but never decides anything: with 6 pairs, a raw p = 0.039 becomes an adjusted p of up to 0.23, and
/// the two models are tied.
///
/// ```
/// let rule = DecisionRule(test: .mcnemar)
/// rule.verdict(adjustedP: 0.039, advantage: 3)   // .better
/// rule.verdict(adjustedP: 0.392, advantage: 3)   // .tied
/// ```
public struct DecisionRule: Codable, Sendable, Equatable {
    /// The paired test behind a rule.
    public enum Test: String, Codable, Sendable {
        /// McNemar's exact test on the per-document outcomes of two models on the same test documents.
        case mcnemar = "McNemar"
        /// A paired bootstrap over sentences of the headline metric (tagging).
        case pairedBootstrap = "paired bootstrap"
    }

    /// A verdict of one model against another.
    public enum Verdict: String, Codable, Sendable {
        case better, worse, tied
    }

    /// Which paired test.
    public var test: Test
    /// The family-wise significance level.
    public var alpha: Double

    /// A rule: `test`, Holm-corrected, at `alpha`.
    public init(test: Test, alpha: Double = 0.05) {
        self.test = test
        self.alpha = alpha
    }

    /// The correction every family of comparisons gets.
    public static let correction = "Holm"

    /// The verdict for a model `advantage` ahead of another (positive: ahead, negative: behind, in any unit) with
    /// the Holm-adjusted p-value of their test.
    public func verdict(adjustedP: Double, advantage: Double) -> Verdict {
        guard adjustedP < alpha, advantage != 0 else { return .tied }
        return advantage > 0 ? .better : .worse
    }

    /// The test in words.
    public var testDescription: String {
        switch test {
        case .mcnemar: return "McNemar's exact test on the per-document outcomes of the same test documents"
        case .pairedBootstrap:
            return "a paired bootstrap over the test sentences (1,000 resamples of the headline metric)"
        }
    }

    /// The rule in one sentence, stated once in every report.
    public var statement: String {
        "Decision rule for every “better”, “worse” and “tied” in this report: \(testDescription), p-values "
            + "\(Self.correction)-corrected over all the comparisons made together, family-wise alpha = \(alpha); "
            + "a Holm-adjusted p below \(alpha) is a difference, anything else a tie. Uncorrected p-values are shown "
            + "for reference only."
    }
}
