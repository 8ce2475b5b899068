import Foundation

/// Independent pieces of work on several cores, results in index order: what one-vs-rest problems, forest trees,
/// rows of scores and tagged sentences all do. Each piece must depend on its index alone (its own seeded generator),
/// so the result is the same for any number of workers.
public enum Parallel {
    /// `body(i)` for every `i` in `0..<count`, `workers` at a time (worker `w` takes `w`, `w + workers`, ...), the
    /// results in index order. If any piece throws, the error of the lowest index is thrown once all have finished.
    public static func map<T, E: Error>(_ count: Int, workers: Int, _ body: (Int) throws(E) -> T) throws(E) -> [T] {
        let workers = max(1, min(workers, count))
        guard workers > 1 else {
            var out: [T] = []
            out.reserveCapacity(count)
            for i in 0..<count { out.append(try body(i)) }
            return out
        }
        var results = [Result<T, E>?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { slots in
            let slots = slots
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                for i in stride(from: w, to: count, by: workers) {
                    do throws(E) { slots[i] = .success(try body(i)) } catch { slots[i] = .failure(error) }
                }
            }
        }
        var out: [T] = []
        out.reserveCapacity(count)
        for r in results {
            switch r {
            case .success(let value)?: out.append(value)
            case .failure(let error)?: throw error
            case nil: preconditionFailure("a parallel piece did not run")
            }
        }
        return out
    }

    /// `body` over `items` on every core, results in order.
    public static func map<Item, T>(_ items: [Item], _ body: (Item) -> T) -> [T] {
        map(items.count, workers: ProcessInfo.processInfo.activeProcessorCount) { body(items[$0]) }
    }
}
