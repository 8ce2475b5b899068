import Foundation
import TextCore

/// Generative models learn p(x, y) and classify by Bayes' rule; discriminative ones learn p(y | x) or a
/// decision function directly. Reports mark every result with its family.
public enum ModelFamily: String, Sendable, Codable {
    case generative, discriminative
}

/// What a classifier's scores are, which decides whether probabilities exist.
public enum ScoreKind: String, Sendable, Codable {
    /// Joint log-likelihoods log p(x, y): probabilities by normalising (softmax).
    case logJoint
    /// Logits of a probabilistic discriminative model: probabilities by softmax.
    case logit
    /// Decision values with no probabilistic meaning: no probabilities are offered.
    case decision
}

/// A trained classifier. The one core requirement is `scores`; prediction, probabilities and
/// persistence come from the extension below.
public protocol Classifier: Sendable {
    /// Spec name of the model (`multinomial_nb`).
    static var kind: String { get }
    static var family: ModelFamily { get }
    var classCount: Int { get }
    var featureCount: Int { get }
    var scoreKind: ScoreKind { get }
    /// One row per document, one column per class; larger is more likely.
    func scores(_ x: FeatureMatrix) -> DenseMatrix
    /// Per-feature, per-class weights for "most informative features" (row = feature), if the model is linear.
    var featureWeights: DenseMatrix? { get }
    /// What training did, for the report (iterations, convergence, ...).
    var trainingSummary: [String: String] { get }
    func encode(into w: inout BinaryWriter) throws
    static func decode(from r: inout BinaryReader) throws -> Self
}

extension Classifier {
    /// Spec name.
    public var kind: String { Self.kind }
    /// Generative or discriminative.
    public var family: ModelFamily { Self.family }
    /// A weight per (feature, class), for the report's informative features.
    public var featureWeights: DenseMatrix? { nil }
    /// What training did, for the report.
    public var trainingSummary: [String: String] { [:] }

    /// The class index with the highest score for each row (lowest index on ties).
    public func predict(_ x: FeatureMatrix) -> [Int] { Self.argmax(scores(x)) }

    /// Class probabilities (rows sum to one), or nil for models without probabilities.
    public func predictProbabilities(_ x: FeatureMatrix) -> DenseMatrix? { probabilities(fromScores: scores(x)) }

    /// Scores, predictions and probabilities from one pass over the rows (a model whose scoring is costly, such as
    /// `ngram_lm`, scores once).
    public func outputs(_ x: FeatureMatrix) -> (scores: DenseMatrix, predicted: [Int], probabilities: DenseMatrix?) {
        let s = scores(x)
        return (s, Self.argmax(s), probabilities(fromScores: s))
    }

    /// The class index with the highest score in each row (lowest index on ties).
    static func argmax(_ s: DenseMatrix) -> [Int] {
        (0..<s.rowCount).map { r in
            var best = 0
            for k in 1..<max(1, s.columnCount) where s[r, k] > s[r, best] { best = k }
            return best
        }
    }

    /// Probabilities from this model's scores (a softmax of each row), or nil for decision values.
    func probabilities(fromScores scores: DenseMatrix) -> DenseMatrix? {
        guard scoreKind != .decision else { return nil }
        var s = scores
        for r in 0..<s.rowCount {
            var m = -Float.infinity
            for k in 0..<s.columnCount { m = max(m, s[r, k]) }
            var sum: Float = 0
            for k in 0..<s.columnCount {
                let e = exp(s[r, k] - m)
                s[r, k] = e
                sum += e
            }
            for k in 0..<s.columnCount { s[r, k] /= sum }
        }
        return s
    }
}

/// Hyperparameters of a classifier: `fit` returns a new, immutable trained model.
///
/// A configuration describes itself: its spec kind and family (from its model), its capabilities, its spec keys
/// with types, defaults and documentation. Listing the type in `ClassifierRegistry.all` is all it takes for
/// specs, saved models, the conformance suite, skipping of incompatible pairs and the README's tables to know it.
public protocol ClassifierConfiguration: SpecConfigurable, Codable, Hashable {
    associatedtype Model: Classifier
    /// One line for the README: what the model is.
    static var summary: String { get }
    static var capabilities: ClassifierCapabilities { get }
    /// Whether these settings give probabilities (a linear SVM does only with Platt scaling).
    var givesProbabilities: Bool { get }
    /// The same settings with class weights named by label turned into per-class weights.
    func resolvingClassWeights(labels: [String]) throws -> Self
    func fit(_ x: FeatureMatrix, labels: [Int], classCount: Int, seed: UInt64) throws -> Model
}

extension ClassifierConfiguration {
    /// Spec name (`multinomial_nb`), declared by the model.
    public static var kind: String { Model.kind }
    /// Generative or discriminative.
    public static var family: ModelFamily { Model.family }
    /// The trained model's type.
    public static var modelType: any Classifier.Type { Model.self }
    /// Whether these settings give class probabilities.
    public var givesProbabilities: Bool { Self.capabilities.contains(.givesProbabilities) }
    /// The same settings with class weights named by label turned into per-class weights.
    public func resolvingClassWeights(labels: [String]) throws -> Self { self }

    /// Why a classifier with these capabilities cannot use features of this shape, or nil if it can.
    public static func incompatibility(with shape: FeatureShape) -> String? {
        if capabilities.contains(.needsDenseInput), shape.isSparse {
            return
                "\(kind) models each feature as a Gaussian, which does not fit sparse counts (most values are exactly 0); use it on dense features (word2vec, bert), and multinomial_nb or complement_nb on one-hot and n-gram features"
        }
        if capabilities.contains(.needsSequences), !shape.hasSequences {
            return TrainingData.missingSequences(kind)
        }
        if capabilities.contains(.needsNonNegativeInput), !shape.isNonNegative {
            return
                "\(kind) needs non-negative features (counts or tf-idf); use gaussian_nb or a discriminative model for signed features"
        }
        return nil
    }
}

/// Checks shared by every `fit`: shapes agree, labels are in range, features are finite, two classes exist.
public enum TrainingData {
    /// Why a model that reads token sequences cannot use these features (the capability check's words too).
    static func missingSequences(_ kind: String) -> String {
        "\(kind) reads token sequences; give the feature set `sequence: true` (onehot or ngram)"
    }

    /// The rows' token sequences, or an error naming what to give a model that reads them.
    public static func sequences(_ x: FeatureMatrix, model: String) throws -> TokenSequences {
        guard let s = x.sequences else { throw TextpipeError(.spec, missingSequences(model)) }
        return s
    }

    /// Refuses training data a classifier cannot learn from (empty, one class, non-finite values), naming the model.
    public static func validate(_ x: FeatureMatrix, labels: [Int], classCount: Int, model: String) throws {
        guard x.rowCount == labels.count else {
            throw TextpipeError(.internal, "\(model): \(x.rowCount) feature rows but \(labels.count) labels")
        }
        guard x.rowCount > 0 else { throw TextpipeError(.data, "\(model): no training documents") }
        guard classCount >= 2 else {
            throw TextpipeError(
                .data, "\(model): the training data has only one class; a classifier needs at least two")
        }
        for l in labels where l < 0 || l >= classCount {
            throw TextpipeError(.internal, "\(model): label index \(l) outside 0..<\(classCount)")
        }
        try x.validateFinite(name: "\(model) training features")
    }

    /// Count-based models (multinomial and complement naive Bayes) need non-negative features.
    public static func requireNonNegative(_ x: FeatureMatrix, model: String) throws {
        let negative: Bool
        switch x {
        case .sparse(let m): negative = m.values.contains { $0 < 0 }
        case .dense(let m): negative = m.values.contains { $0 < 0 }
        }
        if negative {
            throw TextpipeError(
                .unsupported,
                "\(model) needs non-negative features (counts or tf-idf); use gaussian_nb or a discriminative model for signed features"
            )
        }
    }

    /// Dense models (Gaussian naive Bayes, normal Bayes) refuse sparse bag-of-words input with the reason.
    public static func requireDense(_ x: FeatureMatrix, model: String) throws {
        if x.isSparse {
            throw TextpipeError(
                .unsupported,
                "\(model) models each feature as a Gaussian, which does not fit sparse counts (most values are exactly 0); use it on dense features (word2vec, bert), and multinomial_nb or complement_nb on one-hot and n-gram features"
            )
        }
    }

    /// Number of training documents per class.
    public static func classCounts(_ labels: [Int], classCount: Int) -> [Int] {
        var c = [Int](repeating: 0, count: classCount)
        for l in labels { c[l] += 1 }
        return c
    }
}
