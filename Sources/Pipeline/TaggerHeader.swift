import Foundation
import Tagging
import TextCore

/// What a saved tagger is (`models/<name>/tagger.json`, beside `tagger.bin`).
public struct TaggerHeader: Codable, Sendable {
    /// The saved-model format (`SavedModel.formatVersion`); absent in taggers saved before it was recorded (version 1).
    public var formatVersion: Int? = SavedModel.formatVersion
    public var toolVersion: String
    public var pipeline: String
    public var name: String
    public var kind: String
    public var family: String
    public var tags: [String]
    /// The scheme its tags are written in (`bmes` for segmentation).
    public var scheme: TagScheme
    public var trainedOn: Int
    public var createdAt: String

    func json() throws -> Data {
        try SnakeCaseJSON.encode(self)
    }

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
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TextpipeError(.input, "missing tagger.bin", file: folder.path)
        }
        return (header, try TaggerStore.decode(data, name: url.path, vectors: TokenVectors.source))
    }
}
