import CBLAS
import Foundation
import TextCore

/// A sparse matrix in compressed rows, in double precision: what the co-occurrence and PPMI steps produce.
public struct SparseRows: Sendable, Equatable {
    /// Rows.
    public let rowCount: Int
    /// Columns.
    public let columnCount: Int
    /// Row `r`'s entries are `columns[offsets[r]..<offsets[r + 1]]`, sorted by column.
    public var offsets: [Int]
    /// Column of each entry.
    public var columns: [Int32]
    /// Value of each entry.
    public var values: [Double]

    /// A matrix from its compressed rows.
    public init(rowCount: Int, columnCount: Int, offsets: [Int], columns: [Int32], values: [Double]) {
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.offsets = offsets
        self.columns = columns
        self.values = values
    }

    /// Stored entries.
    public var entryCount: Int { values.count }

    /// `A X` for a dense row-major `X` of `columnCount` rows and `width` columns (row-major result).
    func times(_ x: [Double], width: Int) -> [Double] { product(x, width: width, transposed: false) }

    /// `Aᵀ X` for a dense row-major `X` of `rowCount` rows and `width` columns (row-major result).
    func transposeTimes(_ x: [Double], width: Int) -> [Double] { product(x, width: width, transposed: true) }

    /// Entry (r, c) adds `a · X[c]` to row r of the result, or `a · X[r]` to row c when transposed.
    private func product(_ x: [Double], width: Int, transposed: Bool) -> [Double] {
        var y = [Double](repeating: 0, count: (transposed ? columnCount : rowCount) * width)
        y.withUnsafeMutableBufferPointer { y in
            x.withUnsafeBufferPointer { x in
                for r in 0..<rowCount {
                    for e in offsets[r]..<offsets[r + 1] {
                        let a = values[e]
                        let c = Int(columns[e])
                        let (out, from) = transposed ? (c * width, r * width) : (r * width, c * width)
                        for j in 0..<width { y[out + j] += a * x[from + j] }
                    }
                }
            }
        }
        return y
    }
}

/// The leading singular values and left singular vectors of a sparse matrix by randomized SVD (Halko, Martinsson and
/// Tropp 2011, algorithms 4.4 and 5.1): sample the range with a seeded Gaussian matrix of `rank + oversampling`
/// columns, sharpen it with power iterations (re-orthonormalised each time), then take the exact SVD of the small
/// projected matrix (LAPACK's `dgesdd` in OpenBLAS).
///
/// With enough power iterations the values equal the exact truncated SVD's (scikit-learn's `TruncatedSVD` with
/// ARPACK); each iteration costs two sparse products.
public enum RandomizedSVD {
    /// The result: `singularValues` descending, `u` row-major (`rowCount` x `rank`), each column's largest entry
    /// positive so the signs do not depend on the random start.
    public struct Result: Sendable {
        /// Leading singular values, largest first.
        public var singularValues: [Double]
        /// Left singular vectors, row-major, one row per matrix row.
        public var u: [Double]
        /// Columns of `u`.
        public var rank: Int
    }

    /// The `rank` leading singular triplets of `a`.
    public static func compute(
        _ a: SparseRows, rank requested: Int, oversampling: Int, powerIterations: Int, seed: UInt64
    ) throws -> Result {
        let rank = min(requested, a.rowCount, a.columnCount)
        guard rank > 0 else { throw TextpipeError(.spec, "nothing to decompose: the matrix is empty") }
        let l = min(rank + oversampling, a.rowCount, a.columnCount)
        var rng = Xoshiro256StarStar(seed: seed)
        // Ω: columnCount x l standard normal (Box-Muller).
        var omega = [Double](repeating: 0, count: a.columnCount * l)
        for i in stride(from: 0, to: omega.count, by: 2) {
            let u1 = max(rng.nextUnit(), 1e-300)
            let u2 = rng.nextUnit()
            let radius = (-2 * log(u1)).squareRoot()
            omega[i] = radius * cos(2 * .pi * u2)
            if i + 1 < omega.count { omega[i + 1] = radius * sin(2 * .pi * u2) }
        }
        var q = try orthonormalize(a.times(omega, width: l), rows: a.rowCount, width: l)
        for _ in 0..<powerIterations {
            let z = try orthonormalize(a.transposeTimes(q, width: l), rows: a.columnCount, width: l)
            q = try orthonormalize(a.times(z, width: l), rows: a.rowCount, width: l)
        }
        // B = Qᵀ A (l x columnCount); (Aᵀ Q) row-major is B column-major.
        var b = a.transposeTimes(q, width: l)
        var m = Int32(l)
        var n = Int32(a.columnCount)
        var lda = m
        var s = [Double](repeating: 0, count: l)
        var ub = [Double](repeating: 0, count: l * l)
        var ldu = m
        var vt = [Double](repeating: 0, count: l * a.columnCount)
        var ldvt = Int32(l)
        var info: Int32 = 0
        var iwork = [Int32](repeating: 0, count: 8 * l)
        var jobz = CChar(UInt8(ascii: "S"))
        var query = 0.0
        var lwork: Int32 = -1
        dgesdd_(&jobz, &m, &n, &b, &lda, &s, &ub, &ldu, &vt, &ldvt, &query, &lwork, &iwork, &info, 1)
        guard info == 0 else { throw TextpipeError(.internal, "dgesdd workspace query failed (info \(info))") }
        lwork = Int32(query)
        var work = [Double](repeating: 0, count: Int(lwork))
        dgesdd_(&jobz, &m, &n, &b, &lda, &s, &ub, &ldu, &vt, &ldvt, &work, &lwork, &iwork, &info, 1)
        guard info == 0 else { throw TextpipeError(.internal, "dgesdd did not converge (info \(info))") }
        // U = Q Ũ: Q row-major (rowCount x l), Ũ column-major (l x l), so Ũ is transposed read row-major.
        var u = [Double](repeating: 0, count: a.rowCount * l)
        cblas_dgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(a.rowCount), Int32(l), Int32(l), 1, q, Int32(l), ub,
            Int32(l),
            0, &u, Int32(l))
        var kept = [Double](repeating: 0, count: a.rowCount * rank)
        for j in 0..<rank {
            var largest = 0.0
            for r in 0..<a.rowCount where abs(u[r * l + j]) > abs(largest) { largest = u[r * l + j] }
            let sign: Double = largest < 0 ? -1 : 1
            for r in 0..<a.rowCount { kept[r * rank + j] = sign * u[r * l + j] }
        }
        return Result(singularValues: Array(s.prefix(rank)), u: kept, rank: rank)
    }

    /// An orthonormal basis of the columns of a row-major `rows` x `width` matrix (Householder QR, LAPACK's `dgeqrf`
    /// and `dorgqr`), row-major.
    static func orthonormalize(_ x: [Double], rows: Int, width: Int) throws -> [Double] {
        var a = [Double](repeating: 0, count: rows * width)
        for r in 0..<rows { for j in 0..<width { a[j * rows + r] = x[r * width + j] } }
        var m = Int32(rows)
        var n = Int32(width)
        var k = Int32(width)
        var lda = m
        var tau = [Double](repeating: 0, count: width)
        var info: Int32 = 0
        var query = 0.0
        var lwork: Int32 = -1
        dgeqrf_(&m, &n, &a, &lda, &tau, &query, &lwork, &info)
        lwork = Int32(max(query, Double(width)))
        var work = [Double](repeating: 0, count: Int(lwork))
        dgeqrf_(&m, &n, &a, &lda, &tau, &work, &lwork, &info)
        guard info == 0 else { throw TextpipeError(.internal, "dgeqrf failed (info \(info))") }
        lwork = -1
        dorgqr_(&m, &n, &k, &a, &lda, &tau, &query, &lwork, &info)
        lwork = Int32(max(query, Double(width)))
        work = [Double](repeating: 0, count: Int(lwork))
        dorgqr_(&m, &n, &k, &a, &lda, &tau, &work, &lwork, &info)
        guard info == 0 else { throw TextpipeError(.internal, "dorgqr failed (info \(info))") }
        var out = [Double](repeating: 0, count: rows * width)
        for r in 0..<rows { for j in 0..<width { out[r * width + j] = a[j * rows + r] } }
        return out
    }
}
