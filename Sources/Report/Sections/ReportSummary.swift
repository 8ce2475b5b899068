import Evaluate
import Foundation

/// The conclusion of a run in a few sentences, shown first in every report (classification and tagging): the best
/// model with its interval; the best generative against the best discriminative model; the models statistically
/// tied with the best; the learning curve's verdict and what to try next; what changed since the previous run; the
/// pairs not trained.
public struct ReportSummary: Sendable {
    /// One model as the summary sees it.
    public struct Model: Sendable {
        /// `features + classifier`, or the tagger's name.
        public var name: String
        /// `generative` or `discriminative`.
        public var family: String
        /// The headline metric (macro-F1, word F1, ...).
        public var headline: Double
        /// Its 95% bootstrap interval.
        public var interval: Interval?
        /// Test documents (pooled over folds), for the paired interval of an accuracy difference.
        public var testCount: Int
        /// A model.
        public init(name: String, family: String, headline: Double, interval: Interval?, testCount: Int) {
            self.name = name
            self.family = family
            self.headline = headline
            self.interval = interval
            self.testCount = testCount
        }
    }

    /// Models best first.
    public var models: [Model]
    /// `macro-F1`, `word F1`, ...
    public var headlineName: String
    /// Pairwise tests, models in the same ranked order.
    public var significance: SignificanceMatrix?
    /// Learning curves, if the run drew them.
    public var learningCurves: LearningCurves?
    /// The comparison with the previous run, if there was one.
    public var previous: RunComparison?
    /// Pairs left out, grouped: (classifier, feature sets, reason).
    public var skipped: [(classifier: String, features: [String], reason: String)]
    /// Models whose hyperparameters were searched, with the settings their saved model uses.
    public var tuned: [(model: String, chosen: String)] = []
    /// The model saved as best and why, when the run chose one by the rule (classification).
    public var best: BestModelChoice? = nil
    /// Results that should not be trusted as they stand (`ResultWarnings`), shown near the top.
    public var warnings: [String] = []

    /// The accuracy difference of model `i` over model `j` with a 95% interval for paired proportions (Wald, from the
    /// discordant counts b and c of McNemar's table over n documents: d = (b - c) / n,
    /// se = sqrt(b + c - (b - c)^2 / n) / n), or nil when the counts are not known (tagging).
    public func accuracyDifference(_ i: Int, _ j: Int) -> (difference: Double, interval: Interval)? {
        guard let sig = significance, !sig.onlyRight.isEmpty, i < sig.onlyRight.count, j < sig.onlyRight.count,
            models[i].testCount > 0
        else { return nil }
        let n = Double(models[i].testCount)
        let b = Double(sig.onlyRight[i][j])
        let c = Double(sig.onlyRight[j][i])
        let d = (b - c) / n
        let se = max(0, b + c - (b - c) * (b - c) / n).squareRoot() / n
        return (d, Interval(low: d - 1.96 * se, high: d + 1.96 * se))
    }

    /// The summary as a bulleted list, one finding per item.
    public var items: [[ReportInline]] {
        guard let leader = models.first else { return [["No model was trained."]] }
        // The model saved as best (the rule in `BestModelChoice`), else the top-ranked one.
        let best = self.best.flatMap { b in models.first { $0.name == b.model } } ?? leader
        var out: [[ReportInline]] = []
        var first: [ReportInline] = [
            "Best model: ", .strong(best.name), " ", .family(best.family),
            .text(", \(headlineName) \(Format.percent(best.headline)) %")
        ]
        if let i = best.interval { first.append(.text(" (95% bootstrap interval \(Format.interval(i)))")) }
        if let choice = self.best {
            first.append(.text(", saved as models/best: \(choice.reason)"))
        }
        out.append(first + ["."])
        for w in warnings { out.append([.alert("Warning"), .text(": " + w)]) }

        if let g = models.firstIndex(where: { $0.family == "generative" }),
            let d = models.firstIndex(where: { $0.family != "generative" })
        {
            let (winner, loser) = g < d ? (g, d) : (d, g)
            let gap = models[winner].headline - models[loser].headline
            var item: [ReportInline] = [
                "Best generative against best discriminative: ", .strong(models[g].name),
                .text(" \(Format.percent(models[g].headline)) % against "),
                .strong(models[d].name), .text(" \(Format.percent(models[d].headline)) % \(headlineName), "),
                .text(
                    gap == 0
                        ? "the same \(headlineName)"
                        : "the \(models[winner].family) model ahead by "
                            + "\(String(format: "%.2f", gap * 100)) points")
            ]
            if let (diff, interval) = accuracyDifference(winner, loser) {
                item.append(
                    .text(
                        String(
                            format: "; accuracy difference %+.2f points (95%% paired interval %+.2f to %+.2f)",
                            diff * 100, interval.low * 100, interval.high * 100)))
            }
            if let sig = significance, let i = sig.index(of: models[winner].name),
                let j = sig.index(of: models[loser].name)
            {
                let verdict = sig.verdict(i, j)
                item.append(
                    .text(
                        "; \(sig.test) Holm-adjusted p = \(Format.pValue(sig.adjusted[i][j])) (uncorrected "
                            + "\(Format.pValue(sig.pValues[i][j]))): "
                            + (verdict == .tied
                                ? "tied under the decision rule"
                                : "the \(models[winner].family) model is significantly "
                                    + (verdict == .better ? "better" : "less accurate") + " under the decision rule")))
            }
            let tunedNames = Set(tuned.map(\.model))
            if tunedNames.contains(models[g].name) && tunedNames.contains(models[d].name) {
                item.append(.text("; both tuned by nested cross-validation, so this compares tuned models"))
            }
            out.append(item + ["."])
        } else {
            out.append(["All models are of one family: there is no generative-against-discriminative comparison."])
        }

        if let sig = significance, sig.models.count > 1 {
            let top = sig.models.count > 1 ? "the top-ranked " + sig.best : sig.best
            if sig.notDifferentFromBest.isEmpty {
                out.append([
                    .text("Tied with \(top) under the decision rule: none; "), .strong(sig.best),
                    .text(" differs significantly from every other model.")
                ])
            } else {
                out.append([
                    .text("Tied with \(top) under the decision rule: "),
                    .text(sig.notDifferentFromBest.joined(separator: ", ")),
                    .text(
                        " (\(sig.notDifferentFromBest.count) of \(sig.models.count - 1)); a ranking among them is not "
                            + "supported by these data.")
                ])
            }
        }

        if !tuned.isEmpty {
            out.append([
                .text(
                    "Tuned by nested cross-validation (scores are outer estimates): "
                        + tuned.map { "\($0.model) (saved with \($0.chosen))" }.joined(separator: "; ") + "; "
                        + "\(models.count - tuned.count) model\(models.count - tuned.count == 1 ? "" : "s") at "
                        + "fixed settings."
                )
            ])
        }
        if let lc = learningCurves {
            // Curves are means over repeats of small retrainings: a reading of trends, outside the decision rule.
            out.append([
                .text(
                    "Learning curve (mean errors over \(lc.repeats) repeats per size, not tested by the decision "
                        + "rule): " + Self.verdict(lc))
            ])
        }

        if let p = previous {
            out.append(Self.sincePrevious(p))
        } else {
            out.append(["Previous run: none found for this pipeline; the next run will be compared with this one."])
        }

        if let sig = significance, sig.models.count > 1 {
            var rule = sig.rule.statement
            if let p = previous {
                rule +=
                    " Against the previous run, each model's outcomes on the same test documents get the same test, "
                    + "Holm-corrected over the models compared; a regression is a significant loss of more than "
                    + "\(Format.percent(p.threshold)) points of \(p.metricName)"
                    + (p.paired == false
                        ? " (this time the test documents differ, so no paired test was possible: a drop of more than "
                            + "the threshold counts)." : ".")
            }
            out.append([.text(rule)])
        }

        if !skipped.isEmpty {
            let pairs = skipped.reduce(0) { $0 + $1.features.count }
            out.append([
                .text(
                    "Not trained: \(pairs) pair\(pairs == 1 ? "" : "s"): "
                        + skipped.map {
                            "\($0.classifier) on \($0.features.joined(separator: ", ")) (\(Self.short($0.reason)))"
                        }.joined(separator: "; ") + ".")
            ])
        }
        return out
    }

    /// The gist of a reason: up to its first `;`, without parenthetical remarks (the whole reason is under
    /// Comparison).
    static func short(_ reason: String) -> String {
        var text = String(reason.split(separator: ";", maxSplits: 1).first ?? "")
        while let open = text.firstIndex(of: "("), let close = text[open...].firstIndex(of: ")") {
            text.removeSubrange(open...close)
        }
        return text.replacingOccurrences(of: "  ", with: " ").trimmingCharacters(in: .whitespaces)
    }

    /// The learning curve's result, what it means in Ng & Jordan's terms, and what to try next.
    public static func verdict(_ lc: LearningCurves) -> String {
        var s = lc.summary
        let generative = lc.curves.filter { $0.family == "generative" }
        let discriminative = lc.curves.filter { $0.family != "generative" }
        guard let last = lc.curves.first?.points.indices.last, last > 0, !generative.isEmpty, !discriminative.isEmpty
        else { return s }
        func bestAt(_ family: [LearningCurves.Curve], _ i: Int) -> Double {
            family.map { $0.points[i].error }.min() ?? 1
        }
        let gapEnd = bestAt(discriminative, last) - bestAt(generative, last)
        let gapStart = bestAt(discriminative, 0) - bestAt(generative, 0)
        if lc.crossoverDocuments != nil && gapEnd < 0 {
            s +=
                " This is Ng & Jordan's prediction: the generative model reaches its asymptote with fewer "
                + "documents, the "
                + "discriminative one ends lower; with more data of this kind, prefer the discriminative models."
        } else if lc.crossoverDocuments != nil {
            s +=
                " The generative models end ahead, the opposite of Ng & Jordan's large-sample prediction: the "
                + "discriminative models are likely over-regularised or under-fitted here; tune their C."
        } else if gapEnd > 0 && gapStart > 0 {
            s +=
                gapEnd < gapStart
                ? " As Ng & Jordan predict for small samples, the generative models lead, but the gap narrows: more "
                    + "training documents would likely bring the discriminative models level or ahead."
                : " The generative models keep their lead at every size, so more data of this kind is unlikely to "
                    + "change the ranking; richer features or tuned regularisation are the next things to try."
        } else {
            s +=
                " The discriminative models lead even at the smallest size: the data are plentiful for these features, "
                + "and naive Bayes's small-sample advantage (Ng & Jordan) lies below the sizes tried."
        }
        // Is the best model still improving at the largest size?
        let curves = lc.curves.sorted { $0.points[last].error < $1.points[last].error }
        if let b = curves.first {
            let drop = b.points[last - 1].error - b.points[last].error
            s +=
                drop > max(0.002, b.points[last].errorStd / 2)
                ? String(
                    format: " The best model's error still falls between the last two sizes (%.1f%% to %.1f%%): more "
                        + "labelled data should help.", b.points[last - 1].error * 100, b.points[last].error * 100)
                : String(
                    format: " The best model's error is flat between the last two sizes (%.1f%% to %.1f%%): more of "
                        + "the same data will help little; try other features or models.",
                    b.points[last - 1].error * 100, b.points[last].error * 100)
        }
        return s
    }

    /// What changed since the previous run, in one item.
    static func sincePrevious(_ p: RunComparison) -> [ReportInline] {
        var item: [ReportInline] = [.text("Since run "), .code(p.previousRunId), ": "]
        if !p.regressions.isEmpty {
            item.append(.alert("regression in \(p.regressions.joined(separator: ", "))"))
        } else {
            item.append(.text("no regression"))
        }
        if let largest = p.deltas.max(by: {
            abs($0.macroF1After - $0.macroF1Before) < abs($1.macroF1After - $1.macroF1Before)
        }), abs(largest.macroF1After - largest.macroF1Before) >= 0.00005 {
            item.append(
                .text(
                    "; largest change \(largest.model) "
                        + "\(Format.signedPoints(largest.macroF1After - largest.macroF1Before)) "
                        + "points \(p.metricName)"
                        + (largest.verdict.map {
                            $0 == .tied
                                ? " (tied with the previous run under the decision rule)"
                                : " (significantly \($0 == .better ? "better" : "worse") under the decision rule)"
                        } ?? "")))
        } else if !p.deltas.isEmpty {
            item.append(.text("; every score unchanged"))
        }
        if !p.added.isEmpty { item.append(.text("; new: \(p.added.joined(separator: ", "))")) }
        if !p.removed.isEmpty { item.append(.text("; no longer run: \(p.removed.joined(separator: ", "))")) }
        return item + ["."]
    }
}
