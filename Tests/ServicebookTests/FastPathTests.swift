import BookModel
import Testing

/// The byte-level versions of small parsers held to the straightforward versions they replaced.
@Suite("Fast paths agree with the plain versions")
struct FastPathTests {
    /// The join of a document's path and a relative link as it was written with `split`.
    static func plainJoin(_ from: String, _ relative: String) -> String? {
        var parts: [Substring] = []
        var fromParts = from.utf8.split(separator: UInt8(ascii: "/"))
        if !fromParts.isEmpty { fromParts.removeLast() }
        for part in fromParts { parts.append(Substring(part)) }
        for component in relative.utf8.split(separator: UInt8(ascii: "/")) {
            if component.elementsEqual(".".utf8) { continue }
            if component.elementsEqual("..".utf8) {
                if parts.isEmpty { return nil }
                parts.removeLast()
            } else {
                parts.append(Substring(component))
            }
        }
        return parts.joined(separator: "/")
    }

    @Test("LinkResolver.join: the same paths as split-and-join, for random paths with empty, dot and dot-dot segments")
    func join() {
        var random = IncrementalRandomTests.Random(state: 42)
        let segments = ["steps", "roles", "a.md", "б.md", ".", "..", "", "x y", "é", "...", ".md"]
        func path() -> String { (0..<random.below(5)).map { _ in random.pick(segments) }.joined(separator: "/") }
        for _ in 0..<5000 {
            let from = path(), relative = path()
            #expect(LinkResolver.join(from, relative) == FastPathTests.plainJoin(from, relative), "\(from) + \(relative)")
        }
        #expect(LinkResolver.join("steps/greet.md", "../roles/manager.md") == "roles/manager.md")
        #expect(LinkResolver.join("steps/greet.md", "../../x.md") == nil)
    }

    @Test("Day: exactly YYYY-MM-DD in ASCII digits, a real date")
    func day() {
        #expect(Day("2026-12-02") == Day(year: 2026, month: 12, day: 2))
        #expect(Day("2024-02-29") != nil)
        for bad in ["2023-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "2026-01-1", "20260-01-01", "2026/01/01",
                    "２０２６-01-01", "2026-01-01 ", " 2026-01-01", "2026-01-0١", "2026--1-01", "", "0000-01-01", "2026-01-00"] {
            #expect(Day(bad) == nil, "\(bad)")
        }
    }
}

extension FastPathTests {
    /// The slug as it was written, over `lowercased()`.
    static func plainSlug(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars {
            let v = scalar.value
            if v == 0x20 { out.append("-"); continue }
            if v < 0x80 {
                if (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) || v == 0x5F || v == 0x2D { out.append(scalar) }
                continue
            }
            if v >= 0x0400 && v <= 0x04FF && v != 0x0482 { out.append(scalar); continue }
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber, .connectorPunctuation:
                out.append(scalar)
            default: break
            }
        }
        return String(out)
    }

    static let textPieces = ["a", "Z", "7", " ", "-", "_", "!", "«", "Ж", "ж", "Ё", "ё", "Ѐ", "Џ", "Ѣ", "Ґ", "İ", "Σ", "ΟΔΟΣ ",
                             "ß", "ǅ", "Ω", "é", "\u{301}", "\u{483}", "🙂", "中", "\r\n", "\t", "Ⅻ", "ﬁ"]

    @Test("Anchor.slug: the same anchors as lowercased() and the plain scalar filter")
    func slug() {
        var random = IncrementalRandomTests.Random(state: 9)
        for _ in 0..<5000 {
            let text = (0..<random.below(12)).map { _ in random.pick(FastPathTests.textPieces) }.joined()
            #expect(Anchor.slug(text) == FastPathTests.plainSlug(text), "\(text.debugDescription)")
        }
    }

    @Test("Characters.count: the same as Swift's count, for any text")
    func characterCount() {
        var random = IncrementalRandomTests.Random(state: 11)
        for _ in 0..<5000 {
            let text = (0..<random.below(12)).map { _ in random.pick(FastPathTests.textPieces) }.joined()
            #expect(Characters.count(text) == text.count, "\(text.debugDescription)")
            var copy = text
            #expect(copy.withUTF8 { Characters.count(utf8: $0) } == text.count, "\(text.debugDescription)")
        }
        #expect(Characters.standaloneCount("Привет, мир".utf8) == 11)
        #expect(Characters.standaloneCount("e\u{301}".utf8) == nil)
    }
}
