import ArgumentParser
import Featurize
import Foundation
import Ingest
import TextCore
import Tokenize

struct VectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors",
        abstract: "Train, inspect and evaluate word vectors (word2vec text or binary format).",
        subcommands: [Train.self, Cooccurrence.self, Neighbors.self, Analogy.self, Evaluate.self])

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train word2vec on a plain-text file (one sentence per line, streamed) and save the vectors.",
            discussion: "Progress goes to standard error: a live line on a terminal, plain lines otherwise (cron).")
        @Argument(
            help: "Training text, one sentence per line; or a MediaWiki XML export (.xml), whose article text is used.")
        var corpus: String
        @Option(help: "Where to write the vectors.") var out: String
        @Flag(help: "Write word2vec's binary format instead of text.") var binary = false
        @Option(help: "skipgram or cbow.") var architecture: String = "skipgram"
        @Option(help: "negative or hierarchical.") var output: String = "negative"
        @Option(help: "Dimensions of each word vector.") var dimensions = 100
        @Option(help: "Context words on each side of the centre word (the largest; shrunk at random per word).")
        var window = 5
        @Option(help: "Noise words per positive example (with --output negative).") var negative = 5
        @Option(help: "Subsampling threshold (0 disables).") var sample = 1e-3
        @Option(name: .customLong("min-count"), help: "Drop words seen fewer times than this.") var minCount = 5
        @Option(help: "Passes over the corpus.") var epochs = 5
        @Option(help: "Training threads (results depend on the thread count; one thread is deterministic).")
        var threads = 1
        @Option(help: "Seed of the random initialisation, sampling and subsampling.") var seed = 1
        @Option(help: "Starting learning rate (default 0.025 skip-gram, 0.05 CBOW).") var alpha: Double?

        func run() throws {
            try Textpipe.guarded {
                var c = Word2VecConfiguration()
                guard let a = Word2VecArchitecture(rawValue: architecture) else {
                    throw TextpipeError(.usage, "architecture is skipgram or cbow", key: "--architecture")
                }
                guard let o = Word2VecOutput(rawValue: output) else {
                    throw TextpipeError(.usage, "output is negative or hierarchical", key: "--output")
                }
                c.architecture = a
                c.output = o
                c.dimensions = dimensions
                c.window = window
                c.negative = negative
                c.sample = sample
                c.minCount = minCount
                c.epochs = epochs
                c.threads = threads
                c.seed = UInt64(max(0, seed))
                c.alpha = alpha
                try c.check()
                guard FileManager.default.fileExists(atPath: corpus) else {
                    throw TextpipeError(.usage, "no such file", file: corpus)
                }
                let started = Date()
                let line = ProgressLine { StandardError.log($0) }
                let trainer = Word2VecTrainer(c, progressInterval: line.interval) { p in
                    line.show(p.summary + " (of \(c.epochs))", done: p.fraction >= 1)
                }
                let vectors = try VectorsCommand.withPlainText(corpus) { source in
                    try trainer.train(TextFileWord2VecCorpus(url: source, tokenizer: Tokenizer()))
                }
                try VectorsCommand.write(vectors, to: out, binary: binary, started: started)
            }
        }
    }

    /// The corpus as plain text to `body`: a MediaWiki XML export (`.xml`) has its article text extracted into a
    /// temporary file first (removed afterwards; the user's corpus never is).
    static func withPlainText<T>(_ corpus: String, _ body: (URL) throws -> T) throws -> T {
        guard FileManager.default.fileExists(atPath: corpus) else {
            throw TextpipeError(.usage, "no such file", file: corpus)
        }
        guard corpus.lowercased().hasSuffix(".xml") else { return try body(URL(fileURLWithPath: corpus)) }
        let text = FileManager.default.temporaryDirectory.appendingPathComponent("textpipe-\(getpid())-corpus.txt")
        defer { try? FileManager.default.removeItem(at: text) }
        let pages = try XMLTextExtractor.extract(URL(fileURLWithPath: corpus), to: text)
        StandardError.log("extracted the text of \(pages) pages")
        return try body(text)
    }

    struct Cooccurrence: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Count-based word vectors from a plain-text file: co-occurrence counts, PPMI, "
                + "randomized truncated SVD.",
            discussion: """
                The `cooccurrence` feature set's word vectors (Levy, Goldberg and Dagan 2015), written in word2vec \
                format for `vectors evaluate`, `neighbors` and `analogy`. With --tokens-out, the tokenized corpus \
                (one sentence per line, tokens separated by spaces) is written too, so a reference implementation can \
                count the very same tokens.
                """)
        @Argument(help: "Text to count on, one sentence per line; or a MediaWiki XML export (.xml).") var corpus: String
        @Option(help: "Where to write the vectors.") var out: String
        @Flag(help: "Write word2vec's binary format instead of text.") var binary = false
        @Option(help: "Vector size (singular vectors kept).") var dimensions = 100
        @Option(help: "Context words on each side, every one counted once.") var window = 5
        @Option(name: .customLong("min-count"), help: "Drop words seen fewer times than this.") var minCount = 5
        @Option(name: .customLong("max-vocab"), help: "Keep only the most frequent words.") var maxVocab: Int?
        @Option(help: "Context-distribution smoothing exponent (1: none).") var smoothing = 0.75
        @Option(help: "Shifted PPMI: subtract log(shift).") var shift = 1
        @Option(name: .customLong("eigenvalue-weight"), help: "Word vectors are U Σ^p with p this.")
        var eigenvalueWeight = 0.5
        @Option(name: .customLong("power-iterations"), help: "Power iterations of the randomized SVD.")
        var powerIterations = 15
        @Option(help: "Extra random directions of the randomized SVD.") var oversampling = 50
        @Option(help: "Seed of the random projection.") var seed = 1
        @Option(name: .customLong("tokens-out"), help: "Also write the tokenized corpus here.") var tokensOut: String?

        func run() throws {
            try Textpipe.guarded {
                var s = CooccurrenceSettings()
                s.dimensions = dimensions
                s.window = window
                s.minCount = minCount
                s.maxVocabulary = maxVocab
                s.smoothing = smoothing
                s.shift = shift
                s.eigenvalueWeight = eigenvalueWeight
                s.powerIterations = powerIterations
                s.oversampling = oversampling
                s.seed = UInt64(max(0, seed))
                for (key, ok) in [
                    ("--dimensions", dimensions >= 1), ("--window", window >= 1), ("--min-count", minCount >= 1),
                    ("--max-vocab", (maxVocab ?? 2) >= 2), ("--smoothing", smoothing > 0 && smoothing <= 1),
                    ("--shift", shift >= 1), ("--eigenvalue-weight", (0...1).contains(eigenvalueWeight)),
                    ("--power-iterations", powerIterations >= 0), ("--oversampling", oversampling >= 0)
                ] where !ok {
                    throw TextpipeError(.usage, "out of range (see --help)", key: key)
                }
                let started = Date()
                let vectors = try VectorsCommand.withPlainText(corpus) { source in
                    let text = TextFileWord2VecCorpus(url: source, tokenizer: Tokenizer())
                    if let tokensOut { try VectorsCommand.writeTokens(text, to: URL(fileURLWithPath: tokensOut)) }
                    return try s.wordVectors(text)
                }
                try VectorsCommand.write(vectors, to: out, binary: binary, started: started)
            }
        }
    }

    /// Writes the vectors and says what was written.
    static func write(_ vectors: WordVectors, to out: String, binary: Bool, started: Date) throws {
        try vectors.write(to: URL(fileURLWithPath: out), binary: binary)
        print(
            String(
                format: "%d words x %d dimensions in %.1f s -> %@", vectors.words.count, vectors.dimensions,
                Date().timeIntervalSince(started), out))
    }

    /// Writes a corpus's tokens, one sentence per line, separated by spaces.
    static func writeTokens(_ corpus: Word2VecCorpus, to url: URL) throws {
        var out = Data()
        var first = true
        try corpus.forEachToken(
            part: 0, of: 1,
            { bytes in
                if !first { out.append(32) }
                out.append(contentsOf: bytes)
                first = false
            },
            endOfSentence: {
                out.append(10)
                first = true
            })
        try AtomicFile.write(out, to: url)
    }

    struct Neighbors: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The words nearest to WORD by cosine similarity.")
        @Option(help: "Vectors file (word2vec text or binary).") var model: String
        @Option(help: "Neighbours to print.") var count = 10
        @Argument(help: "The word whose nearest neighbours (cosine similarity) to print.") var word: String
        func run() throws {
            try Textpipe.guarded {
                let v = try WordVectors.load(URL(fileURLWithPath: model))
                for (w, s) in try v.neighbors(of: word.lowercased(), count: count) {
                    print(String(format: "%@\t%.4f", w, s))
                }
            }
        }
    }

    struct Analogy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A is to B as C is to ...: the words nearest to B - A + C.")
        @Option(help: "Vectors file (word2vec text or binary).") var model: String
        @Option(help: "Answers to print.") var count = 5
        @Argument(help: "A in 'A is to B as C is to ?'.") var a: String
        @Argument(help: "B in 'A is to B as C is to ?'.") var b: String
        @Argument(help: "C in 'A is to B as C is to ?'.") var c: String
        func run() throws {
            try Textpipe.guarded {
                let v = try WordVectors.load(URL(fileURLWithPath: model))
                for (w, s) in try v.analogy(a.lowercased(), b.lowercased(), c.lowercased(), count: count) {
                    print(String(format: "%@\t%.4f", w, s))
                }
            }
        }
    }

    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Spearman correlation on WordSim-353, SimLex-999 and MEN, and questions-words analogy accuracy.",
            discussion:
                "The benchmarks are fetched with `textpipe data fetch word-benchmarks` (done automatically). Prints JSON."
        )
        @Option(help: "Vectors file (word2vec text or binary).") var model: String
        @Option(help: "Search only the N most frequent words for analogies (gensim's restrict_vocab).") var restrict =
            300_000
        @Option(help: "Project root holding data/cache.") var root: String?
        func run() throws {
            try Textpipe.guarded {
                guard let resource = DatasetCatalog.resources.first(where: { $0.name == "word-benchmarks" }) else {
                    throw TextpipeError(.internal, "the catalog has no word-benchmarks resource")
                }
                let fetcher = Fetcher(
                    cacheDirectory: URL(fileURLWithPath: root ?? FileManager.default.currentDirectoryPath)
                        .appendingPathComponent("data/cache"))
                let dir = try fetcher.fetch(resource.package).appendingPathComponent(resource.path)
                let v = try WordVectors.load(URL(fileURLWithPath: model))
                var result: [String: Any] = ["model": model, "words": v.words.count, "dimensions": v.dimensions]
                for (name, file) in [
                    ("wordsim353", "wordsim353.tsv"), ("simlex999", "SimLex-999.tsv"),
                    ("men", "MEN_dataset_natural_form_full.tsv")
                ] {
                    let s = WordVectorEvaluation.similarity(
                        v, pairs: try WordVectorEvaluation.readPairs(dir.appendingPathComponent(file)), name: name)
                    result[name] = ["spearman": s.spearman, "covered": s.covered, "total": s.total]
                }
                let a = try WordVectorEvaluation.analogies(
                    v, file: dir.appendingPathComponent("questions-words.txt"), restrict: restrict)
                result["analogy"] = [
                    "accuracy": a.accuracy, "correct": a.correct, "covered": a.covered, "total": a.total
                ]
                print(
                    String(
                        decoding: try JSONSerialization.data(
                            withJSONObject: result, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self))
            }
        }
    }
}
