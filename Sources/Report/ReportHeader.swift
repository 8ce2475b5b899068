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

    /// `# sentiment: text classification report` and the run line.
    public var markdown: String {
        "# \(pipeline): \(title)\n\n"
            + "Run `\(runId)` · \(createdAt) · textpipe \(toolVersion) · spec sha256 `\(specHash.prefix(12))` · "
            + "\(Format.seconds(totalSeconds)) s\n\n"
    }

    /// The spec as written and the inputs' hashes, collapsed.
    public var markdownSpec: String {
        var md = ""
        if let specText { md += "<details><summary>Spec</summary>\n\n```yaml\n\(specText)\n```\n\n</details>\n\n" }
        if let inputs, !inputs.isEmpty {
            md +=
                "<details><summary>Inputs (sha256)</summary>\n\n"
                + inputs.sorted { $0.key < $1.key }.map { "- `\($0.key)` \($0.value.prefix(16))…\n" }.joined()
                + "\n</details>\n\n"
        }
        return md
    }

    /// The stage timing table.
    public var markdownStages: String {
        var md = "\n## Stages\n\n| stage | seconds | cached |\n|---|---:|:---:|\n"
        for s in stages { md += "| \(s.stage) | \(Format.seconds(s.seconds)) | \(s.cached ? "yes" : "no") |\n" }
        return md + "| **total** | \(Format.seconds(totalSeconds)) | |\n"
    }

    /// `<h1>` and the run line.
    public var html: String {
        let e = HTMLRenderer.escape
        return "<h1>\(e(pipeline)): \(e(title))</h1>"
            + "<p class=\"meta\">Run <code>\(e(runId))</code> · \(e(createdAt)) · textpipe \(e(toolVersion)) · spec "
            + "<code>\(specHash.prefix(12))</code> · \(Format.seconds(totalSeconds)) s</p>"
    }

    /// The spec as written and the inputs' hashes, collapsed.
    public var htmlSpec: String {
        let e = HTMLRenderer.escape
        var h = ""
        if let specText { h += "<details><summary>Spec</summary><pre>\(e(specText))</pre></details>" }
        if let inputs, !inputs.isEmpty {
            h +=
                "<details><summary>Inputs (sha256)</summary><ul>"
                + inputs.sorted { $0.key < $1.key }.map {
                    "<li><code>\(e($0.key))</code> \($0.value.prefix(16))…</li>"
                }
                .joined()
                + "</ul></details>"
        }
        return h
    }

    /// The stage timing table.
    public var htmlStages: String {
        let e = HTMLRenderer.escape
        var h =
            "<h2>Stages</h2><table><thead><tr><th class=\"l\">stage</th><th>seconds</th><th>cached</th></tr></thead>"
            + "<tbody>"
        for s in stages {
            h +=
                "<tr><td class=\"l\">\(e(s.stage))</td><td>\(Format.seconds(s.seconds))</td>"
                + "<td>\(s.cached ? "yes" : "no")</td></tr>"
        }
        return h
            + "<tr><td class=\"l\"><b>total</b></td><td>\(Format.seconds(totalSeconds))</td><td></td></tr>"
            + "</tbody></table>"
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
