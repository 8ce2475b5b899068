import Foundation
import TextCore

/// The classifiers a spec can name, with their hyperparameters. Adding a model means one case here,
/// one configuration type and one model type; everything else (evaluation, reports, `predict`) is shared.
public enum ClassifierSpec: Sendable, Codable, Hashable {
    case multinomialNB(MultinomialNaiveBayesConfiguration)
    case bernoulliNB(BernoulliNaiveBayesConfiguration)
    case softmax(SoftmaxRegressionConfiguration)

    /// Spec names, in the order the docs list them.
    public static let kinds = ["multinomial_nb", "bernoulli_nb", "softmax"]

    public var kind: String {
        switch self {
        case .multinomialNB: return MultinomialNaiveBayes.kind
        case .bernoulliNB: return BernoulliNaiveBayes.kind
        case .softmax: return SoftmaxRegression.kind
        }
    }

    public var family: ModelFamily {
        switch self {
        case .multinomialNB: return MultinomialNaiveBayes.family
        case .bernoulliNB: return BernoulliNaiveBayes.family
        case .softmax: return SoftmaxRegression.family
        }
    }

    public func fit(_ x: FeatureMatrix, labels: [Int], classCount: Int, seed: UInt64) throws -> any Classifier {
        switch self {
        case .multinomialNB(let c): return try c.fit(x, labels: labels, classCount: classCount, seed: seed)
        case .bernoulliNB(let c): return try c.fit(x, labels: labels, classCount: classCount, seed: seed)
        case .softmax(let c): return try c.fit(x, labels: labels, classCount: classCount, seed: seed)
        }
    }
}

/// Saves and loads trained classifiers: a small JSON header plus binary weights.
public enum ClassifierStore {
    static let types: [any Classifier.Type] = [MultinomialNaiveBayes.self, BernoulliNaiveBayes.self, SoftmaxRegression.self]

    /// The binary body of a classifier, prefixed by its kind.
    public static func encode(_ model: any Classifier) throws -> Data {
        var w = BinaryWriter()
        w.write(UInt32(1))
        w.write(model.kind)
        try model.encode(into: &w)
        return w.data
    }

    public static func decode(_ data: Data, name: String) throws -> any Classifier {
        var r = BinaryReader(data, name: name)
        guard try r.read(UInt32.self) == 1 else { throw TextpipeError(.model, "unknown model format version", file: name) }
        let kind = try r.readString()
        guard let type = types.first(where: { $0.kind == kind }) else {
            throw TextpipeError(.model, "unknown classifier '\(kind)' (known: \(ClassifierSpec.kinds.joined(separator: ", ")))", file: name)
        }
        return try decodeModel(type, &r)
    }

    private static func decodeModel<T: Classifier>(_ type: T.Type, _ r: inout BinaryReader) throws -> any Classifier {
        try T.decode(from: &r)
    }
}
