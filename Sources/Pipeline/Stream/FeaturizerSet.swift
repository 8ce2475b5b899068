import Featurize
import Foundation
import Ingest
import TextCore
import Tokenize

/// Fitted featurizers with the cleaning and tokenizing they expect: what `textpipe stream featurize --artifacts DIR`
/// applies to every record.
///
/// DIR is either a saved model folder (one featurizer: `model.json`, `featurizer.bin`) or a folder the Spark driver
/// writes for a feature set (`featurizers.json` listing `featurizer-<i>.bin`, one per fit: each fold's training
/// part, then the final model's documents), each part checked against the SHA-256 recorded with it.
public struct FeaturizerSet {
    /// What `featurizers.json` holds.
    struct Header: Codable {
        var kind: String
        var clean: CleanConfiguration
        var tokenize: TokenizeConfiguration
        /// Part file name to SHA-256, in fit order.
        var parts: [[String]]
    }

    /// The feature set's kind (`ngram`).
    public var kind: String
    /// How raw text is cleaned.
    public var clean: CleanConfiguration
    /// How cleaned text is tokenized.
    public var tokenize: TokenizeConfiguration
    /// The fitted featurizers, in fit order.
    public var featurizers: [any FittedFeaturizer]

    /// A set of featurizers.
    public init(
        kind: String, clean: CleanConfiguration, tokenize: TokenizeConfiguration, featurizers: [any FittedFeaturizer]
    ) {
        self.kind = kind
        self.clean = clean
        self.tokenize = tokenize
        self.featurizers = featurizers
    }

    /// The header file of a driver-written folder.
    static let headerName = "featurizers.json"

    /// Writes `featurizers.json` and one part per featurizer.
    public func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var parts: [[String]] = []
        for (i, f) in featurizers.enumerated() {
            var w = BinaryWriter()
            try f.encode(into: &w)
            let name = "featurizer-\(i).bin"
            try AtomicFile.write(w.data, to: folder.appendingPathComponent(name))
            parts.append([name, SHA256.hex(w.data)])
        }
        let header = Header(kind: kind, clean: clean, tokenize: tokenize, parts: parts)
        try AtomicFile.write(try SnakeCaseJSON.encode(header), to: folder.appendingPathComponent(Self.headerName))
    }

    /// Reads a driver-written folder (or its archive, as shipped to a cluster's workers) or a saved model's
    /// featurizer.
    public static func load(from folder: URL) throws -> FeaturizerSet {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            let unpacked = FileManager.default.temporaryDirectory.appendingPathComponent(
                "textpipe-featurizers-\(getpid())-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: unpacked) }
            try FolderArchive.unpack(try AtomicFile.read(folder), into: unpacked, name: folder.path)
            return try load(from: unpacked)
        }
        let headerURL = folder.appendingPathComponent(headerName)
        guard let data = FileManager.default.contents(atPath: headerURL.path) else {
            let model = try ModelBundle.load(from: folder)
            return FeaturizerSet(
                kind: model.header.featureKind, clean: model.header.clean, tokenize: model.header.tokenize,
                featurizers: [model.featurizer])
        }
        let header: Header
        do { header = try SnakeCaseJSON.decode(Header.self, from: data) } catch {
            throw TextpipeError(.input, "not a featurizer set header: \(error)", file: headerURL.path)
        }
        var featurizers: [any FittedFeaturizer] = []
        for part in header.parts {
            guard part.count == 2, !part[0].contains("/"), !part[0].hasPrefix(".") else {
                throw TextpipeError(.input, "a part must be [file name, sha256]", file: headerURL.path)
            }
            let url = folder.appendingPathComponent(part[0])
            let bytes = try AtomicFile.read(url)
            guard SHA256.hex(bytes) == part[1] else {
                throw TextpipeError(.input, "does not match the checksum in \(headerName)", file: url.path)
            }
            var r = BinaryReader(bytes, name: url.path)
            featurizers.append(try FeatureSetConfiguration.decode(kind: header.kind, from: &r))
        }
        guard !featurizers.isEmpty else { throw TextpipeError(.input, "lists no featurizer", file: headerURL.path) }
        return FeaturizerSet(
            kind: header.kind, clean: header.clean, tokenize: header.tokenize, featurizers: featurizers)
    }
}
