import TextCore

/// Maps byte strings to dense ids `0, 1, 2, ...` in first-seen order, without making a `String` per lookup.
///
/// An open-addressing hash table over one contiguous byte arena: `intern("the") -> 0`, `intern("cat") -> 1`,
/// `intern("the") -> 0`. This is the tokenizer's hot path (see bench/), so it avoids `[String: Int]`.
public struct ByteInterner: Sendable {
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    private var table: [Int32]
    private var mask: Int

    /// An empty interner sized for about `capacity` distinct strings.
    public init(capacity: Int = 1 << 12) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        table = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    /// Distinct strings interned so far.
    public var count: Int { starts.count - 1 }

    /// FNV-1a, then a final avalanche so that the low bits used for the table are well mixed.
    @inline(__always)
    public static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }

    /// The id of `bytes`, adding it if new.
    @inline(__always)
    public mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let h = Self.hash(bytes)
        if let id = find(bytes, h) { return id }
        return insert(bytes, h)
    }

    /// The id of `bytes`, or nil if it was never interned.
    @inline(__always)
    public func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? { find(bytes, Self.hash(bytes)) }

    /// The id of `string`, interning it if new.
    public mutating func intern(_ string: String) -> Int32 {
        var s = string
        return s.withUTF8 { intern($0) }
    }
    /// The id of `string` if it was interned.
    public func lookup(_ string: String) -> Int32? {
        var s = string
        return s.withUTF8 { lookup($0) }
    }

    /// The bytes of id `id` as a `String`.
    public func string(_ id: Int32) -> String {
        String(decoding: arena[starts[Int(id)]..<starts[Int(id) + 1]], as: UTF8.self)
    }

    /// All interned strings in id order.
    public var strings: [String] { (0..<count).map { string(Int32($0)) } }

    @inline(__always)
    private func find(_ bytes: UnsafeBufferPointer<UInt8>, _ h: UInt64) -> Int32? {
        var slot = Int(truncatingIfNeeded: h) & mask
        return table.withUnsafeBufferPointer { t in
            arena.withUnsafeBufferPointer { a in
                while true {
                    let id = t[slot]
                    if id < 0 { return nil }
                    let i = Int(id)
                    if hashes[i] == h {
                        let s = starts[i]
                        let e = starts[i + 1]
                        if e - s == bytes.count
                            && (bytes.count == 0 || memcmp(a.start + s, bytes.start, bytes.count) == 0)
                        {
                            return id
                        }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    private mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, _ h: UInt64) -> Int32 {
        let id = Int32(count)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        hashes.append(h)
        if count * 2 > table.count { grow() } else { place(id, h) }
        return id
    }

    private mutating func place(_ id: Int32, _ h: UInt64) {
        var slot = Int(truncatingIfNeeded: h) & mask
        while table[slot] >= 0 { slot = (slot + 1) & mask }
        table[slot] = id
    }

    private mutating func grow() {
        table = [Int32](repeating: -1, count: table.count * 2)
        mask = table.count - 1
        for i in 0..<count { place(Int32(i), hashes[i]) }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Maps sequences of ids (n-grams) to dense ids, the same way `ByteInterner` maps byte strings.
///
/// `intern([3, 7]) -> 0`, `intern([7]) -> 1`, `intern([3, 7]) -> 0`.
/// Sequences of one or two ids (unigrams and bigrams, nearly all lookups) are stored packed in the
/// hash slot itself, so a lookup touches one cache line; longer ones are compared against an arena.
public struct SequenceInterner: Sendable {
    struct Slot {
        var key: UInt64
        var tag: UInt32
        var id: Int32
    }
    private var arena: [Int32] = []
    private var starts: [Int] = [0]
    private var slots: [Slot]
    private var mask: Int

    /// An empty interner sized for about `capacity` distinct sequences.
    public init(capacity: Int = 1 << 12) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(key: 0, tag: 0, id: -1), count: size)
        mask = size - 1
    }

    /// Distinct sequences interned so far.
    public var count: Int { starts.count - 1 }

    /// The id of the byte string, interning it if new.
    @inline(__always)
    public static func hash(_ ids: UnsafeBufferPointer<Int32>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(ids.count &+ 1)
        for id in ids {
            h = (h ^ UInt64(UInt32(bitPattern: id))) &* 0xff51_afd7_ed55_8ccd
            h ^= h >> 29
        }
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }

    /// The slot key and tag of a sequence: packed ids for length <= 2, else the hash; the tag holds the length.
    @inline(__always)
    static func keyAndTag(_ ids: UnsafeBufferPointer<Int32>, _ h: UInt64) -> (UInt64, UInt32) {
        switch ids.count {
        case 1: return (UInt64(UInt32(bitPattern: ids[0])), 1)
        case 2: return (UInt64(UInt32(bitPattern: ids[0])) << 32 | UInt64(UInt32(bitPattern: ids[1])), 2)
        default: return (h, UInt32(truncatingIfNeeded: min(ids.count, 255)) | UInt32(truncatingIfNeeded: h >> 40) << 8)
        }
    }

    /// The slot hash: one multiply-xorshift of the packed key for one or two ids, the full hash otherwise.
    @inline(__always)
    static func slotHash(_ ids: UnsafeBufferPointer<Int32>) -> UInt64 {
        switch ids.count {
        case 1, 2:
            let key =
                ids.count == 1
                ? UInt64(UInt32(bitPattern: ids[0])) | 1 << 63
                : UInt64(UInt32(bitPattern: ids[0])) << 32 | UInt64(UInt32(bitPattern: ids[1]))
            var h = key &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            return h
        default: return hash(ids)
        }
    }

    /// The id of the id sequence, interning it if new.
    @inline(__always)
    public mutating func intern(_ ids: UnsafeBufferPointer<Int32>) -> Int32 {
        let h = Self.slotHash(ids)
        let (key, tag) = Self.keyAndTag(ids, h)
        var slot = Int(truncatingIfNeeded: h) & mask
        let found: Int32? = slots.withUnsafeBufferPointer { t in
            while true {
                let s = t[slot]
                if s.id < 0 { return nil }
                if s.key == key && s.tag == tag && (ids.count <= 2 || sameAsStored(Int(s.id), ids)) { return s.id }
                slot = (slot + 1) & mask
            }
        }
        if let found { return found }
        let id = Int32(count)
        arena.append(contentsOf: ids)
        starts.append(arena.count)
        slots[slot] = Slot(key: key, tag: tag, id: id)
        if count * 2 > slots.count { grow() }
        return id
    }

    /// The id of the id sequence if it was interned.
    @inline(__always)
    public func lookup(_ ids: UnsafeBufferPointer<Int32>) -> Int32? {
        let h = Self.slotHash(ids)
        let (key, tag) = Self.keyAndTag(ids, h)
        var slot = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { t in
            while true {
                let s = t[slot]
                if s.id < 0 { return nil }
                if s.key == key && s.tag == tag && (ids.count <= 2 || sameAsStored(Int(s.id), ids)) { return s.id }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The sequence with id `id`.
    public func sequence(_ id: Int32) -> ArraySlice<Int32> { arena[starts[Int(id)]..<starts[Int(id) + 1]] }

    /// Calls `body` with the stored sequence of `id`, without copying.
    @inline(__always)
    public func withSequence<R>(_ id: Int32, _ body: (UnsafeBufferPointer<Int32>) -> R) -> R {
        let s = starts[Int(id)]
        let e = starts[Int(id) + 1]
        return arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[s..<e])) }
    }

    @inline(__always)
    private func sameAsStored(_ id: Int, _ ids: UnsafeBufferPointer<Int32>) -> Bool {
        let s = starts[id]
        let e = starts[id + 1]
        guard e - s == ids.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            for k in 0..<ids.count where a[s + k] != ids[k] { return false }
            return true
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(key: 0, tag: 0, id: -1), count: old.count * 2)
        mask = slots.count - 1
        for s in old where s.id >= 0 {
            let h = withSequence(s.id) { Self.slotHash($0) }
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot].id >= 0 { slot = (slot + 1) & mask }
            slots[slot] = s
        }
    }
}
