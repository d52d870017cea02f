import BookModel

/// Finds glossary terms (titles and aliases) in running text: whole words, case folded,
/// ё read as е, multi-word terms with the same separators as written.
struct TermMatcher: Sendable {
    struct Pattern: Sendable {
        let words: [String]
        /// The separators between the words, white space folded to one space.
        let separators: [String]
        let term: EntityKey
    }

    /// Patterns by their first (folded) word, longest first.
    private let byFirstWord: [String: [Pattern]]

    init(book: Book) {
        var table: [String: [Pattern]] = [:]
        for term in book.all(.term) {
            for form in [term.title] + (term.term?.aliases ?? []) {
                let tokens = TermMatcher.words(in: form)
                guard let first = tokens.first else { continue }
                let separators = zip(tokens, tokens.dropFirst()).map { a, b in
                    TermMatcher.foldSpaces(String(form.unicodeScalars[a.range.upperBound..<b.range.lowerBound]))
                }
                table[first.folded, default: []].append(Pattern(words: tokens.map(\.folded), separators: separators, term: term.key))
            }
        }
        byFirstWord = table.mapValues { patterns in
            patterns.sorted { $0.words.count != $1.words.count ? $0.words.count > $1.words.count : $0.term < $1.term }
        }
    }

    var isEmpty: Bool { byFirstWord.isEmpty }

    struct Word {
        let folded: String
        let range: Range<String.Index>
    }

    /// The words of `text`: runs of letters and digits, folded.
    static func words(in text: String) -> [Word] {
        var out: [Word] = []
        let scalars = text.unicodeScalars
        var i = scalars.startIndex
        while i < scalars.endIndex {
            guard isWordScalar(scalars[i]) else { i = scalars.index(after: i); continue }
            let start = i
            var folded = String.UnicodeScalarView()
            while i < scalars.endIndex, isWordScalar(scalars[i]) {
                folded.append(contentsOf: fold(scalars[i]))
                i = scalars.index(after: i)
            }
            out.append(Word(folded: String(folded), range: start..<i))
        }
        return out
    }

    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A) || (v >= 0x30 && v <= 0x39) { return true }
        if v < 0x80 { return false }
        if v >= 0x0400 && v <= 0x04FF { return true }
        return s.properties.isAlphabetic || s.properties.numericType != nil
    }

    static func fold(_ s: Unicode.Scalar) -> String.UnicodeScalarView {
        if s == "ё" || s == "Ё" { return "е".unicodeScalars }
        if s.value < 0x80 || (s.value >= 0x0410 && s.value <= 0x044F) {
            return String(s).lowercased().unicodeScalars
        }
        return s.properties.lowercaseMapping.unicodeScalars
    }

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

    /// The first match in `text` of a term not in `excluded`: its range and the term.
    func firstMatch(in text: String, excluding excluded: Set<EntityKey>) -> (Range<String.Index>, EntityKey)? {
        let words = TermMatcher.words(in: text)
        for (i, word) in words.enumerated() {
            guard let candidates = byFirstWord[word.folded] else { continue }
            for pattern in candidates where !excluded.contains(pattern.term) && i + pattern.words.count <= words.count {
                var ok = true
                for k in 1..<max(1, pattern.words.count) where ok {
                    let a = words[i + k - 1], b = words[i + k]
                    ok = b.folded == pattern.words[k]
                        && TermMatcher.foldSpaces(String(text.unicodeScalars[a.range.upperBound..<b.range.lowerBound])) == pattern.separators[k - 1]
                }
                if ok { return (word.range.lowerBound..<words[i + pattern.words.count - 1].range.upperBound, pattern.term) }
            }
        }
        return nil
    }
}
