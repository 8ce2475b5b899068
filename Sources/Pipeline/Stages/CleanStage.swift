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

extension CleanStage: DistributedStage {
    /// Each document cleaned on the cluster (`stream clean`); empties dropped and notes counted here, as `run` does.
    func run(_ context: StageContext, on cluster: any Cluster, into folder: URL) throws {
        let ingested = try context.read(ingest)
        let documents = ingested.train + (ingested.test ?? [])
        let records = documents.enumerated().map { i, d in
            "{\"id\":\(i),\"source\":\(JSONValue.quote(d.source)),\"text\":\(JSONValue.quote(d.text))}"
        }
        let settings = String(decoding: try StableJSON.encode(configuration), as: UTF8.self)
        let results = try ClusterJob.map(
            records, through: ["stream", "clean", "--configuration", settings], on: cluster, context: context,
            stage: stage)
        let cleaned = try zip(documents, results).map { d, r -> (Document, Bool) in
            guard let text = r.fields["text"]?.string, case .bool(let wasHTML)? = r.fields["html"] else {
                throw r.error("not a result of stream clean")
            }
            return (Document(source: d.source, text: text, label: d.label), wasHTML)
        }
        var notes = ingested.notes
        let cleaner = Cleaner(configuration)
        let train = cleaner.collect(Array(cleaned.prefix(ingested.train.count)), notes: &notes)
        let test = ingested.test.map { _ in
            cleaner.collect(Array(cleaned.dropFirst(ingested.train.count)), notes: &notes)
        }
        try Corpus(train: train, test: test, notes: notes).write(to: folder)
    }
}
