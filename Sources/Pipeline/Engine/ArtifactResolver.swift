import Foundation
import Ingest
import TextCore

/// The one place outside files (checkpoints, word vectors, corpora) are looked up, checked, hashed and fetched.
///
/// A family declares what it reads as `ArtifactReference`s; stages, `validate` and the stream modes hand them here.
/// A catalog name stands for its pinned package (its sha256 is its hash, checked when fetched); anything else is a
/// path relative to the project root, hashed by content.
struct ArtifactResolver {
    let options: RunOptions

    /// Checks that the name or path stands for something, without fetching: a catalog entry, or an existing file (or
    /// a checkpoint folder with `config.json`). `key` names the spec key in the error (`features.bert.model`).
    func check(_ a: ArtifactReference, key: String) throws {
        switch a.kind {
        case .checkpoint:
            if ModelCatalog.entry(named: a.value) != nil { return }
            let folder = options.resolve(a.value)
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("config.json").path) else {
                throw TextpipeError(
                    .spec,
                    "model '\(a.value)' is neither a known checkpoint "
                        + "(\(ModelCatalog.entries.map(\.name).joined(separator: ", "))) "
                        + "nor a model folder with config.json",
                    file: folder.path, key: key)
            }
        case .file, .textCorpus:
            if Self.resource(a.value) != nil { return }
            let url = options.resolve(a.value)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw TextpipeError(.spec, "no such file (nor a catalog resource)", file: url.path, key: key)
            }
        }
    }

    /// What a cache key records for it: a catalog checkpoint's package sha256, a catalog resource's package sha256
    /// and path, or the content hash of the user's file or folder.
    func contentHash(_ a: ArtifactReference, key: String) throws -> String {
        try check(a, key: key)
        switch a.kind {
        case .checkpoint:
            if let entry = ModelCatalog.entry(named: a.value) { return entry.package.sha256 }
        case .file, .textCorpus:
            if let r = Self.resource(a.value) { return r.package.sha256 + "/" + r.path }
        }
        return try InputHash.of(options.resolve(a.value))
    }

    /// The label a stage key records the hash under: `model` for checkpoints, `file` for the rest.
    static func keyLabel(_ a: ArtifactReference) -> String { a.kind == .checkpoint ? "model" : "file" }

    /// The absolute path to read: a catalog name fetched (pinned sha256, checked), a relative path made absolute.
    /// A text corpus given as a MediaWiki XML export is turned into its articles' text once, in `workFolder`, under
    /// its content hash.
    func resolve(_ a: ArtifactReference, key: String, workFolder: URL? = nil) throws -> String {
        try check(a, key: key)
        var path: String
        switch a.kind {
        case .checkpoint:
            if let entry = ModelCatalog.entry(named: a.value) {
                path = try ModelCatalog.fetch(entry, modelsDirectory: options.modelsFolder, log: options.log)
                    .resolvingSymlinksInPath().path
            } else {
                path = options.resolve(a.value).path
            }
            guard
                FileManager.default.fileExists(
                    atPath: URL(fileURLWithPath: path).appendingPathComponent("config.json").path)
            else { throw TextpipeError(.spec, "not a model folder (no config.json)", file: path, key: key) }
        case .file, .textCorpus:
            if let r = Self.resource(a.value) {
                path = try Fetcher(cacheDirectory: options.dataCacheFolder, log: options.log).fetch(r.package)
                    .appendingPathComponent(r.path).path
            } else {
                path = options.resolve(a.value).path
            }
            guard FileManager.default.fileExists(atPath: path) else {
                throw TextpipeError(.spec, "no such file (nor a catalog resource)", file: path, key: key)
            }
        }
        if a.kind == .textCorpus, path.lowercased().hasSuffix(".xml"), let workFolder {
            let text = workFolder.appendingPathComponent(
                "word2vec-corpus-\(try InputHash.of(URL(fileURLWithPath: path)).prefix(16)).txt")
            if !FileManager.default.fileExists(atPath: text.path) {
                let pages = try XMLTextExtractor.extract(URL(fileURLWithPath: path), to: text)
                options.log("\(key): extracted the text of \(pages) XML records from \(path)")
            }
            path = text.path
        }
        return path
    }

    /// Every artifact resolved, by spec key (what `resolvingArtifacts` takes); `prefix` names the entry in errors
    /// (`features.bert`).
    func resolveAll(_ artifacts: [ArtifactReference], prefix: String, workFolder: URL? = nil) throws -> [String: String]
    {
        var paths: [String: String] = [:]
        for a in artifacts { paths[a.key] = try resolve(a, key: "\(prefix).\(a.key)", workFolder: workFolder) }
        return paths
    }

    /// The dataset-catalog resource of that name.
    static func resource(_ name: String) -> (name: String, summary: String, package: PinnedPackage, path: String)? {
        DatasetCatalog.resources.first { $0.name == name }
    }
}
