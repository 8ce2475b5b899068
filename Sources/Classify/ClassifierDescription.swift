import Foundation
import TextCore

/// What a classifier can and cannot do, declared once beside its configuration.
///
/// The pipeline reads these before training: a pair whose features the classifier cannot use is skipped with
/// the reason (`gaussian_nb` on sparse counts), instead of training and catching a thrown error.
public struct ClassifierCapabilities: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Models every feature as a real value with a density (Gaussian): sparse bag-of-words input does not fit.
    public static let needsDenseInput = ClassifierCapabilities(rawValue: 1 << 0)
    /// Counts or tf-idf only (multinomial and complement naive Bayes): signed features are refused.
    public static let needsNonNegativeInput = ClassifierCapabilities(rawValue: 1 << 1)
    /// Scores are log joints or logits, so class probabilities exist.
    public static let givesProbabilities = ClassifierCapabilities(rawValue: 1 << 2)
    /// Takes `class_weight`.
    public static let acceptsClassWeights = ClassifierCapabilities(rawValue: 1 << 3)
    /// Training draws random numbers from the seed it is given.
    public static let usesSeed = ClassifierCapabilities(rawValue: 1 << 4)

    /// Names for documentation, in declaration order.
    public var names: [String] {
        [
            (Self.needsDenseInput, "dense input"), (.needsNonNegativeInput, "non-negative input"),
            (.givesProbabilities, "probabilities"),
            (.acceptsClassWeights, "class weights"), (.usesSeed, "seeded")
        ].filter { contains($0.0) }.map(\.1)
    }
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
        }
    }

    static func format(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : "\(d)" }

    /// A positive number (`> 0`).
    public static let positive = ParameterType.number(
        minimum: 0, minimumInclusive: false, maximum: nil, maximumInclusive: false)
    /// A number `>= 0`.
    public static let nonNegative = ParameterType.number(
        minimum: 0, minimumInclusive: true, maximum: nil, maximumInclusive: false)
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
}

/// One spec key of a configuration `C`: its name, type, default and one line of documentation, and how a checked
/// value is stored. Declared in the configuration's own file; decoding, validation and the README's key tables
/// all come from it.
///
/// ```swift
/// .number("alpha", \.alpha, .nonNegative, "additive (Lidstone) smoothing")
/// ```
public struct Parameter<C: Sendable>: Sendable {
    public let key: String
    public let type: ParameterType
    public let summary: String
    /// The default as a spec would write it (`1`, `squared_hinge`, `none`).
    public let defaultValue: String
    let store: @Sendable (inout C, ParameterValue) throws -> Void

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

extension Parameter where C: ClassifierConfiguration {
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
    public let message: String
    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }
}

/// A parameter's description without its configuration type: what docs, `validate` and error messages read.
public struct ParameterDocumentation: Sendable, Hashable {
    public let key: String
    public let type: ParameterType
    public let defaultValue: String
    public let summary: String
}

extension ClassifierConfiguration {
    /// The declared spec keys, for readers that do not know the configuration's type.
    public static var parameterDocumentation: [ParameterDocumentation] {
        parameters.map {
            ParameterDocumentation(key: $0.key, type: $0.type, defaultValue: $0.defaultValue, summary: $0.summary)
        }
    }
}
