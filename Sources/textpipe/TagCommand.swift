import ArgumentParser
import Foundation
import Pipeline
import TextCore

struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Tag sentences with a saved tagger (NER, POS, word segmentation).",
        discussion: """
            MODEL is a tagger folder from a tagging report (reports/<name>/latest/models/<tagger>). \
            Input (--input): `plain` (default) is one sentence a line, tokens separated by spaces; for a segmentation \
            tagger (scheme bmes) each character of the line is a token and spaces are ignored. `conll` is one token a \
            line (first column), blank lines between sentences. '-' reads standard input. \
            Output (--output): `word_tag` (`word/TAG`, a sentence a line; the default except for segmentation), \
            `conll` (token TAB tag, blank line between sentences), or `segmented` (the words separated by spaces; the \
            default for segmentation taggers).
            """)

    enum InputFormat: String, ExpressibleByArgument, CaseIterable { case plain, conll }
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case wordTag = "word_tag"
        case conll, segmented
    }

    @Option(help: "The saved tagger folder.") var model: String
    @Option(help: "plain or conll.") var input: InputFormat = .plain
    @Option(help: "word_tag, conll or segmented (default: segmented for segmentation taggers, else word_tag).")
    var output: OutputFormat?
    @Argument(help: "Files to tag ('-' for standard input).") var files: [String]

    func run() throws {
        try Textpipe.guarded {
            guard !files.isEmpty else {
                throw TextpipeError(.usage, "give at least one FILE (or '-' for standard input)")
            }
            let (header, tagger) = try TaggerHeader.loadTagger(URL(fileURLWithPath: model))
            let segmentation = header.scheme == .bmes
            let format = output ?? (segmentation ? .segmented : .wordTag)
            if format == .segmented && !segmentation {
                throw TextpipeError(
                    .usage,
                    "--output segmented needs a segmentation tagger (this one writes \(header.scheme.rawValue) tags)",
                    key: "--output")
            }
            var sentences: [[String]] = []
            for file in files {
                let data = try Textpipe.readInput(file)
                let lines = String(decoding: data, as: UTF8.self).split(
                    omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
                switch input {
                case .plain:
                    for line in lines {
                        let tokens =
                            segmentation
                            ? line.filter { !$0.isWhitespace }.map(String.init)
                            : line.split(whereSeparator: \.isWhitespace).map(String.init)
                        if !tokens.isEmpty { sentences.append(tokens) }
                    }
                case .conll:
                    var current: [String] = []
                    for line in lines {
                        guard let first = line.split(whereSeparator: \.isWhitespace).first else {
                            if !current.isEmpty {
                                sentences.append(current)
                                current = []
                            }
                            continue
                        }
                        if first != "-DOCSTART-" { current.append(String(first)) }
                    }
                    if !current.isEmpty { sentences.append(current) }
                }
            }
            var out = ""
            for (tokens, tags) in zip(sentences, try tagger.predict(sentences)) {
                switch format {
                case .wordTag: out += zip(tokens, tags).map { "\($0)/\($1)" }.joined(separator: " ") + "\n"
                case .conll: out += zip(tokens, tags).map { "\($0)\t\($1)\n" }.joined() + "\n"
                case .segmented:
                    out +=
                        TagSchemes.chunks(tags, scheme: .bmes).map { tokens[$0.start..<$0.end].joined() }.joined(
                            separator: " ") + "\n"
                }
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}
