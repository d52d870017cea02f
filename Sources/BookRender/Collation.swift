import BookModel

/// Sort keys for titles in the book's language, computed once per title (Foundation's
/// locale-aware comparison costs ~80 µs a call here). Case-insensitive first, ё sorted with е,
/// digits first, then the book's alphabet (Cyrillic for Russian, Latin for English), then others.
enum Collation {
    struct Key: Comparable {
        let primary: [UInt32]
        let secondary: [UInt32]
        let original: String

        static func < (a: Key, b: Key) -> Bool {
            if a.primary != b.primary { return a.primary.lexicographicallyPrecedes(b.primary) }
            if a.secondary != b.secondary { return a.secondary.lexicographicallyPrecedes(b.secondary) }
            return a.original < b.original
        }
    }

    static func key(_ text: String, language: Language) -> Key {
        var primary: [UInt32] = []
        var secondary: [UInt32] = []
        for scalar in text.unicodeScalars {
            let lower = scalar.properties.lowercaseMapping.unicodeScalars.first ?? scalar
            var v = lower.value
            var accent: UInt32 = 0
            if v == 0x0451 { v = 0x0435; accent = 1 }           // ё sorts with е
            let group: UInt32
            switch v {
            case 0x30...0x39: group = 1
            case 0x0430...0x044F: group = language == .ru ? 2 : 3
            case 0x61...0x7A: group = language == .ru ? 3 : 2
            case _ where lower.properties.isAlphabetic: group = 4
            default: continue                                   // spaces and punctuation are ignored
            }
            primary.append(group << 24 | v)
            secondary.append(accent << 1 | (scalar == lower ? 0 : 1))
        }
        return Key(primary: primary, secondary: secondary, original: text)
    }

    /// The letter a title is filed under in an index ("Ё" under "Е").
    static func initial(_ text: String) -> String {
        guard let first = text.unicodeScalars.first(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil }) else { return "#" }
        if first.properties.numericType != nil { return "0–9" }
        let upper = String(first).uppercased()
        return upper == "Ё" ? "Е" : upper
    }
}
