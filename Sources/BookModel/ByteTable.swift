/// Byte strings → numbers, looked up without making a value per lookup: open addressing on an
/// FNV-1a hash, every key's bytes kept in one buffer. For the hot loops that meet millions of
/// words (glossary terms in bodies, the search index's words) where a `Dictionary` would want
/// an `Array` or `String` key made, and hashed with SipHash, for each word.
public struct ByteTable: Sendable {
    /// Per slot: the entry's index + 1, or 0 when empty.
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    /// Entry i's bytes are `bytes[starts[i] ..< starts[i + 1]]`.
    private var starts: [Int] = [0]
    private var bytes: [UInt8] = []
    private var values: [Int32] = []

    /// How many keys the table holds.
    public var count: Int { values.count }

    public init(capacity: Int = 8) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = Array(repeating: 0, count: size)
    }

    /// FNV-1a, 64 bits: the hash of no bytes, and one byte more.
    public static let emptyHash: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always)
    public static func hash(_ hash: UInt64, adding byte: UInt8) -> UInt64 { (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }

    /// FNV-1a of `key`, 64 bits.
    @inline(__always)
    public static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash = emptyHash
        for byte in key { hash = Self.hash(hash, adding: byte) }
        return hash
    }

    /// The value of `key`, whose `hash` is `ByteTable.hash(key)`.
    @inline(__always)
    public func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot]) - 1
            if entry < 0 { return nil }
            if hashes[entry] == hash, equal(entry, key) { return values[entry] }
            slot = (slot + 1) & mask
        }
    }

    /// Adds `key` → `value` unless `key` is there; returns the value it has now.
    @discardableResult
    public mutating func insert(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, value: Int32) -> Int32 {
        if let known = find(key, hash: hash) { return known }
        if (values.count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(values.count + 1)
        hashes.append(hash)
        bytes.append(contentsOf: key)
        starts.append(bytes.count)
        values.append(value)
        return value
    }

    private func equal(_ entry: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[entry], end = starts[entry + 1]
        guard end - start == key.count else { return false }
        return bytes.withUnsafeBufferPointer { stored in
            var i = 0
            while i < key.count, stored[start + i] == key[i] { i += 1 }
            return i == key.count
        }
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for entry in values.indices {
            var slot = Int(truncatingIfNeeded: hashes[entry]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(entry + 1)
        }
    }
}
