import ArgumentParser
import Foundation
import Report
import TextCore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Work with finished reports.",
        subcommands: [Diff.self, Render.self])

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Compare two runs: every model's accuracy and headline metric, old, new and delta, regressions "
                + "flagged, and the spec's changed lines.",
            discussion:
                "RUN_A is the earlier run, RUN_B the later one: report folders (reports/NAME/20261122-084734, reports/NAME/latest) or their metrics.json files, both classification or both tagging runs. The headline metric is macro-F1 for classification; word F1, chunk F1 or token accuracy (with token accuracy beside it) for tagging."
        )
        @Argument(help: "The earlier run.") var runA: String
        @Argument(help: "The later run.") var runB: String
        @Option(help: "A headline-metric drop larger than this (0.01 = one point) is a regression.") var threshold =
            0.01
        @Flag(help: "Exit with code 6 if any model regressed.") var failOnRegression = false
        @Flag(help: "Print the difference as JSON.") var json = false
        @Flag(help: "Print the difference as Markdown.") var md = false

        static func load(_ path: String) throws -> any ScoredRun {
            var url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
                url.appendPathComponent("metrics.json")
            }
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw TextpipeError(.input, "no metrics.json here", file: url.path)
            }
            do { return try ScoredRuns.decode(data) } catch {
                let kind = ScoredRuns.isTagging(data) ? "tagging" : "classification"
                throw TextpipeError(.input, "not a \(kind) report's metrics.json (\(error))", file: url.path)
            }
        }

        /// The run's outcomes.tsv beside its metrics.json, when there is one.
        static func outcomes(_ path: String) -> RunOutcomes? {
            var url = URL(fileURLWithPath: path)
            if url.lastPathComponent == "metrics.json" { url.deleteLastPathComponent() }
            return RunOutcomes.read(folder: url)
        }

        func run() throws {
            try Textpipe.guarded {
                let a = try Self.load(runA)
                let b = try Self.load(runB)
                guard type(of: a) == type(of: b) else {
                    throw TextpipeError(
                        .usage, "one run is a classification run and the other a tagging run; compare runs of one task")
                }
                let c = RunDiff(
                    from: a, to: b, threshold: threshold,
                    outcomes: (Self.outcomes(runA), Self.outcomes(runB)))
                if json {
                    print(String(decoding: try SnakeCaseJSON.encode(c), as: UTF8.self))
                } else if md {
                    print(c.markdown, terminator: "")
                } else {
                    print(c.text, terminator: "")
                }
                if failOnRegression, !c.regressions.isEmpty {
                    throw TextpipeError(
                        .regression,
                        "\(c.regressions.count) model(s) regressed: \(c.regressions.joined(separator: ", "))")
                }
            }
        }
    }

    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a run's report.md, report.html and charts/ again from its metrics.json.",
            discussion:
                "Reports of older runs (any metrics.json schema this textpipe reads) get this textpipe's layout. "
                + "By default the files are replaced in the run folder; --out writes them elsewhere."
        )
        @Argument(help: "A report folder or its metrics.json.") var folder: String
        @Option(help: ArgumentHelp("Write the files into this folder instead.", valueName: "folder")) var out: String?

        func run() throws {
            try Textpipe.guarded {
                let report = try Diff.load(self.folder)
                var folder = URL(fileURLWithPath: self.folder)
                if folder.lastPathComponent == "metrics.json" { folder.deleteLastPathComponent() }
                if let out { folder = URL(fileURLWithPath: out) }
                try ReportFiles.write(report.document, markdown: true, html: true, to: folder)
                print(folder.appendingPathComponent("report.html").path)
            }
        }
    }
}
