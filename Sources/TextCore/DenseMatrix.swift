/// A dense row-major matrix of `Float`, for embeddings and classifier weights.
public struct DenseMatrix: Sendable, Equatable {
    public let rowCount: Int
    public let columnCount: Int
    public var values: [Float]

    public init(rowCount: Int, columnCount: Int, values: [Float]? = nil) {
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = values ?? [Float](repeating: 0, count: rowCount * columnCount)
        precondition(self.values.count == rowCount * columnCount)
    }

    @inline(__always)
    public subscript(row: Int, column: Int) -> Float {
        get { values[row * columnCount + column] }
        set { values[row * columnCount + column] = newValue }
    }
}
