import Foundation
import TestSupport
import Testing
import TextCore

@testable import Featurize

/// float16 and bfloat16 checkpoints: the tiny BERT fixture rewritten with half-precision tensors must encode exactly
/// like a float32 checkpoint holding the same rounded values (the conversion on load is exact), and close to the
/// original.
@Suite struct CheckpointDtypeTests {
    var tinyFolder: URL { Bundle.module.bundleURL.appendingPathComponent("Fixtures/tiny-bert") }

    enum Precision { case f32, f16, bf16 }

    /// bfloat16 bits of a float, rounded to nearest even.
    static func bfloat16Bits(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    }

    /// Writes the fixture's tensors into `folder/model.safetensors`: as float32 values rounded to `rounding`, or
    /// stored in half precision.
    func writeCheckpoint(to folder: URL, storing: Precision, roundedTo rounding: Precision) throws {
        let source = try SafeTensors(tinyFolder.appendingPathComponent("model.safetensors"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in ["config.json", "vocab.txt"] {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(file))
            try FileManager.default.copyItem(
                at: tinyFolder.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        var header: [String: Any] = [:]
        var body = Data()
        for name in source.entries.keys.sorted() {
            let e = try #require(source.entries[name])
            let values = try source.floats(name, shape: e.shape)
            let start = body.count
            switch storing {
            case .f32:
                for v in values {
                    let r: Float =
                        rounding == .f16
                        ? Float(Float16(v))
                        : rounding == .bf16 ? Float(bitPattern: UInt32(Self.bfloat16Bits(v)) << 16) : v
                    withUnsafeBytes(of: r.bitPattern.littleEndian) { body.append(contentsOf: $0) }
                }
            case .f16:
                for v in values {
                    withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { body.append(contentsOf: $0) }
                }
            case .bf16:
                for v in values {
                    withUnsafeBytes(of: Self.bfloat16Bits(v).littleEndian) { body.append(contentsOf: $0) }
                }
            }
            header[name] = [
                "dtype": storing == .f32 ? "F32" : storing == .f16 ? "F16" : "BF16", "shape": e.shape,
                "data_offsets": [start, body.count]
            ]
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var file = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        file.append(body)
        try file.write(to: folder.appendingPathComponent("model.safetensors"))
    }

    func outputs(_ folder: URL) throws -> [[Float]] {
        let model = try BertModel(folder: folder)
        return try BertReference.load("tiny-bert/expected").cases.flatMap { c in
            [try model.pooled(ids: c.ids, pooling: .cls), try model.pooled(ids: c.ids, pooling: .mean)]
        }
    }

    func largestDifference(_ a: [[Float]], _ b: [[Float]]) -> Float {
        guard a.count == b.count, zip(a, b).allSatisfy({ $0.count == $1.count && !$0.isEmpty }) else {
            return .infinity
        }
        return zip(a, b).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? .infinity
    }

    @Test(arguments: [Precision.f16, .bf16])
    func halfPrecisionCheckpointsLoadExactly(_ precision: Precision) throws {
        let root = TestSupport.temporaryDirectory("dtype")
        try writeCheckpoint(to: root.appendingPathComponent("half"), storing: precision, roundedTo: precision)
        try writeCheckpoint(to: root.appendingPathComponent("rounded"), storing: .f32, roundedTo: precision)
        let half = try SafeTensors(root.appendingPathComponent("half/model.safetensors"))
        #expect(half.entries.values.allSatisfy { $0.dtype == (precision == .f16 ? "F16" : "BF16") })
        let fromHalf = try outputs(root.appendingPathComponent("half"))
        #expect(largestDifference(fromHalf, try outputs(root.appendingPathComponent("rounded"))) == 0)
        // Rounding the weights moves the vectors only a little (bfloat16 keeps 8 bits of mantissa, float16 11).
        let drift = largestDifference(fromHalf, try outputs(tinyFolder))
        #expect(drift > 0 && drift < (precision == .f16 ? 5e-3 : 5e-2), "\(drift)")
    }
}
