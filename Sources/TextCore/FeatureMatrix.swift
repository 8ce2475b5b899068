/// The features of a set of documents: sparse (bag of words, n-grams) or dense (embeddings).
///
/// Classifiers take this type and read rows through `forEach(inRow:)`, so one implementation serves
/// both forms and nothing densifies a sparse matrix behind the user's back.
public enum FeatureMatrix: Sendable, Equatable {
    case sparse(SparseMatrix)
    case dense(DenseMatrix)

    /// Rows (documents).
    public var rowCount: Int {
        switch self {
        case .sparse(let m): return m.rowCount
        case .dense(let m): return m.rowCount
        }
    }
    /// Columns (features).
    public var columnCount: Int {
        switch self {
        case .sparse(let m): return m.columnCount
        case .dense(let m): return m.columnCount
        }
    }
    /// The rows' token sequences, when the feature set keeps them.
    public var sequences: TokenSequences? {
        if case .sparse(let m) = self { return m.sequences }
        return nil
    }
    /// True for CSR.
    public var isSparse: Bool {
        if case .sparse = self { return true }
        return false
    }

    /// True when row `r` has no non-zero feature: a document with no word the featurizer knows (or only words
    /// every vector of which is zero). A model can only give such a row its prior.
    public func rowIsEmpty(_ r: Int) -> Bool {
        var empty = true
        forEach(inRow: r) { _, v in if v != 0 { empty = false } }
        return empty
    }

    /// Calls `body(column, value)` for the stored entries of row `r` (every column for dense rows).
    @inline(__always)
    public func forEach(inRow r: Int, _ body: (Int, Float) -> Void) {
        switch self {
        case .sparse(let m): m.forEach(inRow: r, body)
        case .dense(let m):
            m.values.withUnsafeBufferPointer { v in
                let base = r * m.columnCount
                for c in 0..<m.columnCount { body(c, v[base + c]) }
            }
        }
    }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> FeatureMatrix {
        switch self {
        case .sparse(let m): return .sparse(m.rows(indices))
        case .dense(let m):
            // Row by row with memcpy (appending slices cost a training batch of an MLP as much as its Adam step).
            let c = m.columnCount
            let values = [Float](unsafeUninitializedCapacity: indices.count * c) { out, count in
                m.values.withUnsafeBufferPointer { source in
                    guard let to = out.baseAddress, let from = source.baseAddress else { return }
                    for (k, r) in indices.enumerated() { (to + k * c).initialize(from: from + r * c, count: c) }
                }
                count = indices.count * c
            }
            return .dense(DenseMatrix(rowCount: indices.count, columnCount: c, values: values))
        }
    }

    /// Throws if any value is NaN or infinite, naming the row and column.
    public func validateFinite(name: String) throws {
        switch self {
        case .sparse(let m): try m.validate(name: name)
        case .dense(let m):
            for (i, v) in m.values.enumerated() where !v.isFinite {
                throw TextpipeError(
                    .data,
                    "\(name): row \(i / max(1, m.columnCount)) column \(i % max(1, m.columnCount)) is \(v); features must be finite"
                )
            }
        }
    }

    /// Writes the matrix (kind, shape, values).
    public func encode(into w: inout BinaryWriter) {
        switch self {
        case .sparse(let m):
            w.write(UInt8(m.sequences == nil ? 0 : 2))
            w.write(m)
            m.sequences?.encode(into: &w)
        case .dense(let m):
            w.write(UInt8(1))
            w.write(UInt64(m.rowCount))
            w.write(UInt64(m.columnCount))
            w.write(array: m.values)
        }
    }

    /// Reads a matrix written by `encode`.
    public static func decode(from r: inout BinaryReader) throws -> FeatureMatrix {
        switch try r.read(UInt8.self) {
        case 0: return .sparse(try r.readSparseMatrix())
        case 2:
            var m = try r.readSparseMatrix()
            let sequences = try TokenSequences.decode(from: &r)
            guard sequences.count == m.rowCount else { throw TextpipeError(.model, "corrupt token sequences") }
            m.sequences = sequences
            return .sparse(m)
        default:
            let rows = try r.readCount()
            let cols = try r.readCount()
            let values = try r.readFloats()
            guard values.count == rows * cols, cols <= BinaryReader.maximumColumns else {
                throw TextpipeError(.model, "corrupt dense matrix")
            }
            return .dense(DenseMatrix(rowCount: rows, columnCount: cols, values: values))
        }
    }
}
