/// Counting characters (what an editor's column counts) without Swift's grapheme breaking in
/// the common case: a text whose every scalar is a character of its own is counted on bytes.
/// (Concrete types only: a generic version, called from other modules, went through the
/// collection protocols' witness tables for each byte.)
public enum Characters {
    /// The number of scalars of UTF-8 `bytes` when each is a character of its own — ASCII but
    /// CR (which joins a following LF), and two-byte scalars outside the combining marks
    /// (U+0300–U+037F, U+0483–U+0489): Latin, Greek, Cyrillic — else nil.
    public static func standaloneCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var previous: UInt8 = 0, count = 0
        for byte in bytes {
            switch byte {
            case 0x0D: return nil
            case 0x00..<0x80, 0xC2...0xCB, 0xCE...0xD3: count += 1
            case 0x80..<0xC0:                                    // a continuation byte
                if previous == 0xD2 && (0x83...0x89).contains(byte) { return nil }
            default: return nil
            }
            previous = byte
        }
        return count
    }

    /// `standaloneCount` of a text's UTF-8.
    public static func standaloneCount(_ text: Substring) -> Int? {
        var text = text
        return text.withUTF8 { standaloneCount($0) }
    }

    /// The number of characters of `text`, as `text.count`.
    public static func count(_ text: String) -> Int {
        var copy = text
        return copy.withUTF8 { standaloneCount($0) } ?? text.count
    }

    /// The number of characters of UTF-8 `bytes`, as `String(decoding: bytes, as: UTF8.self).count`.
    public static func count(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int {
        standaloneCount(bytes) ?? String(decoding: bytes, as: UTF8.self).count
    }

    /// The scalar at byte `i` of UTF-8 `text` and its length in bytes. Text is expected to be
    /// valid (Swift strings, cmark-gfm's literals); a stray byte reads as U+FFFD, length 1.
    public static func scalar(in text: UnsafeBufferPointer<UInt8>, at i: Int) -> (value: UInt32, length: Int) {
        let lead = UInt32(text[i])
        func continuation(_ k: Int) -> UInt32? {
            guard i + k < text.count, text[i + k] & 0xC0 == 0x80 else { return nil }
            return UInt32(text[i + k] & 0x3F)
        }
        if lead < 0x80 { return (lead, 1) }
        if lead >= 0xC2 && lead < 0xE0, let c1 = continuation(1) { return ((lead & 0x1F) << 6 | c1, 2) }
        if lead >= 0xE0 && lead < 0xF0, let c1 = continuation(1), let c2 = continuation(2) {
            return ((lead & 0x0F) << 12 | c1 << 6 | c2, 3)
        }
        if lead >= 0xF0 && lead < 0xF5, let c1 = continuation(1), let c2 = continuation(2), let c3 = continuation(3) {
            return ((lead & 0x07) << 18 | c1 << 12 | c2 << 6 | c3, 4)
        }
        return (0xFFFD, 1)
    }
}
