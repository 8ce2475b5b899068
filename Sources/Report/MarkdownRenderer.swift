import Foundation

/// Renders a `RunReport` as Markdown: a comparison table sorted by macro-F1, then one section per model.
public enum MarkdownRenderer {
    public static func render(_ report: RunReport) -> String {
        var md = "# \(report.pipeline): text classification report\n\n"
        md += "Run `\(report.runId)` at \(report.createdAt), textpipe \(report.toolVersion), spec sha256 `\(report.specHash.prefix(12))`.\n\n"
        md += "## Data\n\n"
        let d = report.dataset
        md += "- Dataset: **\(d.name)**, \(Format.count(d.trainDocuments)) training documents"
        if let t = d.testDocuments { md += ", \(Format.count(t)) test documents" }
        md += "\n- Classes: " + d.classes.sorted { $0.key < $1.key }.map { "\($0.key) (\(Format.count($0.value)))" }.joined(separator: ", ") + "\n"
        md += "- Tokens: \(Format.count(d.tokens)), distinct: \(Format.count(d.distinctTokens))\n"
        md += "- Evaluation: \(report.evaluation)\n"
        for (k, v) in d.notes.sorted(by: { $0.key < $1.key }) { md += "- \(k): \(Format.count(v))\n" }
        md += "\n## Comparison\n\nSorted by macro-F1. G = generative (models p(x, y)), D = discriminative (models p(y | x) or a decision function).\n\n"
        md += "| # | features | classifier | family | accuracy % | macro-F1 % | log loss | train s | predict s | features | model size |\n"
        md += "|---:|---|---|:---:|---:|---:|---:|---:|---:|---:|---:|\n"
        for (i, r) in report.ranked.enumerated() {
            md += "| \(i + 1) | \(r.features) | \(r.classifier) | \(r.family == "generative" ? "G" : "D") | \(Format.percent(r.accuracy, r.accuracyStd)) | \(Format.percent(r.macroF1, r.macroF1Std)) | \(Format.optional(r.logLoss)) | \(Format.seconds(r.trainSeconds)) | \(Format.seconds(r.predictSeconds)) | \(Format.count(r.featureCount)) | \(Format.bytes(r.modelBytes)) |\n"
        }
        md += "\nUnder cross-validation, accuracy and macro-F1 are means over folds ± their standard deviation; train and predict seconds are means per fold.\n"
        if let skipped = report.skipped, !skipped.isEmpty {
            md += "\nNot trained:\n\n"
            for g in skipped.grouped { md += "- \(g.classifier) on \(g.features.joined(separator: ", ")): \(g.reason)\n" }
        }
        md += "\n## Stages\n\n| stage | seconds | cached |\n|---|---:|:---:|\n"
        for s in report.stages { md += "| \(s.stage) | \(Format.seconds(s.seconds)) | \(s.cached ? "yes" : "no") |\n" }
        md += "| **total** | \(Format.seconds(report.totalSeconds)) | |\n"
        md += "\n## Models\n"
        for r in report.ranked {
            md += "\n### \(r.name)\n\n"
            md += "Accuracy \(Format.percent(r.accuracy, r.accuracyStd)) %, macro-F1 \(Format.percent(r.macroF1, r.macroF1Std)) %"
            if let l = r.logLoss { md += String(format: ", log loss %.4f", l) }
            md += ". Saved model: `\(r.modelPath)`.\n\n"
            md += "| class | precision % | recall % | F1 % | support |\n|---|---:|---:|---:|---:|\n"
            for c in r.perClass { md += "| \(c.label) | \(Format.percent(c.precision)) | \(Format.percent(c.recall)) | \(Format.percent(c.f1)) | \(c.support) |\n" }
            md += "\nConfusion matrix (rows gold, columns predicted):\n\n"
            md += "| gold \\ predicted | " + r.labels.joined(separator: " | ") + " |\n|---|" + r.labels.map { _ in "---:" }.joined(separator: "|") + "|\n"
            for (i, row) in r.confusion.enumerated() { md += "| \(r.labels[i]) | " + row.map(String.init).joined(separator: " | ") + " |\n" }
            if !r.folds.isEmpty && r.folds.count > 1 {
                md += "\nPer fold accuracy %: " + r.folds.map { Format.percent($0.accuracy) }.joined(separator: ", ") + "\n"
            }
            if !r.trainingSummary.isEmpty {
                md += "\nTraining: " + r.trainingSummary.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "; ") + "\n"
            }
            if let rules = r.rules, !rules.isEmpty {
                md += "\nTop of the tree:\n\n```\n" + rules.joined(separator: "\n") + "\n```\n"
            }
            if !r.topFeatures.isEmpty {
                md += "\nMost informative features:\n\n"
                for (label, feats) in r.topFeatures.sorted(by: { $0.key < $1.key }) {
                    md += "- **\(label)**: " + feats.map { "`\($0)`" }.joined(separator: ", ") + "\n"
                }
            }
        }
        return md
    }
}
