import ArgumentParser
import Foundation
import Pipeline
import TextCore

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Score a saved model on labelled documents: N, accuracy, macro-F1, per-class table, P@k and R@k.",
        discussion: """
            FILEs are CSV, TSV or JSON Lines (text and label columns: --text-column, --label-column) or fastText \
            lines (`__label__pos the text`, several labels allowed), told apart by extension (.csv, .tsv, .jsonl; \
            anything else is fastText lines) unless --format says. P@k = labels right among the k best / (N k); \
            R@k = labels right among the k best / gold labels. Gold labels the model does not know count as errors \
            and are listed. Exit 3 on a file without labels or a missing column, naming the file and line.
            """)

    @Option(help: "The saved model folder (for example reports/NAME/latest/models/best).") var model: String
    @Option(help: "csv, tsv, jsonl or fasttext (default: from each file's extension).") var format: ModelTest.Format?
    @Option(help: "The text column or field (CSV, TSV, JSON Lines).") var textColumn = "text"
    @Option(help: "The label column or field (CSV, TSV, JSON Lines).") var labelColumn = "label"
    @Option(help: "The label prefix of fastText lines.") var labelPrefix = "__label__"
    @Option(name: .short, help: ArgumentHelp("The k of precision and recall at k.", valueName: "k")) var k = 1
    @Flag(help: "Print the result as one JSON object.") var json = false
    @Argument(help: "Labelled files.") var files: [String]

    func run() throws {
        try Textpipe.guarded {
            guard k >= 1 else { throw TextpipeError(.usage, "must be at least 1, got \(k)", key: "-k") }
            guard !files.isEmpty else { throw TextpipeError(.usage, "give at least one labelled FILE") }
            let bundle = try ModelBundle.load(from: URL(fileURLWithPath: model))
            var examples: [ModelTest.Example] = []
            for file in files {
                examples += try ModelTest.read(
                    file, format: format ?? .guess(file), textColumn: textColumn, labelColumn: labelColumn,
                    labelPrefix: labelPrefix)
            }
            guard !examples.isEmpty else {
                throw TextpipeError(.input, "no labelled documents in \(files.joined(separator: ", "))")
            }
            let result = try ModelTest(model: bundle, examples: examples, k: k)
            if json {
                print(String(decoding: try SnakeCaseJSON.encode(result), as: UTF8.self))
                return
            }
            let h = bundle.header
            print(
                "model: \(model) (\(h.features) + \(h.classifier), \(h.labels.count) classes, trained on "
                    + "\(h.trainedOn) documents)"
            )
            print("N\t\(result.n)")
            print(String(format: "accuracy\t%.4f", result.accuracy))
            print(String(format: "macro-F1\t%.4f", result.macroF1))
            print(String(format: "P@%d\t%.4f", k, result.precisionAtK))
            print(String(format: "R@%d\t%.4f", k, result.recallAtK))
            print("")
            print(Textpipe.padded("class", 24) + "  precision     recall         F1    support")
            for c in result.perClass {
                print(
                    Textpipe.padded(c.label, 24)
                        + String(format: "  %9.4f  %9.4f  %9.4f  %9d", c.precision, c.recall, c.f1, c.support))
            }
            if !result.unknownLabels.isEmpty {
                StandardError.always(
                    "warning: labels the model does not know (scored as errors): "
                        + result.unknownLabels.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(
                            separator: ", "))
            }
            if result.documentsWithoutKnownFeatures > 0 {
                StandardError.always(
                    "warning: \(result.documentsWithoutKnownFeatures) document(s) had no feature the model knows")
            }
        }
    }
}

extension ModelTest.Format: ExpressibleByArgument {}
