import Foundation
import TextCore

/// The Cholesky factor `L` (lower triangular, `A = L L^T`) of a symmetric positive definite matrix,
/// with the log-determinant and triangular solves that Gaussian densities need.
///
/// `Cholesky([4, 2, 2, 3], size: 2)` has `L = [[2, 0], [1, sqrt(2)]]` and `logDeterminant = log 8`.
public struct Cholesky: Sendable {
    /// Rows (and columns) of the matrix.
    public let size: Int
    /// Row-major, lower triangle filled, upper triangle zero.
    public let lower: [Double]

    /// Factors `matrix` (row-major, `size x size`; only the lower triangle is read).
    /// Throws if the matrix is not positive definite, naming the pivot.
    public init(_ matrix: [Double], size n: Int) throws {
        precondition(matrix.count == n * n)
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var diagonal = matrix[j * n + j]
            for k in 0..<j { diagonal -= l[j * n + k] * l[j * n + k] }
            guard diagonal > 0, diagonal.isFinite else {
                throw TextpipeError(
                    .data, "covariance matrix is not positive definite (pivot \(j) is \(diagonal)); raise the shrinkage"
                )
            }
            let root = diagonal.squareRoot()
            l[j * n + j] = root
            for i in (j + 1)..<max(j + 1, n) {
                var s = matrix[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = s / root
            }
        }
        size = n
        lower = l
    }

    /// `log |A| = 2 sum_i log L_ii`.
    public var logDeterminant: Double { (0..<size).reduce(0) { $0 + 2 * log(lower[$1 * size + $1]) } }

    /// Solves `L z = b` by forward substitution.
    public func solveLower(_ b: [Double]) -> [Double] {
        var z = b
        for i in 0..<size {
            var s = z[i]
            for k in 0..<i { s -= lower[i * size + k] * z[k] }
            z[i] = s / lower[i * size + i]
        }
        return z
    }

    /// Solves `A x = b` (forward then backward substitution).
    public func solve(_ b: [Double]) -> [Double] {
        var z = solveLower(b)
        for i in stride(from: size - 1, through: 0, by: -1) {
            var s = z[i]
            for k in (i + 1)..<max(i + 1, size) { s -= lower[k * size + i] * z[k] }
            z[i] = s / lower[i * size + i]
        }
        return z
    }
}
