/// A dense row-major matrix of `Float`, for embeddings and classifier weights.
public struct DenseMatrix: Sendable, Equatable {
    /// Rows.
    public let rowCount: Int
    /// Columns.
    public let columnCount: Int
    /// Values, row by row.
    public var values: [Float]

    /// A matrix of zeros, or of `values` (row-major).
    public init(rowCount: Int, columnCount: Int, values: [Float]? = nil) {
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = values ?? [Float](repeating: 0, count: rowCount * columnCount)
        precondition(self.values.count == rowCount * columnCount)
    }

    /// The value at row r, column c.
    @inline(__always)
    public subscript(row: Int, column: Int) -> Float {
        get { values[row * columnCount + column] }
        set { values[row * columnCount + column] = newValue }
    }
}
