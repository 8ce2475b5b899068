import Foundation
import TextCore

/// A memory-mapped `.safetensors` file: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the raw data. Float32 tensors are read in place; float16 and
/// bfloat16 are converted to float32 on load.
public struct SafeTensors {
    /// Where one tensor is.
    public struct Entry {
        /// `F32`, `F16` or `BF16`.
        public var dtype: String
        /// Its shape.
        public var shape: [Int]
        /// Its first byte after the header.
        public var start: Int
        /// One past its last byte.
        public var end: Int
    }
    /// The file.
    public let url: URL
    /// Every tensor by name.
    public let entries: [String: Entry]
    let data: Data
    let base: Int

    /// Largest header read (the real ones are tens of kilobytes).
    public static let maximumHeaderBytes = 100 << 20

    /// Maps the file and reads its header, checking every offset against the file's size.
    public init(_ url: URL) throws {
        guard let data = try? Data(contentsOf: url, options: .alwaysMapped) else {
            throw TextpipeError(.io, "cannot read", file: url.path)
        }
        try self.init(data: data, url: url)
    }

    /// Reads the header of a safetensors file's bytes. Every size and offset comes from the file, so each is checked
    /// before use: the header length against the file and a 100 MB limit, offsets non-negative, ordered and inside
    /// the data, shapes non-negative, and the byte range the size its shape and dtype need (no arithmetic can
    /// overflow).
    public init(data: Data, url: URL) throws {
        self.url = url
        func bad(_ why: String) -> TextpipeError {
            TextpipeError(.model, "not a safetensors file (\(why))", file: url.path)
        }
        guard data.count >= 8 else { throw bad("too short") }
        let declared = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard declared > 0, declared <= UInt64(min(data.count - 8, Self.maximumHeaderBytes)) else {
            throw bad("the header length \(declared) does not fit the file of \(data.count) bytes")
        }
        let headerLength = Int(declared)
        let start = data.startIndex
        guard
            let header = try? JSONSerialization.jsonObject(
                with: data.subdata(in: (start + 8)..<(start + 8 + headerLength)))
                as? [String: Any]
        else {
            throw bad("the header is not a JSON object")
        }
        let available = data.count - 8 - headerLength
        var entries: [String: Entry] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let v = value as? [String: Any], let dtype = v["dtype"] as? String, let shape = v["shape"] as? [Int],
                let offsets = v["data_offsets"] as? [Int], offsets.count == 2, offsets[0] >= 0,
                offsets[0] <= offsets[1],
                offsets[1] <= available, shape.allSatisfy({ $0 >= 0 })
            else {
                throw TextpipeError(.model, "malformed entry for tensor '\(name)'", file: url.path)
            }
            // The byte range must be exactly what the shape needs (checked multiplication: a lying shape cannot wrap).
            if let width = ["F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I64": 8, "I32": 4, "I8": 1, "U8": 1, "BOOL": 1][
                dtype]
            {
                var bytes = width
                for d in shape {
                    let (product, overflow) = bytes.multipliedReportingOverflow(by: d)
                    guard !overflow else {
                        throw TextpipeError(.model, "tensor '\(name)' has an impossible shape \(shape)", file: url.path)
                    }
                    bytes = product
                }
                guard bytes == offsets[1] - offsets[0] else {
                    throw TextpipeError(
                        .model,
                        "tensor '\(name)' spans \(offsets[1] - offsets[0]) bytes; its shape \(shape) of \(dtype) needs \(bytes)",
                        file: url.path)
                }
            }
            entries[name] = Entry(dtype: dtype, shape: shape, start: offsets[0], end: offsets[1])
        }
        self.entries = entries
        self.data = data
        self.base = start + 8 + headerLength
    }

    /// The tensor as float32, checking its shape; a missing tensor or a wrong shape names both.
    public func floats(_ name: String, shape expected: [Int]) throws -> [Float] {
        guard let e = entries[name] else { throw TextpipeError(.model, "missing tensor '\(name)'", file: url.path) }
        guard e.shape == expected else {
            throw TextpipeError(
                .model, "tensor '\(name)' has shape \(e.shape), the config implies \(expected)", file: url.path)
        }
        let count = expected.reduce(1, *)
        let bytes = data[(base + e.start)..<(base + e.end)]
        switch e.dtype {
        case "F32":
            guard bytes.count == count * 4 else {
                throw TextpipeError(
                    .model, "tensor '\(name)' has \(bytes.count) bytes for \(count) floats", file: url.path)
            }
            return bytes.withUnsafeBytes { raw in
                (0..<count).map {
                    Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
                }
            }
        case "F16":
            guard bytes.count == count * 2 else {
                throw TextpipeError(.model, "tensor '\(name)' has the wrong size", file: url.path)
            }
            return bytes.withUnsafeBytes { raw in
                (0..<count).map {
                    Float(
                        Float16(
                            bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))
                        ))
                }
            }
        case "BF16":
            guard bytes.count == count * 2 else {
                throw TextpipeError(.model, "tensor '\(name)' has the wrong size", file: url.path)
            }
            return bytes.withUnsafeBytes { raw in
                (0..<count).map {
                    Float(
                        bitPattern: UInt32(
                            UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) << 16)
                }
            }
        default:
            throw TextpipeError(
                .model, "tensor '\(name)' is \(e.dtype); textpipe reads F32, F16 and BF16", file: url.path)
        }
    }
}
