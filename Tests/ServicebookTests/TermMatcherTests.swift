@testable import BookRender
import Testing

@Suite("Glossary term matching")
struct TermMatcherTests {
    /// The pieces random texts are made of: ASCII letters, digits and punctuation, the Cyrillic
    /// letters the fast path folds (А–я, Ё, ё) and the ones it leaves to the general path
    /// (Ѐ–Џ but Ё, ѐ–џ but ё, Ѣ, Ґ), Latin and Greek letters, combining marks after either, a
    /// Cyrillic combining mark, emoji, spaces and line ends.
    static let pieces: [String] = [
        "a", "Z", "q", "7", "0", " ", "  ", "\n", ",", "-", "«", "»", "—", ".", "_", "'",
        "А", "Я", "а", "я", "Ж", "ж", "Ё", "ё", "Е", "е", "й", "Й", "Ъ",
        "Ѐ", "Ђ", "Џ", "ѐ", "ђ", "џ", "Ѣ", "ѣ", "Ґ", "ґ", "Ѳ",
        "é", "É", "ß", "İ", "Ω", "ω", "Σ", "ﬁ", "ǅ",
        "\u{301}", "\u{308}", "\u{306}", "\u{483}", "🙂", "👍🏽", "\u{200D}", "中", "٣",
    ]

    @Test("words found on the fast paths (ASCII, А–я, Ё, ё) are the general path's, byte for byte")
    func fastPathsAgreeWithTheGeneralPath() {
        var random = IncrementalRandomTests.Random(state: 20261202)
        var fast = TermMatcher.Scratch(), general = TermMatcher.Scratch()
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<random.below(40) { text += random.pick(TermMatcherTests.pieces) }
            text.withUTF8 { bytes in
                fast.scan(bytes)
                general.scan(bytes, fastPaths: false)
            }
            #expect(fast.words == general.words, "\(text.debugDescription)")
            #expect(zip(fast.words, general.words).allSatisfy { fast.folded($0) == general.folded($1) }, "\(text.debugDescription)")
        }
    }

    @Test("a word's folded bytes: case folded, ё as е, on both paths")
    func folding() {
        var scratch = TermMatcher.Scratch()
        for fastPaths in [true, false] {
            "ЁЛКА, Ёжик и Quick-BROWN ёж".utf8.withContiguousStorageIfAvailable { bytes in
                scratch.scan(bytes, fastPaths: fastPaths)
            }
            let words = scratch.words.map { String(decoding: scratch.folded($0), as: UTF8.self) }
            #expect(words == ["елка", "ежик", "и", "quick", "brown", "еж"])
            #expect(scratch.words.allSatisfy { $0.isSimple })
        }
    }
}

import BookModel

@Suite("ByteTable")
struct ByteTableTests {
    @Test("finds what was inserted, through growth and colliding slots; keeps the first value; the scan's hash is its hash")
    func lookups() {
        var table = ByteTable(capacity: 1)
        var random = IncrementalRandomTests.Random(state: 7)
        var reference: [[UInt8]: Int32] = [:]
        for n in 0..<5000 {
            let key = (0..<random.below(6)).map { _ in UInt8(random.below(4) + 0x61) }
            let value = key.withUnsafeBufferPointer { table.insert($0, hash: ByteTable.hash($0), value: Int32(n)) }
            if reference[key] == nil { reference[key] = Int32(n) }
            #expect(value == reference[key])
        }
        #expect(table.count == reference.count)
        for (key, value) in reference {
            #expect(key.withUnsafeBufferPointer { table.find($0, hash: ByteTable.hash($0)) } == value)
        }
        // Same hash, other bytes: not found.
        #expect([UInt8]("zz".utf8).withUnsafeBufferPointer { table.find($0, hash: ByteTable.hash($0)) } == nil)
        // An empty key is a key.
        #expect([UInt8]().withUnsafeBufferPointer { table.find($0, hash: ByteTable.hash($0)) } == reference[[]])

        var scratch = TermMatcher.Scratch()
        "Ёлка, café и tree".utf8.withContiguousStorageIfAvailable { scratch.scan($0) }
        for word in scratch.words {
            #expect(Array(scratch.folded(word)).withUnsafeBufferPointer { ByteTable.hash($0) } == word.hash)
        }
    }
}
