import ArgumentParser
import Foundation
import Pipeline
import TextCore

/// `textpipe plan SPEC [--json]`: the units a run would execute, each with its key and whether it would come from the
/// cache, without running anything.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract:
            "List the units a run of a spec would execute and which would come from the cache, without running anything.",
        discussion: """
            Every unit is listed in execution order with its stage, cache key, the units it reads and its status: \
            `cached` when its \
            output is stored under its key, `would run` otherwise (and for everything downstream of a unit that \
            would run). Input \
            files are hashed (that is how keys are derived); no dataset or model is fetched. With --json the same \
            as a JSON \
            array, the format of the lock file's entries. Exit codes as for `run`.
            """)

    @Argument(help: "The pipeline spec (YAML).") var spec: String
    @Flag(help: "Print the plan as JSON (the lock file's entry format).") var json = false
    @Flag(help: "Show the plan as a --force run would execute it (everything runs).") var force = false
    @Option(help: Textpipe.rootHelp) var root: String?

    func run() throws {
        try Textpipe.guarded {
            let parsed = try SpecDecoder.load(path: spec)
            var options = RunOptions(
                root: PipelineSpec.root(forSpecAt: spec, override: root), log: { _ in })
            options.force = force
            let (_, entries) = try Runner(spec: parsed, options: options).plan()
            if json {
                print(String(decoding: try SnakeCaseJSON.encode(entries), as: UTF8.self))
                return
            }
            let wouldRun = entries.filter { $0.status != "cached" }.count
            print("\(parsed.name): \(entries.count) units, \(entries.count - wouldRun) cached, \(wouldRun) would run")
            let width = min(60, entries.map(\.name.count).max() ?? 0)
            for entry in entries {
                print(
                    "  " + Textpipe.padded(entry.status ?? "", 10) + " " + Textpipe.padded(entry.name, width) + "  "
                        + entry.key.prefix(12))
            }
        }
    }
}
