import Evaluate
import Foundation

extension RunReport {
    /// The report's conclusion (see `ReportSummary`).
    public var summary: ReportSummary {
        var s = ReportSummary(
            models: ranked.map {
                .init(
                    name: $0.name, family: $0.family, headline: $0.macroF1, interval: $0.macroF1Interval,
                    testCount: $0.confusion.goldCounts.reduce(0, +))
            }, headlineName: "macro-F1", significance: significance, learningCurves: learningCurves, previous: previous,
            skipped: skipped?.grouped ?? [])
        s.tuned = ranked.compactMap { r in r.search.map { (r.name, $0.describe($0.chosenForModel)) } }
        s.best = bestChoice
        s.warnings = ResultWarnings.classification(ranked, folds: results.map(\.folds.count).max() ?? 0)
        return s
    }

    /// The classification report as one document: summary, contents, comparison, previous run, significance,
    /// learning curves, data, stages, then one collapsed section per model.
    public var document: ReportDocument {
        var blocks = header.top + SharedSections.summary(summary)
        blocks += comparisonBlocks
        if let previous { blocks += SharedSections.sinceThePreviousRun(previous) }
        if let significance { blocks += SharedSections.significance(significance) }
        if let learningCurves { blocks += Self.learningCurveBlocks(learningCurves) }
        blocks += dataBlocks + header.stageBlocks
        blocks.append(.heading(2, "Models", anchor: "models"))
        blocks.append(
            .paragraph(
                [
                    .text(
                        "Each model's per-class scores, confusions, calibration, errors and informative features; "
                            + "click to open.")
                ],
                muted: true))
        for (i, r) in ranked.enumerated() { blocks.append(Self.modelBlock(r, rank: i)) }
        return ReportDocument(title: "\(pipeline) — textpipe report", blocks: blocks)
    }

    var comparisonBlocks: [ReportBlock] {
        let ranked = self.ranked
        var blocks: [ReportBlock] = [
            .heading(2, "Comparison", anchor: "comparison"),
            .paragraph(
                [
                    "Sorted by macro-F1. ", .family("generative"), " generative (models p(x, y)), ",
                    .family("discriminative"), " discriminative (models p(y | x) or a decision function). ",
                    .text(BestModelChoice.ruleStatement)
                ]),
            .chart(
                ReportChart(
                    file: "comparison.svg",
                    svg: Charts.bars(
                        ranked.map { ($0.name, $0.family, $0.macroF1, $0.macroF1Std) }, metric: "macro-F1"),
                    alt: "macro-F1 by model"))
        ]
        let rows: [[ReportTable.Cell]] = ranked.enumerated().map { i, r in
            [
                .init("\(i + 1)"), .init([.link(r.name, anchor: "m\(i)")]), .init([.family(r.family)]),
                .init(Format.percent(r.accuracy, r.accuracyStd)), .init(Format.interval(r.accuracyInterval)),
                .init(Format.percent(r.macroF1, r.macroF1Std)), .init(Format.interval(r.macroF1Interval)),
                .init(Format.optional(r.logLoss)), .init(Format.seconds(r.trainSeconds)),
                .init(Format.seconds(r.predictSeconds)), .init(Format.count(r.featureCount)),
                .init(Format.bytes(r.modelBytes))
            ]
        }
        blocks.append(
            .table(
                ReportTable(
                    columns: [
                        .number("#"), .text("model"), .mark("family"), .number("accuracy %"),
                        .number("95% interval", essential: false), .number("macro-F1 %"),
                        .number("95% interval", essential: false), .number("log loss", essential: false),
                        .number("train s", essential: false), .number("predict s", essential: false),
                        .number("features", essential: false), .number("model size", essential: false)
                    ], rows: rows)))
        blocks.append(SharedSections.uncertaintySentence)
        blocks.append(
            .paragraph(
                [
                    .text(
                        "Train and predict seconds are means per fold. On a narrow screen only accuracy and macro-F1 "
                            + "are shown.")
                ],
                muted: true))
        if let skipped, !skipped.isEmpty {
            blocks.append(.paragraph(["Not trained:"]))
            blocks.append(
                .list(
                    skipped.grouped.map {
                        [.strong($0.classifier), .text(" on \($0.features.joined(separator: ", ")): \($0.reason)")]
                    }))
        }
        return blocks
    }

    var dataBlocks: [ReportBlock] {
        let d = dataset
        var items: [[ReportInline]] = [
            [
                "Dataset ", .strong(d.name),
                .text(
                    ": \(Format.count(d.trainDocuments)) training documents"
                        + (d.testDocuments.map { ", \(Format.count($0)) test documents" } ?? ""))
            ],
            [
                .text(
                    "Classes (\(d.classes.count)): "
                        + d.classes.sorted { $0.key < $1.key }.prefix(40).map {
                            "\($0.key) (\(Format.count($0.value)))"
                        }
                        .joined(separator: ", ") + (d.classes.count > 40 ? ", …" : ""))
            ],
            [.text("Tokens: \(Format.count(d.tokens)), distinct \(Format.count(d.distinctTokens))")],
            [.text("Evaluation: \(evaluation)")]
        ]
        for (k, v) in d.notes.sorted(by: { $0.key < $1.key }) { items.append([.text("\(k): \(Format.count(v))")]) }
        return [.heading(2, "Data", anchor: "data"), .list(items)] + header.specBlocks
    }

    /// The best model of each family by default; every model on demand (collapsed), with the numbers as a table.
    static func learningCurveBlocks(_ lc: LearningCurves) -> [ReportBlock] {
        func best(_ family: Bool) -> LearningCurves.Curve? {
            lc.curves.filter { ($0.family == "generative") == family }.min {
                ($0.points.last?.error ?? 1) < ($1.points.last?.error ?? 1)
            }
        }
        let shown = [best(true), best(false)].compactMap { $0 }
        var blocks: [ReportBlock] = [
            .heading(2, "Learning curves", anchor: "learning-curves"),
            .paragraph([.text(ReportSummary.verdict(lc))]),
            .chart(
                ReportChart(
                    file: "learning-curves.svg",
                    svg: Charts.learningCurves(
                        lc, curves: shown, title: "Test error against training documents: best of each family"),
                    alt: "learning curves of the best generative and the best discriminative model")),
            .paragraph(
                [
                    .text(
                        "Best of each family at the largest size. Each point: mean test error over \(lc.repeats) "
                            + "stratified subsets per fold; whiskers ± sd over folds and subsets. Dashed: generative, "
                            + "solid: discriminative.")
                ], muted: true)
        ]
        let header = lc.curves.first?.points.map { String(format: "%.0f docs", $0.trainDocuments) } ?? []
        let rows: [[ReportTable.Cell]] = lc.curves.map { c in
            [.init(c.model), .init([.family(c.family)])]
                + c.points.map { .init(String(format: "%.2f", $0.error * 100)) }
        }
        var inner: [ReportBlock] = []
        if lc.curves.count > shown.count {
            inner.append(
                .chart(
                    ReportChart(
                        file: "learning-curves-all.svg",
                        svg: Charts.learningCurves(lc, title: "Test error against training documents: every model"),
                        alt: "learning curves of every model")))
        }
        inner.append(
            .table(
                ReportTable(
                    columns: [.text("model (test error %)"), .mark("family")]
                        + header.enumerated().map { i, h in
                            .number(h, essential: i == 0 || i == header.count - 1)
                        }, rows: rows)))
        blocks.append(
            .details(summary: [.text("Every model (\(lc.curves.count))")], open: false, anchor: nil, blocks: inner))
        return blocks
    }

    /// One model: scores, per-class table, confusions, folds, training, calibration, ROC/PR, errors, rules, features.
    static func modelBlock(_ r: ModelResult, rank: Int) -> ReportBlock {
        var b: [ReportBlock] = []
        var line =
            "Accuracy \(Format.percent(r.accuracy, r.accuracyStd)) %, macro-F1 "
            + "\(Format.percent(r.macroF1, r.macroF1Std)) %"
        if let l = r.logLoss { line += String(format: ", log loss %.4f", l) }
        b.append(.paragraph([.text(line + ". Saved model: "), .code(r.modelPath), "."]))
        b.append(
            .table(
                ReportTable(
                    columns: [
                        .text("class"), .number("precision %"), .number("recall %"), .number("F1 %"), .number("support")
                    ],
                    rows: r.shownClasses.map {
                        [
                            .init($0.label), .init(Format.percent($0.precision)), .init(Format.percent($0.recall)),
                            .init(Format.percent($0.f1)), .init(String($0.support))
                        ]
                    })))
        if let note = r.shownClassesNote { b.append(.paragraph([.text(note)], muted: true)) }
        b += SharedSections.confusion(
            caption: r.confusionCaption, labels: r.labels, classes: r.confusionClasses, count: { r.confusion[$0, $1] },
            rowTotal: { r.confusion.goldCounts[$0] })
        if r.folds.count > 1 {
            b.append(
                .paragraph(
                    [
                        .text(
                            "Per fold accuracy %: "
                                + r.folds.map { Format.percent($0.accuracy) }.joined(separator: ", "))
                    ],
                    muted: true))
        }
        if !r.trainingSummary.isEmpty {
            b.append(
                .paragraph(
                    [
                        .text(
                            "Training: "
                                + r.trainingSummary.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                                    separator: " · "))
                    ], muted: true))
        }
        let name = MarkdownRenderer.chartName(r.name)
        var charts: [ReportChart] = []
        if let c = r.calibration {
            charts.append(
                ReportChart(
                    file: "\(name)-reliability.svg", svg: Charts.reliability(c, name: r.name), alt: "reliability"))
        }
        if let c = r.curves {
            charts.append(ReportChart(file: "\(name)-roc.svg", svg: Charts.roc(c), alt: "ROC"))
            charts.append(ReportChart(file: "\(name)-pr.svg", svg: Charts.precisionRecall(c), alt: "precision-recall"))
        }
        if let c = r.curves {
            b.append(
                .paragraph(
                    [
                        .text(
                            String(
                                format: "ROC AUC %.4f, average precision %.4f (positive class %@).", c.rocAuc,
                                c.averagePrecision, c.positive))
                    ]))
        }
        if !charts.isEmpty { b.append(.chartRow(charts)) }
        if let c = r.calibration {
            b.append(
                .paragraph(
                    [
                        .text(
                            String(
                                format: "Expected calibration error %.3f; by confidence bin:",
                                c.expectedCalibrationError))
                    ],
                    muted: true))
            b.append(
                .table(
                    ReportTable(
                        columns: [
                            .text("confidence bin"), .number("documents"), .number("mean confidence"),
                            .number("accuracy")
                        ],
                        rows: c.bins.filter { $0.count > 0 }.map {
                            [
                                .init(String(format: "%.1f–%.1f", $0.low, $0.high)), .init(String($0.count)),
                                .init(String(format: "%.3f", $0.confidence)), .init(String(format: "%.3f", $0.accuracy))
                            ]
                        })))
        }
        if let search = r.search { b += searchBlocks(search, name: r.name) }
        if let wrong = r.misclassified, !wrong.isEmpty {
            b.append(.paragraph(["Misclassified test documents, most confident first:"], muted: true))
            b.append(
                .table(
                    ReportTable(
                        columns: [
                            .text("document"), .text("gold"), .text("predicted"),
                            .number("score predicted", essential: false),
                            .number("score gold", essential: false), .text("text")
                        ],
                        rows: wrong.map { w in
                            [
                                .init([.code(w.source)]), .init(w.gold), .init(w.predicted),
                                .init(String(format: "%.3f", w.predictedScore)),
                                .init(String(format: "%.3f", w.goldScore)),
                                .init(w.excerpt.replacingOccurrences(of: "\n", with: " "))
                            ]
                        })))
        }
        if let rules = r.rules, !rules.isEmpty {
            b.append(.paragraph(["Top of the tree:"], muted: true))
            b.append(.preformatted(rules.joined(separator: "\n"), language: nil))
        }
        if !r.topFeatures.isEmpty {
            b.append(.paragraph(["Most informative features:"], muted: true))
            b.append(
                .table(
                    ReportTable(
                        columns: [.text("class"), .text("most informative features")],
                        rows: r.shownTopFeatures.map { label, feats in
                            [
                                .init(label),
                                .init(Array(feats.map { ReportInline.code($0) }.map { [$0, .text(" ")] }.joined()))
                            ]
                        })))
        }
        let summary: [ReportInline] = [
            .text("\(rank + 1). \(r.name) "), .family(r.family),
            .text(" — macro-F1 \(Format.percent(r.macroF1)) %, accuracy \(Format.percent(r.accuracy)) %")
        ]
        return .details(summary: summary, open: false, anchor: "m\(rank)", blocks: b)
    }

    /// The hyperparameter search of a model: what was searched and how, each trial's mean inner score per outer fold
    /// (the chosen trial marked), and the score against each numeric searched key.
    static func searchBlocks(_ search: SearchResult, name: String) -> [ReportBlock] {
        let folds = search.chosenPerFold.count
        var b: [ReportBlock] = [
            .paragraph([
                .text(
                    "Tuned by nested cross-validation: \(search.strategy) search over "
                        + "\(search.keys.joined(separator: ", ")) "
                        + "(\(search.trials.count) trials), \(search.metric) on \(search.innerFolds) inner folds "
                        + "of each "
                        + "outer fold's training part. The scores above are the outer estimate; the inner scores "
                        + "below only "
                        + "rank trials and are optimistic for the one chosen."
                        + (search.budgetSeconds.map {
                            " Budget \(Format.seconds($0)) s per search: \(search.trialsRun) of "
                                + "\(search.trialsPlanned) trials ran"
                                + (search.trialsRun < search.trialsPlanned
                                    ? " (the next run goes on with the rest)." : ".")
                        } ?? "") + " The saved model uses "),
                .strong(search.describe(search.chosenForModel)), "."
            ])
        ]
        let hasAll = search.trials.contains { $0.all != nil }
        let rows: [[ReportTable.Cell]] = search.trials.enumerated().map { t, trial in
            var row: [ReportTable.Cell] = [.init(search.describe(t))]
            for (f, score) in trial.outerFolds.enumerated() {
                let text = score.map(Format.percent) ?? "not run"
                row.append(.init(search.chosenPerFold[f] == t ? [.strong(text)] : [.text(text)]))
            }
            if hasAll {
                let score = trial.all.map(Format.percent) ?? "—"
                row.append(.init(search.chosenForModel == t ? [.strong(score)] : [.text(score)]))
            }
            return row
        }
        let metric =
            search.metric == "log_loss"
            ? "−log loss × 100" : search.metric.replacingOccurrences(of: "_", with: "-") + " %"
        b.append(
            .table(
                ReportTable(
                    columns: [.text("trial")] + (0..<folds).map { .number("fold \($0 + 1)", essential: $0 == 0) }
                        + (hasAll ? [.number("all documents")] : []), rows: rows)))
        b.append(
            .paragraph(
                [.text("Mean inner \(metric) of each trial per outer fold; bold: the trial the fold chose.")],
                muted: true))
        for key in search.keys {
            let values = search.trials.map { Double($0.assignment[key] ?? "") }
            guard values.allSatisfy({ $0 != nil }), Set(values.compactMap { $0 }).count > 1 else { continue }
            let xs = values.compactMap { $0 }
            let order = xs.indices.sorted { xs[$0] < xs[$1] }
            let lo = xs.min() ?? 0
            let hi = xs.max() ?? 1
            let logScale = lo > 0 && hi / lo >= 20
            let colors = Charts.distinctColors(folds + 1)
            var series = (0..<folds).map { f in
                Charts.Series(
                    name: "outer fold \(f + 1)", color: colors[f],
                    points: order.compactMap { i in search.trials[i].outerFolds[f].map { (xs[i], $0) } })
            }
            if hasAll {
                series.append(
                    Charts.Series(
                        name: "all documents", color: colors[folds], dashed: true,
                        points: order.compactMap { i in search.trials[i].all.map { (xs[i], $0) } }))
            }
            let scores = series.flatMap { $0.points.map(\.y) }
            let yLo = ((scores.min() ?? 0) * 50).rounded(.down) / 50
            let yHi = max(yLo + 0.02, ((scores.max() ?? 1) * 50).rounded(.up) / 50)
            let svg = Charts.line(
                series, title: "Inner \(search.metric) against \(key)", xLabel: key + (logScale ? " (log scale)" : ""),
                yLabel: metric, xRange: logScale ? (lo / 1.5, hi * 1.5) : (lo, hi), yRange: (yLo, yHi), xLog: logScale,
                width: 480, height: 300, yPercent: search.metric != "log_loss")
            b.append(
                .chart(
                    ReportChart(
                        file: "\(MarkdownRenderer.chartName(name))-search-\(MarkdownRenderer.chartName(key)).svg",
                        svg: svg,
                        alt: "inner score against \(key)")))
        }
        return b
    }
}
