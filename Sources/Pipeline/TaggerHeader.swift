import Foundation
import Tagging
import TextCore

/// What a saved tagger is (`models/<name>/tagger.json`, beside `tagger.bin`).
public struct TaggerHeader: Codable, Sendable {
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
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }

    public static func load(_ folder: URL) throws -> TaggerHeader {
        let url = folder.appendingPathComponent("tagger.json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TextpipeError(.input, "not a saved tagger (no tagger.json)", file: folder.path)
        }
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        do { return try d.decode(TaggerHeader.self, from: data) } catch {
            throw TextpipeError(.model, "unreadable tagger.json: \(error)", file: url.path)
        }
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
