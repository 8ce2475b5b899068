import Classify
import Foundation
import Ingest
import Tagging
import TextCore

/// A sequence-labelling spec (`task: tagging`): where the tagged sentences come from, how tags are written,
/// the token features and the taggers to compare.
public struct TaggingSpec: Sendable, Hashable {
    /// A catalog dataset, or nil for the user's files.
    public var dataset: String?
    /// Training sources.
    public var train: [SequenceSource]
    /// Test sources, if any.
    public var test: [SequenceSource]?
    /// How the files write their tags.
    public var scheme: TagScheme
    /// The scheme models are trained and scored in (default: the files' own).
    public var convertTo: TagScheme?
    /// Token features for the taggers that use them.
    public var features: TokenFeatureConfiguration
    /// The taggers to compare.
    public var taggers: [NamedTagger]
    /// Held-out fraction of sentences when there is no test file.
    public var testFraction: Double
    /// Seed of the held-out split.
    public var splitSeed: UInt64
    /// Misclassified sentences shown per tagger in the report.
    public var errorExamples: Int
    /// The scheme models are trained and scored in.
    public var modelScheme: TagScheme { convertTo ?? scheme }
}

/// A tagger with the name it has in reports.
public struct NamedTagger: Sendable, Hashable, NamedItem {
    /// Its name in reports.
    public var name: String
    /// Its settings.
    public var spec: TaggerSpec
}

extension SpecDecoder {
    static let taggingTopKeys = [
        "name", "task", "data", "features", "taggers", "evaluate", "report", "seed", "work_dir"
    ]

    /// Decodes the tagging part of a spec whose `task` is `tagging`.
    static func decodeTagging(_ top: [String: SpecNode], file: String) throws -> TaggingSpec {
        guard let dataNode = top["data"] else {
            throw TextpipeError(.spec, "missing required key 'data'", file: file, line: 1)
        }
        let d = try dataNode.mapping(allowed: ["dataset", "train", "test", "scheme", "convert_to"])
        var spec = TaggingSpec(
            dataset: nil, train: [], test: nil, scheme: .none, convertTo: nil, features: TokenFeatureConfiguration(),
            taggers: [], testFraction: 0.1, splitSeed: 1, errorExamples: 8)
        if let ds = d["dataset"] {
            let name = try ds.string()
            let names = SequenceCatalog.entries.map(\.name)
            guard let entry = SequenceCatalog.entry(named: name) else {
                var message = "unknown tagging dataset '\(name)'"
                if let g = SpecNode.closest(name, names) { message += " (did you mean '\(g)'?)" }
                throw ds.error(message + "; known: \(names.joined(separator: ", ")) (or give train: {path, format})")
            }
            if let extra = ["train", "test"].lazy.compactMap({ d[$0] }).first {
                throw extra.error("give either 'dataset' or your own 'train'/'test' files, not both")
            }
            spec.dataset = name
            spec.train = entry.sources
            spec.scheme = entry.scheme
        } else {
            guard let trainNode = d["train"] else {
                throw dataNode.error(
                    "give 'dataset: NAME' (see `textpipe data list`) or 'train: {path: ..., format: ...}'")
            }
            spec.train = try decodeSequenceSources(trainNode)
            spec.test = try d["test"].map(decodeSequenceSources)
            guard let schemeNode = d["scheme"] else {
                throw dataNode.error(
                    "missing required key 'scheme' (how the files write tags): \(TagScheme.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            spec.scheme = try schemeNode.choice(TagScheme.self)
        }
        if let v = d["scheme"], spec.dataset != nil { spec.scheme = try v.choice(TagScheme.self) }
        if let v = d["convert_to"] {
            let to = try v.choice(TagScheme.self)
            if (spec.scheme == .none) != (to == .none) {
                throw v.error("plain tags (scheme none) have no chunks to convert")
            }
            spec.convertTo = to
        }
        if let f = top["features"] {
            let m = try f.mapping(allowed: ["kind", "window", "affixes"])
            if let v = m["kind"] { spec.features.kind = try v.choice(TokenFeatureConfiguration.Kind.self) }
            if let v = m["window"] { spec.features.window = try v.int(min: 0) }
            if let v = m["affixes"] { spec.features.affixes = try v.int(min: 0) }
        }
        spec.taggers = uniqueNames(
            try decodeList(top["taggers"], file: file, key: "taggers", kinds: TaggerSpec.kinds, decodeTagger))
        if let e = top["evaluate"] {
            let m = try e.mapping(allowed: ["split", "given_test", "error_examples"])
            if let s = m["split"] {
                let c = try s.mapping(allowed: ["test", "seed"])
                if let t = c["test"] {
                    spec.testFraction = try t.double()
                    guard spec.testFraction > 0, spec.testFraction < 1 else {
                        throw t.error("test is the held-out fraction, between 0 and 1; got \(spec.testFraction)")
                    }
                }
                spec.splitSeed = UInt64(try c["seed"]?.int(min: 0) ?? 1)
                if spec.test != nil {
                    throw s.error("the data has a test file; a split would ignore it (remove data.test or this split)")
                }
            }
            if let g = m["given_test"], try g.bool(), spec.test == nil { throw g.error("given_test needs data.test") }
            if let n = m["error_examples"] { spec.errorExamples = try n.int(min: 0) }
        }
        return spec
    }

    static func decodeSequenceSources(_ node: SpecNode) throws -> [SequenceSource] {
        let items: [SpecNode]
        if case .sequence = node.node { items = try node.list() } else { items = [node] }
        guard !items.isEmpty else { throw node.error("the list of sources is empty") }
        return try items.map { item in
            let m = try item.mapping(allowed: ["path", "format", "word_column", "tag_column", "conllu_tag"])
            guard let path = m["path"] else { throw item.error("missing required key 'path'") }
            guard let format = m["format"] else {
                throw item.error(
                    "missing required key 'format'; accepted values: \(SequenceFormat.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            var s = SequenceSource(path: try path.string(), format: try format.choice(SequenceFormat.self))
            if let v = m["word_column"] { s.wordColumn = try v.int() }
            if let v = m["tag_column"] { s.tagColumn = try v.int() }
            if let v = m["conllu_tag"] {
                s.conlluTag = try v.string()
                guard ["upos", "xpos"].contains(s.conlluTag) else {
                    throw v.error("conllu_tag is upos or xpos, got '\(s.conlluTag)'")
                }
            }
            return s
        }
    }

    /// Reads one tagger's settings: each kind accepts exactly the keys its settings declare.
    static func decodeTagger(_ kind: String, _ params: SpecNode?, _ item: SpecNode) throws -> NamedTagger {
        guard let type = TaggerRegistry.settings(kind: kind) else {
            throw item.error(
                "unknown tagger '\(kind)'; accepted values: \(TaggerRegistry.kinds.joined(separator: ", "))")
        }
        let m = try params?.mapping(allowed: ["name"] + type.documentation.map(\.key)) ?? [:]
        let settings = try decodeSettings(type, m, at: params ?? item)
        return NamedTagger(name: try m["name"]?.string() ?? settings.defaultName, spec: settings.spec)
    }
}
