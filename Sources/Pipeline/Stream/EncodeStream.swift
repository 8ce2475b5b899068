import Featurize
import Foundation
import Ingest
import TextCore
import Tokenize

/// `textpipe stream encode --spec SPEC --features NAME`: each record's vector from a pretrained encoder, with nothing
/// to fit: a BERT feature set (the [CLS], mean or pooler output of its checkpoint) or averaged word2vec vectors from a
/// `pretrained` file (mean or sum weighting; tf-idf weighting needs a fit, so use `stream featurize`).
///
/// In: `{"id": 1, "text": "Great fun"}`. Out: `{"id":1,"vector":[0.12,-0.3,...]}`.
public struct EncodeStream: StreamMode {
    let featurizer: any FittedFeaturizer
    let cleaner: Cleaner
    let tokenizer: Tokenizer
    /// Whether records hold raw text to clean (a spec's encoder) or cleaned text already (a run's documents).
    var cleans = true

    /// An encoder for a feature set of a spec (checkpoint names are fetched into the options' models folder).
    public init(
        feature: NamedFeatureSet, clean: CleanConfiguration, tokenize: TokenizeConfiguration, options: RunOptions
    ) throws {
        cleaner = Cleaner(clean)
        tokenizer = Tokenizer(tokenize)
        let c = feature.configuration
        let paths = try ArtifactResolver(options: options).resolveAll(c.artifacts, prefix: "features.\(feature.name)")
        guard let encoder = try c.resolvingArtifacts(paths).encoder() else {
            throw TextpipeError(
                .usage,
                "feature set '\(feature.name)' (\(c.kind)) must be fitted on training documents, so it is not an "
                    + "encoder; use `stream featurize --artifacts` (encoders: a BERT checkpoint, or pretrained "
                    + "word2vec "
                    + "vectors with mean weighting)", key: "features")
        }
        featurizer = encoder
    }

    /// An encoder for BERT settings whose checkpoint was shipped as a folder archive (a cluster's workers): the
    /// archive is unpacked beside it once per worker, and the settings then name that folder.
    public init(bert: BertFeatureConfiguration, checkpoint archive: URL) throws {
        let folder = try ShippedFile.unpacked(archive)
        var b = bert
        b.model = folder.path
        featurizer = try BertFeaturizer(b)
        cleaner = Cleaner(CleanConfiguration())
        tokenizer = Tokenizer(TokenizeConfiguration())
        cleans = false
    }

    /// One vector per record; a record of `texts` (a batch the driver formed, as a local run would) gets their
    /// vectors, encoded together: `{"id": 3, "texts": ["a", "b"]}` -> `{"id":3,"vectors":[[...],[...]]}`.
    public mutating func process(_ batch: [StreamRecord]) throws -> [String] {
        if batch.contains(where: { $0.fields["texts"] != nil }) {
            guard let bert = featurizer as? BertFeaturizer else {
                throw TextpipeError(.usage, "records of \"texts\" are encoded by a BERT checkpoint only")
            }
            return try batch.map { record in
                guard let texts = record.fields["texts"]?.array?.compactMap(\.string),
                    texts.count == record.fields["texts"]?.array?.count
                else { throw record.error("\"texts\" must be an array of strings", key: "texts") }
                let rows = try bert.vectors(batch: texts).map { v -> String in
                    guard v.allSatisfy(\.isFinite) else { throw record.error("the encoder gave a non-finite value") }
                    return "[" + v.map(\.description).joined(separator: ",") + "]"
                }
                return "{\"id\":\(record.idJSON),\"vectors\":[\(rows.joined(separator: ","))]}"
            }
        }
        let texts = try batch.map {
            cleans ? cleaner.clean(try $0.requireText(), source: $0.id).text : try $0.requireText()
        }
        let matrix = try featurizer.transform(texts: texts, tokenizer: tokenizer)
        return try batch.indices.map { i in
            let row = try FeatureRowText.row(i, of: matrix)
            // `{"values":[...]}` -> the vector itself.
            let vector = row.dropFirst("{\"values\":".count).dropLast()
            return "{\"id\":\(batch[i].idJSON),\"vector\":\(vector)}"
        }
    }
}
