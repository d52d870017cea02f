import Foundation

/// How text becomes search words. The browser (`assets/search-core.js`) normalises and splits
/// queries with the same rules, and must: a query word is looked up in the index's vocabulary as
/// it is written there.
///
/// - normalise: Unicode NFC, lower case, ё → е;
/// - a word is a run of letters, marks and digits (`[\p{L}\p{M}\p{N}]`);
/// - words joined by single hyphens («тест-драйв») are also kept whole, besides their parts;
/// - words longer than `maxWordLength` characters are dropped (hashes, garbage).
public enum SearchText {
    public static let maxWordLength = 40

    public static func normalize(_ text: String) -> String {
        var s = text.precomposedStringWithCanonicalMapping.lowercased()
        if s.unicodeScalars.contains("ё") { s = s.replacingOccurrences(of: "ё", with: "е") }
        return s
    }

    static func isWordScalar(_ u: Unicode.Scalar) -> Bool {
        if u.isASCII {
            return (u >= "a" && u <= "z") || (u >= "0" && u <= "9") || (u >= "A" && u <= "Z")
        }
        switch u.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// The words of already normalised text, in order; a hyphenated compound comes after its parts.
    public static func words(_ normalized: String) -> [String] {
        var out: [String] = []
        var part = String.UnicodeScalarView()
        var parts: [String] = []
        var compound = String.UnicodeScalarView()
        var pendingHyphen = false

        func endPart() {
            guard !part.isEmpty else { return }
            let word = String(part)
            if part.count <= maxWordLength { out.append(word) }
            parts.append(word)
            part = String.UnicodeScalarView()
        }
        func endCompound() {
            endPart()
            if parts.count > 1, compound.count <= maxWordLength { out.append(String(compound)) }
            parts.removeAll(keepingCapacity: true)
            compound = String.UnicodeScalarView()
        }
        for u in normalized.unicodeScalars {
            if isWordScalar(u) {
                if pendingHyphen { compound.append("-"); pendingHyphen = false }
                part.append(u)
                compound.append(u)
            } else if u == "-", !part.isEmpty, !pendingHyphen {
                endPart()
                pendingHyphen = true
            } else {
                pendingHyphen = false
                endCompound()
            }
        }
        endCompound()
        return out
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
