import Evaluate
import Foundation

extension TaggingRunReport {
    /// The report's conclusion (see `ReportSummary`); tagging runs have no learning curves or skipped pairs.
    public var summary: ReportSummary {
        var s = ReportSummary(
            models: ranked.map {
                .init(
                    name: $0.name, family: $0.family, headline: $0.headline, interval: $0.headlineInterval, testCount: 0
                )
            }, headlineName: headlineName, significance: significance, learningCurves: nil, previous: previous,
            skipped: [])
        s.warnings = ResultWarnings.notConverged(
            ranked.filter { $0.trainingSummary["converged"] == "false" }.map(\.name))
        return s
    }

    /// Columns of the comparison table for this kind of task: (column, cell of a tagger).
    var columns: [(ReportTable.Column, (TaggerResult) -> String)] {
        let pct: (Double) -> String = Format.percent
        var c: [(ReportTable.Column, (TaggerResult) -> String)] = [
            (.number("token acc %", essential: headlineName == "token accuracy"), { pct($0.metrics.tokenAccuracy) }),
            (.number("sentence acc %", essential: false), { pct($0.metrics.sentenceAccuracy) })
        ]
        if results.first?.metrics.segmentation != nil {
            c += [
                (.number("word P %", essential: false), { pct($0.metrics.segmentation?.words.precision ?? 0) }),
                (.number("word R %", essential: false), { pct($0.metrics.segmentation?.words.recall ?? 0) }),
                (.number("word F1 %"), { pct($0.metrics.segmentation?.words.f1 ?? 0) }),
                (.number("OOV recall %", essential: false), { pct($0.metrics.segmentation?.oovRecall ?? 0) }),
                (.number("IV recall %", essential: false), { pct($0.metrics.segmentation?.inVocabularyRecall ?? 0) })
            ]
        } else if results.first?.metrics.chunks != nil {
            c += [
                (.number("chunk P %", essential: false), { pct($0.metrics.chunks?.precision ?? 0) }),
                (.number("chunk R %", essential: false), { pct($0.metrics.chunks?.recall ?? 0) }),
                (.number("chunk F1 %"), { pct($0.metrics.chunks?.f1 ?? 0) })
            ]
        }
        c += [
            (.number("\(headlineName) 95% interval", essential: false), { Format.interval($0.headlineInterval) }),
            (.number("train s", essential: false), { Format.seconds($0.trainSeconds) }),
            (.number("tag s", essential: false), { Format.seconds($0.tagSeconds) }),
            (.number("tokens/s", essential: false), { Format.count(Int($0.tokensPerSecond)) })
        ]
        return c
    }

    /// The tagging report as one document, the same shape as a classification report's.
    public var document: ReportDocument {
        var blocks = header.top + SharedSections.summary(summary)
        let ranked = self.ranked
        blocks += [
            .heading(2, "Comparison", anchor: "comparison"),
            .paragraph(
                [
                    .text("Sorted by \(headlineName). "), .family("generative"), " generative, ",
                    .family("discriminative"), " discriminative."
                ]),
            .chart(
                ReportChart(
                    file: "comparison.svg",
                    svg: Charts.bars(ranked.map { ($0.name, $0.family, $0.headline, nil) }, metric: headlineName),
                    alt: "\(headlineName) by tagger"))
        ]
        let cols = columns
        blocks.append(
            .table(
                ReportTable(
                    columns: [.number("#"), .text("tagger"), .mark("family")] + cols.map(\.0),
                    rows: ranked.enumerated().map { i, t in
                        [.init("\(i + 1)"), .init([.link(t.name, anchor: "t\(i)")]), .init([.family(t.family)])]
                            + cols.map { .init($0.1(t)) }
                    })))
        blocks.append(
            .paragraph(
                [
                    .text(
                        "“95% interval” is a bootstrap over held-out sentences (1,000 resamples): where the "
                            + "score would "
                            + "lie on other sentences like these. On a narrow screen only the headline metric is shown."
                    )
                ], muted: true))
        if let previous { blocks += SharedSections.sinceThePreviousRun(previous) }
        if let significance { blocks += SharedSections.significance(significance) }
        let d = dataset
        blocks += [
            .heading(2, "Data", anchor: "data"),
            .list([
                [
                    "Dataset ", .strong(d.name),
                    .text(
                        ": \(Format.count(d.trainSentences)) training sentences (\(Format.count(d.trainTokens)) "
                            + "tokens), "
                            + "\(Format.count(d.testSentences)) test sentences (\(Format.count(d.testTokens)) tokens)")
                ],
                [.text("Evaluation: \(d.evaluation)")],
                [
                    .text(
                        "Tags (\(d.tags.count)), scheme \(d.fileScheme)"
                            + (d.modelScheme != d.fileScheme ? " converted to \(d.modelScheme)" : "")
                            + "; \(Format.count(d.repairedTags)) tags repaired from invalid sequences")
                ]
            ])
        ]
        blocks += header.specBlocks + header.stageBlocks
        blocks.append(.heading(2, "Taggers", anchor: "taggers"))
        for (i, t) in ranked.enumerated() { blocks.append(Self.taggerBlock(t, rank: i, headlineName: headlineName)) }
        return ReportDocument(title: "\(pipeline) — textpipe tagging report", blocks: blocks)
    }

    static func taggerBlock(_ t: TaggerResult, rank: Int, headlineName: String) -> ReportBlock {
        let pct: (Double) -> String = Format.percent
        var b: [ReportBlock] = [
            .paragraph([.text("\(t.description).")]),
            .paragraph(
                [
                    .text(
                        "Training: "
                            + t.trainingSummary.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                                separator: " · "))
                ], muted: true)
        ]
        if !t.metrics.chunksByType.isEmpty && t.metrics.segmentation == nil {
            b.append(
                .table(
                    ReportTable(
                        columns: [
                            .text("type"), .number("precision %"), .number("recall %"), .number("F1 %"),
                            .number("gold", essential: false), .number("predicted", essential: false)
                        ],
                        rows: t.metrics.chunksByType.map {
                            [
                                .init($0.type), .init(pct($0.precision)), .init(pct($0.recall)), .init(pct($0.f1)),
                                .init(String($0.gold)), .init(String($0.predicted))
                            ]
                        })))
        }
        b.append(
            .table(
                ReportTable(
                    columns: [
                        .text("tag"), .number("precision %"), .number("recall %"), .number("F1 %"), .number("support")
                    ],
                    rows: t.metrics.perTag.perClass.sorted(by: { $0.support > $1.support }).prefix(20).map {
                        [
                            .init($0.label), .init(pct($0.precision)), .init(pct($0.recall)), .init(pct($0.f1)),
                            .init(String($0.support))
                        ]
                    })))
        let confused = confusedTags(t.metrics.perTag, limit: 12)
        if !confused.isEmpty {
            let m = t.metrics.perTag
            b += SharedSections.confusion(
                caption: "Confusion between the most confused tags (rows gold, columns predicted)",
                labels: m.perClass.map(\.label), classes: confused, count: { m.confusion[$0, $1] },
                rowTotal: { m.confusion.goldCounts[$0] })
        }
        if !t.errors.isEmpty {
            b.append(
                .paragraph(["Errors in held-out sentences: wrong tokens in bold with gold → predicted"], muted: true))
            b.append(
                .list(
                    t.errors.map { e in
                        var line: [ReportInline] = [.code(e.source), ": "]
                        for (w, (g, p)) in zip(e.tokens, zip(e.gold, e.predicted)) {
                            line += g == p ? [.text(w + " ")] : [.strong(w), .text("/\(g)→\(p) ")]
                        }
                        return line
                    }))
        }
        let summary: [ReportInline] = [
            .text("\(rank + 1). \(t.name) "), .family(t.family),
            .text(" — \(headlineName) \(pct(t.headline)) %, token accuracy \(pct(t.metrics.tokenAccuracy)) %")
        ]
        return .details(summary: summary, open: false, anchor: "t\(rank)", blocks: b)
    }
}
