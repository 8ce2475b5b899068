import Foundation
import TextCore
import Tokenize

/// The cleaned documents as token ids over one vocabulary, training documents first.
struct Tokenized {
    var corpus: TokenizedCorpus
    /// How many of the corpus's documents are training documents (the rest are the given test set).
    var trainCount: Int
}

extension Tokenized: Artifact {
    func write(to folder: URL) throws {
        try AtomicFile.write(corpus.encoded(), to: folder.appendingPathComponent("corpus.bin"))
        try AtomicFile.write("\(trainCount)", to: folder.appendingPathComponent("train-count"))
    }

    static func read(from folder: URL) throws -> Tokenized {
        let url = folder.appendingPathComponent("corpus.bin")
        let countURL = folder.appendingPathComponent("train-count")
        let corpus = try TokenizedCorpus.decode(try AtomicFile.read(url), name: url.path)
        guard let count = Int(String(decoding: try AtomicFile.read(countURL), as: UTF8.self)),
            (0...corpus.sources.count).contains(count)
        else {
            throw TextpipeError(.io, "not a document count", file: countURL.path)
        }
        return Tokenized(corpus: corpus, trainCount: count)
    }
}

/// Splits every cleaned document into tokens (byte-level, by the spec's `tokenize` settings).
struct TokenizeStage: Stage {
    let clean: Input<Corpus>
    let configuration: TokenizeConfiguration
    let inspectFolder: URL

    var stage: StageName { .tokenize }
    var inputs: [UnitReference] { [clean.reference] }
    var outputs: [String] { ["corpus.bin", "train-count"] }
    var parameters: [String: String] {
        ["lowercase": "\(configuration.lowercase)", "punctuation": configuration.punctuation.rawValue]
    }

    func derive(_ key: inout StageKey) throws { key.add("config", json: configuration) }

    func run(_ context: StageContext, into folder: URL) throws {
        let cleaned = try context.read(clean)
        let all = cleaned.train + (cleaned.test ?? [])
        let corpus = TokenizedCorpus(documents: all, tokenizer: Tokenizer(configuration))
        try Tokenized(corpus: corpus, trainCount: cleaned.train.count).write(to: folder)
    }

    func inspect(_ output: Tokenized, context: StageContext) throws -> URL? {
        let cleaned = try context.read(clean)
        let corpus = output.corpus
        return try CorpusFiles.inspect(
            "tokenized", cleaned.train + (cleaned.test ?? []), folder: inspectFolder, log: context.log
        ) { i in
            (
                "tokens",
                "[" + corpus.document(i).map { JSONValue.quote(corpus.types[Int($0)]) }.joined(separator: ", ") + "]"
            )
        }
    }
}

extension TokenizeStage: DistributedStage {
    /// Each document tokenized on the cluster (`stream tokenize`); interned here in document order, so the corpus
    /// is the one `run` writes.
    func run(_ context: StageContext, on cluster: any Cluster, into folder: URL) throws {
        let cleaned = try context.read(clean)
        let all = cleaned.train + (cleaned.test ?? [])
        let records = all.enumerated().map { i, d in "{\"id\":\(i),\"text\":\(JSONValue.quote(d.text))}" }
        let settings = String(decoding: try StableJSON.encode(configuration), as: UTF8.self)
        let results = try ClusterJob.map(
            records, through: ["stream", "tokenize", "--configuration", settings], on: cluster, context: context,
            stage: stage)
        let tokens = try results.map { r -> [String] in
            guard let t = r.tokens ?? (r.fields["tokens"]?.array?.isEmpty == true ? [] : nil) else {
                throw r.error("not a result of stream tokenize")
            }
            return t
        }
        let corpus = TokenizedCorpus(
            tokenized: tokens, labels: all.map(\.label), sources: all.map(\.source), texts: all.map(\.text))
        try Tokenized(corpus: corpus, trainCount: cleaned.train.count).write(to: folder)
    }
}
