import Classify
import Foundation
import TextCore

/// Per-token vectors appended to the window features (averaged word2vec or BERT word vectors): given the
/// sentences' tokens, one `tokens x dimensions` matrix per sentence.
public typealias TokenVectorSource = @Sendable ([[String]]) throws -> [DenseMatrix]

/// Where per-token vectors come from: a word-vector file (word2vec text or binary; each token looked up as is,
/// then lowercased; unknown tokens get zeros) or a BERT checkpoint (each word's vector at its first WordPiece).
public enum TokenVectorSpec: Sendable, Codable, Hashable {
    case wordVectors(file: String)
    case bert(model: String, maxLength: Int)
    /// The source in words, for reports.
    public var summary: String {
        switch self {
        case .wordVectors(let f): return "word vectors from \(URL(fileURLWithPath: f).lastPathComponent)"
        case .bert(let m, _): return "BERT word vectors (\(URL(fileURLWithPath: m).lastPathComponent))"
        }
    }
}

/// Hyperparameters of the per-token tagger.
public struct TokenClassifierConfiguration: Sendable, Codable, Hashable {
    /// Token features (set from the spec's `features`).
    public var features = TokenFeatureConfiguration()
    /// Any classifier of the family (`logistic`, `linear_svm`, `multinomial_nb`, ...).
    public var classifier: ClassifierSpec
    /// Per-token vectors appended to the window features, if any (the pipeline turns this into a `TokenVectorSource`).
    public var vectors: TokenVectorSpec?
    /// Settings with this classifier.
    public init(classifier: ClassifierSpec) { self.classifier = classifier }
}

/// Tags each token on its own: window features (and optional per-token vectors) as one row per token, fed to
/// a classifier of the family. Neighbouring decisions are independent, so invalid tag sequences (`I-PER` after
/// `O`, `M` after `S`) can occur; the evaluation reads them as conlleval does.
public struct TokenClassifierTagger: SequenceTagger {
    /// Spec name.
    public static let kind = "token_classifier"
    /// Reported by its classifier's family in specs; the type itself is listed as discriminative.
    public static var family: ModelFamily { .discriminative }
    /// The tag set.
    public let tags: [String]
    /// Turns tokens into attribute strings.
    public let extractor: TokenFeatureExtractor
    /// Attribute strings to columns.
    public let attributes: AttributeIndex
    /// The trained per-token classifier.
    public let classifier: any Classifier
    let vectors: TokenVectorSource?
    /// Where the vectors come from, kept so a saved tagger can rebuild its source.
    public let vectorSpec: TokenVectorSpec?
    let vectorDimensions: Int
    /// What training did.
    public let trainingSummary: [String: String]
    /// The family of the classifier inside (a naive Bayes per token is generative).
    public var classifierFamily: ModelFamily { classifier.family }

    static func rows(_ x: [AttributeSequence], attributeCount: Int, vectors: [DenseMatrix]?, dimensions: Int)
        -> SparseMatrix
    {
        var m = SparseMatrix(columnCount: attributeCount + dimensions)
        for (s, seq) in x.enumerated() {
            for t in 0..<seq.count {
                var entries = seq.attributes(of: t).map { ($0, Float(1)) }
                if let v = vectors?[s] {
                    for d in 0..<dimensions where v[t, d] != 0 { entries.append((Int32(attributeCount + d), v[t, d])) }
                }
                m.appendRow(entries)
            }
        }
        return m
    }

    /// Trains the classifier on one row per training token (window features, plus vectors when given).
    public static func fit(
        _ c: TokenClassifierConfiguration, sentences: [TaggedSentence], tags: [String], seed: UInt64,
        vectors: TokenVectorSource? = nil
    ) throws -> TokenClassifierTagger {
        guard (vectors == nil) == (c.vectors == nil) else {
            throw TextpipeError(.internal, "token vectors given without their spec, or the reverse")
        }
        let data = try PreparedTrainingData(sentences, tags: tags, features: c.features)
        let extra = try vectors?(sentences.map(\.tokens))
        let dimensions = extra?.first(where: { $0.rowCount > 0 })?.columnCount ?? 0
        let x = rows(data.x, attributeCount: data.attributes.count, vectors: extra, dimensions: dimensions)
        let labels = data.y.flatMap { $0.map(Int.init) }
        let watch = Stopwatch()
        let model = try c.classifier.fit(.sparse(x), labels: labels, classCount: tags.count, seed: seed)
        var summary = model.trainingSummary
        summary["classifier"] = model.kind
        summary["rows"] = "\(x.rowCount)"
        summary["columns"] = "\(x.columnCount)"
        summary["attributes"] = "\(data.attributes.count)"
        summary["classifier_seconds"] = String(
            format: "%.2f", watch.seconds)
        return TokenClassifierTagger(
            tags: tags, extractor: data.extractor, attributes: data.attributes, classifier: model,
            vectors: vectors, vectorSpec: c.vectors, vectorDimensions: dimensions, trainingSummary: summary)
    }

    /// Writes the extractor, attributes, classifier and vector settings.
    public func encodeBody(into w: inout BinaryWriter) throws {
        try TaggerStore.encodeFeatures(extractor, attributes, &w)
        w.write(array: [UInt8](try ClassifierStore.encode(classifier)))
        w.write(try vectorSpec.map { String(decoding: try StableJSON.encode($0), as: UTF8.self) } ?? "")
        w.write(Int64(vectorDimensions))
    }

    /// Reads what `encodeBody` wrote, rebuilding the vector source with `vectors`.
    public static func decodeBody(
        tags: [String], summary: [String: String], from r: inout BinaryReader,
        vectors: (TokenVectorSpec) throws -> TokenVectorSource
    ) throws -> TokenClassifierTagger {
        let (extractor, attributes) = try TaggerStore.decodeFeatures(&r)
        let classifier = try ClassifierStore.decode(Data(try r.readArray(UInt8.self)), name: r.name)
        let specText = try r.readString()
        let spec = specText.isEmpty ? nil : try JSONDecoder().decode(TokenVectorSpec.self, from: Data(specText.utf8))
        let dimensions = Int(try r.read(Int64.self))
        return TokenClassifierTagger(
            tags: tags, extractor: extractor, attributes: attributes, classifier: classifier,
            vectors: try spec.map(vectors), vectorSpec: spec, vectorDimensions: dimensions, trainingSummary: summary)
    }

    /// Each token's tag, decided on its own.
    public func predict(_ sentences: [[String]]) throws -> [[String]] {
        var index = attributes
        let x = index.encode(sentences, extractor: extractor, grow: false)
        var extra: [DenseMatrix]? = nil
        if vectorDimensions > 0 {
            guard let vectors else {
                throw TextpipeError(.model, "this tagger needs per-token vectors, and has no source for them")
            }
            extra = try vectors(sentences)
        }
        let predicted = classifier.predict(
            .sparse(Self.rows(x, attributeCount: attributes.count, vectors: extra, dimensions: vectorDimensions)))
        var out: [[String]] = []
        var k = 0
        for s in sentences {
            out.append(
                s.map { _ in
                    defer { k += 1 }
                    return tags[predicted[k]]
                })
        }
        return out
    }
}

extension TokenClassifierConfiguration: TaggerSettings {
    /// Settings with no classifier given yet; a spec must name one (`validate`).
    public init() { self.init(classifier: ClassifierSpec(MultinomialNaiveBayesConfiguration())) }

    /// Spec name.
    public static let kind = "token_classifier"
    /// One line for the README.
    public static let summary =
        "any classifier of the family on each token's window features (and optional word vectors)"
    /// Its classifier's family.
    public var family: ModelFamily { classifier.family }
    /// `token_<classifier kind>`.
    public var defaultName: String { "token_\(classifier.kind)" }
    /// `per-token logistic on window features`, and its vectors.
    public var description: String {
        "per-token \(classifier.kind) on window features" + (vectors.map { " + \($0.summary)" } ?? "")
    }
    /// The `vectors` key.
    public var tokenVectors: TokenVectorSpec? { vectors }
    /// The settings with other vectors.
    public func withTokenVectors(_ v: TokenVectorSpec?) -> TokenClassifierConfiguration {
        var c = self
        c.vectors = v
        return c
    }
    /// Trains the classifier on one row per token.
    public func fit(
        _ sentences: [TaggedSentence], tags: [String], features: TokenFeatureConfiguration, seed: UInt64,
        vectors source: TokenVectorSource?, log: ((String) -> Void)?
    ) throws -> any SequenceTagger {
        var c = self
        c.features = features
        return try TokenClassifierTagger.fit(c, sentences: sentences, tags: tags, seed: seed, vectors: source)
    }
    /// Cache keys have always called it this.
    public static var layoutName: String { "tokenClassifier" }
    /// `TokenClassifierTagger`.
    public static var taggerType: any SequenceTagger.Type { TokenClassifierTagger.self }

    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<TokenClassifierConfiguration>] = [
        Parameter(
            key: "classifier",
            type: .custom(tag: "classifier", summary: "a classifier: `logistic` or `{linear_svm: {C: 0.5}}`"),
            summary: "the classifier of every token (required)", defaultValue: "none"
        ) { c, v in
            if case .custom(let value) = v, let spec = value.value.base as? ClassifierSpec { c.classifier = spec }
        },
        Parameter(
            key: "vectors",
            type: .custom(
                tag: "token-vectors",
                summary: "`{word2vec: FILE or googlenews-vectors}` or `{bert: minilm or FOLDER, max_length: 128}`"),
            summary: "per-token vectors appended to the window features", defaultValue: "none"
        ) { c, v in
            if case .custom(let value) = v, let vectors = value.value.base as? TokenVectorSpec { c.vectors = vectors }
        }
    ]

    /// A classifier must be given.
    public func validate(present: Set<String>) throws {
        guard present.contains("classifier") else {
            throw SettingsConflict(
                key: "classifier",
                "token_classifier needs a 'classifier' (\(ClassifierRegistry.kinds.joined(separator: ", ")))")
        }
    }
}
