/// Heading anchors, GitHub style: lower case; letters (Cyrillic kept), marks, digits, `-` and `_`
/// kept; each space becomes `-`; everything else is dropped; a repeated anchor gets `-1`, `-2`, ...
public enum Anchor {
    public static func slug(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        // Lower case as `lowercased()` makes it (each scalar's lowercase mapping), with the
        // mappings of A–Z and А–Я, Ѐ–Џ written out.
        for original in text.unicodeScalars {
            let o = original.value
            let lower: Unicode.Scalar
            if o < 0x80 || (o >= 0x0430 && o <= 0x045F) {
                lower = o >= 0x41 && o <= 0x5A ? Unicode.Scalar(UInt8(o + 0x20)) : original
            } else if o >= 0x0410 && o <= 0x042F {
                lower = Unicode.Scalar(o + 0x20)!
            } else if o >= 0x0400 && o <= 0x040F {
                lower = Unicode.Scalar(o + 0x50)!
            } else {
                for scalar in original.properties.lowercaseMapping.unicodeScalars { keep(scalar, into: &out) }
                continue
            }
            keep(lower, into: &out)
        }
        return String(out)
    }

    /// Appends `scalar` (lower case) to a slug if it belongs there: letters, marks, digits,
    /// `-` and `_` as they are, a space as `-`.
    @inline(__always)
    private static func keep(_ scalar: Unicode.Scalar, into out: inout String.UnicodeScalarView) {
        let v = scalar.value
        // Fast paths: ASCII and the Cyrillic block (letters and combining marks, all kept).
        if (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) || v == 0x5F || v == 0x2D
            || (v >= 0x0400 && v <= 0x04FF && v != 0x0482) {
            out.append(scalar)
            return
        }
        if v == 0x20 {
            out.append("-")
            return
        }
        if v < 0x80 { return }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber, .connectorPunctuation:
            out.append(scalar)
        default:
            break
        }
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
