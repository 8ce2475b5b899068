import Foundation
import Tagging
import TextCore

/// What a saved tagger is (`models/<name>/tagger.json`, beside `tagger.bin`).
public struct TaggerHeader: Codable, Sendable {
    /// The saved-model format (`SavedModel.formatVersion`); absent in taggers saved before it was recorded (version 1).
    public var formatVersion: Int? = SavedModel.formatVersion
    /// The textpipe that trained it.
    public var toolVersion: String
    /// The pipeline it came from.
    public var pipeline: String
    /// Its name in the spec.
    public var name: String
    /// Its kind (`crf`).
    public var kind: String
    /// `generative` or `discriminative`.
    public var family: String
    /// The tag set, in index order.
    public var tags: [String]
    /// The scheme its tags are written in (`bmes` for segmentation).
    public var scheme: TagScheme
    /// Training sentences.
    public var trainedOn: Int
    /// When it was trained (ISO 8601).
    public var createdAt: String
    /// SHA-256 of `tagger.bin`, recorded when saved and checked when loaded (absent in taggers saved before 0.4.0).
    public var checksums: [String: String]? = nil

    func json() throws -> Data {
        try SnakeCaseJSON.encode(self)
    }

    /// Reads `tagger.json`, checking its format version.
    public static func load(_ folder: URL) throws -> TaggerHeader {
        let url = folder.appendingPathComponent("tagger.json")
        let data = try SavedModel.header(.tagging, in: folder)
        let header: TaggerHeader
        do { header = try SnakeCaseJSON.decode(TaggerHeader.self, from: data) } catch {
            throw TextpipeError(.model, "unreadable tagger.json: \(error)", file: url.path)
        }
        try SavedModel.checkVersion(header.formatVersion, file: url)
        return header
    }

    /// The saved tagger of `folder`, with its per-token vectors rebuilt if it had them.
    public static func loadTagger(_ folder: URL) throws -> (TaggerHeader, any SequenceTagger) {
        let header = try load(folder)
        let url = folder.appendingPathComponent("tagger.bin")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TextpipeError(.input, "missing tagger.bin", file: folder.path)
        }
        let data = try SavedModel.part("tagger.bin", in: folder, checksums: header.checksums)
        return (header, try TaggerStore.decode(data, name: url.path, vectors: TokenVectors.source))
    }

    /// Saves a trained tagger: `tagger.bin`, then `tagger.json` with its checksum (the header last, so a folder with
    /// a header is whole).
    func save(_ tagger: any SequenceTagger, to folder: URL) throws {
        let data = try TaggerStore.encode(tagger)
        try AtomicFile.write(data, to: folder.appendingPathComponent("tagger.bin"))
        var header = self
        header.checksums = ["tagger.bin": SHA256.hex(data)]
        try AtomicFile.write(try header.json(), to: folder.appendingPathComponent("tagger.json"))
    }
}
