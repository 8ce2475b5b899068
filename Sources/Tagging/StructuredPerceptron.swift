import Classify
import Foundation
import TextCore

/// Hyperparameters of the averaged structured perceptron.
public struct StructuredPerceptronConfiguration: Sendable, Codable, Hashable {
    /// Token features (set from the spec's `features`).
    public var features = TokenFeatureConfiguration()
    /// Passes over the training sentences.
    public var epochs = 10
    /// 10 epochs.
    public init() {}
}

/// The averaged structured perceptron (Collins 2002) on the same linear chain as the CRF: decode each training
/// sentence with the current weights and, where the best path differs from the gold one, add the gold features
/// and subtract the predicted ones; the returned weights are the average over all steps (the lazy-sum trick:
/// `w_avg = w - u / c`, with `u` accumulating `c * update`). Sentences are visited in a seeded random order.
public struct StructuredPerceptron: SequenceTagger {
    /// Spec name.
    public static let kind = "perceptron"
    /// Discriminative: a decision function over tag sequences.
    public static let family = ModelFamily.discriminative
    /// The averaged chain and its feature extractor.
    public let model: LinearChainTagger
    /// Epochs and mistakes.
    public let trainingSummary: [String: String]
    /// The tag set.
    public var tags: [String] { model.tags }
    /// Viterbi tags of each sentence.
    public func predict(_ sentences: [[String]]) -> [[String]] { model.predict(sentences) }

    /// Writes the chain.
    public func encodeBody(into w: inout BinaryWriter) throws { try TaggerStore.encodeChain(model, &w) }

    /// Reads the chain.
    public static func decodeBody(
        tags: [String], summary: [String: String], from r: inout BinaryReader,
        vectors: (TokenVectorSpec) throws -> TokenVectorSource
    ) throws -> Self {
        Self(model: try TaggerStore.decodeChain(tags, &r), trainingSummary: summary)
    }

    /// Trains with seeded sentence order, averaging the weights over all updates.
    public static func fit(
        _ c: StructuredPerceptronConfiguration, sentences: [TaggedSentence], tags: [String], seed: UInt64
    ) throws -> StructuredPerceptron {
        let data = try PreparedTrainingData(sentences, tags: tags, features: c.features)
        var chain = LinearChain(
            attributeCount: data.attributes.count, tagCount: tags.count, sequences: data.x, tags: data.y)
        let T = tags.count
        let offset = chain.transitionOffset
        var u = [Double](repeating: 0, count: chain.weights.count)
        var step = 1.0
        var rng = Xoshiro256StarStar(seed: seed)
        var order = Array(data.x.indices)
        var mistakes: [Int] = []
        for _ in 0..<max(1, c.epochs) {
            order.shuffle(using: &rng)
            var wrong = 0
            for i in order {
                let x = data.x[i]
                let gold = data.y[i]
                let predicted = chain.decode(x)
                if predicted == gold {
                    step += 1
                    continue
                }
                func add(_ p: Int, _ v: Double) {
                    chain.weights[p] += v
                    u[p] += step * v
                }
                for t in 0..<x.count where predicted[t] != gold[t] {
                    wrong += 1
                    for a in x.attributes(of: t) {
                        if let p = chain.stateParameter(a, Int(gold[t])) { add(p, 1) }
                        if let p = chain.stateParameter(a, Int(predicted[t])) { add(p, -1) }
                    }
                }
                for t in 1..<max(1, x.count)
                where x.count > 1 && (predicted[t - 1] != gold[t - 1] || predicted[t] != gold[t]) {
                    add(offset + Int(gold[t - 1]) * T + Int(gold[t]), 1)
                    let wrong = Int(predicted[t - 1]) * T + Int(predicted[t])
                    if chain.isFree(wrong) { add(offset + wrong, -1) }
                }
                step += 1
            }
            mistakes.append(wrong)
        }
        for p in 0..<chain.weights.count { chain.weights[p] -= u[p] / step }
        return StructuredPerceptron(
            model: LinearChainTagger(tags: tags, extractor: data.extractor, attributes: data.attributes, chain: chain),
            trainingSummary: [
                "epochs": "\(max(1, c.epochs))",
                "token_errors_per_epoch": mistakes.map(String.init).joined(separator: ","),
                "attributes": "\(data.attributes.count)", "parameters": "\(chain.weights.count)"
            ])
    }
}

extension StructuredPerceptronConfiguration: TaggerSettings {
    /// Spec name.
    public static let kind = "perceptron"
    /// One line for the README.
    public static let summary = "averaged structured perceptron on the linear chain (Collins 2002), Viterbi"
    /// Discriminative.
    public var family: ModelFamily { .discriminative }
    /// `averaged structured perceptron, 10 epochs (Viterbi)`.
    public var description: String { "averaged structured perceptron, \(epochs) epochs (Viterbi)" }
    /// Trains by averaged perceptron updates.
    public func fit(
        _ sentences: [TaggedSentence], tags: [String], features: TokenFeatureConfiguration, seed: UInt64,
        vectors: TokenVectorSource?, log: ((String) -> Void)?
    ) throws -> any SequenceTagger {
        var c = self
        c.features = features
        return try StructuredPerceptron.fit(c, sentences: sentences, tags: tags, seed: seed)
    }
    /// `StructuredPerceptron`.
    public static var taggerType: any SequenceTagger.Type { StructuredPerceptron.self }

    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<StructuredPerceptronConfiguration>] = [
        .integer("epochs", \.epochs, minimum: 1, "passes over the training sentences")
    ]
}
