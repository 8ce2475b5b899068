import ArgumentParser
import Foundation
import Pipeline
import TextCore

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Label documents with a saved model.",
        discussion: """
            MODEL is a model folder from a report (reports/<name>/latest/models/<features>__<classifier>).
            Each FILE is one document, or with --lines each non-empty line is one; '-' reads standard input.
            Output: tab-separated source, label, then each class's probability (models without probabilities
            print their decision scores instead, marked score:).
            With --stdin, standard input is JSON Lines ({"id": ..., "text": ...} per line) and the output one JSON line
            per record, as `textpipe stream predict` (the same code; constant memory, for Unix pipes).
            """)

    @Option(help: "The saved model folder.") var model: String
    @Flag(help: "Treat each line of each file as one document.") var lines = false
    @Flag(help: "Print JSON lines instead of tab-separated values.") var json = false
    @Flag(help: "Read JSON Lines records from standard input, write one JSON line per record.") var stdin = false
    @Argument(help: "Files to label ('-' for standard input).") var files: [String] = []

    func run() throws {
        try Textpipe.guarded {
            if stdin {
                guard files.isEmpty else { throw TextpipeError(.usage, "--stdin reads standard input; give no FILE") }
                var mode = PredictStream(model: try ModelBundle.load(from: URL(fileURLWithPath: model)))
                try StreamRunner.run(&mode)
                return
            }
            guard !files.isEmpty else {
                throw TextpipeError(.usage, "give at least one FILE (or '-' for standard input)")
            }
            let bundle = try ModelBundle.load(from: URL(fileURLWithPath: model))
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
            if !json {
                let columns = labels.map { bundle.classifier.scoreKind == .decision ? "score:\($0)" : "p:\($0)" }
                print((["source", "label"] + columns).joined(separator: "\t"))
            }
            for p in try bundle.predict(documents) {
                let values = p.probabilities.map { probs in labels.map { probs[$0] ?? 0 } } ?? p.scores
                if json {
                    let obj: [String: Any] = [
                        "source": p.source, "label": p.label,
                        (p.probabilities == nil ? "scores" : "probabilities"): Dictionary(
                            uniqueKeysWithValues: zip(labels, values))
                    ]
                    let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    print(([p.source, p.label] + values.map { String(format: "%.6f", $0) }).joined(separator: "\t"))
                }
            }
        }
    }
}
