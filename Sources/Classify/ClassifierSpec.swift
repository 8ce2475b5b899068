import Foundation
import TextCore

/// The classifiers a spec can name, with their hyperparameters. Adding a model means one case here,
/// one configuration type and one model type; everything else (evaluation, reports, `predict`) is shared.
public enum ClassifierSpec: Sendable, Codable, Hashable {
    case multinomialNB(MultinomialNaiveBayesConfiguration)
    case bernoulliNB(BernoulliNaiveBayesConfiguration)
    case complementNB(ComplementNaiveBayesConfiguration)
    case gaussianNB(GaussianNaiveBayesConfiguration)
    case normalBayes(NormalBayesConfiguration)
    case softmax(SoftmaxRegressionConfiguration)
    case logistic(LogisticRegressionConfiguration)
    case linearSVM(LinearSVMConfiguration)
    case decisionTree(DecisionTreeConfiguration)
    case nbsvm(NBSVMConfiguration)

    /// Spec names, in the order the docs list them: generative first, then discriminative.
    public static let kinds = ["multinomial_nb", "bernoulli_nb", "complement_nb", "gaussian_nb", "normal_bayes",
                               "softmax", "logistic", "linear_svm", "decision_tree", "nbsvm"]

    var modelType: any Classifier.Type {
        switch self {
        case .multinomialNB: return MultinomialNaiveBayes.self
        case .bernoulliNB: return BernoulliNaiveBayes.self
        case .complementNB: return ComplementNaiveBayes.self
        case .gaussianNB: return GaussianNaiveBayes.self
        case .normalBayes: return NormalBayes.self
        case .softmax: return SoftmaxRegression.self
        case .logistic: return LogisticRegression.self
        case .linearSVM: return LinearSVM.self
        case .decisionTree: return DecisionTree.self
        case .nbsvm: return NBSVM.self
        }
    }

    public var kind: String { modelType.kind }
    public var family: ModelFamily { modelType.family }

    public func fit(_ x: FeatureMatrix, labels: [Int], classCount: Int, seed: UInt64) throws -> any Classifier {
        switch self {
        case .multinomialNB(let c): return try c.fit(x, labels: labels, classCount: classCount, seed: seed)
        case .bernoulliNB(let c): return try c.fit(x, labels: labels, classCount: classCount, seed: seed)
        case .complementNB(let c): return try c.fit(x, labels: labels, classCount: classCount, seed: seed)
        case .gaussianNB(let c): return try c.fit(x, labels: labels, classCount: classCount, seed: seed)
        case .normalBayes(let c): return try c.fit(x, labels: labels, classCount: classCount, seed: seed)
        case .softmax(let c): return try c.fit(x, labels: labels, classCount: classCount, seed: seed)
        case .logistic(let c): return try c.fit(x, labels: labels, classCount: classCount, seed: seed)
        case .linearSVM(let c): return try c.fit(x, labels: labels, classCount: classCount, seed: seed)
        case .decisionTree(let c): return try c.fit(x, labels: labels, classCount: classCount, seed: seed)
        case .nbsvm(let c): return try c.fit(x, labels: labels, classCount: classCount, seed: seed)
        }
    }

    /// The same spec with class weights given by label name turned into per-class weights.
    public func resolvingClassWeights(labels: [String]) throws -> ClassifierSpec {
        switch self {
        case .softmax(var c): c.classWeights = try c.classWeights.named(labels: labels); return .softmax(c)
        case .logistic(var c): c.classWeights = try c.classWeights.named(labels: labels); return .logistic(c)
        case .linearSVM(var c): c.classWeights = try c.classWeights.named(labels: labels); return .linearSVM(c)
        case .decisionTree(var c): c.classWeights = try c.classWeights.named(labels: labels); return .decisionTree(c)
        case .nbsvm(var c): c.classWeights = try c.classWeights.named(labels: labels); return .nbsvm(c)
        default: return self
        }
    }
}

/// Saves and loads trained classifiers: a small JSON header plus binary weights.
public enum ClassifierStore {
    static let types: [any Classifier.Type] = [MultinomialNaiveBayes.self, BernoulliNaiveBayes.self, ComplementNaiveBayes.self,
                                               GaussianNaiveBayes.self, NormalBayes.self, SoftmaxRegression.self, LogisticRegression.self,
                                               LinearSVM.self, DecisionTree.self, NBSVM.self]

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
