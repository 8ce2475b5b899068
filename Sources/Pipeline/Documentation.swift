import Classify
import Featurize
import Foundation
import Ingest
import Tagging
import TextCore
import Tokenize

/// The README's reference tables, generated from the registries so that docs and code cannot drift apart.
///
/// The README keeps each table between `<!-- NAME:begin -->` and `<!-- NAME:end -->`; `textpipe docs --update README.md`
/// rewrites them and a test fails when the README and the registries disagree.
public enum Documentation {
    /// Every generated table by its marker name.
    public static var tables: [(name: String, markdown: String)] {
        [
            ("classifiers", classifierTable), ("classifier-keys", classifierKeyTable),
            ("feature-sets", featureSetTable), ("feature-set-keys", featureSetKeyTable),
            ("taggers", taggerTable), ("tagger-keys", taggerKeyTable), ("section-keys", sectionKeyTable)
        ]
    }

    /// One row per key of the top-level sections whose settings declare their keys.
    public static var sectionKeyTable: String {
        keyTable(
            "section",
            [
                ("clean", CleanConfiguration.documentation), ("tokenize", TokenizeConfiguration.documentation),
                ("search", SearchSettings.documentation), ("report", ReportSpec.documentation)
            ])
    }

    /// One row per classifier: name, family, what it is, capabilities.
    public static var classifierTable: String {
        var lines = ["| name | family | what it is | capabilities |", "|---|---|---|---|"]
        for type in ClassifierRegistry.all {
            let family = type.family == .generative ? "G" : "D"
            lines.append(
                "| `\(type.kind)` | \(family) | \(cell(type.summary)) | \(type.capabilities.names.joined(separator: ", ")) |"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// One row per spec key of every classifier: default, accepted values, meaning. Every classifier also takes `name`.
    public static var classifierKeyTable: String {
        keyTable("classifier", ClassifierRegistry.all.map { ($0.kind, $0.documentation) })
    }

    /// One row per key of each kind: `| kind | key | default | values | meaning |`.
    static func keyTable(_ family: String, _ kinds: [(kind: String, keys: [ParameterDocumentation])]) -> String {
        var lines = ["| \(family) | key | default | values | meaning |", "|---|---|---|---|---|"]
        for (kind, keys) in kinds {
            for p in keys {
                lines.append(
                    "| `\(kind)` | `\(p.key)` | `\(p.defaultValue)` | \(cell(p.type.summary)) | \(cell(p.summary)) |")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// One row per feature set: name, what it is, what the features look like to a classifier.
    public static var featureSetTable: String {
        var lines = ["| name | what it is | features |", "|---|---|---|"]
        for type in FeatureSetRegistry.all {
            let shape = type.init().configuration.shape
            let looks = shape.isSparse ? "sparse, non-negative" : "dense, signed"
            lines.append("| `\(type.kind)` | \(cell(type.summary)) | \(looks) |")
        }
        return lines.joined(separator: "\n")
    }

    /// One row per spec key of every feature set. Every feature set also takes `name`.
    public static var featureSetKeyTable: String {
        keyTable("feature set", FeatureSetRegistry.all.map { ($0.kind, $0.documentation) })
    }

    /// One row per tagger: name, family, what it is.
    public static var taggerTable: String {
        var lines = ["| name | family | what it is |", "|---|---|---|"]
        for type in TaggerRegistry.all {
            let family =
                type.kind == "token_classifier" ? "the classifier's" : type.init().family == .generative ? "G" : "D"
            lines.append("| `\(type.kind)` | \(family) | \(cell(type.summary)) |")
        }
        return lines.joined(separator: "\n")
    }

    /// One row per spec key of every tagger. Every tagger also takes `name`.
    public static var taggerKeyTable: String {
        keyTable("tagger", TaggerRegistry.all.map { ($0.kind, $0.documentation) })
    }

    static func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }

    /// The README text with every generated table replaced by its current form; throws if a marker is missing.
    public static func updating(readme: String) throws -> String {
        var text = readme
        for (name, markdown) in tables {
            let begin = "<!-- \(name):begin -->"
            let end = "<!-- \(name):end -->"
            guard let b = text.range(of: begin), let e = text.range(of: end, range: b.upperBound..<text.endIndex) else {
                throw TextpipeError(
                    .input, "the README has no '\(begin)' ... '\(end)' block for the generated \(name) table")
            }
            text.replaceSubrange(b.upperBound..<e.lowerBound, with: "\n" + markdown + "\n")
        }
        return text
    }
}
