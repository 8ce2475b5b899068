/// One text to classify, as read from a corpus.
public struct Document: Sendable, Equatable {
    /// Where it came from, for error messages and reports: `reviews.csv:17` or `data/pos/a.html`.
    public var source: String
    /// The raw or cleaned text.
    public var text: String
    /// The gold label, if known.
    public var label: String?

    /// A document.
    public init(source: String, text: String, label: String?) {
        self.source = source
        self.text = text
        self.label = label
    }
}

/// A corpus split as the spec gave it: training documents and, optionally, a fixed test set.
public struct Corpus: Sendable {
    /// Training documents.
    public var train: [Document]
    /// The given test documents, if any.
    public var test: [Document]?
    /// Counters of what reading and cleaning did (invalid bytes replaced, empty documents, ...), shown in reports.
    public var notes: [String: Int]

    /// A corpus of these documents.
    public init(train: [Document], test: [Document]?, notes: [String: Int] = [:]) {
        self.train = train
        self.test = test
        self.notes = notes
    }
}

/// Maps label strings to dense indices `0..<count`, in sorted order so that the mapping is stable.
///
/// `LabelIndex(["pos", "neg", "pos"])` has `names == ["neg", "pos"]` and `index("pos") == 1`.
public struct LabelIndex: Sendable, Equatable, Codable {
    /// Labels in index order (sorted).
    public let names: [String]
    private let lookup: [String: Int]

    /// The sorted distinct labels.
    public init<S: Sequence>(_ labels: S) where S.Element == String {
        names = Array(Set(labels)).sorted()
        var map: [String: Int] = [:]
        for (i, n) in names.enumerated() { map[n] = i }
        lookup = map
    }

    /// The number of labels.
    public var count: Int { names.count }
    /// The index of a label, if it is one.
    public func index(_ name: String) -> Int? { lookup[name] }

    enum CodingKeys: CodingKey { case names }
    /// Reads the label names.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try c.decode([String].self, forKey: .names))
    }
    /// Writes the label names.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(names, forKey: .names)
    }
}
