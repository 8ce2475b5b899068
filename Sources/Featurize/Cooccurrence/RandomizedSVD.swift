import CBLAS
import CKernels
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

    /// The transpose, in compressed rows (what `Aᵀ X` gathers from).
    public var transposed: SparseRows {
        var counts = [Int](repeating: 0, count: columnCount + 1)
        for c in columns { counts[Int(c) + 1] += 1 }
        for c in 0..<columnCount { counts[c + 1] += counts[c] }
        var next = counts
        var tColumns = [Int32](repeating: 0, count: entryCount)
        var tValues = [Double](repeating: 0, count: entryCount)
        for r in 0..<rowCount {
            for e in offsets[r]..<offsets[r + 1] {
                let c = Int(columns[e])
                tColumns[next[c]] = Int32(r)
                tValues[next[c]] = values[e]
                next[c] += 1
            }
        }
        return SparseRows(
            rowCount: columnCount, columnCount: rowCount, offsets: counts, columns: tColumns, values: tValues)
    }

    /// `A X` for a dense row-major `X` of `columnCount` rows and `width` columns (row-major result), rows split
    /// across `threads` (each row's sum is in the same order whatever the split).
    func times(_ x: [Double], width: Int, threads: Int = 2) -> [Double] {
        var y = [Double](repeating: 0, count: rowCount * width)
        let parts = max(1, min(threads, rowCount))
        y.withUnsafeMutableBufferPointer { y in
            let out = UnsafeSendable(y.baseAddress)
            x.withUnsafeBufferPointer { x in
                let input = UnsafeSendable(x.baseAddress)
                offsets.withUnsafeBufferPointer { o in
                    columns.withUnsafeBufferPointer { c in
                        values.withUnsafeBufferPointer { v in
                            let (o, c, v) = (
                                UnsafeSendable(o.baseAddress), UnsafeSendable(c.baseAddress),
                                UnsafeSendable(v.baseAddress)
                            )
                            DispatchQueue.concurrentPerform(iterations: parts) { p in
                                textpipe_csr_rows(
                                    Int32(rowCount * p / parts), Int32(rowCount * (p + 1) / parts), o.value, c.value,
                                    v.value, input.value, Int32(width), out.value)
                            }
                        }
                    }
                }
            }
        }
        return y
    }
}

/// A pointer handed to the threads of one `concurrentPerform`, each writing its own rows.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
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
        // LAPACK on one OpenBLAS thread: the factorizations' rounding then does not depend on the machine's core count
        // (and OpenBLAS's level-1 threads mostly spin on matrices this narrow).
        let blasThreads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(blasThreads) }
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
        let t = a.transposed
        var q = try orthonormalize(a.times(omega, width: l), rows: a.rowCount, width: l)
        for _ in 0..<powerIterations {
            let z = try orthonormalize(t.times(q, width: l), rows: a.columnCount, width: l)
            q = try orthonormalize(a.times(z, width: l), rows: a.rowCount, width: l)
        }
        // B = Qᵀ A (l x columnCount); (Aᵀ Q) row-major is B column-major.
        var b = t.times(q, width: l)
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

    /// An orthonormal basis of the columns of a row-major `rows` x `width` matrix: CholeskyQR2 (Fukaya et al. 2014:
    /// `G = XᵀX = RᵀR`, `X ← X R⁻¹`, twice, all level-3 BLAS), or Householder QR when the columns are too close to
    /// dependent for a Cholesky factor (a matrix of lower rank than the basis asked for).
    static func orthonormalize(_ x: [Double], rows: Int, width: Int) throws -> [Double] {
        var q = x
        for _ in 0..<2 {
            guard choleskyStep(&q, rows: rows, width: width) else {
                return try householder(x, rows: rows, width: width)
            }
        }
        return q
    }

    /// One CholeskyQR step in place; false when `XᵀX` is not numerically positive definite.
    static func choleskyStep(_ x: inout [Double], rows: Int, width: Int) -> Bool {
        var g = [Double](repeating: 0, count: width * width)
        // Row-major upper triangle of XᵀX is the column-major lower one: dpotrf("L") gives L = Rᵀ there, which
        // read row-major is the upper factor R with XᵀX = RᵀR.
        cblas_dsyrk(
            CblasRowMajor, CblasUpper, CblasTrans, Int32(width), Int32(rows), 1, x, Int32(width), 0, &g, Int32(width))
        var n = Int32(width)
        var lda = n
        var info: Int32 = 0
        var uplo = CChar(UInt8(ascii: "L"))
        dpotrf_(&uplo, &n, &g, &lda, &info, 1)
        guard info == 0 else { return false }
        // A tiny pivot means nearly dependent columns: the second step would not recover orthogonality.
        let diagonal = (0..<width).map { abs(g[$0 * width + $0]) }
        guard let largest = diagonal.max(), let smallest = diagonal.min(), smallest > largest * 1e-6 else {
            return false
        }
        cblas_dtrsm(
            CblasRowMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, Int32(rows), Int32(width), 1, g,
            Int32(width),
            &x, Int32(width))
        return true
    }

    /// Householder QR (LAPACK's `dgeqrf` and `dorgqr`), row-major in and out.
    static func householder(_ x: [Double], rows: Int, width: Int) throws -> [Double] {
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
