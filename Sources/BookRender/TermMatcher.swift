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
    /// The folded first scalars of every pattern word: a word starting otherwise is never folded.
    private let initials: Set<UInt32>

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
        var initials = Set<UInt32>()
        for patterns in table.values {
            for pattern in patterns {
                for word in pattern.words { if let first = word.unicodeScalars.first { initials.insert(first.value) } }
            }
        }
        self.initials = initials
        byFirstWord = table.mapValues { patterns in
            patterns.sorted { $0.words.count != $1.words.count ? $0.words.count > $1.words.count : $0.term < $1.term }
        }
    }

    var isEmpty: Bool { byFirstWord.isEmpty }

    struct Word {
        let folded: String
        let range: Range<String.Index>
    }

    /// The words of `text`: runs of letters and digits, folded. With `initials`, words whose
    /// first letter is not among them are skipped without being folded (they cannot match).
    static func words(in text: String, initials: Set<UInt32>? = nil) -> [Word] {
        var out: [Word] = []
        let scalars = text.unicodeScalars
        var i = scalars.startIndex
        while i < scalars.endIndex {
            guard isWordScalar(scalars[i]) else { i = scalars.index(after: i); continue }
            let start = i
            if let initials, let first = fold(scalars[i]).first, !initials.contains(first.value) {
                while i < scalars.endIndex, isWordScalar(scalars[i]) { i = scalars.index(after: i) }
                out.append(Word(folded: "", range: start..<i))
                continue
            }
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
        let v = s.value
        var out = String.UnicodeScalarView()
        if (v >= 0x41 && v <= 0x5A) || (v >= 0x0410 && v <= 0x042F) {
            out.append(Unicode.Scalar(v + 0x20)!)                 // A–Z, А–Я
        } else if v == 0x0401 || v == 0x0451 {
            out.append("е")                                       // Ё, ё
        } else if v < 0x80 || (v >= 0x0430 && v <= 0x044F) {
            out.append(s)
        } else {
            out.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
        }
        return out
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

    /// The matches in `text`, in order, of terms not in `excluded`, each term once (the first
    /// use); terms found are added to `excluded`.
    func matches(in text: String, excluding excluded: inout Set<EntityKey>) -> [(Range<String.Index>, EntityKey)] {
        let words = TermMatcher.words(in: text, initials: initials)
        var found: [(Range<String.Index>, EntityKey)] = []
        var i = 0
        while i < words.count {
            var advanced = false
            if !words[i].folded.isEmpty, let candidates = byFirstWord[words[i].folded] {
                for pattern in candidates where !excluded.contains(pattern.term) && i + pattern.words.count <= words.count {
                    var ok = true
                    for k in 1..<max(1, pattern.words.count) where ok {
                        let a = words[i + k - 1], b = words[i + k]
                        ok = b.folded == pattern.words[k]
                            && TermMatcher.foldSpaces(String(text.unicodeScalars[a.range.upperBound..<b.range.lowerBound])) == pattern.separators[k - 1]
                    }
                    if ok {
                        let last = i + pattern.words.count - 1
                        found.append((words[i].range.lowerBound..<words[last].range.upperBound, pattern.term))
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
}
