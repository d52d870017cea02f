/// Heading anchors, GitHub style: lower case; letters (Cyrillic kept), digits, `-` and `_` kept;
/// spaces become `-`; everything else is dropped; a repeated anchor gets `-1`, `-2`, ...
public enum Anchor {
    public static func slug(_ text: String) -> String {
        var out = ""
        for ch in text.lowercased() {
            if ch == " " {
                out.append("-")
            } else if ch == "-" || ch == "_" || ch.isLetter || ch.isNumber {
                out.append(ch)
            }
        }
        return out
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
