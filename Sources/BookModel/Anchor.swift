/// Heading anchors, GitHub style: lower case; letters (Cyrillic kept), marks, digits, `-` and `_`
/// kept; each space becomes `-`; everything else is dropped; a repeated anchor gets `-1`, `-2`, ...
public enum Anchor {
    public static func slug(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .nonspacingMark, .spacingMark, .enclosingMark,
                 .decimalNumber, .letterNumber, .otherNumber, .connectorPunctuation:
                out.append(scalar)
            case .spaceSeparator where scalar == " ":
                out.append("-")
            default:
                if scalar == "-" { out.append(scalar) }
            }
        }
        return String(out)
    }

    /// Anchors for a page's headings in order, with duplicates numbered as GitHub does.
    public static func unique(_ texts: [String]) -> [String] {
        var counters: [String: Int] = [:]
        var used = Set<String>()
        return texts.map { text in
            let base = slug(text)
            var candidate = base
            var n = counters[base] ?? 0
            while used.contains(candidate) {
                n += 1
                candidate = "\(base)-\(n)"
            }
            counters[base] = n
            used.insert(candidate)
            return candidate
        }
    }
}
