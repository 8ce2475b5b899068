import Foundation
import TextCore

/// A feature set a spec can name, described in its own file: its kind, what it is, its spec keys (type, bounds,
/// default, one line each) and how its fitted featurizer is read back.
///
/// `FeatureSetRegistry.all` lists them; spec decoding, saved-model loading, the conformance suite's coverage check
/// and the README's key tables all read it. A new feature set is one file and one line there.
public protocol FeatureSetSettings: SpecConfigurable {
    /// Spec name (`ngram`).
    static var kind: String { get }
    /// One line for the README: what the features are.
    static var summary: String { get }
    /// The configuration these settings stand for.
    var configuration: FeatureSetConfiguration { get }
    /// Reads a featurizer of this kind written by `FittedFeaturizer.encode`.
    static func decodeFeaturizer(from r: inout BinaryReader) throws -> any FittedFeaturizer
}

/// Every feature set a spec can name, in the order the docs list them.
public enum FeatureSetRegistry {
    /// Every feature set, in the order the docs list them.
    public static let all: [any FeatureSetSettings.Type] = [
        OneHotSettings.self,
        NGramSettings.self,
        Word2VecSettings.self,
        BertSettings.self
    ]

    /// Spec names, in registry order.
    public static var kinds: [String] { all.map { $0.kind } }

    /// The settings type for a spec name, or nil.
    public static func settings(kind: String) -> (any FeatureSetSettings.Type)? { all.first { $0.kind == kind } }
}

extension Parameter where C: SpecConfigurable {
    /// A document-frequency bound: a count or a fraction of the training documents.
    static func frequency(_ key: String, _ path: WritableKeyPath<C, FrequencyBound>, _ summary: String) -> Parameter {
        let defaultValue: String
        switch C()[keyPath: path] {
        case .count(let n): defaultValue = "\(n)"
        case .fraction(let f): defaultValue = "\(f)"
        }
        return Parameter(key: key, type: .frequency, summary: summary, defaultValue: defaultValue) { c, v in
            switch v {
            case .count(let n): c[keyPath: path] = .count(n)
            case .fraction(let f): c[keyPath: path] = .fraction(f)
            default: break
            }
        }
    }
}
