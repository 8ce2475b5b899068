import Foundation

/// Renders a `RunReport` as Markdown: a comparison table sorted by macro-F1, then one section per model.
public enum MarkdownRenderer {
    /// The classification report as Markdown (charts referenced from `charts/`).
    public static func render(_ report: RunReport) -> String {
        var md = report.header.markdown
        md += "## Data\n\n"
        let d = report.dataset
        md += "- Dataset: **\(d.name)**, \(Format.count(d.trainDocuments)) training documents"
        if let t = d.testDocuments { md += ", \(Format.count(t)) test documents" }
        md +=
            "\n- Classes: "
            + d.classes.sorted { $0.key < $1.key }.map { "\($0.key) (\(Format.count($0.value)))" }.joined(
                separator: ", ") + "\n"
        md += "- Tokens: \(Format.count(d.tokens)), distinct: \(Format.count(d.distinctTokens))\n"
        md += "- Evaluation: \(report.evaluation)\n"
        for (k, v) in d.notes.sorted(by: { $0.key < $1.key }) { md += "- \(k): \(Format.count(v))\n" }
        md += "\n" + report.header.markdownSpec
        md +=
            "\n## Comparison\n\nSorted by macro-F1. G = generative (models p(x, y)), D = discriminative (models p(y | x) or a decision function).\n\n"
        md +=
            "| # | features | classifier | family | accuracy % | 95% CI | macro-F1 % | 95% CI | log loss | train s | predict s | features | model size |\n"
        md += "|---:|---|---|:---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        for (i, r) in report.ranked.enumerated() {
            md +=
                "| \(i + 1) | \(r.features) | \(r.classifier) | \(r.family == "generative" ? "G" : "D") | \(Format.percent(r.accuracy, r.accuracyStd)) | \(Format.interval(r.accuracyInterval)) | \(Format.percent(r.macroF1, r.macroF1Std)) | \(Format.interval(r.macroF1Interval)) | \(Format.optional(r.logLoss)) | \(Format.seconds(r.trainSeconds)) | \(Format.seconds(r.predictSeconds)) | \(Format.count(r.featureCount)) | \(Format.bytes(r.modelBytes)) |\n"
        }
        md +=
            "\nUnder cross-validation, accuracy and macro-F1 are means over folds ± their standard deviation; the 95% intervals come from a stratified bootstrap (1,000 resamples) over all test documents; train and predict seconds are means per fold.\n"
        if let skipped = report.skipped, !skipped.isEmpty {
            md += "\nNot trained:\n\n"
            for g in skipped.grouped {
                md += "- \(g.classifier) on \(g.features.joined(separator: ", ")): \(g.reason)\n"
            }
        }
        md += sections(report)
        md += report.header.markdownStages
        md += "\n## Models\n"
        for r in report.ranked {
            md += "\n### \(r.name)\n\n"
            md +=
                "Accuracy \(Format.percent(r.accuracy, r.accuracyStd)) %, macro-F1 \(Format.percent(r.macroF1, r.macroF1Std)) %"
            if let l = r.logLoss { md += String(format: ", log loss %.4f", l) }
            md += ". Saved model: `\(r.modelPath)`.\n\n"
            md += "| class | precision % | recall % | F1 % | support |\n|---|---:|---:|---:|---:|\n"
            for c in r.shownClasses {
                md +=
                    "| \(c.label) | \(Format.percent(c.precision)) | \(Format.percent(c.recall)) | \(Format.percent(c.f1)) | \(c.support) |\n"
            }
            if let note = r.shownClassesNote { md += "\n" + note + "\n" }
            let shown = r.confusionClasses
            md += "\n\(r.confusionCaption):\n\n"
            md +=
                "| gold \\ predicted | " + shown.map { r.labels[$0] }.joined(separator: " | ") + " |\n|---|"
                + shown.map { _ in "---:" }.joined(separator: "|") + "|\n"
            for g in shown {
                md += "| \(r.labels[g]) | " + shown.map { String(r.confusion[g, $0]) }.joined(separator: " | ") + " |\n"
            }
            if !r.folds.isEmpty && r.folds.count > 1 {
                md +=
                    "\nPer fold accuracy %: " + r.folds.map { Format.percent($0.accuracy) }.joined(separator: ", ")
                    + "\n"
            }
            if !r.trainingSummary.isEmpty {
                md +=
                    "\nTraining: "
                    + r.trainingSummary.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                        separator: "; ") + "\n"
            }
            if let c = r.calibration {
                md +=
                    String(format: "\nCalibration: expected calibration error %.3f; ", c.expectedCalibrationError)
                    + "![reliability](charts/\(chartName(r.name))-reliability.svg)\n"
                md += "\n| confidence bin | documents | mean confidence | accuracy |\n|---|---:|---:|---:|\n"
                for b in c.bins where b.count > 0 {
                    md += String(
                        format: "| %.1f–%.1f | %d | %.3f | %.3f |\n", b.low, b.high, b.count, b.confidence, b.accuracy)
                }
            }
            if let c = r.curves {
                md += String(
                    format: "\nROC AUC %.4f, average precision %.4f (positive class %@): ", c.rocAuc,
                    c.averagePrecision, c.positive)
                md +=
                    "![ROC](charts/\(chartName(r.name))-roc.svg) ![precision-recall](charts/\(chartName(r.name))-pr.svg)\n"
            }
            if let wrong = r.misclassified, !wrong.isEmpty {
                md +=
                    "\nMisclassified test documents, most confident first:\n\n| document | gold | predicted | score predicted | score gold | text |\n|---|---|---|---:|---:|---|\n"
                for w in wrong {
                    let text = w.excerpt.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(
                        of: "\n", with: " ")
                    md +=
                        "| `\(w.source)` | \(w.gold) | \(w.predicted) | \(String(format: "%.3f", w.predictedScore)) | \(String(format: "%.3f", w.goldScore)) | \(text) |\n"
                }
            }
            if let rules = r.rules, !rules.isEmpty {
                md += "\nTop of the tree:\n\n```\n" + rules.joined(separator: "\n") + "\n```\n"
            }
            if !r.topFeatures.isEmpty {
                md += "\nMost informative features:\n\n"
                for (label, feats) in r.shownTopFeatures {
                    md += "- **\(label)**: " + feats.map { "`\($0)`" }.joined(separator: ", ") + "\n"
                }
            }
        }
        return md
    }

    /// A file-name-safe form of a model name for its charts.
    public static func chartName(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }

    /// Every chart of the report as (file name under `charts/`, SVG), for `report.md` to link.
    public static func charts(_ report: RunReport) -> [(String, String)] {
        var out: [(String, String)] = [("comparison.svg", HTMLRenderer.chart(report.ranked))]
        if let lc = report.learningCurves { out.append(("learning-curves.svg", Charts.learningCurves(lc))) }
        for r in report.results {
            if let c = r.calibration {
                out.append(("\(chartName(r.name))-reliability.svg", Charts.reliability(c, name: r.name)))
            }
            if let c = r.curves {
                out.append(("\(chartName(r.name))-roc.svg", Charts.roc(c)))
                out.append(("\(chartName(r.name))-pr.svg", Charts.precisionRecall(c)))
            }
        }
        // Standalone SVG files need the namespace that inline SVG in HTML does without.
        return out.map {
            (
                $0.0,
                $0.1.replacingOccurrences(
                    of: "<svg ", with: "<svg xmlns=\"http://www.w3.org/2000/svg\" ", options: [],
                    range: $0.1.range(of: "<svg "))
            )
        }
    }

    /// The significance matrix as a table, with the best model's standing in words.
    static func significance(_ sig: SignificanceMatrix) -> String {
        guard sig.models.count > 1 else { return "" }
        let how =
            sig.test == "McNemar" ? "McNemar's exact test (same test documents)" : "a \(sig.test) (1,000 resamples)"
        var md = "\n## Significance\n\n\(sig.sentence)\n\nHolm-adjusted p-values of \(how); `*` p < \(sig.alpha):\n\n"
        md +=
            "| model | " + sig.models.indices.map { "\($0 + 1)" }.joined(separator: " | ") + " |\n|---|"
            + sig.models.map { _ in "---:|" }.joined() + "\n"
        for (i, m) in sig.models.enumerated() {
            md +=
                "| \(i + 1). \(m) | "
                + sig.models.indices.map { j in
                    i == j ? "—" : Format.pValue(sig.adjusted[i][j]) + (sig.adjusted[i][j] < sig.alpha ? "*" : "")
                }.joined(separator: " | ") + " |\n"
        }
        return md
    }

    /// The "since the previous run" section, for classification and tagging runs alike.
    static func sinceThePreviousRun(_ p: RunComparison) -> String {
        var md =
            "\n## Since the previous run\n\nCompared with run `\(p.previousRunId)`; a regression is a \(p.metricName) drop of more than "
            + "\(Format.percent(p.threshold)) points.\n"
        if !p.regressions.isEmpty { md += "\n**Regression: \(p.regressions.joined(separator: ", "))**\n" }
        md += "\n| model | accuracy % | Δ | \(p.metricName) % | Δ | flag |\n|---|---:|---:|---:|---:|---|\n"
        for d in p.deltas {
            md +=
                "| \(d.model) | \(Format.percent(d.accuracyAfter)) | \(Format.signedPoints(d.accuracyAfter - d.accuracyBefore)) | "
                + "\(Format.percent(d.macroF1After)) | \(Format.signedPoints(d.macroF1After - d.macroF1Before)) | "
                + "\(d.regression ? "**regression**" : "") |\n"
        }
        if !p.added.isEmpty { md += "\nNew: \(p.added.joined(separator: ", "))\n" }
        if !p.removed.isEmpty { md += "\nNo longer run: \(p.removed.joined(separator: ", "))\n" }
        return md
    }

    static func sections(_ report: RunReport) -> String {
        var md = ""
        md += "\n![comparison](charts/comparison.svg)\n"
        if let p = report.previous { md += sinceThePreviousRun(p) }
        if let sig = report.significance { md += significance(sig) }
        if let lc = report.learningCurves {
            md += "\n## Learning curves\n\n\(lc.summary)\n\n![learning curves](charts/learning-curves.svg)\n\n"
            let header = lc.curves.first?.points.map { String(format: "%.0f docs", $0.trainDocuments) } ?? []
            md +=
                "| model (test error %) | family | " + header.joined(separator: " | ") + " |\n|---|---|"
                + header.map { _ in "---:|" }.joined() + "\n"
            for c in lc.curves {
                md +=
                    "| \(c.model) | \(c.family == "generative" ? "G" : "D") | "
                    + c.points.map { String(format: "%.2f", $0.error * 100) }.joined(separator: " | ") + " |\n"
            }
        }
        return md
    }
}
