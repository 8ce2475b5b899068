import ArgumentParser
import Foundation
import Pipeline
import TextCore

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "Work with the runs kept under a reports folder.", subcommands: [List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List runs: run id, start time, best model and its headline metric, status.",
            discussion: """
                Every report folder under --reports (each pipeline's report.out), newest run first; only NAME's runs \
                when given. Status: ok, regression (a model regressed against the run before it) or incomplete (no \
                readable metrics.json). `*` marks the run `latest` points at.
                """)
        @Argument(help: "A pipeline name.") var name: String?
        @Option(help: ArgumentHelp("The folder holding the report folders.", valueName: "folder")) var reports =
            "reports"
        @Flag(help: "Print JSON (one array).") var json = false

        func run() throws {
            try Textpipe.guarded {
                let folder = URL(fileURLWithPath: reports)
                guard FileManager.default.fileExists(atPath: folder.path) else {
                    throw TextpipeError(.usage, "no reports folder here (give --reports)", file: folder.path)
                }
                let runs = RunHistory.runs(in: folder, pipeline: name)
                if json {
                    print(String(decoding: try SnakeCaseJSON.encode(runs), as: UTF8.self))
                    return
                }
                if runs.isEmpty {
                    print(name.map { "no runs of \($0) under \(reports)" } ?? "no runs under \(reports)")
                    return
                }
                print(
                    "  " + Textpipe.padded("run", 18) + Textpipe.padded("started", 22) + Textpipe.padded("pipeline", 28)
                        + Textpipe.padded("best model", 40) + "headline     status")
                for r in runs {
                    let headline =
                        r.headline.map { String(format: "%6.2f%% ", $0 * 100) + (r.headlineName ?? "") } ?? "—"
                    print(
                        (r.latest ? "* " : "  ") + Textpipe.padded(r.runId, 18)
                            + Textpipe.padded(r.createdAt ?? "—", 22)
                            + Textpipe.padded(r.pipeline, 28) + Textpipe.padded(r.best ?? "—", 40)
                            + Textpipe.padded(headline, 13) + r.status)
                }
            }
        }
    }
}

struct GarbageCollect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Delete old runs and the cache entries no kept run uses.",
        discussion: """
            Keeps the N newest runs of each pipeline in every report folder under --reports (always the run \
            `latest` points at, and never fewer than one), deletes the other run folders, then deletes the cached \
            stage outputs of those pipelines that no kept run's lock file refers to. A pipeline that is running is \
            left alone (its cache is not touched). --dry-run lists what would go.
            """)
    @Option(help: ArgumentHelp("Runs to keep per pipeline (at least 1).", valueName: "N")) var keep: Int
    @Option(help: ArgumentHelp("The folder holding the report folders.", valueName: "folder")) var reports = "reports"
    @Flag(help: "List what would be deleted; delete nothing.") var dryRun = false

    func run() throws {
        try Textpipe.guarded {
            guard keep >= 1 else { throw TextpipeError(.usage, "must be at least 1, got \(keep)", key: "--keep") }
            let folder = URL(fileURLWithPath: reports)
            guard FileManager.default.fileExists(atPath: folder.path) else {
                throw TextpipeError(.usage, "no reports folder here (give --reports)", file: folder.path)
            }
            let c = try RunHistory.collect(reports: folder, keep: keep, dryRun: dryRun)
            let verb = dryRun ? "would delete" : "deleted"
            for r in c.runs { print("\(verb) run \(r)") }
            for e in c.entries { print("\(verb) cache entry \(e)") }
            for b in c.busy {
                StandardError.always("warning: \(b): a run of this pipeline is in progress; its cache was left alone")
            }
            print(
                "\(verb) \(c.runs.count) run(s) and \(c.entries.count) cache "
                    + "entr\(c.entries.count == 1 ? "y" : "ies"): "
                    + String(format: "%.1f MiB", Double(c.bytes) / 1_048_576))
        }
    }
}
