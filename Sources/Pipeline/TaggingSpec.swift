import Classify
import Foundation
import Ingest
import Tagging
import TextCore

/// A sequence-labelling spec (`task: tagging`): where the tagged sentences come from, how tags are written,
/// the token features and the taggers to compare.
public struct TaggingSpec: Sendable, Hashable {
    public var dataset: String?
    public var train: [SequenceSource]
    public var test: [SequenceSource]?
    /// How the files write their tags.
    public var scheme: TagScheme
    /// The scheme models are trained and scored in (default: the files' own).
    public var convertTo: TagScheme?
    public var features: TokenFeatureConfiguration
    public var taggers: [NamedTagger]
    /// Held-out fraction of sentences when there is no test file.
    public var testFraction: Double
    public var splitSeed: UInt64
    /// Misclassified sentences shown per tagger in the report.
    public var errorExamples: Int
    public var modelScheme: TagScheme { convertTo ?? scheme }
}

/// The taggers a spec can name.
public enum TaggerSpec: Sendable, Codable, Hashable {
    case hmm(HiddenMarkovModelConfiguration)
    case tokenClassifier(TokenClassifierConfiguration)
    case perceptron(StructuredPerceptronConfiguration)
    case crf(ConditionalRandomFieldConfiguration)

    public static let kinds = ["hmm", "token_classifier", "perceptron", "crf"]

    public var kind: String {
        switch self {
        case .hmm: return "hmm"
        case .tokenClassifier: return "token_classifier"
        case .perceptron: return "perceptron"
        case .crf: return "crf"
        }
    }

    /// HMMs are generative; a per-token classifier has its classifier's family; perceptron and CRF are discriminative.
    public var family: ModelFamily {
        switch self {
        case .hmm: return .generative
        case .tokenClassifier(let c): return c.classifier.family
        case .perceptron, .crf: return .discriminative
        }
    }

    /// What the tagger is, in words, for the report.
    public var summary: String {
        switch self {
        case .hmm(let c): return "hidden Markov model, order \(c.order) (Viterbi)"
        case .tokenClassifier(let c):
            return "per-token \(c.classifier.kind) on window features" + (c.vectors.map { " + \($0.summary)" } ?? "")
        case .perceptron(let c): return "averaged structured perceptron, \(c.epochs) epochs (Viterbi)"
        case .crf(let c):
            return "linear-chain CRF, L-BFGS, c1 \(c.c1), c2 \(c.c2), at most \(c.maxIterations) iterations (Viterbi)"
        }
    }

    public func fit(
        _ sentences: [TaggedSentence], tags: [String], features: TokenFeatureConfiguration, seed: UInt64,
        vectors: TokenVectorSource? = nil, log: ((String) -> Void)? = nil
    ) throws -> any SequenceTagger {
        switch self {
        case .hmm(let c): return try HiddenMarkovModel.fit(c, sentences: sentences, tags: tags)
        case .tokenClassifier(var c):
            c.features = features
            return try TokenClassifierTagger.fit(c, sentences: sentences, tags: tags, seed: seed, vectors: vectors)
        case .perceptron(var c):
            c.features = features
            return try StructuredPerceptron.fit(c, sentences: sentences, tags: tags, seed: seed)
        case .crf(var c):
            c.features = features
            return try ConditionalRandomField.fit(c, sentences: sentences, tags: tags, log: log)
        }
    }
}

/// A tagger with the name it has in reports.
public struct NamedTagger: Sendable, Hashable, NamedItem {
    public var name: String
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

    static func decodeTagger(_ kind: String, _ params: SpecNode?, _ item: SpecNode) throws -> NamedTagger {
        let allowed: [String: [String]] = [
            "hmm": ["order", "suffix_length", "rare_word_count"], "perceptron": ["epochs"],
            "crf": ["c1", "c2", "max_iterations", "period", "delta", "threads"],
            "token_classifier": ["classifier", "vectors"]
        ]
        let m = try params?.mapping(allowed: ["name"] + allowed[kind, default: []]) ?? [:]
        let name = try m["name"]?.string() ?? kind
        func number(_ key: String, _ value: Double, min: Double = 0) throws -> Double {
            guard let v = m[key] else { return value }
            let d = try v.double()
            guard d >= min else { throw v.error("\(key) must be >= \(min), got \(d)") }
            return d
        }
        switch kind {
        case "hmm":
            var c = HiddenMarkovModelConfiguration()
            if let v = m["order"] {
                c.order = try v.int(min: 1)
                guard c.order <= 2 else { throw v.error("order is 1 or 2, got \(c.order)") }
            }
            if let v = m["suffix_length"] { c.suffixLength = try v.int(min: 0) }
            if let v = m["rare_word_count"] { c.rareWordCount = try v.int(min: 1) }
            return NamedTagger(name: m["name"] == nil && c.order == 2 ? "hmm2" : name, spec: .hmm(c))
        case "perceptron":
            var c = StructuredPerceptronConfiguration()
            if let v = m["epochs"] { c.epochs = try v.int(min: 1) }
            return NamedTagger(name: name, spec: .perceptron(c))
        case "crf":
            var c = ConditionalRandomFieldConfiguration()
            c.c1 = try number("c1", c.c1)
            c.c2 = try number("c2", c.c2)
            c.delta = try number("delta", c.delta)
            if let v = m["max_iterations"] { c.maxIterations = try v.int(min: 1) }
            if let v = m["period"] { c.period = try v.int(min: 0) }
            if let v = m["threads"] { c.threads = try v.int(min: 0) }
            return NamedTagger(name: name, spec: .crf(c))
        default:
            guard let classifierNode = m["classifier"] else {
                throw item.error(
                    "token_classifier needs a 'classifier' (\(ClassifierSpec.kinds.joined(separator: ", ")))")
            }
            let decoded = try decodeList(
                SpecNode(
                    node: .sequence(.init([classifierNode.node])), file: classifierNode.file, path: classifierNode.path),
                file: classifierNode.file, key: "classifiers", kinds: ClassifierSpec.kinds, decodeClassifier)[0]
            var c = TokenClassifierConfiguration(classifier: decoded.spec)
            if let v = m["vectors"] {
                let vm = try v.mapping(allowed: ["word2vec", "bert", "max_length"])
                if let w = vm["word2vec"] {
                    c.vectors = .wordVectors(file: try w.string())
                } else if let b = vm["bert"] {
                    c.vectors = .bert(model: try b.string(), maxLength: try vm["max_length"]?.int(min: 2) ?? 128)
                } else {
                    throw v.error("vectors is {word2vec: FILE or googlenews-vectors} or {bert: minilm or FOLDER}")
                }
            }
            return NamedTagger(name: m["name"] == nil ? "token_\(decoded.name)" : name, spec: .tokenClassifier(c))
        }
    }
}
