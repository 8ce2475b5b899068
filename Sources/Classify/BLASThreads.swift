import CBLAS

/// OpenBLAS's thread count, which the low bits of some results depend on: a multi-threaded dot product sums in a
/// different order than a single-threaded one (L-BFGS's `ddot` on long vectors). A cluster task runs with the
/// driver's count so that its model is the one a local run on the driver trains, bit for bit.
public enum BLASThreads {
    /// The current count.
    public static var count: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, min(newValue, 1024)))) }
    }
}
