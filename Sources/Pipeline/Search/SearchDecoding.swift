import Classify
import Featurize
import Foundation
import TextCore
import Yams

/// A searched classifier's trials: each one's assignment (key -> value as written) and the settings it gives.
public struct SearchTrial: Sendable, Hashable, Codable {
    /// The searched keys' values, as the spec would write them.
    public var assignment: [String: String]
    /// The classifier's settings with those values.
    public var spec: ClassifierSpec
    /// The feature set's trial whose featurizer this trial reads (nil: the feature set is not searched).
    public var features: Int? = nil
}

/// A searched feature set's trials: each one's assignment and the featurizer settings it gives.
public struct FeatureTrial: Sendable, Hashable, Codable {
    /// The searched keys' values, as the spec would write them.
    public var assignment: [String: String]
    /// The feature set's settings with those values.
    public var configuration: FeatureSetConfiguration
}

extension SpecDecoder {

    /// `search: {strategy: grid | random, trials: 30, seconds: 600, metric: macro_f1, inner_folds: 3, seed: 1}`.
    static func decodeSearch(_ node: SpecNode?) throws -> SearchSettings {
        try decodeSection(SearchSettings.self, node.flatMap { $0.isNull ? nil : $0 })
    }

    /// Whether a parameter's node is a search space rather than a value: a one-key mapping `{choice|log_uniform|
    /// uniform|int: [...]}`, or a list where the parameter takes one value (a list is a value for `[min, max]` ranges,
    /// priors and class weights; give those as `{choice: [...]}`).
    static func isSearchSpace(_ node: SpecNode, type: ParameterType) -> Bool {
        switch node.node {
        case .mapping(let m):
            guard m.count == 1, case .scalar(let k)? = m.first?.key else { return false }
            return SearchDomain.forms.contains(k.string)
        case .sequence:
            switch type {
            case .number, .integer, .boolean, .choice, .countOrFraction, .frequency, .text: return true
            case .integerRange, .priors, .classWeights, .custom: return false
            }
        default: return false
        }
    }

    /// The search domain a parameter node spells.
    static func searchDomain(_ node: SpecNode, key: String) throws -> SearchDomain {
        // A value as the spec would write it in flow style: `0.1`, `[1, 2]` (a range of a key that takes one).
        func scalarText(_ n: SpecNode) throws -> String {
            switch n.node {
            case .scalar(let s): return s.string
            case .sequence: return "[" + (try n.list().map(scalarText)).joined(separator: ", ") + "]"
            default: throw n.error("\(key): a search value is a scalar or a [min, max] list")
            }
        }
        if case .sequence = node.node {
            let items = try node.list()
            guard !items.isEmpty else { throw node.error("\(key): an empty list of values to search") }
            return .values(try items.map(scalarText))
        }
        guard case .mapping(let m) = node.node, let (k, v) = m.first.map({ ($0.key, $0.value) }),
            case .scalar(let form) = k
        else { throw node.error("\(key): expected a search space") }
        let inner = node.child(v, form.string)
        let items = try inner.list()
        switch form.string {
        case "choice":
            guard !items.isEmpty else { throw inner.error("\(key): an empty choice") }
            return .values(try items.map(scalarText))
        case "log_uniform", "uniform":
            guard items.count == 2 else { throw inner.error("\(form.string) takes [low, high]") }
            let lo = try items[0].double()
            let hi = try items[1].double()
            guard lo < hi, form.string == "uniform" || lo > 0 else {
                throw inner.error(
                    "\(form.string) needs low < high" + (form.string == "log_uniform" ? " and low > 0" : "")
                        + ", got [\(lo), \(hi)]")
            }
            return form.string == "uniform" ? .uniform(lo, hi) : .logUniform(lo, hi)
        default:
            guard items.count == 2 else { throw inner.error("int takes [low, high]") }
            let lo = try items[0].int()
            let hi = try items[1].int()
            guard lo <= hi else { throw inner.error("int needs low <= high, got [\(lo), \(hi)]") }
            return .integers(lo, hi)
        }
    }

    /// The settings of `type` from `m` with the searched keys set to `assignment`'s values (parsed as YAML
    /// scalars at `nodes`' lines, so a bad value names its line).
    static func settings<C: SpecConfigurable>(
        _ type: C.Type, _ m: [String: SpecNode], assignment: [String: String], nodes: [String: SpecNode],
        at fallback: SpecNode
    ) throws -> C {
        var given = m
        for (key, text) in assignment {
            guard let at = nodes[key] else { continue }
            let parsed = try Yams.compose(yaml: text) ?? Node("")
            given[key] = SpecNode(node: parsed, file: at.file, path: at.path, markOverride: at.line)
        }
        return try decodeSettings(type, given, at: fallback)
    }

    /// Settings whose keys may be search spaces: their dimensions and every trial's assignment with its settings
    /// (nil when no key is searched). Every listed value and both ends of every range are checked against the key's
    /// type and bounds here, naming the line.
    static func decodeSearchSpaces<C: SpecConfigurable>(
        _ type: C.Type, name: String, _ m: [String: SpecNode], at fallback: SpecNode, search: SearchSettings
    ) throws -> (dimensions: [SearchDimension], trials: [(assignment: [String: String], settings: C)])? {
        var dimensions: [SearchDimension] = []
        var nodes: [String: SpecNode] = [:]
        for p in C.documentation {
            guard let node = m[p.key], isSearchSpace(node, type: p.type) else { continue }
            dimensions.append(SearchDimension(key: p.key, domain: try searchDomain(node, key: p.key)))
            nodes[p.key] = node
        }
        guard !dimensions.isEmpty else { return nil }
        let assignments = try SearchTrials.assignments(dimensions, settings: search, name: name)
        func decode(_ a: [String: String]) throws -> C {
            try settings(type, m, assignment: a, nodes: nodes, at: fallback)
        }
        // Every listed value and both bounds of every distribution are checked, each with the other keys at their
        // first value or lower bound, so a value outside a key's limits is refused whatever the strategy draws.
        func ends(_ d: SearchDimension) -> [String] {
            switch d.domain {
            case .values(let values): return values
            case .uniform(let lo, let hi), .logUniform(let lo, let hi):
                return [SearchTrials.text(lo), SearchTrials.text(hi)]
            case .integers(let lo, let hi): return [String(lo), String(hi)]
            }
        }
        let base = Dictionary(uniqueKeysWithValues: dimensions.map { ($0.key, ends($0)[0]) })
        for d in dimensions {
            for value in ends(d) { _ = try decode(base.merging([d.key: value]) { $1 }) }
        }
        return (dimensions, try assignments.map { ($0, try decode($0)) })
    }

    /// A classifier entry whose keys may be search spaces (nil when none is).
    static func decodeSearchedClassifier(
        _ type: any ClassifierConfiguration.Type, name: String, _ m: [String: SpecNode], at fallback: SpecNode,
        search: SearchSettings
    ) throws -> NamedClassifier? {
        func open<C: ClassifierConfiguration>(_ t: C.Type) throws -> NamedClassifier? {
            guard let (dimensions, found) = try decodeSearchSpaces(t, name: name, m, at: fallback, search: search)
            else { return nil }
            let trials = found.map { SearchTrial(assignment: $0.assignment, spec: ClassifierSpec($0.settings)) }
            return NamedClassifier(name: name, spec: trials[0].spec, search: dimensions, trials: trials)
        }
        return try open(type)
    }

    /// A feature-set entry whose keys may be search spaces (nil when none is): one featurizer per trial.
    static func decodeSearchedFeature(
        _ type: any FeatureSetSettings.Type, name: String, _ m: [String: SpecNode], at fallback: SpecNode,
        search: SearchSettings
    ) throws -> NamedFeatureSet? {
        func open<C: FeatureSetSettings>(_ t: C.Type) throws -> NamedFeatureSet? {
            guard let (dimensions, found) = try decodeSearchSpaces(t, name: name, m, at: fallback, search: search)
            else { return nil }
            let trials = found.map { FeatureTrial(assignment: $0.assignment, configuration: $0.settings.configuration) }
            return NamedFeatureSet(
                name: name, configuration: trials[0].configuration, search: dimensions, trials: trials)
        }
        return try open(type)
    }
}
