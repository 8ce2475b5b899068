import Foundation
import Ingest
import TextCore

/// Where a run's data comes from, for documents and sentences alike: a catalog package (keyed by its pinned
/// sha256, fetched only when a unit reads it) or the user's files (keyed by their content hashes, taken when the plan
/// is compiled).
struct DataSource {
    let package: PinnedPackage?
    /// The package or the files with their SHA-256, as the lock file lists them.
    let files: [LockFile.FileHash]
    /// The spec's data paths; empty for a package.
    let paths: [String]

    /// `package` when the spec names a catalog entry, else the files at `paths` (relative to the project root).
    init(package: PinnedPackage?, paths: [String], options: RunOptions) throws {
        self.package = package
        self.paths = package == nil ? paths : []
        if let package {
            files = [.init(path: "\(package.name)==\(package.version)", sha256: package.sha256)]
        } else {
            files = try paths.map { .init(path: $0, sha256: try InputHash.of(options.resolve($0))) }
        }
    }

    /// Adds the package's or the files' hashes to a key.
    func derive(_ key: inout StageKey) {
        if let package {
            key.add("package", package.sha256)
        } else {
            for f in files { key.add("input", f.path + "=" + f.sha256) }
        }
    }

    /// The folder relative data paths are read from: the fetched package, or the project root.
    func baseFolder(_ options: RunOptions) throws -> URL {
        try package.map { try Fetcher(cacheDirectory: options.dataCacheFolder, log: options.log).fetch($0) }
            ?? options.root
    }
}
