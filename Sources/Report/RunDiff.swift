import Evaluate
import Foundation

/// `textpipe report diff`: two runs side by side, every model's accuracy and headline metric old, new and delta,
/// models added and removed, and the lines of the spec that changed between them.
public struct RunDiff: Codable, Sendable {
    /// One model in both runs.
    public struct Row: Codable, Sendable {
        /// The model.
        public var model: String
        /// Accuracy in the earlier and the later run, and the change.
        public var accuracyOld: Double
        /// Accuracy in the later run.
        public var accuracyNew: Double
        /// `accuracyNew - accuracyOld`.
        public var accuracyDelta: Double
        /// The headline metric in the earlier run.
        public var headlineOld: Double
        /// The headline metric in the later run.
        public var headlineNew: Double
        /// `headlineNew - headlineOld`.
        public var headlineDelta: Double
        /// The decision rule calls the later run's model worse by more than the threshold (see `RunComparison`).
        public var regression: Bool
        /// McNemar's Holm-adjusted p-value between the two runs' outcomes of this model (paired diffs only).
        public var adjustedP: Double? = nil
        /// The later run's model against the earlier one under the decision rule (paired diffs only).
        public var verdict: DecisionRule.Verdict? = nil
    }

    /// Whether the models were compared by the decision rule's paired test (same test documents in both runs).
    public var paired: Bool

    /// The earlier run: pipeline and id.
    public var old: String
    /// The later run.
    public var new: String
    /// What the headline metric is.
    public var headlineName: String
    /// A headline drop larger than this is a regression.
    public var threshold: Double
    /// Models in both runs, in the later run's order.
    public var models: [Row]
    /// Models only in the later run.
    public var added: [String]
    /// Models only in the earlier run.
    public var removed: [String]
    /// The spec's changed lines: `- old line`, `+ new line` (empty when the specs are equal or not recorded).
    public var specChanges: [String]
    /// Whether both runs recorded their spec.
    public var specsRecorded: Bool

    /// Models that regressed.
    public var regressions: [String] { models.filter(\.regression).map(\.model) }

    /// The difference from `a` (earlier) to `b` (later).
    public init(
        from a: any ScoredRun, to b: any ScoredRun, threshold: Double,
        outcomes: (before: RunOutcomes?, after: RunOutcomes?) = (nil, nil)
    ) {
        let c = RunComparison(previous: a, current: b.scores, threshold: threshold, outcomes: outcomes)
        paired = c.paired ?? false
        old = "\(a.pipeline) \(a.runId)"
        new = "\(b.pipeline) \(b.runId)"
        headlineName = c.metricName
        self.threshold = threshold
        models = c.deltas.map {
            Row(
                model: $0.model, accuracyOld: $0.accuracyBefore, accuracyNew: $0.accuracyAfter,
                accuracyDelta: $0.accuracyAfter - $0.accuracyBefore, headlineOld: $0.macroF1Before,
                headlineNew: $0.macroF1After, headlineDelta: $0.macroF1After - $0.macroF1Before,
                regression: $0.regression, adjustedP: $0.adjustedP, verdict: $0.verdict)
        }
        added = c.added
        removed = c.removed
        specsRecorded = a.specText != nil && b.specText != nil
        specChanges = Self.lineDiff(a.specText ?? "", b.specText ?? "")
    }

    /// The lines removed (`- `) and added (`+ `) from `a` to `b`, in order, by the longest common subsequence of lines.
    ///
    /// `"x\ny\nz"` to `"x\nw\nz"` -> `["- y", "+ w"]`.
    public static func lineDiff(_ a: String, _ b: String) -> [String] {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let y = b.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Specs are short; a quadratic table is fine, but a pathological pair is cut off rather than exhaust memory.
        guard x.count * y.count <= 4_000_000 else { return ["(the specs differ; too long to compare line by line)"] }
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            for j in stride(from: y.count - 1, through: 0, by: -1) {
                lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [String] = []
        var i = 0
        var j = 0
        while i < x.count || j < y.count {
            if i < x.count, j < y.count, x[i] == y[j] {
                i += 1
                j += 1
            } else if i < x.count, j == y.count || lcs[i + 1][j] >= lcs[i][j + 1] {
                out.append("- " + x[i])
                i += 1
            } else {
                out.append("+ " + y[j])
                j += 1
            }
        }
        return out
    }

    /// The difference as plain text for a terminal.
    public var text: String {
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
        var t = "\(old) -> \(new)\n"
        t += pad("model", 40) + "  accuracy old    new  delta  " + pad(headlineName, 10) + " old    new  delta\n"
        for r in models {
            t +=
                pad(r.model, 40)
                + String(
                    format: "  %11.2f %6.2f %+6.2f  %13.2f %6.2f %+6.2f", r.accuracyOld * 100, r.accuracyNew * 100,
                    r.accuracyDelta * 100, r.headlineOld * 100, r.headlineNew * 100, r.headlineDelta * 100)
                + (r.regression ? "  REGRESSION" : r.verdict.map { "  \($0.rawValue)" } ?? "") + "\n"
        }
        t += ruleLine + "\n"
        for m in added { t += "new: \(m)\n" }
        for m in removed { t += "gone: \(m)\n" }
        t += specSummary.map { $0 + "\n" }.joined()
        return t
    }

    /// The difference as a Markdown section (tables as in the reports).
    public var markdown: String {
        var blocks: [ReportBlock] = [
            .heading(2, "\(old) → \(new)", anchor: "diff"),
            .table(
                ReportTable(
                    columns: [
                        .text("model"), .number("accuracy % old"), .number("new"), .number("Δ"),
                        .number("\(headlineName) % old"), .number("new"), .number("Δ"), .text("flag")
                    ],
                    rows: models.map { r in
                        [
                            .init(r.model), .init(Format.percent(r.accuracyOld)), .init(Format.percent(r.accuracyNew)),
                            .init(Format.signedPoints(r.accuracyDelta)), .init(Format.percent(r.headlineOld)),
                            .init(Format.percent(r.headlineNew)), .init(Format.signedPoints(r.headlineDelta)),
                            .init(
                                r.regression ? [.alert("regression")] : r.verdict.map { [.text($0.rawValue)] } ?? [])
                        ]
                    }))
        ]
        blocks.append(.paragraph([.text(ruleLine + ".")], muted: true))
        if !added.isEmpty { blocks.append(.paragraph([.text("New: \(added.joined(separator: ", "))")])) }
        if !removed.isEmpty { blocks.append(.paragraph([.text("No longer run: \(removed.joined(separator: ", "))")])) }
        if specChanges.isEmpty {
            blocks.append(.paragraph([.text(specSummary.first ?? "")]))
        } else {
            blocks.append(.paragraph(["Spec changes:"]))
            blocks.append(.preformatted(specChanges.joined(separator: "\n"), language: "diff"))
        }
        return MarkdownWriter.write(ReportDocument(title: "diff", blocks: blocks)) + "\n"
    }

    /// How "better", "worse", "tied" and "regression" were decided, in one line.
    var ruleLine: String {
        paired
            ? "decision rule: McNemar's exact test on each model's outcomes in both runs (same test documents), "
                + "Holm-corrected over \(models.count) models, alpha 0.05; regression: significantly worse and "
                + "\(headlineName) down more than \(Format.percent(threshold)) points"
            : "no paired test (the runs' test documents differ or a run has no outcomes.tsv): regression is "
                + "\(headlineName) down more than \(Format.percent(threshold)) points; no better/worse verdicts"
    }

    var specSummary: [String] {
        guard specsRecorded else { return ["spec: not recorded in both runs"] }
        return specChanges.isEmpty ? ["spec: unchanged"] : ["spec changes:"] + specChanges.map { "  " + $0 }
    }
}
