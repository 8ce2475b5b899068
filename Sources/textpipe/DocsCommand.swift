import ArgumentParser
import Foundation
import Pipeline
import TextCore

/// `textpipe docs`: the README's reference tables, generated from the registries.
struct DocsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docs",
        abstract: "Print the reference tables generated from the registries (classifiers and their spec keys).",
        discussion:
            "With --update FILE, rewrites the generated blocks (<!-- NAME:begin --> ... <!-- NAME:end -->) of that README in place."
    )

    @Option(help: "Rewrite the generated tables of this README in place.") var update: String?

    func run() throws {
        try Textpipe.guarded {
            guard let update else {
                for (name, markdown) in Documentation.tables { print("<!-- \(name) -->\n\(markdown)\n") }
                return
            }
            let text = String(decoding: try Textpipe.readInput(update), as: UTF8.self)
            try AtomicFile.write(try Documentation.updating(readme: text), to: URL(fileURLWithPath: update))
            print("updated \(update)")
        }
    }
}
