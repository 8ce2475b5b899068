import Foundation
import TextCore

/// The one saved-model format, for classifiers and taggers alike: a folder holding a small JSON header (format
/// version, tool version, pipeline, kind, family, labels or tags, what it was trained on, when) beside binary parts.
///
/// | task           | header       | parts                               | used by          |
/// |----------------|--------------|-------------------------------------|------------------|
/// | classification | `model.json` | `featurizer.bin`, `classifier.bin`  | `textpipe predict` |
/// | tagging        | `tagger.json`| `tagger.bin`                        | `textpipe tag`     |
///
/// A header without `format_version` is version 1 (taggers saved before the field existed); a newer version than
/// this textpipe writes is refused, never half-read.
public enum SavedModel {
    /// The format version this textpipe writes and reads.
    public static let formatVersion = 1

    /// What a saved model does.
    public enum Task: String, Sendable {
        case classification, tagging

        var header: String { self == .classification ? "model.json" : "tagger.json" }
        var command: String { self == .classification ? "textpipe predict --model" : "textpipe tag --model" }
    }

    /// Which task's model a folder holds, by its header file.
    public static func task(of folder: URL) -> Task? {
        [Task.classification, .tagging].first {
            FileManager.default.fileExists(atPath: folder.appendingPathComponent($0.header).path)
        }
    }

    /// The header file of a saved model of `task`, or an error saying what the folder holds instead.
    static func header(_ task: Task, in folder: URL) throws -> Data {
        let url = folder.appendingPathComponent(task.header)
        if let data = FileManager.default.contents(atPath: url.path) { return data }
        if let other = Self.task(of: folder), other != task {
            throw TextpipeError(
                .usage,
                "this folder holds a saved \(other == .tagging ? "tagger" : "classifier"), not a "
                    + "\(task == .tagging ? "tagger" : "classifier"); use `\(other.command) \(folder.path)`",
                file: folder.path)
        }
        let what = task == .tagging ? "not a saved tagger" : "not a textpipe model folder"
        throw TextpipeError(task == .tagging ? .input : .usage, "\(what) (no \(task.header))", file: folder.path)
    }

    /// The bytes of a part of a saved model, checked against the SHA-256 its header recorded when it was written:
    /// a flipped bit, a truncated file or a part copied from another model is a clear error (exit 3), never a
    /// model that silently predicts nonsense. Parts of models saved before checksums were recorded (no entry) are
    /// read unchecked.
    static func part(_ name: String, in folder: URL, checksums: [String: String]?) throws -> Data {
        let url = folder.appendingPathComponent(name)
        let data = try AtomicFile.read(url)
        guard let checksums else { return data }
        guard let expected = checksums[name] else {
            throw TextpipeError(.input, "the model's header records no checksum for \(name)", file: url.path)
        }
        guard SHA256.hex(data) == expected else {
            throw TextpipeError(
                .input,
                "\(name) does not match the checksum recorded when the model was saved "
                    + "(corrupted, or a part of another model)",
                file: url.path)
        }
        return data
    }

    /// Refuses a header written by a newer format than this textpipe reads.
    static func checkVersion(_ version: Int?, file: URL) throws {
        let v = version ?? 1
        guard (1...formatVersion).contains(v) else {
            throw TextpipeError(
                .model, "model format \(v) is newer than this textpipe understands (\(formatVersion))", file: file.path)
        }
    }
}
