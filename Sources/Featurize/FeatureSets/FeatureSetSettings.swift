import Foundation
import TextCore
import Tokenize

/// A feature set a spec can name, described in its own file: its kind, what it is, its spec keys (type, bounds,
/// default, one line each), what its features look like, the outside files it reads, how it is fitted and how its
/// fitted featurizer is read back.
///
/// `FeatureSetRegistry.all` lists them; spec decoding, `validate`, the plan, the featurize stage (locally and on a
/// cluster), `stream encode`, saved-model loading, the conformance suite's coverage check and the README's key
/// tables all read it. A new feature set is one file and one line there.
///
/// The settings encode as what cache keys hash, so two settings that featurize alike must encode alike.
public protocol FeatureSetSettings: SpecConfigurable, Codable, Hashable {
    /// Spec name (`ngram`).
    static var kind: String { get }
    /// One line for the README: what the features are.
    static var summary: String { get }
    /// What the features look like to a classifier (sparse counts, dense signed vectors).
    var shape: FeatureShape { get }
    /// The outside files these settings read (none by default).
    var artifacts: [ArtifactReference] { get }
    /// The settings with each artifact's spec value replaced by `paths[key]`, the absolute path the pipeline resolved.
    func resolvingArtifacts(_ paths: [String: String]) -> Self
    /// How a cluster computes the features (on the driver by default).
    var clusterPlan: FeatureClusterPlan { get }
    /// Fits on documents `rows` and returns the featurizer with their features; `previous` is the featurizer of the
    /// fold before, reused when the fit does not depend on the documents (vectors loaded from a file).
    func fitTransform(
        _ corpus: TokenizedCorpus, rows: [Int], reusing previous: (any FittedFeaturizer)?, progress: FeaturizeProgress
    ) throws -> (any FittedFeaturizer, FeatureMatrix)
    /// A featurizer with nothing to fit, for `stream encode`; nil (the default) when features must be fitted.
    func encoder() throws -> (any FittedFeaturizer)?
    /// Reads a featurizer of this kind written by `FittedFeaturizer.encode`.
    static func decodeFeaturizer(from r: inout BinaryReader) throws -> any FittedFeaturizer
}

extension FeatureSetSettings {
    /// No outside files.
    public var artifacts: [ArtifactReference] { [] }
    /// Nothing to resolve.
    public func resolvingArtifacts(_ paths: [String: String]) -> Self { self }
    /// Computed on the driver.
    public var clusterPlan: FeatureClusterPlan { .driver }
    /// Must be fitted.
    public func encoder() throws -> (any FittedFeaturizer)? { nil }
    /// The configuration these settings stand for.
    public var configuration: FeatureSetConfiguration { FeatureSetConfiguration(self) }
}

/// Every feature set a spec can name, in the order the docs list them.
public enum FeatureSetRegistry {
    /// Every feature set, in the order the docs list them.
    public static let all: [any FeatureSetSettings.Type] = [
        OneHotSettings.self,
        NGramSettings.self,
        Word2VecSettings.self,
        BertSettings.self,
        CooccurrenceSettings.self
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
