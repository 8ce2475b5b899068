import Foundation
import TextCore
import Ingest
import Featurize
import Tagging

extension Runner {
    /// The spec's vector source with names resolved: a resource (`googlenews-vectors`) or checkpoint (`minilm`)
    /// fetched, a relative path made absolute.
    func resolvingTokenVectors(_ tagger: NamedTagger) throws -> NamedTagger {
        guard case .tokenClassifier(var c) = tagger.spec, let v = c.vectors else { return tagger }
        switch v {
        case .wordVectors(let file):
            if let r = DatasetCatalog.resources.first(where: { $0.name == file }) {
                let fetcher = Fetcher(cacheDirectory: options.dataCache ?? options.root.appendingPathComponent("data/cache"), log: options.log)
                c.vectors = .wordVectors(file: try fetcher.fetch(r.package).appendingPathComponent(r.path).path)
            } else {
                let path = Self.resolve(file, options.root).path
                guard FileManager.default.fileExists(atPath: path) else { throw TextpipeError(.spec, "no such file", file: path, key: "taggers.\(tagger.name).vectors") }
                c.vectors = .wordVectors(file: path)
            }
        case .bert(let model, let maxLength):
            var folder: String
            if let entry = ModelCatalog.entry(named: model) {
                folder = try ModelCatalog.fetch(entry, modelsDirectory: options.modelsDirectory ?? options.root.appendingPathComponent("models"),
                                                log: options.log).resolvingSymlinksInPath().path
            } else { folder = Self.resolve(model, options.root).path }
            guard FileManager.default.fileExists(atPath: URL(fileURLWithPath: folder).appendingPathComponent("config.json").path) else {
                throw TextpipeError(.spec, "not a model folder (no config.json)", file: folder, key: "taggers.\(tagger.name).vectors")
            }
            c.vectors = .bert(model: folder, maxLength: maxLength)
        }
        return NamedTagger(name: tagger.name, spec: .tokenClassifier(c))
    }

    /// A source of per-token vectors for a resolved spec.
    static func tokenVectorSource(_ v: TokenVectorSpec) throws -> TokenVectorSource {
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
