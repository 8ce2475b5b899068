import Featurize
import Foundation
import Ingest
import Tagging
import TextCore

/// Per-token vectors for taggers: word2vec-format files or a BERT checkpoint's word outputs.
enum TokenVectors {
    /// The outside file a vector source reads.
    static func artifact(_ v: TokenVectorSpec) -> ArtifactReference {
        switch v {
        case .wordVectors(let file): return ArtifactReference(key: "vectors", value: file, kind: .file)
        case .bert(let model, _): return ArtifactReference(key: "vectors", value: model, kind: .checkpoint)
        }
    }

    /// What a tagger's vectors are keyed by: a catalog name by its pinned sha256, a file or folder by its content.
    static func key(_ tagger: NamedTagger, options: RunOptions) throws -> String? {
        guard let v = tagger.spec.tokenVectors else { return nil }
        return try ArtifactResolver(options: options).contentHash(artifact(v), key: "taggers.\(tagger.name).vectors")
    }

    /// The spec's vector source with names resolved: a resource (`googlenews-vectors`) or checkpoint (`minilm`)
    /// fetched, a relative path made absolute.
    static func resolving(_ tagger: NamedTagger, options: RunOptions) throws -> NamedTagger {
        guard let v = tagger.spec.tokenVectors else { return tagger }
        let path = try ArtifactResolver(options: options).resolve(artifact(v), key: "taggers.\(tagger.name).vectors")
        switch v {
        case .wordVectors:
            return NamedTagger(name: tagger.name, spec: tagger.spec.withTokenVectors(.wordVectors(file: path)))
        case .bert(_, let maxLength):
            return NamedTagger(
                name: tagger.name, spec: tagger.spec.withTokenVectors(.bert(model: path, maxLength: maxLength)))
        }
    }

    /// A source of per-token vectors for a resolved spec.
    static func source(_ v: TokenVectorSpec) throws -> TokenVectorSource {
        switch v {
        case .wordVectors(let file):
            let vectors = try WordVectors.load(URL(fileURLWithPath: file))
            return { sentences in
                sentences.map { tokens in
                    var m = DenseMatrix(rowCount: tokens.count, columnCount: vectors.dimensions)
                    for (t, token) in tokens.enumerated() {
                        guard let v = vectors.vector(token) ?? vectors.vector(token.lowercased()) else { continue }
                        for (d, x) in v.enumerated() { m[t, d] = x }
                    }
                    return m
                }
            }
        case .bert(let model, let maxLength):
            var c = BertFeatureConfiguration(model: model)
            c.maxLength = maxLength
            let featurizer = try BertFeaturizer(c)
            return { sentences in try featurizer.wordVectors(sentences) }
        }
    }
}
