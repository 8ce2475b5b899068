/// A compressed sparse row (CSR) matrix of `Float`: the form every text feature set takes.
///
/// Row `r`'s non-zeros are `values[rowStart[r]..<rowStart[r+1]]` at columns `columns[...]`.
/// Example: `[[0, 2], [1, 0]]` is `rowStart [0, 1, 2]`, `columns [1, 0]`, `values [2, 1]`.
public struct SparseMatrix: Sendable, Equatable {
    /// Rows.
    public var rowCount: Int { rowStart.count - 1 }
    /// Columns.
    public let columnCount: Int
    /// Where each row's entries start (one more than rows).
    public var rowStart: [Int]
    /// Column of each entry.
    public var columns: [Int32]
    /// Value of each entry.
    public var values: [Float]
    /// The rows' token sequences, when the feature set keeps them (`sequence: true`).
    public var sequences: TokenSequences? = nil

    /// A matrix from CSR arrays (empty by default).
    public init(columnCount: Int, rowStart: [Int] = [0], columns: [Int32] = [], values: [Float] = []) {
        self.columnCount = columnCount
        self.rowStart = rowStart
        self.columns = columns
        self.values = values
    }

    /// Number of stored entries.
    public var nonZeroCount: Int { values.count }

    /// Appends one row given as column/value pairs (columns need not be sorted; they are sorted here).
    public mutating func appendRow(_ entries: [(Int32, Float)]) {
        for (c, v) in entries.sorted(by: { $0.0 < $1.0 }) {
            columns.append(c)
            values.append(v)
        }
        rowStart.append(columns.count)
    }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> SparseMatrix {
        var out = SparseMatrix(columnCount: columnCount)
        var total = 0
        for r in indices { total += rowStart[r + 1] - rowStart[r] }
        out.columns.reserveCapacity(total)
        out.values.reserveCapacity(total)
        out.rowStart.reserveCapacity(indices.count + 1)
        for r in indices {
            out.columns.append(contentsOf: columns[rowStart[r]..<rowStart[r + 1]])
            out.values.append(contentsOf: values[rowStart[r]..<rowStart[r + 1]])
            out.rowStart.append(out.columns.count)
        }
        out.sequences = sequences?.rows(indices)
        return out
    }

    /// Calls `body(column, value)` for each stored entry of row `r`.
    @inline(__always)
    public func forEach(inRow r: Int, _ body: (Int, Float) -> Void) {
        columns.withUnsafeBufferPointer { c in
            values.withUnsafeBufferPointer { v in
                for k in rowStart[r]..<rowStart[r + 1] { body(Int(c[k]), v[k]) }
            }
        }
    }

    /// The dense form; meant for tests and small matrices only.
    public func dense() -> [[Float]] {
        var out = [[Float]](repeating: [Float](repeating: 0, count: columnCount), count: rowCount)
        for r in 0..<rowCount { forEach(inRow: r) { c, v in out[r][c] += v } }
        return out
    }

    /// Checks structure and that every value is finite; throws naming the first bad row.
    public func validate(name: String) throws {
        guard rowStart.first == 0, rowStart.last == columns.count, columns.count == values.count else {
            throw TextpipeError(.internal, "\(name): malformed sparse matrix")
        }
        for r in 0..<rowCount {
            for k in rowStart[r]..<rowStart[r + 1] {
                if !values[k].isFinite {
                    throw TextpipeError(
                        .data, "\(name): row \(r) column \(columns[k]) is \(values[k]); features must be finite")
                }
                if columns[k] < 0 || Int(columns[k]) >= columnCount {
                    throw TextpipeError(.data, "\(name): row \(r) has column \(columns[k]) outside 0..<\(columnCount)")
                }
            }
        }
    }
}
