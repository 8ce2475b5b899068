import Foundation

/// What every report, classification or tagging, opens with and closes on: which pipeline and run, when, which
/// textpipe, which spec (its hash, its text, its inputs' hashes), and how long each stage took. Rendered once here
/// for Markdown and HTML.
public struct ReportHeader: Sendable {
    /// `text classification report`, `sequence labelling report`.
    public var title: String
    /// The pipeline (spec `name`).
    public var pipeline: String
    /// The run (its folder's name).
    public var runId: String
    /// When the run started (ISO 8601).
    public var createdAt: String
    /// The textpipe that ran.
    public var toolVersion: String
    /// The spec file's SHA-256.
    public var specHash: String
    /// Wall time of the run.
    public var totalSeconds: Double
    /// Seconds per stage.
    public var stages: [StageTiming]
    /// The spec as written.
    public var specText: String?
    /// The SHA-256 of each input.
    public var inputs: [String: String]?

    /// The title and the run line.
    public var top: [ReportBlock] {
        [
            .heading(1, "\(pipeline): \(title)", anchor: "top"),
            .paragraph(
                [
                    "Run ", .code(runId),
                    .text(
                        " · \(createdAt) · textpipe \(toolVersion) · spec sha256 \(specHash.prefix(12)) · "
                            + "\(Format.seconds(totalSeconds)) s")
                ], muted: true)
        ]
    }

    /// The spec as written and the inputs' hashes, collapsed.
    public var specBlocks: [ReportBlock] {
        var out: [ReportBlock] = []
        if let specText {
            out.append(
                .details(
                    summary: ["Spec"], open: false, anchor: "spec", blocks: [.preformatted(specText, language: "yaml")])
            )
        }
        if let inputs, !inputs.isEmpty {
            out.append(
                .details(
                    summary: ["Inputs (sha256)"], open: false, anchor: "inputs",
                    blocks: [
                        .list(
                            inputs.sorted { $0.key < $1.key }.map {
                                [.code($0.key), .text(" \($0.value.prefix(16))…")]
                            }
                        )
                    ]))
        }
        return out
    }

    /// The stage timing table.
    public var stageBlocks: [ReportBlock] {
        let rows: [[ReportTable.Cell]] =
            stages.map { [.init($0.stage), .init(Format.seconds($0.seconds)), .init($0.cached ? "yes" : "no")] }
            + [[.init([.strong("total")]), .init(Format.seconds(totalSeconds)), ""]]
        return [
            .heading(2, "Stages", anchor: "stages"),
            .table(ReportTable(columns: [.text("stage"), .number("seconds"), .mark("cached")], rows: rows))
        ]
    }
}

extension RunReport {
    /// The header every report shares.
    public var header: ReportHeader {
        ReportHeader(
            title: "text classification report", pipeline: pipeline, runId: runId, createdAt: createdAt,
            toolVersion: toolVersion, specHash: specHash, totalSeconds: totalSeconds, stages: stages,
            specText: specText,
            inputs: inputs)
    }
}

extension TaggingRunReport {
    /// The header every report shares.
    public var header: ReportHeader {
        ReportHeader(
            title: "sequence labelling report", pipeline: pipeline, runId: runId, createdAt: createdAt,
            toolVersion: toolVersion, specHash: specHash, totalSeconds: totalSeconds, stages: stages,
            specText: specText,
            inputs: inputs)
    }
}
