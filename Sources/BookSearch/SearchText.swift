import BookModel
import Foundation

/// How text becomes search words. The browser (`assets/search-core.js`) normalises and splits
/// queries with the same rules, and must: a query word is looked up in the index's vocabulary as
/// it is written there.
///
/// - normalise: Unicode NFC, lower case, ё → е, final ς → σ, stress marks (U+0300, U+0301)
///   removed («бо́льшая» → «большая»);
/// - a word is a run of letters, marks and digits (`[\p{L}\p{M}\p{N}]`);
/// - words joined by single hyphens («тест-драйв») are also kept whole, after their parts;
/// - words longer than `maxWordLength` characters are dropped (hashes, garbage).
///
/// The work is done on UTF-8 bytes, with fast paths for ASCII and Cyrillic: the index reads
/// every word of the book.
public enum SearchText {
    public static let maxWordLength = 40

    public static func normalize(_ text: String) -> String {
        String(decoding: normalizedBytes(text), as: UTF8.self)
    }

    /// The words of `text` (normalised here), in order; a hyphenated compound after its parts.
    public static func words(_ text: String) -> [String] {
        var out: [String] = []
        eachWord(text) { out.append(String(decoding: $0, as: UTF8.self)) }
        return out
    }

    /// Text in NFC: text of scalars that NFC never changes (`isNFCStable`) already is; the rest
    /// goes through Foundation.
    static func nfc(_ text: String) -> String {
        // On bytes: ASCII, U+0080–U+02FF and U+0400–U+04FF (two bytes led by C2–CB, D0–D3) are
        // stable; any other scalar is decoded and asked.
        var stable = true
        var copy = text
        copy.withUTF8 { bytes in
            var i = 0
            let n = bytes.count
            while i < n {
                let lead = bytes[i]
                if lead < 0x80 { i += 1; continue }
                if (lead >= 0xC2 && lead <= 0xCB) || (lead >= 0xD0 && lead <= 0xD3) { i += 2; continue }
                let (v, length) = Characters.scalar(in: bytes, at: i)
                if !isNFCStable(v) { stable = false; return }
                i += length
            }
        }
        return stable ? text : text.precomposedStringWithCanonicalMapping
    }

    /// Scalars that NFC leaves as they are, wherever they stand: below U+0300 (no combining
    /// marks), Cyrillic, and the punctuation, currency signs, «№», «™», arrows, the minus sign
    /// and pictographs that Russian and English text carries (none has a canonical
    /// decomposition or combines with what comes before). Anything else — combining marks,
    /// singletons such as U+2126 OHM SIGN or U+2000 EN QUAD — sends the text through NFC.
    @inline(__always)
    static func isNFCStable(_ v: UInt32) -> Bool {
        if v < 0x300 { return true }
        if v < 0x2000 { return v >= 0x400 && v <= 0x52F }
        return (v >= 0x2002 && v <= 0x206F) || (v >= 0x20A0 && v <= 0x20CF) || v == 0x2116 || v == 0x2122
            || (v >= 0x2190 && v <= 0x21FF) || v == 0x2212 || (v >= 0x1F300 && v <= 0x1FAFF)
    }

    /// Appends the lower case of `u` (ё folded to е, ς to σ, stress marks dropped) and returns
    /// how many characters it appended, or nil when `u` does not belong in a word.
    @inline(__always)
    static func fold(_ u: Unicode.Scalar, into out: inout [UInt8]) -> Int? {
        let v = u.value
        if v < 0x80 {
            if v >= 0x61 && v <= 0x7A || v >= 0x30 && v <= 0x39 { out.append(UInt8(v)); return 1 }
            if v >= 0x41 && v <= 0x5A { out.append(UInt8(v + 0x20)); return 1 }
            return nil
        }
        if v >= 0x400 && v <= 0x45F {
            var lower = v
            if v <= 0x40F { lower = v + 0x50 } else if v <= 0x42F { lower = v + 0x20 }
            if lower == 0x451 { lower = 0x435 }                         // ё → е
            out.append(UInt8(0xC0 | (lower >> 6)))
            out.append(UInt8(0x80 | (lower & 0x3F)))
            return 1
        }
        if v == 0x300 || v == 0x301 { return 0 }                        // stress marks
        switch u.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
            var count = 0
            for scalar in u.properties.lowercaseMapping.unicodeScalars {
                let folded = scalar.value == 0x451 ? Unicode.Scalar(0x435)! : scalar.value == 0x3C2 ? Unicode.Scalar(0x3C3)! : scalar
                out.append(contentsOf: Array(String(folded).utf8))
                count += 1
            }
            return count
        default:
            return nil
        }
    }

    /// Normalised text (NFC, lower case, ё → е) as UTF-8.
    static func normalizedBytes(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for u in nfc(text).unicodeScalars where fold(u, into: &out) == nil {
            out.append(contentsOf: Array(String(u).utf8))
        }
        return out
    }

    /// Calls `body` with each word of `text`, normalised, as UTF-8 bytes.
    static func eachWord(_ text: String, _ body: (ArraySlice<UInt8>) -> Void) {
        var words = Splitter()
        let bytes = Array(nfc(text).utf8)
        var i = 0
        let n = bytes.count
        while i < n {
            let lead = bytes[i]
            // Fast paths (what `fold` does for them): ASCII, and Cyrillic U+0400–U+045F.
            if lead < 0x80 {
                let isUpper = lead &- 0x41 < 26
                if isUpper || lead &- 0x61 < 26 || lead &- 0x30 < 10 {
                    words.letter(isUpper ? lead + 0x20 : lead)
                } else {
                    words.between(hyphen: lead == UInt8(ascii: "-"), body)
                }
                i += 1
                continue
            }
            if lead == 0xD0 || lead == 0xD1, i + 1 < n, bytes[i + 1] & 0xC0 == 0x80 {
                var v = UInt32(lead & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
                if v <= 0x45F {
                    if v <= 0x40F { v += 0x50 } else if v <= 0x42F { v += 0x20 }
                    if v == 0x451 { v = 0x435 }                                 // ё → е
                    words.letter(UInt8(0xC0 | (v >> 6)), UInt8(0x80 | (v & 0x3F)))
                    i += 2
                    continue
                }
            }
            // Any other scalar.
            let (v, length) = bytes.withUnsafeBufferPointer { Characters.scalar(in: $0, at: i) }
            i += length
            let u = Unicode.Scalar(v) ?? "\u{FFFD}"
            let before = words.buffer.count
            if words.pendingHyphen { words.buffer.append(UInt8(ascii: "-")) }
            if let added = fold(u, into: &words.buffer) {
                words.inWord(before: before, added: added)
            } else {
                if words.pendingHyphen { words.buffer.removeLast() }
                words.between(hyphen: u == "-", body)
            }
        }
        words.endCompound(body)
    }

    /// The state of `eachWord` between scalars: the current compound in `buffer`, its parts
    /// separated by "-".
    private struct Splitter {
        var buffer: [UInt8] = []
        var partStart = 0, partLength = 0, compoundLength = 0, parts = 0
        var pendingHyphen = false

        init() { buffer.reserveCapacity(64) }

        /// A letter or digit that folds to one scalar of one or two bytes (the fast paths).
        @inline(__always)
        mutating func letter(_ byte: UInt8) {
            let before = buffer.count
            if pendingHyphen { buffer.append(UInt8(ascii: "-")) }
            buffer.append(byte)
            inWord(before: before, added: 1)
        }

        @inline(__always)
        mutating func letter(_ lead: UInt8, _ continuation: UInt8) {
            let before = buffer.count
            if pendingHyphen { buffer.append(UInt8(ascii: "-")) }
            buffer.append(lead)
            buffer.append(continuation)
            inWord(before: before, added: 1)
        }

        /// A scalar of a word: `added` scalars folded into `buffer` after the pending hyphen;
        /// `before` is the count before either.
        @inline(__always)
        mutating func inWord(before: Int, added: Int) {
            if pendingHyphen { pendingHyphen = false; compoundLength += 1; partStart = before + 1 }
            if partLength == 0 && parts == 0 { partStart = 0 }
            partLength += added
            compoundLength += added
        }

        /// A scalar between words: a single hyphen inside a word may join a compound.
        mutating func between(hyphen: Bool, _ body: (ArraySlice<UInt8>) -> Void) {
            if hyphen, partLength > 0, !pendingHyphen {
                endPart(body)
                pendingHyphen = true
            } else {
                pendingHyphen = false
                endCompound(body)
            }
        }

        mutating func endPart(_ body: (ArraySlice<UInt8>) -> Void) {
            guard partLength > 0 else { return }
            if partLength <= maxWordLength { body(buffer[partStart...]) }
            parts += 1
            partLength = 0
        }

        mutating func endCompound(_ body: (ArraySlice<UInt8>) -> Void) {
            endPart(body)
            if parts > 1, compoundLength <= maxWordLength { body(buffer[...]) }
            buffer.removeAll(keepingCapacity: true)
            parts = 0; compoundLength = 0; partStart = 0
        }
    }

    /// The shard a word's stem lives in: its first two characters (one for a one-letter stem).
    public static func shardKey(_ word: String) -> String {
        String(String.UnicodeScalarView(word.unicodeScalars.prefix(2)))
    }

    /// The file name of a shard: the key's code points in hex, joined by `-` (`кл` → `43a-43b`).
    public static func shardFile(_ key: String) -> String {
        key.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: "-")
    }
}
