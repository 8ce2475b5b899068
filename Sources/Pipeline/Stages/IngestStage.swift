import Foundation
import Ingest
import TextCore

/// Reads the spec's documents (a catalog dataset, fetched and checked, or the user's files) into a corpus of
/// training and, if given, test documents. Keyed by the package's pinned sha256 or the files' content hashes.
struct IngestStage: Stage {
    let data: DataSpec
    let options: RunOptions
    let source: DataSource
    let inspectFolder: URL

    init(data: DataSpec, options: RunOptions, inspectFolder: URL) throws {
        self.data = data
        self.options = options
        self.inspectFolder = inspectFolder
        source = try DataSource(
            package: data.dataset.flatMap { DatasetCatalog.entry(named: $0) }?.package,
            paths: (data.train + (data.test ?? [])).map(\.path), options: options)
    }

    var stage: StageName { .ingest }
    var inputs: [UnitReference] { [] }
    var outputs: [String] { CorpusFiles.names }
    var parameters: [String: String] {
        ["data": data.dataset ?? (data.train + (data.test ?? [])).map(\.path).joined(separator: ", ")]
    }

    func derive(_ key: inout StageKey) throws {
        source.derive(&key)
        key.add("train", json: data.train)
        key.add("test", json: data.test)
    }

    func run(_ context: StageContext, into folder: URL) throws {
        let reader = CorpusReader(baseDirectory: try source.baseFolder(options))
        var notes: [String: Int] = [:]
        func readAll(_ sources: [SourceConfiguration], part: String) throws -> [Document] {
            var documents: [Document] = []
            for source in sources {
                let read = try reader.read(source)
                for (k, v) in read.notes { notes[k, default: 0] += v }
                if let unlabelled = read.documents.first(where: { ($0.label ?? "").isEmpty }) {
                    throw TextpipeError(
                        .input, "\(part) document has no label (every \(part) document needs one)",
                        file: unlabelled.source)
                }
                documents += read.documents
            }
            if documents.isEmpty {
                throw TextpipeError(.input, "the \(part) data has no documents", file: sources.first?.path)
            }
            return documents
        }
        let train = try readAll(data.train, part: "training")
        let test = try data.test.map { try readAll($0, part: "test") }
        try Corpus(train: train, test: test, notes: notes).write(to: folder)
    }

    func inspect(_ output: Corpus, context: StageContext) throws -> URL? {
        try CorpusFiles.inspect("ingested", output.train + (output.test ?? []), folder: inspectFolder, log: context.log)
    }
}

/// A corpus stored as files: `train.bin`, `test.bin` (when there is a test set) and `notes.json`.
extension Corpus: Artifact {
    func write(to folder: URL) throws {
        try AtomicFile.write(DocumentStore.encode(train), to: folder.appendingPathComponent("train.bin"))
        if let test { try AtomicFile.write(DocumentStore.encode(test), to: folder.appendingPathComponent("test.bin")) }
        try AtomicFile.write(try StableJSON.encode(notes), to: folder.appendingPathComponent("notes.json"))
    }

    /// The corpus stored in a folder.
    public static func read(from folder: URL) throws -> Corpus {
        let trainURL = folder.appendingPathComponent("train.bin")
        let testURL = folder.appendingPathComponent("test.bin")
        let train = try DocumentStore.decode(try AtomicFile.read(trainURL), name: trainURL.path)
        let test =
            FileManager.default.fileExists(atPath: testURL.path)
            ? try DocumentStore.decode(try AtomicFile.read(testURL), name: testURL.path) : nil
        let notes = try JSONDecoder().decode(
            [String: Int].self, from: try AtomicFile.read(folder.appendingPathComponent("notes.json")))
        return Corpus(train: train, test: test, notes: notes)
    }
}

/// The files of a stored corpus, and its inspection output.
enum CorpusFiles {
    static let names = ["train.bin", "test.bin", "notes.json"]

    /// Writes documents as JSON lines to `<folder>/<what>.jsonl` for people to look at.
    static func inspect(
        _ what: String, _ documents: [Document], folder: URL, log: (String) -> Void,
        extra: ((Int) -> (String, String))? = nil
    ) throws -> URL {
        let out = folder.appendingPathComponent("\(what).jsonl")
        try AtomicFile.write(DocumentStore.jsonLines(documents, extra: extra), to: out)
        log("wrote \(documents.count) \(what) documents to \(out.path)")
        return out
    }
}
