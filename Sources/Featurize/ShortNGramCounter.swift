/// Counts unigrams and bigrams of token ids in one open-addressing table whose slots hold the packed
/// n-gram, its id and its counters together, so counting an occurrence touches one cache line.
///
/// This is the featurizer's hot loop (see bench/RESULTS.md); longer n-grams use `SequenceInterner`.
/// Keys: a unigram `[a]` is `1 << 63 | a`, a bigram `[a, b]` is `a << 32 | b` (ids are non-negative).
struct ShortNGramCounter {
    struct Slot {
        var key: UInt64
        var totalCount: Int64
        var id: Int32
        var documentCount: Int32
        var lastDocument: Int32
    }

    private(set) var slots: [Slot]
    private var mask: Int
    /// The key of each id, in first-seen order.
    private(set) var keys: [UInt64] = []

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(key: 0, totalCount: 0, id: -1, documentCount: 0, lastDocument: -1), count: size)
        mask = size - 1
        keys.reserveCapacity(capacity)
    }

    var count: Int { keys.count }

    @inline(__always) static func unigram(_ a: Int32) -> UInt64 { 1 << 63 | UInt64(UInt32(bitPattern: a)) }
    @inline(__always) static func bigram(_ a: Int32, _ b: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
    }

    @inline(__always) static func slotHash(_ key: UInt64) -> Int {
        var h = key ^ (key >> 33)
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return Int(truncatingIfNeeded: h)
    }

    /// Counts one occurrence of `key` in `document` and returns the n-gram's id.
    @inline(__always)
    mutating func add(_ key: UInt64, document: Int32) -> Int32 {
        var index = Self.slotHash(key) & mask
        let found: Int32 = slots.withUnsafeMutableBufferPointer { t in
            while true {
                let id = t[index].id
                if id < 0 { return -1 }
                if t[index].key == key {
                    t[index].totalCount += 1
                    if t[index].lastDocument != document {
                        t[index].lastDocument = document
                        t[index].documentCount += 1
                    }
                    return id
                }
                index = (index + 1) & mask
            }
        }
        if found >= 0 { return found }
        let id = Int32(keys.count)
        keys.append(key)
        slots[index] = Slot(key: key, totalCount: 1, id: id, documentCount: 1, lastDocument: document)
        if keys.count * 2 > slots.count { grow() }
        return id
    }

    /// Total and document counts by id.
    func counts() -> (total: [Int64], documents: [Int32]) {
        var total = [Int64](repeating: 0, count: count)
        var documents = [Int32](repeating: 0, count: count)
        for s in slots where s.id >= 0 {
            total[Int(s.id)] = s.totalCount
            documents[Int(s.id)] = s.documentCount
        }
        return (total, documents)
    }

    /// The token ids of a key: one or two.
    static func tokens(_ key: UInt64) -> [Int32] {
        key >> 63 == 1
            ? [Int32(truncatingIfNeeded: key & 0xFFFF_FFFF)]
            : [Int32(truncatingIfNeeded: key >> 32), Int32(truncatingIfNeeded: key & 0xFFFF_FFFF)]
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](
            repeating: Slot(key: 0, totalCount: 0, id: -1, documentCount: 0, lastDocument: -1), count: old.count * 2)
        mask = slots.count - 1
        for s in old where s.id >= 0 {
            var index = Self.slotHash(s.key) & mask
            while slots[index].id >= 0 { index = (index + 1) & mask }
            slots[index] = s
        }
    }
}
