import Classify
import Foundation
import TextCore

/// What the CRF and the structured perceptron share once trained: the tag set, the attribute extractor and
/// index that read new sentences, and the linear chain that scores and decodes them.
public struct LinearChainTagger: Sendable {
    /// The tag set.
    public let tags: [String]
    /// Turns tokens into attribute strings.
    public let extractor: TokenFeatureExtractor
    /// Attribute strings to ids.
    public let attributes: AttributeIndex
    /// The trained chain.
    public let chain: LinearChain

    /// Viterbi tags for each sentence, sentences spread over the cores.
    public func predict(_ sentences: [[String]]) -> [[String]] {
        var index = attributes
        let x = index.encode(sentences, extractor: extractor, grow: false)
        return Parallel.map(x) { chain.decode($0).map { tags[Int($0)] } }
    }
}
