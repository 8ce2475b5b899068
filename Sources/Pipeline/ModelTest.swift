import Evaluate
import Foundation
import Ingest
import TextCore

/// `textpipe test`: a saved model scored on labelled documents it has not seen, as fastText's `test` does: N,
/// accuracy, macro-F1, the per-class table, precision and recall at k.
///
/// With gold label sets G_d (one label each, or several on fastText lines) and the model's k best labels T_d:
/// P@k = sum |T_d ∩ G_d| / (N k), R@k = sum |T_d ∩ G_d| / sum |G_d|. Accuracy is the share of documents whose best
/// label is in G_d; the per-class table and macro-F1 use each document's first gold label (scikit-learn's
/// `classification_report` on single-label data).
public struct ModelTest: Codable, Sendable {
    /// A labelled file's layout.
    public enum Format: String, Sendable, CaseIterable, Codable {
        /// Comma-separated, with a header naming the text and label columns.
        case csv
        /// Tab-separated, likewise.
        case tsv
        /// JSON Lines with text and label fields.
        case jsonl
        /// fastText's lines: `__label__pos __label__funny the text ...`.
        case fasttext

        /// The format a file name suggests: `.csv`, `.tsv`, `.jsonl`/`.json`, else fastText lines.
        public static func guess(_ path: String) -> Format {
            switch URL(fileURLWithPath: path).pathExtension.lowercased() {
            case "csv": return .csv
            case "tsv": return .tsv
            case "jsonl", "json", "ndjson": return .jsonl
            default: return .fasttext
            }
        }
    }

    /// One labelled document.
    public struct Example: Sendable {
        /// `file:line`.
        public var source: String
        /// The raw text.
        public var text: String
        /// Its gold labels (one, or several on fastText lines).
        public var labels: [String]
    }

    /// Documents scored.
    public var n: Int
    /// The k of P@k and R@k.
    public var k: Int
    /// Share of documents whose best label is one of theirs.
    public var accuracy: Double
    /// Mean F1 over classes present in gold or predictions (first gold label).
    public var macroF1: Double
    /// Precision at k.
    public var precisionAtK: Double
    /// Recall at k.
    public var recallAtK: Double
    /// Per class: precision, recall, F1, support (first gold label).
    public var perClass: [ClassMetrics]
    /// Gold labels the model does not know, with their documents (always scored as errors).
    public var unknownLabels: [String: Int]
    /// Documents with no feature the model knows (their label is the model's prior).
    public var documentsWithoutKnownFeatures: Int

    /// Reads labelled documents: `textColumn`/`labelColumn` for CSV, TSV and JSON Lines, `labelPrefix` for fastText
    /// lines. A document without a label is an error naming its file and line.
    public static func read(
        _ file: String, format: Format, textColumn: String, labelColumn: String, labelPrefix: String
    ) throws -> [Example] {
        switch format {
        case .csv, .tsv, .jsonl:
            var source = SourceConfiguration(path: file, format: CorpusFormat(rawValue: format.rawValue) ?? .csv)
            source.textColumn = textColumn
            source.labelColumn = labelColumn
            let reader = CorpusReader(baseDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            return try reader.read(source).documents.map { d in
                guard let label = d.label, !label.isEmpty else {
                    throw TextpipeError(.input, "no label", file: d.source)
                }
                return Example(source: d.source, text: d.text, labels: [label])
            }
        case .fasttext:
            guard let data = FileManager.default.contents(atPath: file) else {
                throw TextpipeError(.io, "cannot read file", file: file)
            }
            var out: [Example] = []
            for (i, line) in String(decoding: data, as: UTF8.self).textLines().enumerated() {
                let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard !words.isEmpty else { continue }
                let labels = words.prefix { $0.hasPrefix(labelPrefix) }.map { String($0.dropFirst(labelPrefix.count)) }
                guard !labels.isEmpty, !labels.contains("") else {
                    throw TextpipeError(
                        .input, "no label: a line starts with \(labelPrefix)LABEL (fastText format)", file: file,
                        line: i + 1)
                }
                out.append(
                    Example(
                        source: "\(file):\(i + 1)", text: words.dropFirst(labels.count).joined(separator: " "),
                        labels: labels))
            }
            return out
        }
    }

    /// Scores `model` on `examples`.
    public init(model: ModelBundle, examples: [Example], k: Int) throws {
        let labels = model.header.labels
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let predictions = try model.predict(examples.map { Document(source: $0.source, text: $0.text, label: nil) })
        var all = labels
        var unknown: [String: Int] = [:]
        var gold: [Int] = []
        var predicted: [Int] = []
        var hits = 0
        var goldCount = 0
        var topRight = 0
        for (e, p) in zip(examples, predictions) {
            for l in e.labels where index[l] == nil { unknown[l, default: 0] += 1 }
            let first = e.labels[0]
            if index[first] == nil && !all.contains(first) { all.append(first) }
            gold.append(index[first] ?? all.firstIndex(of: first) ?? 0)
            predicted.append(index[p.label] ?? 0)
            let top = Set(p.top(k, labels: labels).map(\.label))
            hits += Set(e.labels).intersection(top).count
            goldCount += Set(e.labels).count
            if e.labels.contains(p.label) { topRight += 1 }
        }
        let metrics = Metrics(gold: gold, predicted: predicted, probabilities: nil, labels: all)
        n = examples.count
        self.k = k
        accuracy = n == 0 ? 0 : Double(topRight) / Double(n)
        macroF1 = metrics.macroF1
        precisionAtK = n == 0 ? 0 : Double(hits) / Double(n * k)
        recallAtK = goldCount == 0 ? 0 : Double(hits) / Double(goldCount)
        perClass = metrics.perClass.filter { $0.support > 0 || index[$0.label] != nil }
        unknownLabels = unknown
        documentsWithoutKnownFeatures = predictions.filter { !$0.hasKnownFeatures }.count
    }
}
