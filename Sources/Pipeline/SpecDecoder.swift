import Classify
import Evaluate
import Featurize
import Foundation
import Ingest
import Tagging
import TextCore
import Tokenize
import Yams

/// Reads a YAML spec into a `PipelineSpec`. Every mistake (a typo'd key, a wrong type, an unknown
/// classifier) is an error naming the file, line, key path and the accepted keys or values.
public enum SpecDecoder {
    static let topKeys = [
        "name", "data", "clean", "tokenize", "features", "classifiers", "evaluate", "report", "seed", "work_dir",
        "search"
    ]
    static let dataKeys = [
        "dataset", "train", "test", "text_column", "label_column", "encoding", "header", "skip_rows", "label_names"
    ]
    static let sourceKeys = [
        "path", "format", "text_column", "label_column", "header", "skip_rows", "encoding", "label",
        "label_prefix", "record", "text_xpath", "label_xpath", "label_names"
    ]

    /// Reads and checks a spec file.
    public static func load(path: String) throws -> PipelineSpec {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TextpipeError(.usage, "cannot read spec (missing or unreadable)", file: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TextpipeError(.spec, "spec is not valid UTF-8", file: path)
        }
        return try decode(text, file: path)
    }

    /// A pipeline name: it names a folder under `work_dir` and `report.out`, so it is letters, digits, `-`, `_` and `.`
    /// and does not start with `.` (`..` would make the work folder the work_dir's parent).
    static func pipelineName(_ node: SpecNode) throws -> String {
        let name = try node.string()
        guard !name.isEmpty, !name.hasPrefix("."), name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) })
        else {
            throw node.error("name must be letters, digits, '-', '_' or '.', not starting with '.', got '\(name)'")
        }
        return name
    }

    /// The deepest nesting of flow collections (`[` and `{`) a spec may have. YAML parsers recurse once per level,
    /// so 100,000 `[` would overflow the stack; a spec needs a handful.
    static let maximumNesting = 64

    /// Refuses text nested deeper than `maximumNesting` before any parser sees it (quoted text is skipped).
    static func checkNesting(_ yaml: String, file: String) throws {
        var depth = 0
        var line = 1
        var quote: UInt8? = nil
        for byte in yaml.utf8 {
            if byte == UInt8(ascii: "\n") { line += 1 }
            if let q = quote {
                if byte == q { quote = nil }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = byte
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maximumNesting {
                    throw TextpipeError(
                        .spec, "the spec nests lists or mappings more than \(maximumNesting) deep", file: file,
                        line: line)
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
            default: break
            }
        }
    }

    /// Decodes spec text; `file` names it in errors.
    public static func decode(_ yaml: String, file: String) throws -> PipelineSpec {
        let root: Node?
        try checkNesting(yaml, file: file)
        do { root = try Yams.compose(yaml: yaml) } catch let e as YamlError {
            switch e {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                .composer(_, let problem, let mark, _):
                // YAML indents with spaces only; a tab gets its own message, naming the character.
                let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
                let near = (mark.line - 1...mark.line + 1).filter { $0 >= 1 && $0 <= lines.count }
                let tabLine =
                    near.first { lines[$0 - 1].prefix { $0 == " " || $0 == "\t" }.contains("\t") }
                    ?? near.first { lines[$0 - 1].contains("\t") }
                if let tabLine {
                    throw TextpipeError(
                        .spec, "a tab character in the indentation; YAML indents with spaces only (\(problem))",
                        file: file,
                        line: tabLine)
                }
                throw TextpipeError(.spec, "invalid YAML: \(problem)", file: file, line: mark.line)
            default: throw TextpipeError(.spec, "invalid YAML: \(e)", file: file)
            }
        }
        guard let root else { throw TextpipeError(.spec, "the spec is empty", file: file) }
        let rootNode = SpecNode(node: root, file: file, path: "")
        // `task` decides which keys are allowed: documents (classification, the default) or tagging.
        var task = "classification"
        if case .mapping(let m) = root, let t = m["task"] {
            let taskNode = rootNode.child(t, "task")
            task = try taskNode.string()
            guard ["classification", "tagging"].contains(task) else {
                throw taskNode.error("task is classification or tagging, got '\(task)'")
            }
        }
        if task == "tagging" {
            let top = try rootNode.mapping(allowed: taggingTopKeys)
            guard let nameNode = top["name"] else {
                throw TextpipeError(.spec, "missing required key 'name'", file: file, line: 1)
            }
            let name = try pipelineName(nameNode)
            let tagging = try decodeTagging(top, file: file)
            return PipelineSpec(
                name: name, task: .tagging(tagging), report: try decodeReport(top["report"], name: name),
                seed: UInt64(try top["seed"]?.int(min: 0) ?? 1),
                workDirectory: try top["work_dir"]?.string() ?? "data/work",
                file: file, sha256: SHA256.hex(yaml))
        }
        let top = try rootNode.mapping(allowed: topKeys + ["task"])
        guard let nameNode = top["name"] else {
            throw TextpipeError(.spec, "missing required key 'name'", file: file, line: 1)
        }
        let name = try attempt { try pipelineName(nameNode) } ?? "pipeline"
        guard let dataNode = top["data"] else {
            throw TextpipeError(.spec, "missing required key 'data'", file: file, line: 1)
        }
        let data = try attempt { try decodeData(dataNode) } ?? DataSpec(dataset: nil, train: [], test: nil)
        let search = try attempt { try decodeSearch(top["search"]) } ?? SearchSettings()
        let features =
            try attempt {
                try decodeList(top["features"], file: file, key: "features", kinds: FeatureSetConfiguration.kinds) {
                    try decodeFeature($0, $1, $2, search: search)
                }
            } ?? []
        let classifiers =
            try attempt {
                try decodeList(top["classifiers"], file: file, key: "classifiers", kinds: ClassifierSpec.kinds) {
                    try decodeClassifier($0, $1, $2, search: search)
                }
            } ?? []
        let hasTest = data.test != nil || (data.dataset.flatMap { DatasetCatalog.entry(named: $0)?.test } != nil)
        let evaluation =
            try attempt { try decodeEvaluation(top["evaluate"], hasTest: hasTest) }
            ?? decodeEvaluation(nil, hasTest: hasTest)
        var classification = ClassificationSpec(
            data: data, clean: try attempt { try decodeClean(top["clean"]) } ?? decodeClean(nil),
            tokenize: try attempt { try decodeTokenize(top["tokenize"]) } ?? decodeTokenize(nil),
            features: uniqueNames(features), classifiers: uniqueNames(classifiers),
            evaluation: evaluation, learningCurve: try attempt { try decodeLearningCurve(top["evaluate"]) } ?? nil)
        classification.search = search
        return PipelineSpec(
            name: name, task: .classification(classification),
            report: try attempt { try decodeReport(top["report"], name: name) } ?? decodeReport(nil, name: name),
            seed: UInt64((try attempt { try top["seed"]?.int(min: 0) ?? 1 }) ?? 1),
            workDirectory: (try attempt { try top["work_dir"]?.string() ?? "data/work" }) ?? "data/work",
            file: file, sha256: SHA256.hex(yaml))
    }

    /// Errors of a spec gathered instead of thrown at the first, while `check` decodes it.
    final class ErrorCollector: @unchecked Sendable {
        var errors: [TextpipeError] = []
    }

    /// The collector of the `check` in progress on this task, if any.
    @TaskLocal static var collector: ErrorCollector?

    /// `body`'s value; when `check` is collecting errors, a `TextpipeError` it throws is recorded and nil returned so
    /// decoding goes on with the next part of the spec; otherwise errors propagate.
    static func attempt<T>(_ body: () throws -> T) throws -> T? {
        guard let collector else { return try body() }
        do { return try body() } catch let e as TextpipeError {
            collector.errors.append(e)
            return nil
        }
    }

    /// Every error of the spec at `path` at once, in line order, and the spec as far as it decoded (parts in error
    /// left at their defaults; use it only to check further, never to run): what `validate` reports. Sections
    /// decode independently (data, each feature set and classifier, evaluate, report, ...), and
    /// unknown keys are all listed; an error that stops the whole file (invalid YAML, no `name`) comes alone.
    public static func check(path: String) -> (spec: PipelineSpec?, errors: [TextpipeError]) {
        let collector = ErrorCollector()
        let spec: PipelineSpec?
        do {
            spec = try $collector.withValue(collector) { try load(path: path) }
        } catch let e as TextpipeError {
            collector.errors.append(e)
            spec = nil
        } catch {
            collector.errors.append(TextpipeError(.spec, "\(error)", file: path))
            spec = nil
        }
        let errors = collector.errors.enumerated().sorted { a, b in
            (a.element.line ?? 0, a.offset) < (b.element.line ?? 0, b.offset)
        }.map(\.element)
        return (spec, errors)
    }

    // MARK: data

    static func decodeData(_ node: SpecNode) throws -> DataSpec {
        let m = try node.mapping(allowed: dataKeys)
        var defaults = SourceConfiguration(path: "", format: .csv)
        var explicitDefaults = Set<String>()
        if let v = m["text_column"] {
            defaults.textColumn = try v.string()
            explicitDefaults.insert("text_column")
        }
        if let v = m["label_column"] {
            defaults.labelColumn = try v.string()
            explicitDefaults.insert("label_column")
        }
        if let v = m["encoding"] {
            defaults.encoding = try v.choice(TextEncoding.self)
            explicitDefaults.insert("encoding")
        }
        if let v = m["header"] {
            defaults.header = try v.bool()
            explicitDefaults.insert("header")
        }
        if let v = m["skip_rows"] {
            defaults.skipRows = try v.int(min: 0)
            explicitDefaults.insert("skip_rows")
        }
        if let v = m["label_names"] {
            defaults.labelNames = try stringMap(v)
            explicitDefaults.insert("label_names")
        }
        if let ds = m["dataset"] {
            let name = try ds.string()
            guard let entry = DatasetCatalog.entry(named: name) else {
                var message = "unknown dataset '\(name)'"
                if let g = SpecNode.closest(name, DatasetCatalog.names) { message += " (did you mean '\(g)'?)" }
                throw ds.error(
                    message
                        + "; known datasets: \(DatasetCatalog.names.joined(separator: ", ")) (or give train: and test: paths)"
                )
            }
            if let extra = ["train", "test"].lazy.compactMap({ m[$0] }).first {
                throw extra.error("give either 'dataset' or your own 'train'/'test' files, not both")
            }
            return DataSpec(dataset: entry.name, train: entry.train, test: entry.test)
        }
        guard let trainNode = m["train"] else {
            throw node.error("give 'dataset: NAME' (see `textpipe data list`) or 'train: {path: ..., format: ...}'")
        }
        let train = try decodeSources(trainNode, defaults: defaults, explicit: explicitDefaults)
        let test = try m["test"].map { try decodeSources($0, defaults: defaults, explicit: explicitDefaults) }
        return DataSpec(dataset: nil, train: train, test: test)
    }

    static func decodeSources(_ node: SpecNode, defaults: SourceConfiguration, explicit: Set<String>) throws
        -> [SourceConfiguration]
    {
        if case .sequence = node.node {
            let items = try node.list()
            guard !items.isEmpty else { throw node.error("the list of sources is empty") }
            return try items.map { try decodeSource($0, defaults: defaults, explicit: explicit) }
        }
        return [try decodeSource(node, defaults: defaults, explicit: explicit)]
    }

    static func decodeSource(_ node: SpecNode, defaults: SourceConfiguration, explicit: Set<String>) throws
        -> SourceConfiguration
    {
        let m = try node.mapping(allowed: sourceKeys)
        guard let path = m["path"] else { throw node.error("missing required key 'path'") }
        guard let formatNode = m["format"] else {
            throw node.error(
                "missing required key 'format'; accepted values: \(CorpusFormat.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        var s = defaults
        s.path = try path.string()
        s.format = try formatNode.choice(CorpusFormat.self)
        if s.format == .lines || s.format == .folders || s.format == .xml, !explicit.contains("label_column") {
            s.labelColumn = nil
        }
        if s.format == .jsonl && !explicit.contains("header") { s.header = false }
        if let v = m["text_column"] { s.textColumn = try v.string() }
        if let v = m["label_column"] { s.labelColumn = try v.string() }
        if let v = m["header"] { s.header = try v.bool() }
        if let v = m["skip_rows"] { s.skipRows = try v.int(min: 0) }
        if let v = m["encoding"] { s.encoding = try v.choice(TextEncoding.self) }
        if let v = m["label"] { s.label = try v.string() }
        if let v = m["label_prefix"] { s.labelPrefix = try v.string() }
        if let v = m["record"] { s.recordXPath = try v.string() }
        if let v = m["text_xpath"] { s.textXPath = try v.string() }
        if let v = m["label_xpath"] { s.labelXPath = try v.string() }
        if let v = m["label_names"] { s.labelNames = try stringMap(v) }
        for key in ["record", "text_xpath", "label_xpath"] where s.format != .xml && s.format != .folders {
            guard let given = m[key] else { continue }
            throw given.error("'\(key)' applies to format xml (or .xml files in folders) only")
        }
        if s.format == .lines, s.label == nil, s.labelPrefix == nil {
            throw node.error("format 'lines' needs 'label: NAME' (one file per class) or 'label_prefix: __label__'")
        }
        return s
    }

    static func stringMap(_ node: SpecNode) throws -> [String: String] {
        guard case .mapping(let mapping) = node.node else {
            throw node.error("expected a mapping of label renames, found \(node.typeName)")
        }
        var out: [String: String] = [:]
        for (k, v) in mapping {
            guard case .scalar(let ks) = k, case .scalar(let vs) = v else {
                throw node.error("label_names maps strings to strings")
            }
            out[ks.string] = vs.string
        }
        return out
    }

    // MARK: stages

    /// `clean:`, from the keys `CleanConfiguration` declares.
    static func decodeClean(_ node: SpecNode?) throws -> CleanConfiguration {
        try decodeSection(CleanConfiguration.self, node)
    }

    /// `tokenize:`, from the keys `TokenizeConfiguration` declares.
    static func decodeTokenize(_ node: SpecNode?) throws -> TokenizeConfiguration {
        try decodeSection(TokenizeConfiguration.self, node)
    }

    /// A top-level section whose keys its settings declare: each given key checked against its type and bounds.
    static func decodeSection<C: SpecConfigurable>(_: C.Type, _ node: SpecNode?) throws -> C {
        guard let node else { return C() }
        return try decodeSettings(C.self, try node.mapping(allowed: C.documentation.map(\.key)), at: node)
    }

    /// A list whose items are `kind` or `{kind: {params}}`.
    static func decodeList<T>(
        _ node: SpecNode?, file: String, key: String, kinds: [String],
        _ decodeItem: (String, SpecNode?, SpecNode) throws -> T
    ) throws -> [T] {
        guard let node else {
            throw TextpipeError(
                .spec, "missing required key '\(key)'; accepted entries: \(kinds.joined(separator: ", "))", file: file,
                line: 1)
        }
        let items = try node.list()
        guard !items.isEmpty else {
            throw node.error("'\(key)' needs at least one entry; accepted: \(kinds.joined(separator: ", "))")
        }
        return try items.compactMap { item in
            try attempt { try decodeListItem(item, file: file, key: key, kinds: kinds, decodeItem) }
        }
    }

    static func decodeListItem<T>(
        _ item: SpecNode, file: String, key: String, kinds: [String],
        _ decodeItem: (String, SpecNode?, SpecNode) throws -> T
    ) throws -> T {
        let kind: String
        let params: SpecNode?
        switch item.node {
        case .scalar:
            kind = try item.string()
            params = nil
        case .mapping(let m):
            guard m.count == 1, let (k, v) = m.first.map({ ($0.key, $0.value) }), case .scalar(let ks) = k else {
                throw item.error("each entry is one name with its settings, e.g. '- \(kinds[0]): {...}'")
            }
            kind = ks.string
            params = SpecNode(node: v, file: file, path: item.path + "." + kind)
        default: throw item.error("expected a name or a mapping, found \(item.typeName)")
        }
        guard kinds.contains(kind) else {
            let what = ["features": "feature set", "taggers": "tagger"][key, default: "classifier"]
            var message = "unknown \(what) '\(kind)'"
            if let g = SpecNode.closest(kind, kinds) { message += " (did you mean '\(g)'?)" }
            throw item.error(message + "; accepted values: \(kinds.joined(separator: ", "))")
        }
        return try decodeItem(kind, params?.isNull == true ? nil : params, item)
    }

    static func frequencyBound(_ node: SpecNode) throws -> FrequencyBound {
        guard case .scalar(let s) = node.node else {
            throw node.error("expected a count (2) or a fraction (0.95), found \(node.typeName)")
        }
        if let i = Int(s.string) {
            guard i >= 0 else { throw node.error("must be >= 0, got \(i)") }
            return .count(i)
        }
        if let d = Double(s.string), d >= 0, d <= 1 { return .fraction(d) }
        throw node.error("expected a count (2) or a fraction between 0 and 1 (0.95), found '\(s.string)'")
    }

    /// Reads one feature set's settings: each kind accepts exactly the keys its settings declare.
    static func decodeFeature(
        _ kind: String, _ params: SpecNode?, _ item: SpecNode, search: SearchSettings = SearchSettings()
    ) throws -> NamedFeatureSet {
        guard let type = FeatureSetRegistry.settings(kind: kind) else {
            throw item.error(
                "unknown feature set '\(kind)'; accepted values: \(FeatureSetRegistry.kinds.joined(separator: ", "))")
        }
        let m = try params?.mapping(allowed: ["name"] + type.documentation.map(\.key)) ?? [:]
        let name = try m["name"]?.string() ?? kind
        if let searched = try decodeSearchedFeature(type, name: name, m, at: params ?? item, search: search) {
            return searched
        }
        let settings = try decodeSettings(type, m, at: params ?? item)
        return NamedFeatureSet(name: name, configuration: settings.configuration)
    }

    static func decodePriors(_ node: SpecNode) throws -> ClassPriors {
        if case .sequence = node.node { return .given(try node.list().map { try $0.double() }) }
        switch try node.string() {
        case "learned": return .learned
        case "uniform": return .uniform
        default:
            throw node.error(
                "priors are 'learned', 'uniform' or a list of probabilities, one per class in sorted label order")
        }
    }

    static func decodeClassWeights(_ node: SpecNode) throws -> ClassWeights {
        if case .mapping = node.node {
            var out: [String: Double] = [:]
            for (k, v) in try node.mapping(allowed: try stringMap(node).keys.sorted()) {
                let w = try v.double()
                guard w > 0 else { throw v.error("class weights must be > 0, got \(w)") }
                out[k] = w
            }
            return .named(out)
        }
        switch try node.string() {
        case "balanced": return .balanced
        case "none", "uniform": return .uniform
        default: throw node.error("class_weight is 'balanced', 'none' or a mapping {label: weight}")
        }
    }

    /// Reads one classifier's settings: each kind accepts exactly the keys its configuration declares.
    static func decodeClassifier(
        _ kind: String, _ params: SpecNode?, _ item: SpecNode, search: SearchSettings = SearchSettings()
    ) throws -> NamedClassifier {
        guard let type = ClassifierRegistry.configuration(kind: kind) else {
            throw item.error(
                "unknown classifier '\(kind)'; accepted values: \(ClassifierRegistry.kinds.joined(separator: ", "))")
        }
        let m = try params?.mapping(allowed: ["name"] + type.parameterDocumentation.map(\.key)) ?? [:]
        let name = try m["name"]?.string() ?? kind
        if let searched = try decodeSearchedClassifier(type, name: name, m, at: params ?? item, search: search) {
            return searched
        }
        return NamedClassifier(
            name: try m["name"]?.string() ?? kind, spec: ClassifierSpec(try decodeSettings(type, m, at: params ?? item))
        )
    }

    /// Builds a configuration from its declared parameters: each given key is checked against its declared type and
    /// bounds (errors name the line and key), then the configuration's own cross-key checks run.
    static func decodeSettings<C: SpecConfigurable>(_: C.Type, _ m: [String: SpecNode], at fallback: SpecNode) throws
        -> C
    {
        var c = C()
        for p in C.parameters {
            guard let node = m[p.key] else { continue }
            try p.apply(try parameterValue(node, key: p.key, type: p.type), to: &c)
        }
        do { try c.validate(present: Set(m.keys)) } catch let conflict as SettingsConflict {
            throw (m[conflict.key] ?? fallback).error(conflict.message)
        }
        return c
    }

    /// Readers of the structured values settings may declare (`ParameterType.custom`), by tag.
    static func customValue(_ node: SpecNode, tag: String) throws -> AnyHashable {
        switch tag {
        case "classifier":
            // One classifier entry, read exactly as an entry of `classifiers:`.
            let list = SpecNode(node: .sequence(.init([node.node])), file: node.file, path: node.path)
            let decoded = try decodeList(list, file: node.file, key: "classifiers", kinds: ClassifierSpec.kinds) {
                try decodeClassifier($0, $1, $2)
            }
            // Under `validate` a bad entry is recorded and skipped: there may be nothing left to return.
            guard let first = decoded.first else { throw node.error("no valid classifier entry") }
            guard first.search == nil else {
                throw node.error("a nested classifier takes fixed settings; search its keys in `classifiers:` instead")
            }
            return first.spec
        case "text-list":
            return try node.list().map { try $0.string() }
        case "report-formats":
            let formats = try node.list().map { try $0.choice(ReportFormat.self) }
            guard !formats.isEmpty else { throw node.error("formats needs at least one of md, html, json") }
            return formats
        case "token-vectors":
            let vm = try node.mapping(allowed: ["word2vec", "bert", "max_length"])
            if let w = vm["word2vec"] { return TokenVectorSpec.wordVectors(file: try w.string()) }
            if let b = vm["bert"] {
                return TokenVectorSpec.bert(model: try b.string(), maxLength: try vm["max_length"]?.int(min: 2) ?? 128)
            }
            throw node.error("vectors is {word2vec: FILE or googlenews-vectors} or {bert: minilm or FOLDER}")
        default:
            throw TextpipeError(.internal, "no reader for setting values of type '\(tag)'", key: node.path)
        }
    }

    /// Reads a node as a value of a declared parameter type.
    static func parameterValue(_ node: SpecNode, key: String, type: ParameterType) throws -> ParameterValue {
        switch type {
        case .number:
            let d = try node.double()
            if let refusal = type.refusal(of: d, key: key) { throw node.error(refusal) }
            return .number(d)
        case .integer(let minimum, let allowsNone):
            if allowsNone, node.isNull || (try? node.string()) == "none" { return .integer(nil) }
            return .integer(try node.int(min: minimum))
        case .boolean: return .boolean(try node.bool())
        case .choice(let names):
            let s = try node.string()
            guard names.contains(s) else {
                var message = "unknown value '\(s)'"
                if let guess = SpecNode.closest(s, names) { message += " (did you mean '\(guess)'?)" }
                throw node.error(message + "; accepted values: \(names.joined(separator: ", "))")
            }
            return .choice(s)
        case .classWeights: return .classWeights(try decodeClassWeights(node))
        case .priors: return .priors(try decodePriors(node))
        case .countOrFraction(let names):
            guard case .scalar(let scalar) = node.node else {
                throw node.error("\(key) is \(type.summary), found \(node.typeName)")
            }
            let s = scalar.string
            if names.contains(s) { return .choice(s) }
            if let i = Int(s) {
                guard i >= 1 else { throw node.error("\(key) must be at least 1, got \(i)") }
                return .count(i)
            }
            if let d = Double(s), d.isFinite {
                guard d > 0, d <= 1 else { throw node.error("\(key) as a fraction must be in (0, 1], got \(d)") }
                return .fraction(d)
            }
            var message = "unknown value '\(s)' for \(key)"
            if let guess = SpecNode.closest(s, names) { message += " (did you mean '\(guess)'?)" }
            throw node.error(message + "; accepted: \(type.summary)")
        case .frequency:
            switch try frequencyBound(node) {
            case .count(let i): return .count(i)
            case .fraction(let d): return .fraction(d)
            }
        case .integerRange(let lo, let hi):
            if case .sequence = node.node {
                let range = try node.list().map { try $0.int(min: lo) }
                guard range.count == 2, range[0] <= range[1] else {
                    throw node.error("\(key) is one integer or [min, max] with min <= max")
                }
                guard range[1] <= hi else { throw node.error("\(key) above \(hi) is not supported") }
                return .range(range[0], range[1])
            }
            let n = try node.int(min: lo)
            guard n <= hi else { throw node.error("\(key) above \(hi) is not supported") }
            return .range(n, n)
        case .text: return .text(try node.string())
        case .custom(let tag, _): return .custom(CustomValue(try customValue(node, tag: tag)))
        }
    }

    static func format(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : "\(d)" }

    static func decodeEvaluation(_ node: SpecNode?, hasTest: Bool) throws -> EvaluationPlan {
        guard let node else { return hasTest ? .givenTest : .crossValidation(folds: 10, seed: 1) }
        let m = try node.mapping(allowed: ["cv", "split", "given_test", "learning_curve"]).filter {
            $0.key != "learning_curve"
        }
        if m.isEmpty { return hasTest ? .givenTest : .crossValidation(folds: 10, seed: 1) }
        guard m.count == 1, let (key, value) = m.first else {
            throw node.error("give exactly one of cv: {folds, seed}, split: {test, seed}, given_test: true")
        }
        switch key {
        case "cv":
            let c = try value.mapping(allowed: ["folds", "seed"])
            return .crossValidation(
                folds: try c["folds"]?.int(min: 2) ?? 10, seed: UInt64(try c["seed"]?.int(min: 0) ?? 1))
        case "split":
            let c = try value.mapping(allowed: ["test", "seed"])
            let t = try c["test"]?.double() ?? 0.2
            guard t > 0, t < 1 else {
                throw (c["test"] ?? value).error("test is the held-out fraction, between 0 and 1; got \(t)")
            }
            return .split(testFraction: t, seed: UInt64(try c["seed"]?.int(min: 0) ?? 1))
        default:
            guard try value.bool() else { throw value.error("given_test: false is not an evaluation; use cv or split") }
            guard hasTest else {
                throw value.error("given_test needs a test set: add data.test or use a dataset that has one")
            }
            return .givenTest
        }
    }

    /// `evaluate.learning_curve: {sizes: [...], repeats: 3, folds: 10}`, if present.
    static func decodeLearningCurve(_ node: SpecNode?) throws -> LearningCurveSpec? {
        guard let node, case .mapping = node.node,
            let lc = try node.mapping(allowed: ["cv", "split", "given_test", "learning_curve"])["learning_curve"]
        else { return nil }
        var c = LearningCurveSpec()
        if lc.isNull { return c }
        let m = try lc.mapping(allowed: ["sizes", "repeats", "folds"])
        if let v = m["sizes"] {
            c.sizes = try v.list().map { item in
                let d = try item.double()
                guard d > 0, d <= 1 else {
                    throw item.error("a size is a fraction of the training documents in (0, 1], got \(d)")
                }
                return d
            }
            guard !c.sizes.isEmpty else { throw v.error("sizes needs at least one fraction") }
            guard c.sizes == c.sizes.sorted() else { throw v.error("sizes must grow: \(c.sizes)") }
        }
        if let v = m["repeats"] { c.repeats = try v.int(min: 1) }
        if let v = m["folds"] { c.folds = try v.int(min: 1) }
        return c
    }

    /// `report:`, from the keys `ReportSpec` declares; `out` defaults to `reports/<name>`.
    static func decodeReport(_ node: SpecNode?, name: String) throws -> ReportSpec {
        var r = try decodeSection(ReportSpec.self, node.flatMap { $0.isNull ? nil : $0 })
        if r.out.isEmpty { r.out = "reports/\(name)" }
        return r
    }

    /// Repeated names get `-2`, `-3`, ... so every result has its own row and model folder.
    static func uniqueNames<T>(_ items: [T]) -> [T] where T: NamedItem {
        var seen: [String: Int] = [:]
        return items.map { item in
            var copy = item
            let n = seen[item.name, default: 0] + 1
            seen[item.name] = n
            if n > 1 { copy.name = "\(item.name)-\(n)" }
            return copy
        }
    }
}

protocol NamedItem { var name: String { get set } }
extension NamedFeatureSet: NamedItem {}
extension NamedClassifier: NamedItem {}
