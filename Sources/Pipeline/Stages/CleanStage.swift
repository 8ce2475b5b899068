import Foundation
import Ingest
import TextCore

/// Turns HTML/XML documents into text with libxml2 (or leaves plain text as it is), by the spec's `clean` settings.
struct CleanStage: Stage {
    let ingest: Input<Corpus>
    let configuration: CleanConfiguration
    let inspectFolder: URL

    var stage: StageName { .clean }
    var inputs: [UnitReference] { [ingest.reference] }
    var outputs: [String] { CorpusFiles.names }
    var parameters: [String: String] { ["html": configuration.html.rawValue] }

    func derive(_ key: inout StageKey) throws { key.add("config", json: configuration) }

    func run(_ context: StageContext, into folder: URL) throws {
        let ingested = try context.read(ingest)
        var notes = ingested.notes
        let cleaner = Cleaner(configuration)
        let train = cleaner.clean(ingested.train, notes: &notes)
        let test = ingested.test.map { cleaner.clean($0, notes: &notes) }
        try Corpus(train: train, test: test, notes: notes).write(to: folder)
    }

    func inspect(_ output: Corpus, context: StageContext) throws -> URL? {
        try CorpusFiles.inspect("cleaned", output.train + (output.test ?? []), folder: inspectFolder, log: context.log)
    }
}
