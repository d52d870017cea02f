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
        #expect(Characters.standaloneCount("Привет, мир"[...]) == 11)
        #expect(Characters.standaloneCount("e\u{301}"[...]) == nil)
    }
}

@testable import BookSearch
import Foundation

extension FastPathTests {
    /// The search index's words as they were found scalar by scalar.
    static func plainWords(_ text: String) -> [String] {
        var out: [String] = []
        var buffer: [UInt8] = []
        var partStart = 0, partLength = 0, compoundLength = 0, parts = 0, pendingHyphen = false
        func endPart() {
            guard partLength > 0 else { return }
            if partLength <= SearchText.maxWordLength { out.append(String(decoding: buffer[partStart...], as: UTF8.self)) }
            parts += 1
            partLength = 0
        }
        func endCompound() {
            endPart()
            if parts > 1, compoundLength <= SearchText.maxWordLength { out.append(String(decoding: buffer, as: UTF8.self)) }
            buffer.removeAll()
            parts = 0; compoundLength = 0; partStart = 0
        }
        let stable = text.unicodeScalars.allSatisfy { SearchText.isNFCStable($0.value) }
        for u in (stable ? text : text.precomposedStringWithCanonicalMapping).unicodeScalars {
            let before = buffer.count
            if pendingHyphen { buffer.append(UInt8(ascii: "-")) }
            if let added = SearchText.fold(u, into: &buffer) {
                if pendingHyphen { pendingHyphen = false; compoundLength += 1; partStart = before + 1 }
                if partLength == 0 && parts == 0 { partStart = 0 }
                partLength += added
                compoundLength += added
            } else {
                if pendingHyphen { buffer.removeLast() }
                if u == "-", partLength > 0, !pendingHyphen {
                    endPart()
                    pendingHyphen = true
                } else {
                    pendingHyphen = false
                    endCompound()
                }
            }
        }
        endCompound()
        return out
    }

    @Test("SearchText.words: the same words as the scalar-by-scalar version, hyphenated compounds, long words and NFC included")
    func searchWords() {
        var random = IncrementalRandomTests.Random(state: 5)
        let pieces = FastPathTests.textPieces + ["-", "--", "тест-драйв", "бо\u{301}льшая", "ς", "№", "—", "Ω", "\u{2126}",
                                                 "ѐ", "ѯ", "Ѱ", String(repeating: "я", count: 41), "e\u{301}", "Å"]
        for _ in 0..<5000 {
            let text = (0..<random.below(14)).map { _ in random.pick(pieces) }.joined()
            #expect(SearchText.words(text) == FastPathTests.plainWords(text), "\(text.debugDescription)")
        }
    }
}

extension FastPathTests {
    /// The search files' JSON string literal as it was written, byte by byte.
    static func plainJSON(_ text: String) -> [UInt8] {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\"")]
        func escape(_ value: UInt32) {
            out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), hex[Int(value >> 12) & 15], hex[Int(value >> 8) & 15],
                    hex[Int(value >> 4) & 15], hex[Int(value) & 15]]
        }
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), b]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), 0..<0x20, 0x7F: escape(UInt32(b))
            case 0xE2 where i + 2 < bytes.count && (bytes[i + 1] == 0x80 && (0xA8...0xAE).contains(bytes[i + 2])
                                                   || bytes[i + 1] == 0x81 && (0xA6...0xA9).contains(bytes[i + 2])):
                escape(0x2000 | (UInt32(bytes[i + 1] & 0x3F) << 6) | UInt32(bytes[i + 2] & 0x3F))
                i += 2
            default: out.append(b)
            }
            i += 1
        }
        out.append(UInt8(ascii: "\""))
        return out
    }

    @Test("the search files' JSON strings: the same bytes as the byte-by-byte version, and they read back as the text")
    func searchJSON() throws {
        var random = IncrementalRandomTests.Random(state: 3)
        let pieces = FastPathTests.textPieces + ["\"", "\\", "<", ">", "&", "\u{7F}", "\u{1}", "\n", "\u{2028}", "\u{2029}",
                                                 "\u{202E}", "\u{2066}", "\u{2069}", "\u{2012}", "—", "…", "\u{2030}", "€"]
        for _ in 0..<3000 {
            let text = (0..<random.below(14)).map { _ in random.pick(pieces) }.joined()
            var out: [UInt8] = []
            SearchIndex.json(text, into: &out)
            #expect(out == FastPathTests.plainJSON(text), "\(text.debugDescription)")
            let back = try JSONSerialization.jsonObject(with: Data(("[" + String(decoding: out, as: UTF8.self) + "]").utf8)) as? [String]
            #expect(back == [text])
        }
    }
}

@testable import BookLoad

extension FastPathTests {
    /// Front matter split as it was written, on the String's UTF-8 view.
    static func plainSplit(_ text: String) -> (yaml: String, body: String, bodyLine: Int)? {
        func isFence(_ line: Substring.UTF8View.SubSequence, closing: Bool) -> Bool {
            var bytes = Array(line)
            while let last = bytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { bytes.removeLast() }
            return bytes == Array("---".utf8) || (closing && bytes == Array("...".utf8))
        }
        let utf8 = text.utf8
        let firstEnd = utf8.firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
        guard isFence(utf8[utf8.startIndex..<firstEnd], closing: false) else { return nil }
        var lineStart = firstEnd == utf8.endIndex ? firstEnd : utf8.index(after: firstEnd)
        let yamlStart = lineStart
        var line = 2
        while lineStart < utf8.endIndex {
            let lineEnd = utf8[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
            if isFence(utf8[lineStart..<lineEnd], closing: true) {
                let bodyStart = lineEnd == utf8.endIndex ? lineEnd : utf8.index(after: lineEnd)
                return (String(text[yamlStart..<lineStart]), String(text[bodyStart...]), line + 1)
            }
            lineStart = lineEnd == utf8.endIndex ? lineEnd : utf8.index(after: lineEnd)
            line += 1
        }
        return nil
    }

    @Test("front matter split on bytes: the same YAML, body and body line as on the String's view")
    func frontMatterSplit() {
        var random = IncrementalRandomTests.Random(state: 17)
        let lines = ["---", "--- ", "---\t", " ---", "...", "....", "title: Ёлка", "", "текст", "- a", "----", "-- -", "é\u{301}"]
        for _ in 0..<5000 {
            let text = (0..<random.below(7)).map { _ in random.pick(lines) }.joined(separator: "\n") + (random.chance(50) ? "\n" : "")
            let plain = FastPathTests.plainSplit(text)
            switch FrontMatter.split(text) {
            case .success(let split):
                #expect(plain?.yaml == split.yaml && plain?.body == split.body && plain?.bodyLine == split.bodyLine, "\(text.debugDescription)")
            case .failure:
                #expect(plain == nil, "\(text.debugDescription)")
            }
        }
    }
}
