import Foundation
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// Saved models and taggers are trusted only when whole: every binary part is checked against the SHA-256 its
/// header recorded, so a flipped bit, a truncated part or a part copied from another model is a clear error, never a
/// crash or a model that predicts nonsense with exit 0.
@Suite(.serialized) struct SavedModelIntegrityTests {
    /// Flips one bit at `count` spread positions of `file`, each time checking that `load` throws a TextpipeError.
    func expectEveryFlipRefused(_ file: URL, count: Int, load: () throws -> Void) throws {
        let original = try Data(contentsOf: file)
        defer { try? original.write(to: file) }
        let step = max(1, original.count / count)
        var refused = 0
        for position in stride(from: 0, to: original.count, by: step) {
            var bytes = [UInt8](original)
            bytes[position] ^= 0x10
            try Data(bytes).write(to: file)
            do {
                try load()
                Issue.record("\(file.lastPathComponent): a flipped bit at \(position) was accepted")
            } catch let e as TextpipeError {
                #expect(e.exitCode == 3 && e.message.contains("checksum"), "\(e)")
                refused += 1
            }
        }
        #expect(refused >= min(count, original.count) / 2)
    }

    @Test func everyCorruptedPartOfASavedClassifierIsRefused() throws {
        let root = makeProject(documentsPerClass: 20)
        let (outcome, _) = try run(root)
        let models = try #require(outcome.reportDirectory).appendingPathComponent("models")
        let softmax = models.appendingPathComponent("ngram__softmax")
        let nb = models.appendingPathComponent("onehot__multinomial_nb")
        _ = try ModelBundle.load(from: softmax)
        for part in ["featurizer.bin", "classifier.bin"] {
            try expectEveryFlipRefused(softmax.appendingPathComponent(part), count: 40) {
                _ = try ModelBundle.load(from: softmax)
            }
        }
        // A part copied from another model.
        let mine = try Data(contentsOf: softmax.appendingPathComponent("featurizer.bin"))
        try FileManager.default.removeItem(at: softmax.appendingPathComponent("featurizer.bin"))
        try FileManager.default.copyItem(
            at: nb.appendingPathComponent("featurizer.bin"), to: softmax.appendingPathComponent("featurizer.bin"))
        #expect { _ = try ModelBundle.load(from: softmax) } throws: {
            ($0 as? TextpipeError)?.message.contains("another model") == true
        }
        try mine.write(to: softmax.appendingPathComponent("featurizer.bin"))
        // Duplicate labels in the header are refused, not a crash.
        let headerURL = softmax.appendingPathComponent("model.json")
        var header = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: headerURL)) as? [String: Any])
        header["labels"] = ["pos", "pos"]
        try JSONSerialization.data(withJSONObject: header).write(to: headerURL)
        #expect { _ = try ModelBundle.load(from: softmax) } throws: {
            ($0 as? TextpipeError)?.message.contains("distinct") == true
        }
        // From the command line: exit 3 with the file named.
        let cli = try TestSupport.runTextpipe(
            ["predict", "--model", softmax.path, "-"], in: root, stdin: "a great film\n")
        #expect(cli.status == 3 && cli.err.contains("model.json"), "\(cli.err)")
    }

    @Test func everyCorruptedSavedTaggerIsRefused() throws {
        let root = TestSupport.temporaryDirectory()
        TestSupport.write(TaggingPipelineTests.conll(60, seed: 1), to: root.appendingPathComponent("train.conll"))
        TestSupport.write(
            """
            name: ner
            task: tagging
            data:
              train: {path: train.conll, format: conll}
              scheme: iob1
            features: {kind: words, window: 1}
            taggers: [hmm, {token_classifier: {classifier: multinomial_nb}}, {perceptron: {epochs: 2}}, {crf: {max_iterations: 10}}]
            report: {out: reports/ner}
            """, to: root.appendingPathComponent("ner.yaml"))
        let r = try TestSupport.runTextpipe(["run", "ner.yaml"], in: root)
        #expect(r.status == 0, "\(r.err)")
        for tagger in ["hmm", "token_multinomial_nb", "perceptron", "crf"] {
            let folder = root.appendingPathComponent("reports/ner/latest/models/\(tagger)")
            _ = try TaggerHeader.loadTagger(folder)
            try expectEveryFlipRefused(folder.appendingPathComponent("tagger.bin"), count: 60) {
                _ = try TaggerHeader.loadTagger(folder)
            }
        }
    }
}
