import Foundation
import TextCore

/// The one-vs-rest strategy of every binary learner here (`logistic`, `linear_svm`, `nbsvm`): one problem per class
/// against the rest, or a single problem (class 1 against class 0) for two classes; each problem is solved on its
/// own, with its own generator seeded by its index, side by side on the cores, so the model is the same for any
/// number of cores.
enum OneVsRest {
    /// One binary problem.
    struct Problem {
        /// Its index: the class against the rest, or 0 for the single problem of two classes.
        let index: Int
        /// The class whose documents are positive.
        let positiveClass: Int
        /// Per document, whether it is positive.
        let positive: [Bool]
        /// Its generator: `seed + index`.
        let seed: UInt64

        /// Per-document costs: `C` times the document's class weight for the positive class (and for both classes of
        /// a two-class problem), plain `C` for the rest.
        func costs(labels: [Int], C: Double, classWeight: [Double], classCount: Int) -> [Double] {
            labels.map { l in classCount == 2 || l == positiveClass ? C * classWeight[l] : C }
        }
    }

    /// Problems for `classCount` classes.
    static func count(classCount: Int) -> Int { classCount == 2 ? 1 : classCount }

    /// `solve` for every problem, on up to `workers` cores (every core by default), results in problem order.
    static func solve<T, E: Error>(
        labels: [Int], classCount: Int, seed: UInt64 = 0,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount, _ solve: (Problem) throws(E) -> T
    ) throws(E) -> [T] {
        try Parallel.map(count(classCount: classCount), workers: workers) { (p: Int) throws(E) -> T in
            let positiveClass = classCount == 2 ? 1 : p
            return try solve(
                Problem(
                    index: p, positiveClass: positiveClass, positive: labels.map { $0 == positiveClass },
                    seed: seed &+ UInt64(p)))
        }
    }
}
