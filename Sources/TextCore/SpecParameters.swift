import Foundation

/// Settings a spec configures: the default value and the keys a spec may give, each declared once (type, bounds,
/// default, one line of documentation) beside the settings it sets. Classifiers, feature sets and taggers are all
/// decoded, validated and documented from these declarations.
public protocol SpecConfigurable: Sendable {
    /// The default settings.
    init()
    /// The spec keys (besides `name`), in documentation order.
    static var parameters: [Parameter<Self>] { get }
    /// Checks that involve several keys; `present` are the keys the spec gave.
    func validate(present: Set<String>) throws
}

extension SpecConfigurable {
    /// No cross-key rules.
    public func validate(present: Set<String>) throws {}

    /// The declared spec keys, for readers that do not know the settings' type.
    public static var documentation: [ParameterDocumentation] {
        parameters.map {
            ParameterDocumentation(key: $0.key, type: $0.type, defaultValue: $0.defaultValue, summary: $0.summary)
        }
    }
}

/// A parameter's description without its configuration type: what docs, `validate` and error messages read.
public struct ParameterDocumentation: Sendable, Hashable {
    /// The spec key.
    public let key: String
    /// Its type and bounds.
    public let type: ParameterType
    /// Its default as a spec would write it.
    public let defaultValue: String
    /// One line of documentation.
    public let summary: String
}

/// The declared type and bounds of one spec key; the spec decoder checks values against it.
public enum ParameterType: Sendable, Hashable {
    /// A finite number within optional bounds (`inclusive` says whether the bound itself is allowed).
    case number(minimum: Double?, minimumInclusive: Bool, maximum: Double?, maximumInclusive: Bool)
    /// An integer, at least `minimum`; `allowsNone` accepts `null`/`none` meaning "no limit".
    case integer(minimum: Int, allowsNone: Bool)
    case boolean
    /// One of a closed set of names.
    case choice([String])
    /// `balanced`, `none` or a mapping `{label: weight}`.
    case classWeights
    /// `learned`, `uniform` or a list of probabilities in sorted label order.
    case priors
    /// A count (an integer >= 1), a fraction in (0, 1], or one of the named rules (`sqrt`, `log2`, ...).
    case countOrFraction(names: [String])
    /// A document frequency: a count (an integer >= 0) or a fraction of the documents in [0, 1].
    case frequency
    /// One integer, or `[min, max]`, within `minimum...maximum`.
    case integerRange(minimum: Int, maximum: Int)
    /// Text: a path, a checkpoint or resource name.
    case text
    /// A structured value the spec decoder reads with the reader registered for `tag` (a nested classifier entry,
    /// per-token vectors); `summary` says what it accepts.
    case custom(tag: String, summary: String)

    /// The type in words, for the README's key tables.
    public var summary: String {
        switch self {
        case .number(let lo, let loIn, let hi, let hiIn):
            switch (lo, hi) {
            case (nil, nil): return "number"
            case (let l?, nil): return "number \(loIn ? ">=" : ">") \(ParameterType.format(l))"
            case (nil, let h?): return "number \(hiIn ? "<=" : "<") \(ParameterType.format(h))"
            case (let l?, let h?):
                return
                    "number in \(loIn ? "[" : "(")\(ParameterType.format(l)), \(ParameterType.format(h))\(hiIn ? "]" : ")")"
            }
        case .integer(let lo, let none): return "integer >= \(lo)" + (none ? " or none" : "")
        case .boolean: return "true or false"
        case .choice(let names): return names.map { "`\($0)`" }.joined(separator: ", ")
        case .classWeights: return "`balanced`, `none` or {label: weight}"
        case .priors: return "`learned`, `uniform` or a list"
        case .countOrFraction(let names):
            return (names.map { "`\($0)`" } + ["a count", "a fraction in (0, 1]"]).joined(separator: ", ")
        case .frequency: return "a count >= 0 or a fraction in [0, 1]"
        case .integerRange(let lo, let hi): return "integer or [min, max] in \(lo)...\(hi)"
        case .text: return "text"
        case .custom(_, let summary): return summary
        }
    }

    /// A bound as a spec would write it: `1000000`, `0.5`.
    public static func format(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : "\(d)" }

    /// A positive number (`> 0`).
    public static let positive = ParameterType.number(
        minimum: 0, minimumInclusive: false, maximum: nil, maximumInclusive: false)
    /// A number `>= 0`.
    public static let nonNegative = ParameterType.number(
        minimum: 0, minimumInclusive: true, maximum: nil, maximumInclusive: false)
    /// Why `d` is outside these bounds (`alpha must be in (0, 1000000], got 0.0`), or nil when it is inside (or the
    /// type is not a number). The spec decoder and any code that guards a value read elsewhere use this one check.
    public func refusal(of d: Double, key: String) -> String? {
        guard case .number(let lo, let loIn, let hi, let hiIn) = self else { return nil }
        guard d.isFinite else { return "\(key) must be a finite number, got \(d)" }
        let aboveLow = lo.map { loIn ? d >= $0 : d > $0 } ?? true
        let belowHigh = hi.map { hiIn ? d <= $0 : d < $0 } ?? true
        if aboveLow && belowHigh { return nil }
        switch (lo, hi) {
        case (let l?, let h?):
            return
                "\(key) must be in \(loIn ? "[" : "(")\(Self.format(l)), \(Self.format(h))\(hiIn ? "]" : ")"), got \(d)"
        case (let l?, nil): return "\(key) must be \(loIn ? ">=" : ">") \(Self.format(l)), got \(d)"
        case (nil, let h?): return "\(key) must be \(hiIn ? "<=" : "<") \(Self.format(h)), got \(d)"
        case (nil, nil): return nil
        }
    }

    /// A number in `[0, 1]`.
    public static let unitInterval = ParameterType.number(
        minimum: 0, minimumInclusive: true, maximum: 1, maximumInclusive: true)
}

/// A spec value after it was checked against its `ParameterType`.
public enum ParameterValue: Sendable, Hashable {
    case number(Double)
    case integer(Int?)
    case boolean(Bool)
    case choice(String)
    case classWeights(ClassWeights)
    case priors(ClassPriors)
    case count(Int)
    case fraction(Double)
    case range(Int, Int)
    case text(String)
    case custom(CustomValue)
}

/// A decoded structured value (`ParameterType.custom`), kept opaque here: the configuration that declared the key
/// knows its type.
public struct CustomValue: @unchecked Sendable, Hashable {
    /// The decoded value.
    public let value: AnyHashable
    /// Wraps a decoded value.
    public init(_ value: AnyHashable) { self.value = value }
}

/// One spec key of a configuration `C`: its name, type, default and one line of documentation, and how a checked
/// value is stored. Declared in the configuration's own file; decoding, validation and the README's key tables
/// all come from it.
///
/// ```swift
/// .number("alpha", \.alpha, .nonNegative, "additive (Lidstone) smoothing")
/// ```
public struct Parameter<C: Sendable>: Sendable {
    /// The spec key.
    public let key: String
    /// Its type and bounds.
    public let type: ParameterType
    /// One line of documentation.
    public let summary: String
    /// The default as a spec would write it (`1`, `squared_hinge`, `none`).
    public let defaultValue: String
    let store: @Sendable (inout C, ParameterValue) throws -> Void

    /// A key whose checked value `store` writes into the settings.
    public init(
        key: String, type: ParameterType, summary: String, defaultValue: String,
        store: @escaping @Sendable (inout C, ParameterValue) throws -> Void
    ) {
        self.key = key
        self.type = type
        self.summary = summary
        self.defaultValue = defaultValue
        self.store = store
    }

    /// Stores a checked value into a configuration.
    public func apply(_ value: ParameterValue, to configuration: inout C) throws { try store(&configuration, value) }
}

extension Parameter where C: SpecConfigurable {
    /// A real-valued setting.
    public static func number(
        _ key: String, _ path: WritableKeyPath<C, Double>, _ type: ParameterType,
        _ summary: String
    ) -> Parameter {
        Parameter(key: key, type: type, summary: summary, defaultValue: ParameterType.format(C()[keyPath: path])) {
            c, v in
            if case .number(let d) = v { c[keyPath: path] = d }
        }
    }

    /// An integer setting.
    public static func integer(_ key: String, _ path: WritableKeyPath<C, Int>, minimum: Int, _ summary: String)
        -> Parameter
    {
        Parameter(
            key: key, type: .integer(minimum: minimum, allowsNone: false), summary: summary,
            defaultValue: "\(C()[keyPath: path])"
        ) { c, v in
            if case .integer(let i?) = v { c[keyPath: path] = i }
        }
    }

    /// An optional integer setting (`null` or `none` = no limit).
    public static func optionalInteger(
        _ key: String, _ path: WritableKeyPath<C, Int?>, minimum: Int,
        _ summary: String
    ) -> Parameter {
        Parameter(
            key: key, type: .integer(minimum: minimum, allowsNone: true), summary: summary,
            defaultValue: C()[keyPath: path].map(String.init) ?? "none"
        ) { c, v in
            if case .integer(let i) = v { c[keyPath: path] = i }
        }
    }

    /// An optional real-valued setting (absent: the model's own default).
    public static func optionalNumber(
        _ key: String, _ path: WritableKeyPath<C, Double?>, _ type: ParameterType, _ summary: String
    ) -> Parameter {
        Parameter(
            key: key, type: type, summary: summary, defaultValue: C()[keyPath: path].map(ParameterType.format) ?? "none"
        ) {
            c, v in
            if case .number(let d) = v { c[keyPath: path] = d }
        }
    }

    /// A text setting that may be absent (a path, a name).
    public static func text(_ key: String, _ path: WritableKeyPath<C, String?>, _ summary: String) -> Parameter {
        Parameter(key: key, type: .text, summary: summary, defaultValue: C()[keyPath: path] ?? "none") { c, v in
            if case .text(let t) = v { c[keyPath: path] = t }
        }
    }

    /// A seed (an integer >= 0).
    public static func seed(_ key: String, _ path: WritableKeyPath<C, UInt64>, _ summary: String) -> Parameter {
        Parameter(
            key: key, type: .integer(minimum: 0, allowsNone: false), summary: summary,
            defaultValue: "\(C()[keyPath: path])"
        ) { c, v in
            if case .integer(let i?) = v { c[keyPath: path] = UInt64(i) }
        }
    }

    /// A boolean setting.
    public static func boolean(_ key: String, _ path: WritableKeyPath<C, Bool>, _ summary: String) -> Parameter {
        Parameter(key: key, type: .boolean, summary: summary, defaultValue: "\(C()[keyPath: path])") { c, v in
            if case .boolean(let b) = v { c[keyPath: path] = b }
        }
    }

    /// A setting from a closed set (a `String` enum).
    public static func choice<E: RawRepresentable & CaseIterable & Sendable>(
        _ key: String, _ path: WritableKeyPath<C, E>,
        _ summary: String
    ) -> Parameter where E.RawValue == String {
        Parameter(
            key: key, type: .choice(E.allCases.map(\.rawValue)), summary: summary,
            defaultValue: C()[keyPath: path].rawValue
        ) { c, v in
            if case .choice(let s) = v, let e = E(rawValue: s) { c[keyPath: path] = e }
        }
    }

    /// `class_weight`.
    public static func classWeights(_ path: WritableKeyPath<C, ClassWeights>) -> Parameter {
        Parameter(
            key: "class_weight", type: .classWeights,
            summary: "weight of each class's documents (`balanced`: n / (K n_k))",
            defaultValue: "none"
        ) { c, v in
            if case .classWeights(let w) = v { c[keyPath: path] = w }
        }
    }

    /// `priors`.
    public static func priors(_ path: WritableKeyPath<C, ClassPriors>) -> Parameter {
        Parameter(key: "priors", type: .priors, summary: "class priors p(y)", defaultValue: "learned") { c, v in
            if case .priors(let p) = v { c[keyPath: path] = p }
        }
    }
}

/// A configuration failed a check that involves more than one key (`give either l2 or C, not both`).
public struct SettingsConflict: Error, Sendable {
    /// The key whose line the error should point at.
    public let key: String
    /// What is wrong.
    public let message: String
    /// A conflict reported at `key`.
    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }
}

/// How much each class's training documents count, for every discriminative model.
///
/// `balanced` gives class k the weight `n / (K * n_k)` (scikit-learn's `class_weight="balanced"`);
/// `perClass` lists one weight per class index (the pipeline resolves label names to indices).
public enum ClassWeights: Sendable, Codable, Hashable {
    case uniform
    case balanced
    case perClass([Double])
    /// Weights by label name as written in a spec; `named(labels:)` turns them into `perClass` before training.
    case named([String: Double])

    /// Resolves label names against the sorted class names; unknown names are an error listing the classes.
    public func named(labels: [String]) throws -> ClassWeights {
        guard case .named(let map) = self else { return self }
        for name in map.keys where !labels.contains(name) {
            throw TextpipeError(
                .spec, "class_weight names unknown class '\(name)'; classes: \(labels.joined(separator: ", "))",
                key: "class_weight")
        }
        return .perClass(labels.map { map[$0] ?? 1 })
    }
}

/// Class priors for naive Bayes: learned from class frequencies, uniform, or given.
public enum ClassPriors: Sendable, Codable, Hashable {
    case learned, uniform
    case given([Double])
}
