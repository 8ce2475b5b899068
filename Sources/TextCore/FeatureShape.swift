import Foundation

/// What a feature set produces, as far as a classifier cares (see `ClassifierCapabilities`).
public struct FeatureShape: Sendable, Hashable {
    /// Sparse rows (bag of words, n-grams) rather than dense vectors.
    public var isSparse: Bool
    /// Every value is >= 0 (counts, tf-idf, binary).
    public var isNonNegative: Bool
    /// Rows carry the documents' token sequences too (`sequence: true`).
    public var hasSequences: Bool
    /// A shape.
    public init(isSparse: Bool, isNonNegative: Bool, hasSequences: Bool = false) {
        self.isSparse = isSparse
        self.isNonNegative = isNonNegative
        self.hasSequences = hasSequences
    }
}
