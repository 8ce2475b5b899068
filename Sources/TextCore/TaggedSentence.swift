/// One sentence of a tagging corpus: its tokens (words, or characters for segmentation) and one tag each.
///
/// `["Pierre", "Vinken", ","]` with `["B-PER", "I-PER", "O"]`; for segmentation `["迈", "向"]` with `["B", "E"]`.
public struct TaggedSentence: Sendable, Equatable, Codable, Hashable {
    /// The words (or characters).
    public var tokens: [String]
    /// One tag per token.
    public var tags: [String]
    /// Where it came from (`file:line`), for error examples in reports.
    public var source: String

    /// A sentence; `source` says where it came from.
    public init(tokens: [String], tags: [String], source: String = "") {
        precondition(tokens.count == tags.count, "a tagged sentence needs one tag per token")
        self.tokens = tokens
        self.tags = tags
        self.source = source
    }
}
