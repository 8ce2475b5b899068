import ArgumentParser
import Featurize
import Foundation
import Ingest
import Pipeline
import TextCore
import Tokenize

/// `textpipe stream <mode>`: the binary's contract with a cluster (and with Unix pipes).
struct StreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract:
            "Process JSON Lines records from standard input: exactly one result line per record on standard output.",
        discussion: """
            Records are JSON objects, one per line: {"id": ..., "text": ...} (featurize also takes "tokens"; stats \
            needs "row" and takes "group"). Logs go to standard error only; any bad record or failure exits non-zero \
            (3 for bad input, naming the line), so a cluster retries the task. Memory does not grow with the input.
            """,
        subcommands: [
            StreamFeaturize.self, StreamStats.self, StreamMergeStats.self, StreamEncode.self, StreamPredict.self,
            StreamClean.self, StreamTokenize.self, StreamTask.self
        ])
}

/// Options naming a feature set of a spec.
struct SpecFeatureOptions: ParsableArguments {
    @Option(help: "The pipeline spec.") var spec: String
    @Option(help: "The feature set's name in the spec.") var features: String
    @Option(help: Textpipe.rootHelp) var root: String?

    /// The spec, the classification part and the named feature set.
    func load() throws -> (PipelineSpec, ClassificationSpec, NamedFeatureSet, RunOptions) {
        try Self.load(spec: spec, features: features, root: root)
    }

    static func load(spec path: String, features: String, root: String?) throws -> (
        PipelineSpec, ClassificationSpec, NamedFeatureSet, RunOptions
    ) {
        let spec = try SpecDecoder.load(path: path)
        guard let c = spec.classification else {
            throw TextpipeError(.usage, "stream modes work on classification specs", file: path)
        }
        guard let feature = c.features.first(where: { $0.name == features }) else {
            throw TextpipeError(
                .usage,
                "no feature set '\(features)' (the spec has: \(c.features.map(\.name).joined(separator: ", ")))",
                file: path, key: "features")
        }
        let options = RunOptions(root: PipelineSpec.root(forSpecAt: path, override: root))
        return (spec, c, feature, options)
    }
}

struct StreamFeaturize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "featurize",
        abstract: "Clean, tokenize and featurize each record with fitted featurizers.",
        discussion: """
            DIR is a saved model folder, or a folder written for a feature set (featurizers.json). Out: \
            {"id": ..., "features": [{"indices": [...], "values": [...]}]}, one row per featurizer.
            """)
    @Option(help: "A saved model folder, a featurizer set folder or its archive (@NAME: a file shipped to workers).")
    var artifacts: String
    @Flag(
        help: "Rows as one base64 field of exact binary ({\"id\": ..., \"rows\": ...}), as the Spark driver reads them."
    )
    var binary = false

    func run() throws {
        try Textpipe.guarded {
            var mode = FeaturizeStream(try FeaturizerSet.load(from: ShippedFile.resolve(artifacts)), binary: binary)
            try StreamRunner.run(&mode)
        }
    }
}

struct StreamStats: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Partial n-gram statistics of the records (one line at the end) for merge-stats.",
        discussion: """
            Each record needs "row" (its position in the corpus) and may give "group" (0..<G, default 0): the \
            documents a fit uses are a set of groups. Rows must increase within one stream. The n-gram settings come \
            from a spec's feature set (--spec, --features) or as JSON (--ngram, as the Spark driver passes them).
            """)
    @Option(help: "The pipeline spec.") var spec: String?
    @Option(help: "The feature set's name in the spec.") var features: String?
    @Option(help: "N-gram settings as JSON (instead of --spec and --features).") var ngram: String?
    @Option(help: "Number of groups.") var groups = 1

    func run() throws {
        try Textpipe.guarded {
            if let ngram {
                let n = try StreamSettings.decode(NGramConfiguration.self, ngram, option: "--ngram")
                var mode = try StatsStream(configuration: n, groupCount: groups, clean: .init(), tokenize: .init())
                try StreamRunner.run(&mode)
                return
            }
            guard let spec, let features else {
                throw TextpipeError(.usage, "give --spec and --features, or --ngram")
            }
            let (_, c, named, _) = try SpecFeatureOptions.load(spec: spec, features: features, root: nil)
            guard let n = named.configuration.ngramConfiguration else {
                throw TextpipeError(
                    .usage, "stats are counted for ngram and onehot feature sets, not \(named.configuration.kind)",
                    key: "features")
            }
            var mode = try StatsStream(configuration: n, groupCount: groups, clean: c.clean, tokenize: c.tokenize)
            try StreamRunner.run(&mode)
        }
    }
}

struct StreamMergeStats: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-stats",
        abstract: "Merge partial statistics (in any order and grouping) into one line.",
        discussion: """
            With --fit and --out, also writes the featurizer fitted on those groups: exactly what a fit on one \
            machine over the same documents computes (same vocabulary order, same idf bits).
            """)
    @Option(help: "Comma-separated groups to fit on (with --out).") var fit: String?
    @Option(help: "Where to write the fitted featurizer (a featurizer set folder).") var out: String?
    @Option(help: "The feature set's kind for --out: ngram or onehot.") var kind = "ngram"

    func run() throws {
        try Textpipe.guarded {
            var mode = MergeStatsStream()
            try StreamRunner.run(&mode)
            guard let out else { return }
            guard let merged = mode.merged, let fit else {
                throw TextpipeError(.usage, "--out needs --fit GROUPS")
            }
            let groups = try fit.split(separator: ",").map { g -> Int in
                guard let n = Int(g.trimmingCharacters(in: .whitespaces)) else {
                    throw TextpipeError(.usage, "--fit takes comma-separated group numbers, got '\(fit)'")
                }
                return n
            }
            guard ["ngram", "onehot"].contains(kind) else {
                throw TextpipeError(.usage, "--kind is ngram or onehot, got '\(kind)'")
            }
            let vectorizer = try merged.vectorizer(groups: groups)
            try FeaturizerSet(
                kind: kind, clean: .init(), tokenize: .init(),
                featurizers: [NGramFeaturizer(kind: kind, vectorizer: vectorizer)]
            ).write(to: URL(fileURLWithPath: out))
        }
    }
}

struct StreamEncode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Each record's vector from a BERT checkpoint or pretrained word vectors (nothing to fit).",
        discussion: """
            Out: {"id": ..., "vector": [...]}. The encoder is a feature set of a spec (--spec, --features; records \
            hold \
            raw text, cleaned by the spec), or BERT settings as JSON with the checkpoint folder's archive (--bert, \
            --checkpoint @NAME, as the Spark driver sends them; records hold cleaned text).
            """)
    @Option(help: "The pipeline spec.") var spec: String?
    @Option(help: "The feature set's name in the spec.") var features: String?
    @Option(help: Textpipe.rootHelp) var root: String?
    @Option(help: "BERT settings as JSON (with --checkpoint).") var bert: String?
    @Option(help: "The checkpoint folder's archive (@NAME: a file shipped to workers).") var checkpoint: String?

    func run() throws {
        try Textpipe.guarded {
            if let bert, let checkpoint {
                var mode = try EncodeStream(
                    bert: try StreamSettings.decode(BertFeatureConfiguration.self, bert, option: "--bert"),
                    checkpoint: ShippedFile.resolve(checkpoint))
                try StreamRunner.run(&mode)
                return
            }
            guard let spec, let features else {
                throw TextpipeError(.usage, "give --spec and --features, or --bert and --checkpoint")
            }
            let (_, c, named, options) = try SpecFeatureOptions.load(spec: spec, features: features, root: root)
            var mode = try EncodeStream(feature: named, clean: c.clean, tokenize: c.tokenize, options: options)
            try StreamRunner.run(&mode)
        }
    }
}

struct StreamPredict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Label each record with a saved model.",
        discussion: "Out: {\"id\": ..., \"label\": ..., \"probabilities\": {...}} (\"scores\" for models without).")
    @Option(help: "The saved model folder.") var model: String

    func run() throws {
        try Textpipe.guarded {
            var mode = PredictStream(model: try ModelBundle.load(from: URL(fileURLWithPath: model)))
            try StreamRunner.run(&mode)
        }
    }
}

/// Settings given as JSON on the command line (the Spark driver passes a spec's settings this way).
enum StreamSettings {
    static func decode<T: Decodable>(_ type: T.Type, _ json: String, option: String) throws -> T {
        do { return try JSONDecoder().decode(type, from: Data(json.utf8)) } catch {
            throw TextpipeError(.usage, "\(option) is not valid settings JSON: \(error)")
        }
    }

    /// `--configuration JSON` decoded, or the spec's defaults when it is not given.
    static func configuration<T: Decodable>(_ json: String?, default value: T) throws -> T {
        try json.map { try decode(T.self, $0, option: "--configuration") } ?? value
    }
}

struct StreamClean: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean", abstract: "Clean each record's text (HTML/XML to text) by a spec's clean settings.",
        discussion: "Out: {\"id\": ..., \"text\": ..., \"html\": true|false}.")
    @Option(help: "The clean settings as JSON (default: the spec defaults).") var configuration: String?

    func run() throws {
        try Textpipe.guarded {
            var mode = CleanStream(try StreamSettings.configuration(configuration, default: CleanConfiguration()))
            try StreamRunner.run(&mode)
        }
    }
}

struct StreamTokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize", abstract: "Tokenize each record's (cleaned) text by a spec's tokenize settings.",
        discussion: "Out: {\"id\": ..., \"tokens\": [...]}.")
    @Option(help: "The tokenize settings as JSON (default: the spec defaults).") var configuration: String?

    func run() throws {
        try Textpipe.guarded {
            var mode = TokenizeStream(
                try StreamSettings.configuration(configuration, default: TokenizeConfiguration()))
            try StreamRunner.run(&mode)
        }
    }
}

struct StreamTask: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task",
        abstract: "Run units of a plan shipped as tasks (the driver of `textpipe spark` sends them).",
        discussion: """
            In: {"id": <unit key>, "task": "train", "stage": <JSON>, "inputs": {<unit key>: <archive>}}, the \
            archives among the shipped files ($TEXTPIPE_FILES). Out: {"id": <unit key>, "archive": <base64>}.
            """,
        aliases: ["train"])

    func run() throws {
        try Textpipe.guarded {
            var mode = try TaskStream()
            try StreamRunner.run(&mode)
        }
    }
}
