import Featurize
import Foundation
import Ingest
import TextCore
import Tokenize

/// `textpipe stream featurize --artifacts DIR`: cleans, tokenizes and featurizes each record with every fitted
/// featurizer of DIR (a saved model, or a feature set's per-fold featurizers).
///
/// In: `{"id": 7, "text": "<p>Great fun</p>"}` (or `"tokens": ["great", "fun"]`, already tokenized).
/// Out: `{"id":7,"features":[{"indices":[3,9],"values":[1.0,1.0]}]}`, one row per featurizer in DIR's order; a
/// dense featurizer's row has `values` only. Values print as the shortest text that reads back to the same float.
public struct FeaturizeStream: StreamMode {
    let set: FeaturizerSet
    let cleaner: Cleaner
    let tokenizer: Tokenizer
    /// Rows as one base64 field of exact binary (`{"id":7,"rows":"..."}`), for a driver that reads millions of
    /// them: no number is printed or parsed.
    let binary: Bool

    /// A mode applying `set`, rows as JSON numbers or (`binary`) as base64.
    public init(_ set: FeaturizerSet, binary: Bool = false) {
        self.set = set
        self.binary = binary
        cleaner = Cleaner(set.clean)
        tokenizer = Tokenizer(set.tokenize)
    }

    /// One line per record.
    public mutating func process(_ batch: [StreamRecord]) throws -> [String] {
        // BERT reads cleaned text; every other featurizer reads tokens.
        let usesText = set.kind == "bert"
        var texts: [String] = []
        var tokens: [[String]] = []
        for record in batch {
            if let given = record.tokens, !usesText {
                tokens.append(given)
                continue
            }
            let text = cleaner.clean(try record.requireText(), source: record.id).text
            if usesText { texts.append(text) } else { tokens.append(tokenizer.tokens(text)) }
        }
        let matrices = try set.featurizers.map { f in
            usesText ? try f.transform(texts: texts, tokenizer: tokenizer) : try f.transform(tokenized: tokens)
        }
        return try batch.indices.map { i in
            if binary {
                var w = BinaryWriter()
                for m in matrices { try FeatureRowBinary.write(i, of: m, into: &w) }
                return "{\"id\":\(batch[i].idJSON),\"rows\":\"\(w.data.base64EncodedString())\"}"
            }
            let rows = try matrices.map { try FeatureRowText.row(i, of: $0) }
            return "{\"id\":\(batch[i].idJSON),\"features\":[\(rows.joined(separator: ","))]}"
        }
    }
}

/// Feature rows as JSON text and back, exactly (floats print as their shortest round-trip text and are read back
/// with one rounding).
public enum FeatureRowText {
    /// Row `r` of a matrix: `{"indices":[...],"values":[...]}` (sparse) or `{"values":[...]}` (dense).
    public static func row(_ r: Int, of matrix: FeatureMatrix) throws -> String {
        var values: [Float] = []
        var out = "{"
        switch matrix {
        case .sparse(let m):
            let range = m.rowStart[r]..<m.rowStart[r + 1]
            out += "\"indices\":[" + m.columns[range].map { String($0) }.joined(separator: ",") + "],"
            values = Array(m.values[range])
        case .dense(let m):
            values = Array(m.values[r * m.columnCount..<(r + 1) * m.columnCount])
        }
        guard values.allSatisfy(\.isFinite) else {
            throw TextpipeError(.data, "a feature value is not finite (NaN or infinite)")
        }
        return out + "\"values\":[" + values.map { $0.description }.joined(separator: ",") + "]}"
    }

    /// A sparse row's column indices and values, checked against `columnCount`.
    public static func sparse(_ value: JSONValue, columnCount: Int) throws -> (indices: [Int32], values: [Float]) {
        guard let o = value.object, let i = o["indices"]?.array, let v = o["values"]?.array, i.count == v.count else {
            throw TextpipeError(.input, "a sparse feature row needs \"indices\" and \"values\" of equal length")
        }
        var indices: [Int32] = []
        var values: [Float] = []
        indices.reserveCapacity(i.count)
        values.reserveCapacity(v.count)
        for (a, b) in zip(i, v) {
            guard let c = a.int, (0..<columnCount).contains(c), let x = b.float, x.isFinite else {
                throw TextpipeError(.input, "a feature row has an index outside 0..<\(columnCount) or a bad value")
            }
            indices.append(Int32(c))
            values.append(x)
        }
        return (indices, values)
    }

    /// A dense row's values, checked to have `columnCount` of them.
    public static func dense(_ value: JSONValue, columnCount: Int) throws -> [Float] {
        guard let v = value.object?["values"]?.array, v.count == columnCount else {
            throw TextpipeError(.input, "a dense feature row needs \(columnCount) values")
        }
        return try v.map { x in
            guard let f = x.float, f.isFinite else { throw TextpipeError(.input, "a feature value is not a number") }
            return f
        }
    }
}

/// Feature rows as exact binary (what `stream featurize --binary` sends the driver): per row its non-zero count, then
/// its column indices (Int32) and values (Float32 bits) for a sparse row, or its values for a dense one.
public enum FeatureRowBinary {
    /// Appends row `r` of a matrix.
    public static func write(_ r: Int, of matrix: FeatureMatrix, into w: inout BinaryWriter) throws {
        switch matrix {
        case .sparse(let m):
            let range = m.rowStart[r]..<m.rowStart[r + 1]
            guard m.values[range].allSatisfy(\.isFinite) else {
                throw TextpipeError(.data, "a feature value is not finite (NaN or infinite)")
            }
            w.write(UInt8(1))
            w.write(array: Array(m.columns[range]))
            w.write(array: Array(m.values[range]))
        case .dense(let m):
            let values = Array(m.values[r * m.columnCount..<(r + 1) * m.columnCount])
            guard values.allSatisfy(\.isFinite) else {
                throw TextpipeError(.data, "a feature value is not finite (NaN or infinite)")
            }
            w.write(UInt8(2))
            w.write(array: values)
        }
    }

    /// Appends the next sparse row of a reader to `matrix`, checking its indices against the matrix's columns.
    public static func appendSparse(from r: inout BinaryReader, to matrix: inout SparseMatrix) throws {
        guard try r.read(UInt8.self) == 1 else { throw TextpipeError(.input, "expected a sparse feature row") }
        let columns = try r.readArray(Int32.self)
        let values = try r.readFloats()
        guard columns.count == values.count, columns.allSatisfy({ $0 >= 0 && Int($0) < matrix.columnCount }),
            values.allSatisfy(\.isFinite)
        else {
            throw TextpipeError(.input, "a feature row has an index outside 0..<\(matrix.columnCount) or a bad value")
        }
        matrix.columns.append(contentsOf: columns)
        matrix.values.append(contentsOf: values)
        matrix.rowStart.append(matrix.columns.count)
    }
}
