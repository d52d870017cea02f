import BookModel
import Foundation

/// Finds glossary terms (titles and aliases) in running text: whole words, case folded,
/// ё read as е, multi-word terms with the same separators as written.
///
/// It works on UTF-8 bytes, as text nodes come from cmark-gfm: the words of a text are folded
/// into one reused buffer (`Scratch`) and their first word looked up by an FNV-1a hash, so that
/// no `String` is made for a word. Words are compared as Swift strings compare (canonical
/// equivalence) with a shortcut: two words that are both `simple` (every scalar below U+0300 or
/// a Cyrillic letter, which is what Russian and English text is made of) are in NFC already,
/// and are equal exactly when their bytes are; any other word is compared as a `String`.
/// A word with combining marks (text typed or pasted in decomposed form, as macOS may write
/// «й» and «ё») is folded from its NFC form, so that it matches its composed spelling.
struct TermMatcher: Sendable {
    /// A word of a term's title or alias, folded.
    struct PatternWord: Sendable {
        let bytes: [UInt8]
        let text: String
        let isSimple: Bool
    }

    struct Pattern: Sendable {
        let words: [PatternWord]
        /// The separators between the words, white space folded to one space.
        let separators: [String]
        let term: EntityKey
    }

    /// Patterns whose first words are equal (as strings), longest first, then by term.
    private let groups: [[Pattern]]
    /// The simple first words of `groups`, by their bytes.
    private let table: ByteTable
    /// Every first word, as a string: for the words that are not simple.
    private let groupsByText: [String: Int]
    /// Whether some first word is not simple (then a simple word missing from `table` may still
    /// equal one of them as a string).
    private let hasComplexFirstWords: Bool
    /// The folded first scalars of every pattern word: a word starting otherwise never matches.
    private let initials: Set<UInt32>

    init(book: Book) {
        var patterns: [Pattern] = []
        var scratch = Scratch()
        for term in book.all(.term) {
            for form in [term.title] + (term.term?.aliases ?? []) {
                var form = form
                form.withUTF8 { text in
                    scratch.scan(text)
                    guard !scratch.words.isEmpty else { return }
                    let words = scratch.words.map { word in
                        let bytes = Array(scratch.folded(word))
                        return PatternWord(bytes: bytes, text: String(decoding: bytes, as: UTF8.self), isSimple: word.isSimple)
                    }
                    let separators = zip(scratch.words, scratch.words.dropFirst()).map { a, b in
                        TermMatcher.foldSpaces(String(decoding: UnsafeBufferPointer(rebasing: text[a.end..<b.start]), as: UTF8.self))
                    }
                    patterns.append(Pattern(words: words, separators: separators, term: term.key))
                }
            }
        }
        // Group by the first word as a String key, as equal strings share one entry.
        var groupsByText: [String: Int] = [:]
        var groups: [[Pattern]] = []
        for pattern in patterns {
            let first = pattern.words[0].text
            if let index = groupsByText[first] {
                groups[index].append(pattern)
            } else {
                groupsByText[first] = groups.count
                groups.append([pattern])
            }
        }
        self.groups = groups.map { patterns in
            patterns.sorted { $0.words.count != $1.words.count ? $0.words.count > $1.words.count : $0.term < $1.term }
        }
        self.groupsByText = groupsByText
        var table = ByteTable(capacity: patterns.count)
        var hasComplexFirstWords = false
        for (index, group) in self.groups.enumerated() {
            for pattern in group {
                let first = pattern.words[0]
                if first.isSimple {
                    first.bytes.withUnsafeBufferPointer { table.insert($0, hash: ByteTable.hash($0), value: Int32(index)) }
                } else {
                    hasComplexFirstWords = true
                }
            }
        }
        self.table = table
        self.hasComplexFirstWords = hasComplexFirstWords
        initials = Set(patterns.flatMap { $0.words.compactMap { $0.text.unicodeScalars.first?.value } })
    }

    var isEmpty: Bool { groups.isEmpty }

    /// The matches in `text` (UTF-8), in order, of terms not in `excluded`, each term once (the
    /// first use), as byte ranges of `text` (on scalar boundaries); terms found are added to
    /// `excluded`. `scratch` is working memory, reused from one call to the next.
    func matches(in text: UnsafeBufferPointer<UInt8>, excluding excluded: inout Set<EntityKey>,
                 scratch: inout Scratch) -> [(Range<Int>, EntityKey)] {
        scratch.scan(text)
        let words = scratch.words
        var found: [(Range<Int>, EntityKey)] = []
        var i = 0
        while i < words.count {
            var advanced = false
            if let group = group(of: words[i], in: scratch) {
                for pattern in groups[group] where !excluded.contains(pattern.term) && i + pattern.words.count <= words.count {
                    var ok = true
                    for k in 1..<max(1, pattern.words.count) where ok {
                        let a = words[i + k - 1], b = words[i + k]
                        ok = equal(b, in: scratch, pattern.words[k])
                            && TermMatcher.foldSpaces(String(decoding: UnsafeBufferPointer(rebasing: text[a.end..<b.start]), as: UTF8.self))
                                == pattern.separators[k - 1]
                    }
                    if ok {
                        let last = i + pattern.words.count - 1
                        found.append((words[i].start..<words[last].end, pattern.term))
                        excluded.insert(pattern.term)
                        i = last + 1
                        advanced = true
                        break
                    }
                }
            }
            if !advanced { i += 1 }
        }
        return found
    }

    /// The group whose first word equals `word`, if any.
    private func group(of word: Scratch.Word, in scratch: Scratch) -> Int? {
        let folded = scratch.folded(word)
        if word.isSimple, let group = folded.withUnsafeBufferPointer({ table.find($0, hash: word.hash) }) { return Int(group) }
        guard !word.isSimple || hasComplexFirstWords, initials.contains(word.firstScalar) else { return nil }
        return groupsByText[String(decoding: folded, as: UTF8.self)]
    }

    /// Whether a word of the text equals a pattern's word.
    private func equal(_ word: Scratch.Word, in scratch: Scratch, _ patternWord: PatternWord) -> Bool {
        let folded = scratch.folded(word)
        if word.isSimple && patternWord.isSimple { return folded.elementsEqual(patternWord.bytes) }
        return initials.contains(word.firstScalar) && String(decoding: folded, as: UTF8.self) == patternWord.text
    }

    /// `s` with each run of white space (Swift's `Character.isWhitespace`) made one space.
    static func foldSpaces(_ s: String) -> String {
        var out = ""
        var lastSpace = false
        for ch in s {
            if ch.isWhitespace {
                if !lastSpace { out.append(" ") }
                lastSpace = true
            } else {
                out.append(ch)
                lastSpace = false
            }
        }
        return out
    }
}

extension TermMatcher {
    /// The words of a text, folded: working memory for `matches`, reused from one text to the
    /// next (one per body being rendered; not shared between threads).
    struct Scratch {
        struct Word: Equatable {
            /// The word's bytes in the text.
            let start: Int, end: Int
            /// Its folded bytes in `buffer`.
            let foldedStart: Int, foldedEnd: Int
            /// FNV-1a of the folded bytes (`ByteTable.hash`, computed as they are folded).
            let hash: UInt64
            /// The first folded scalar.
            let firstScalar: UInt32
            /// Every folded scalar below U+0300 or a Cyrillic letter: the word is in NFC.
            let isSimple: Bool
        }

        private(set) var words: [Word] = []
        private var buffer: [UInt8] = []

        func folded(_ word: Word) -> ArraySlice<UInt8> { buffer[word.foldedStart..<word.foldedEnd] }

        /// Splits `text` (valid UTF-8) into words: runs of letters and digits (`isWordScalar`),
        /// each folded with `fold`. (`fastPaths: false` is for the tests: the general path alone
        /// must give the same words.)
        mutating func scan(_ text: UnsafeBufferPointer<UInt8>, fastPaths: Bool = true) {
            words.removeAll(keepingCapacity: true)
            buffer.removeAll(keepingCapacity: true)
            var i = 0
            var start = -1                                 // the current word's start, or -1
            var hash: UInt64 = 0, first: UInt32 = 0, simple = true, foldedStart = 0, marked = false
            func endWord(at end: Int) {
                if marked {
                    // Fold the word again from its NFC form: «е» + U+0308 is «ё», read as «е».
                    buffer.removeSubrange(foldedStart...)
                    hash = ByteTable.emptyHash
                    simple = true
                    let word = String(decoding: UnsafeBufferPointer(rebasing: text[start..<end]), as: UTF8.self)
                    for scalar in word.precomposedStringWithCanonicalMapping.unicodeScalars {
                        TermMatcher.fold(scalar.value, into: append)
                    }
                    marked = false
                }
                words.append(Word(start: start, end: end, foldedStart: foldedStart, foldedEnd: buffer.count,
                                  hash: hash, firstScalar: first, isSimple: simple))
                start = -1
            }
            func append(_ scalar: UInt32) {
                if buffer.count == foldedStart { first = scalar }
                if !Scratch.isSimple(scalar) { simple = false }
                let before = buffer.count
                Scratch.appendUTF8(scalar, to: &buffer)
                for byte in buffer[before...] { hash = ByteTable.hash(hash, adding: byte) }
            }
            let count = text.count
            while i < count {
                // Fast paths, for nearly every byte of Russian and English text: ASCII, and the
                // two-byte Cyrillic letters that `fold` maps without a table (А–я, Ё, ё). They do
                // what the general path below does for them, without its closures.
                let lead = text[i]
                if !fastPaths {
                    // The general path for every scalar.
                } else if lead < 0x80 {
                    let isUpper = lead &- 0x41 < 26
                    if isUpper || lead &- 0x61 < 26 || lead &- 0x30 < 10 {
                        let folded = isUpper ? lead + 0x20 : lead
                        if start < 0 {
                            start = i
                            hash = ByteTable.emptyHash
                            simple = true
                            foldedStart = buffer.count
                            first = UInt32(folded)
                        }
                        buffer.append(folded)
                        hash = ByteTable.hash(hash, adding: folded)
                    } else if start >= 0 {
                        if marked {
                            endWord(at: i)
                        } else {
                            words.append(Word(start: start, end: i, foldedStart: foldedStart, foldedEnd: buffer.count,
                                              hash: hash, firstScalar: first, isSimple: simple))
                            start = -1
                        }
                    }
                    i += 1
                    continue
                }
                if fastPaths, lead == 0xD0 || lead == 0xD1, i + 1 < count, text[i + 1] & 0xC0 == 0x80 {
                    let v = UInt32(lead & 0x1F) << 6 | UInt32(text[i + 1] & 0x3F)
                    let folded: UInt32 = v >= 0x0410 && v <= 0x042F ? v + 0x20
                        : v == 0x0401 || v == 0x0451 ? 0x0435
                        : v >= 0x0430 && v <= 0x044F ? v : 0
                    if folded != 0 {
                        if start < 0 {
                            start = i
                            hash = ByteTable.emptyHash
                            simple = true
                            foldedStart = buffer.count
                            first = folded
                        }
                        let b0 = UInt8(truncatingIfNeeded: 0xC0 | folded >> 6), b1 = UInt8(truncatingIfNeeded: 0x80 | folded & 0x3F)
                        buffer.append(b0)
                        buffer.append(b1)
                        hash = ByteTable.hash(hash, adding: b0)
                        hash = ByteTable.hash(hash, adding: b1)
                        i += 2
                        continue
                    }
                }
                let (scalar, length) = Characters.scalar(in: text, at: i)
                if start >= 0, TermMatcher.isMark(scalar) {
                    marked = true                          // a combining mark continues a word
                } else if TermMatcher.isWordScalar(scalar) {
                    if start < 0 {
                        start = i
                        hash = ByteTable.emptyHash
                        simple = true
                        foldedStart = buffer.count
                    }
                    TermMatcher.fold(scalar, into: append)
                } else if start >= 0 {
                    endWord(at: i)
                }
                i += length
            }
            if start >= 0 { endWord(at: count) }
        }

        /// Below U+0300 (no combining marks, nothing NFC changes) or a Cyrillic letter.
        static func isSimple(_ v: UInt32) -> Bool {
            v < 0x300 || (v >= 0x0400 && v <= 0x04FF && !(v >= 0x0483 && v <= 0x0489))
        }

        static func appendUTF8(_ v: UInt32, to buffer: inout [UInt8]) {
            if v < 0x80 {
                buffer.append(UInt8(v))
            } else if v < 0x800 {
                buffer.append(UInt8(0xC0 | v >> 6)); buffer.append(UInt8(0x80 | v & 0x3F))
            } else if v < 0x10000 {
                buffer.append(UInt8(0xE0 | v >> 12)); buffer.append(UInt8(0x80 | v >> 6 & 0x3F)); buffer.append(UInt8(0x80 | v & 0x3F))
            } else {
                buffer.append(UInt8(0xF0 | v >> 18)); buffer.append(UInt8(0x80 | v >> 12 & 0x3F))
                buffer.append(UInt8(0x80 | v >> 6 & 0x3F)); buffer.append(UInt8(0x80 | v & 0x3F))
            }
        }
    }

    /// Letters and digits: ASCII ones, the Cyrillic block, and any alphabetic or numeric scalar.
    static func isWordScalar(_ v: UInt32) -> Bool {
        if (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A) || (v >= 0x30 && v <= 0x39) { return true }
        if v < 0x80 { return false }
        if v >= 0x0400 && v <= 0x04FF { return true }
        guard let s = Unicode.Scalar(v) else { return false }
        return s.properties.isAlphabetic || s.properties.numericType != nil
    }

    /// A combining mark (general category M): part of the letter before it.
    static func isMark(_ v: UInt32) -> Bool {
        if v < 0x300 { return false }
        if v < 0x370 { return true }                          // Combining Diacritical Marks
        if v >= 0x0400 && v <= 0x04FF { return v >= 0x0483 && v <= 0x0489 }
        guard let s = Unicode.Scalar(v) else { return false }
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Case folding: A–Z and А–Я lower-cased, Ё and ё read as е, other scalars by their
    /// lower-case mapping; passes each scalar of the result to `append`.
    static func fold(_ v: UInt32, into append: (UInt32) -> Void) {
        if (v >= 0x41 && v <= 0x5A) || (v >= 0x0410 && v <= 0x042F) {
            append(v + 0x20)                                  // A–Z, А–Я
        } else if v == 0x0401 || v == 0x0451 {
            append(0x0435)                                    // Ё, ё
        } else if v < 0x80 || (v >= 0x0430 && v <= 0x044F) {
            append(v)
        } else if let s = Unicode.Scalar(v) {
            for lower in s.properties.lowercaseMapping.unicodeScalars { append(lower.value) }
        }
    }
}
