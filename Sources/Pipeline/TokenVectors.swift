import Featurize
import Foundation
import Ingest
import Tagging
import TextCore

/// Per-token vectors for taggers: word2vec-format files or a BERT checkpoint's word outputs.
enum TokenVectors {
    /// What a tagger's vectors are keyed by: a catalog name by its pinned sha256, a file or folder by its content.
    static func key(_ tagger: NamedTagger, options: RunOptions) throws -> String? {
        guard case .tokenClassifier(let c) = tagger.spec, let v = c.vectors else { return nil }
        switch v {
        case .wordVectors(let file):
            if let r = DatasetCatalog.resources.first(where: { $0.name == file }) {
                return r.package.sha256 + "/" + r.path
            }
            let url = options.resolve(file)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw TextpipeError(.spec, "no such file", file: url.path, key: "taggers.\(tagger.name).vectors")
            }
            return try InputHash.of(url)
        case .bert(let model, _):
            if let entry = ModelCatalog.entry(named: model) { return entry.package.sha256 }
            let folder = options.resolve(model)
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("config.json").path) else {
                throw TextpipeError(
                    .spec, "not a model folder (no config.json)", file: folder.path,
                    key: "taggers.\(tagger.name).vectors")
            }
            return try InputHash.of(folder)
        }
    }

    /// The spec's vector source with names resolved: a resource (`googlenews-vectors`) or checkpoint (`minilm`)
    /// fetched, a relative path made absolute.
    static func resolving(_ tagger: NamedTagger, options: RunOptions) throws -> NamedTagger {
        guard case .tokenClassifier(var c) = tagger.spec, let v = c.vectors else { return tagger }
        switch v {
        case .wordVectors(let file):
            if let r = DatasetCatalog.resources.first(where: { $0.name == file }) {
                let fetcher = Fetcher(cacheDirectory: options.dataCacheFolder, log: options.log)
                c.vectors = .wordVectors(file: try fetcher.fetch(r.package).appendingPathComponent(r.path).path)
            } else {
                let path = options.resolve(file).path
                guard FileManager.default.fileExists(atPath: path) else {
                    throw TextpipeError(.spec, "no such file", file: path, key: "taggers.\(tagger.name).vectors")
                }
                c.vectors = .wordVectors(file: path)
            }
        case .bert(let model, let maxLength):
            var folder: String
            if let entry = ModelCatalog.entry(named: model) {
                folder = try ModelCatalog.fetch(entry, modelsDirectory: options.modelsFolder, log: options.log)
                    .resolvingSymlinksInPath().path
            } else {
                folder = options.resolve(model).path
            }
            guard
                FileManager.default.fileExists(
                    atPath: URL(fileURLWithPath: folder).appendingPathComponent("config.json").path)
            else {
                throw TextpipeError(
                    .spec, "not a model folder (no config.json)", file: folder, key: "taggers.\(tagger.name).vectors")
            }
            c.vectors = .bert(model: folder, maxLength: maxLength)
        }
        return NamedTagger(name: tagger.name, spec: .tokenClassifier(c))
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
