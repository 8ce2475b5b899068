import Foundation
import TextCore

/// What a classifier can and cannot do, declared once beside its configuration.
///
/// The pipeline reads these before training: a pair whose features the classifier cannot use is skipped with
/// the reason (`gaussian_nb` on sparse counts), instead of training and catching a thrown error.
public struct ClassifierCapabilities: OptionSet, Sendable, Hashable {
    /// The bits.
    public let rawValue: Int
    /// Capabilities from bits.
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
    /// Reads the documents' token sequences (a feature set with `sequence: true`), not only the matrix.
    public static let needsSequences = ClassifierCapabilities(rawValue: 1 << 5)

    /// Names for documentation, in declaration order.
    public var names: [String] {
        [
            (Self.needsDenseInput, "dense input"), (.needsNonNegativeInput, "non-negative input"),
            (.givesProbabilities, "probabilities"),
            (.acceptsClassWeights, "class weights"), (.usesSeed, "seeded"), (.needsSequences, "token sequences")
        ].filter { contains($0.0) }.map(\.1)
    }
}

extension ClassifierConfiguration {
    /// The declared spec keys, for readers that do not know the configuration's type.
    public static var parameterDocumentation: [ParameterDocumentation] { documentation }
}
