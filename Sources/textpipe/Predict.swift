import ArgumentParser
import Foundation
import Pipeline
import TextCore

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Label documents with a saved model.",
        discussion: """
            MODEL is a model folder from a report (reports/<name>/latest/models/<features>__<classifier>, or \
            reports/<name>/latest/models/best for the best pair). Each FILE is one document, or with --lines each \
            non-empty line is one; '-' reads standard input. \
            Output: tab-separated source, label, each class's probability (models without probabilities print their \
            decision scores, marked score:), and a warning column. With -k N: source, then the N best labels each \
            with its probability, then the warning. --threshold P keeps only labels with probability >= P (the label \
            is empty when none reaches it). A document with no feature the model knows (no known word) gets the \
            model's prior; its warning says so, and a count goes to standard error. \
            --json prints one JSON object per document, probabilities rounded to 4 decimals. \
            With --stdin, standard input is JSON Lines ({"id": ..., "text": ...} per line) and the output one JSON \
            line per record, as `textpipe stream predict` (the same code; constant memory, for Unix pipes).
            """)

    @Option(help: "The saved model folder.") var model: String
    @Flag(help: "Treat each line of each file as one document.") var lines = false
    @Flag(help: "Print JSON lines instead of tab-separated values.") var json = false
    @Flag(help: "Read JSON Lines records from standard input, write one JSON line per record.") var stdin = false
    @Option(name: .short, help: ArgumentHelp("Print the N most probable labels of each document.", valueName: "N"))
    var k: Int?
    @Option(
        help: ArgumentHelp(
            "Keep only labels with probability >= P (0-1); needs a model with probabilities.", valueName: "P"))
    var threshold: Double?
    @Argument(help: "Files to label ('-' for standard input).") var files: [String] = []

    /// The warning of a document with no known feature.
    static let noKnownFeature = "no known feature: the label is the model's prior"

    func run() throws {
        try Textpipe.guarded {
            if let k, k < 1 { throw TextpipeError(.usage, "must be at least 1, got \(k)", key: "-k") }
            if let threshold, !(0...1).contains(threshold) {
                throw TextpipeError(.usage, "a probability between 0 and 1, got \(threshold)", key: "--threshold")
            }
            if stdin {
                guard files.isEmpty else { throw TextpipeError(.usage, "--stdin reads standard input; give no FILE") }
                guard k == nil, threshold == nil else {
                    throw TextpipeError(.usage, "-k and --threshold work on files; --stdin prints every class")
                }
                var mode = PredictStream(model: try ModelBundle.load(from: URL(fileURLWithPath: model)))
                try StreamRunner.run(&mode)
                return
            }
            guard !files.isEmpty else {
                throw TextpipeError(.usage, "give at least one FILE (or '-' for standard input)")
            }
            let bundle = try ModelBundle.load(from: URL(fileURLWithPath: model))
            if threshold != nil && bundle.classifier.scoreKind == .decision {
                throw TextpipeError(
                    .usage, "\(bundle.header.classifierKind) gives decision scores, not probabilities",
                    key: "--threshold")
            }
            var documents: [Document] = []
            for file in files {
                let data = try Textpipe.readInput(file)
                let text = String(decoding: data, as: UTF8.self)
                if lines {
                    for (i, line) in text.textLines().enumerated()
                    where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                        documents.append(Document(source: "\(file):\(i + 1)", text: String(line), label: nil))
                    }
                } else {
                    documents.append(Document(source: file, text: text, label: nil))
                }
            }
            let labels = bundle.header.labels
            let probabilistic = bundle.classifier.scoreKind != .decision
            if !json {
                if let k {
                    print(
                        (["source"]
                            + (1...k).flatMap { ["label\($0)", probabilistic ? "p\($0)" : "score\($0)"] } + ["warning"])
                            .joined(separator: "\t"))
                } else {
                    let columns = labels.map { probabilistic ? "p:\($0)" : "score:\($0)" }
                    print((["source", "label"] + columns + ["warning"]).joined(separator: "\t"))
                }
            }
            var unknown = 0
            for p in try bundle.predict(documents) {
                let warning = p.hasKnownFeatures ? "" : Self.noKnownFeature
                if !p.hasKnownFeatures { unknown += 1 }
                var top = p.top(k ?? labels.count, labels: labels)
                if let threshold { top = top.filter { $0.value >= threshold } }
                let label = threshold == nil ? p.label : top.first?.label ?? ""
                if json {
                    var fields = [
                        "\"source\":" + JSONValue.quote(p.source),
                        "\"label\":" + (label.isEmpty ? "null" : JSONValue.quote(label))
                    ]
                    let name = probabilistic ? "probability" : "score"
                    if k != nil || threshold != nil {
                        fields.append(
                            "\"top\":["
                                + top.map {
                                    "{\"label\":\(JSONValue.quote($0.label)),"
                                        + "\"\(name)\":\(JSONValue.rounded($0.value))}"
                                }
                                .joined(separator: ",") + "]")
                    } else {
                        let values = p.probabilities.map { probs in labels.map { probs[$0] ?? 0 } } ?? p.scores
                        fields.append(
                            "\"\(probabilistic ? "probabilities" : "scores")\":{"
                                + zip(labels, values).map { JSONValue.quote($0.0) + ":" + JSONValue.rounded($0.1) }
                                .joined(
                                    separator: ",") + "}")
                    }
                    if !warning.isEmpty { fields.append("\"warning\":" + JSONValue.quote(warning)) }
                    print("{" + fields.joined(separator: ",") + "}")
                } else if let k {
                    var cells = [p.source]
                    for i in 0..<k {
                        cells += i < top.count ? [top[i].label, String(format: "%.6f", top[i].value)] : ["", ""]
                    }
                    print((cells + [warning]).joined(separator: "\t"))
                } else {
                    let values = p.probabilities.map { probs in labels.map { probs[$0] ?? 0 } } ?? p.scores
                    print(
                        ([p.source, label] + values.map { String(format: "%.6f", $0) } + [warning]).joined(
                            separator: "\t"))
                }
            }
            if unknown > 0 {
                StandardError.always(
                    "warning: \(unknown) of \(documents.count) document\(documents.count == 1 ? "" : "s") had no "
                        + "feature "
                        + "the model knows; their label is the model's prior (see the warning column)")
            }
        }
    }
}
