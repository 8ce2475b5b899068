import Foundation

/// An outside file a family reads, named in the spec by a catalog name or a path: a checkpoint, word vectors, a
/// training corpus.
///
/// Families declare these instead of fetching or hashing anything themselves; the pipeline's one resolver checks
/// them at `validate`, keys caches by their content (a catalog name by its pinned sha256, a user's file by its
/// hash) and fetches them when a unit runs.
public struct ArtifactReference: Sendable, Hashable {
    /// What kind of file the name stands for, which says where names are looked up and what is checked.
    public enum Kind: Sendable, Hashable {
        /// A checkpoint folder in the Hugging Face layout (with `config.json`), or a model-catalog name (`minilm`).
        case checkpoint
        /// A file, or a dataset-catalog resource name (`googlenews-vectors`).
        case file
        /// A plain-text corpus (one sentence per line) or a resource name; a MediaWiki XML export (`.xml`) is turned
        /// into its articles' text once, cached by its content hash.
        case textCorpus
    }

    /// The spec key that names it (`model`, `pretrained`).
    public var key: String
    /// The name or path as the spec gives it.
    public var value: String
    /// What it is.
    public var kind: Kind

    /// An outside file named by spec key `key`.
    public init(key: String, value: String, kind: Kind) {
        self.key = key
        self.value = value
        self.kind = kind
    }
}
