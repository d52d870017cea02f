/// Heading anchors, GitHub style: lower case; letters (Cyrillic kept), marks, digits, `-` and `_`
/// kept; each space becomes `-`; everything else is dropped; a repeated anchor gets `-1`, `-2`, ...
public enum Anchor {
    public static func slug(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars {
            let v = scalar.value
            // Fast paths: ASCII and the Cyrillic block (letters and combining marks, all kept).
            if (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) || v == 0x5F || v == 0x2D
                || (v >= 0x0400 && v <= 0x04FF && v != 0x0482) {
                out.append(scalar)
                continue
            }
            if v == 0x20 {
                out.append("-")
                continue
            }
            if v < 0x80 { continue }
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .nonspacingMark, .spacingMark, .enclosingMark,
                 .decimalNumber, .letterNumber, .otherNumber, .connectorPunctuation:
                out.append(scalar)
            default:
                break
            }
        }
        return String(out)
    }

    /// Anchors for a page's headings in order, with duplicates numbered as GitHub does.
    /// (Pages have few headings: a linear scan over the bytes beats hashing Cyrillic strings.)
    public static func unique(_ texts: [String]) -> [String] {
        var used: [String] = []
        used.reserveCapacity(texts.count)
        func taken(_ s: String) -> Bool { used.contains { $0.utf8.elementsEqual(s.utf8) } }
        for text in texts {
            let base = slug(text)
            var candidate = base
            var n = 0
            while taken(candidate) {
                n += 1
                candidate = "\(base)-\(n)"
            }
            used.append(candidate)
        }
        return used
    }
}
