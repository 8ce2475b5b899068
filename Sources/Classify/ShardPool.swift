import CKernels
import Foundation

/// Threads that meet at a barrier every round, for work cut in rounds of a fraction of a millisecond (Dispatch's
/// `concurrentPerform` wakes its worker too late for such rounds): `run` gives every worker the same job and returns
/// when all are done. `finish` must be called once, after the last `run`.
final class ShardPool: @unchecked Sendable {
    let workers: Int
    private let barrier: UnsafeMutableRawPointer
    private let exited = DispatchSemaphore(value: 0)
    private var job: ((Int) -> Void)?
    private var stopping = false

    init(workers: Int) {
        self.workers = max(1, workers)
        guard let barrier = textpipe_barrier_create(Int32(self.workers)) else {
            fatalError("out of memory creating a barrier")
        }
        self.barrier = barrier
        for w in 1..<self.workers {
            let thread = Thread { [self] in loop(w) }
            thread.start()
        }
    }

    private func loop(_ w: Int) {
        while true {
            textpipe_barrier_wait(barrier)
            if stopping { break }
            job?(w)
            textpipe_barrier_wait(barrier)
        }
        exited.signal()
    }

    /// Runs `body(w)` for every worker `w` (0 on the calling thread) and waits for all of them.
    func run(_ body: @escaping (Int) -> Void) {
        guard workers > 1 else { return body(0) }
        job = body
        textpipe_barrier_wait(barrier)
        body(0)
        textpipe_barrier_wait(barrier)
        job = nil
    }

    /// Stops the threads and waits until they are gone.
    func finish() {
        guard workers > 1 else { return textpipe_barrier_destroy(barrier) }
        stopping = true
        textpipe_barrier_wait(barrier)
        for _ in 1..<workers { exited.wait() }
        textpipe_barrier_destroy(barrier)
    }
}
