import Classify
import Featurize
import Foundation
import Ingest
import Pipeline
import Tagging
import TextCore
import Tokenize

/// The parsers and decoders fuzzed by `make fuzz` (libFuzzer, in `fuzz/`), and replayed on every crash input kept
/// under `fuzz/regressions/<target>/` by the test suite. Each target takes arbitrary bytes; an error thrown is the
/// right answer to a bad input, a crash or a hang is a bug.
public enum FuzzTargets {
    /// Target names, in the order `make fuzz` runs them.
    public static let names = [
        "html", "xml", "delimited", "jsonl", "sequence", "spec", "word2vec", "safetensors", "classifier",
        "featurizer", "tagger", "model-json", "stream-record", "stats", "archive"
    ]

    /// Runs one target on one input: true when the input was read (and, for models, used) without an error, false
    /// when it was refused with one; nil for an unknown target name.
    @discardableResult
    public static func run(_ target: String, _ data: Data) -> Bool? {
        let bytes = [UInt8](data)
        var notes: [String: Int] = [:]
        var accepted = false
        switch target {
        case "html":
            accepted = !HTMLCleaner(dropTags: ["nav"]).clean(String(decoding: bytes, as: UTF8.self)).isEmpty
        case "xml":
            accepted =
                (try? XMLRecordReader(recordXPath: "//doc", textXPath: "text", labelXPath: "@label")
                    .read(bytes, file: "fuzz.xml", notes: &notes)) != nil
        case "delimited":
            // The first byte picks CSV or TSV, the rest is the file.
            guard let first = bytes.first else { return false }
            let tsv = first % 2 == 1
            var source = SourceConfiguration(path: "fuzz", format: tsv ? .tsv : .csv)
            source.textColumn = "text"
            source.labelColumn = "label"
            accepted =
                (try? CorpusReader(baseDirectory: URL(fileURLWithPath: "/nonexistent")).parseDelimited(
                    Array(bytes.dropFirst()), name: "fuzz", source, delimiter: tsv ? 9 : 44, &notes)) != nil
        case "jsonl":
            var source = SourceConfiguration(path: "fuzz", format: .jsonl)
            source.textColumn = "text"
            source.labelColumn = "label"
            accepted =
                (try? CorpusReader(baseDirectory: URL(fileURLWithPath: "/nonexistent")).parseJSONLines(
                    bytes, name: "fuzz", source, &notes)) != nil
        case "sequence":
            // The first byte picks the format (CoNLL, CoNLL-U, word/TAG), the rest is the file.
            guard let first = bytes.first else { return false }
            let formats = SequenceFormat.allCases
            accepted =
                (try? SequenceReader.parse(
                    String(decoding: bytes.dropFirst(), as: UTF8.self),
                    source: SequenceSource(path: "fuzz", format: formats[Int(first) % formats.count]))) != nil
        case "stream-record":
            // A line of a stream mode (issue 13): the record reader and the JSON parser under it.
            let requireID = bytes.first.map { $0 % 2 == 0 } ?? true
            accepted = bytes.withUnsafeBufferPointer { line in
                (try? StreamRecord(line: line, number: 1, source: "fuzz", requireID: requireID)) != nil
            }
        case "stats":
            // A partial of `stream stats`: decoded, then a vectorizer built from every group (what merge-stats does).
            var r = BinaryReader(data, name: "fuzz")
            if let s = try? NGramStatistics.decode(from: &r) {
                accepted = (try? s.vectorizer(groups: Array(0..<s.groupCount))) != nil
            }
        case "archive":
            accepted = (try? FolderArchive.entries(data, name: "fuzz")) != nil
        case "spec":
            accepted = (try? SpecDecoder.decode(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")) != nil
        case "word2vec":
            accepted = (try? WordVectors.parse(data, url: URL(fileURLWithPath: "fuzz.vec"))) != nil
        case "safetensors":
            if let t = try? SafeTensors(data: data, url: URL(fileURLWithPath: "fuzz.safetensors")) {
                accepted = t.entries.allSatisfy { (try? t.floats($0.key, shape: $0.value.shape)) != nil }
            }
        case "classifier":
            // A decoded model must also score: a size field that disagrees with its arrays must fail in decoding.
            if let model = try? ClassifierStore.decode(data, name: "classifier.bin"), model.featureCount <= 1 << 20,
                model.classCount <= 1 << 12
            {
                let columns = max(1, model.featureCount)
                let x = SparseMatrix(
                    columnCount: columns, rowStart: [0, 2, 3], columns: [0, Int32(columns - 1), Int32(columns / 2)],
                    values: [1, 2, 0.5])
                _ = model.predict(.sparse(x))
                _ = model.predictProbabilities(.sparse(x))
                accepted = true
            }
        case "featurizer":
            guard let first = bytes.first else { return false }
            let kinds = FeatureSetRegistry.kinds
            var r = BinaryReader(Data(bytes.dropFirst()), name: "featurizer.bin")
            if let f = try? FeatureSetConfiguration.decode(kind: kinds[Int(first) % kinds.count], from: &r),
                f.columnCount <= 1 << 22
            {
                accepted = (try? f.transform(tokenized: [["the", "film", "great"], []])) != nil
                if f.columnCount > 0 { _ = f.featureName(f.columnCount - 1) }
            }
        case "tagger":
            if let t = try? TaggerStore.decode(
                data, name: "tagger.bin", vectors: { _ in throw TextpipeError(.model, "no vectors while fuzzing") })
            {
                accepted = (try? t.predict([["the", "cat", "sat"], [], ["x"]])) != nil
            }
        case "model-json":
            accepted =
                (try? SnakeCaseJSON.decode(ModelBundle.Header.self, from: data)) != nil
                || (try? SnakeCaseJSON.decode(TaggerHeader.self, from: data)) != nil
        default:
            return nil
        }
        return accepted
    }
}
