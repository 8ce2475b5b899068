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
        subcommands: [Train.self, Neighbors.self, Analogy.self, Evaluate.self])

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
                var source = URL(fileURLWithPath: corpus)
                // Only a temporary text extracted here is ever removed; the user's corpus never is.
                var extracted: URL? = nil
                if corpus.lowercased().hasSuffix(".xml") {
                    let text = FileManager.default.temporaryDirectory.appendingPathComponent(
                        "textpipe-\(getpid())-corpus.txt")
                    extracted = text
                    let pages = try XMLTextExtractor.extract(source, to: text)
                    StandardError.log("extracted the text of \(pages) pages")
                    source = text
                }
                defer { if let extracted { try? FileManager.default.removeItem(at: extracted) } }
                let vectors = try trainer.train(TextFileWord2VecCorpus(url: source, tokenizer: Tokenizer()))
                try vectors.write(to: URL(fileURLWithPath: out), binary: binary)
                print(
                    String(
                        format: "%d words x %d dimensions in %.1f s -> %@", vectors.words.count, vectors.dimensions,
                        Date().timeIntervalSince(started), out))
            }
        }
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
