import Foundation
import TextCore

/// The training matrix by column: for each feature, the rows where it is non-zero and the values.
struct ColumnMajor: Sendable {
    let rowCount: Int
    let columnCount: Int
    let start: [Int]
    let rows: [Int32]
    let values: [Float]

    init(_ x: FeatureMatrix) {
        rowCount = x.rowCount
        columnCount = x.columnCount
        if case .sparse(let m) = x {
            (start, rows, values) = Self.transpose(m)
            return
        }
        var counts = [Int](repeating: 0, count: columnCount + 1)
        for r in 0..<x.rowCount { x.forEach(inRow: r) { j, v in if v != 0 { counts[j + 1] += 1 } } }
        for j in 0..<columnCount { counts[j + 1] += counts[j] }
        var next = counts
        var rows = [Int32](repeating: 0, count: counts[columnCount])
        var values = [Float](repeating: 0, count: counts[columnCount])
        for r in 0..<x.rowCount {
            x.forEach(inRow: r) { j, v in
                guard v != 0 else { return }
                rows[next[j]] = Int32(r)
                values[next[j]] = v
                next[j] += 1
            }
        }
        start = counts
        self.rows = rows
        self.values = values
    }

    /// CSR to CSC by counting: rows come out sorted within each column. Explicit zeros are dropped.
    static func transpose(_ m: SparseMatrix) -> ([Int], [Int32], [Float]) {
        let d = m.columnCount
        var start = [Int](repeating: 0, count: d + 1)
        for (c, v) in zip(m.columns, m.values) where v != 0 { start[Int(c) + 1] += 1 }
        for j in 0..<d { start[j + 1] += start[j] }
        var next = start
        var rows = [Int32](repeating: 0, count: start[d])
        var values = [Float](repeating: 0, count: start[d])
        for r in 0..<m.rowCount {
            for e in m.rowStart[r]..<m.rowStart[r + 1] where m.values[e] != 0 {
                let j = Int(m.columns[e])
                rows[next[j]] = Int32(r)
                values[next[j]] = m.values[e]
                next[j] += 1
            }
        }
        return (start, rows, values)
    }
}
