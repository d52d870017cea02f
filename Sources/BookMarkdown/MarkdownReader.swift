import BookModel
import CCmarkGFM
import Foundation

/// What the checker and search need of a body, from one parse and one walk of its tree: the
/// headings (with the anchors the handbook gives them), the links with their places in the file,
/// and the text a reader sees.
public enum MarkdownReader {
    /// The facts of `body`, whose first line is line `firstLine` of its file. Safe on every core
    /// at once (the `.structure` profile).
    public static func read(_ body: String, firstLine: Int) -> MarkdownFacts {
        if body.isBlankText { return MarkdownFacts() }
        var headingTexts: [(level: Int, text: String, line: Int)] = []
        var rawLinks: [(url: String, line: Int, byteColumn: Int, image: Bool)] = []
        // The readable text: headings apart, blocks (paragraphs, list items, table cells, code
        // blocks) separated by line ends; raw HTML left out, as the handbook leaves it out.
        var text: [UInt8] = []
        text.reserveCapacity(body.utf8.count)
        var inHeading = 0
        // Whether the body has anything but white space and HTML comments (which the handbook
        // does not show): else it is blank.
        var shown = false
        CMark.withDocument(body, profile: .structure) { document, _ in
            CMark.walk(document) { event, node, type in
                if event == CMARK_EVENT_ENTER, !shown {
                    switch type {
                    case CMARK_NODE_DOCUMENT, CMARK_NODE_PARAGRAPH, CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                        break
                    case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE:
                        shown = !isComment(cmark_node_get_literal(node).map { String(cString: $0) } ?? "")
                    default:
                        shown = true
                    }
                }
                if event == CMARK_EVENT_ENTER {
                    switch type {
                    case CMARK_NODE_HEADING:
                        headingTexts.append((Int(cmark_node_get_heading_level(node)), CMark.plainText(node),
                                             Int(cmark_node_get_start_line(node))))
                        inHeading += 1
                    case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                        rawLinks.append((CMark.url(node), Int(cmark_node_get_start_line(node)),
                                         Int(cmark_node_get_start_column(node)), type == CMARK_NODE_IMAGE))
                    case CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_CODE_BLOCK:
                        // (A `where` would apply to the last pattern only.)
                        if inHeading == 0, let literal = cmark_node_get_literal(node) {
                            literal.withMemoryRebound(to: UInt8.self, capacity: 1) { bytes in
                                text.append(contentsOf: UnsafeBufferPointer(start: bytes, count: strlen(literal)))
                            }
                        }
                    case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                        if inHeading == 0 { text.append(UInt8(ascii: " ")) }
                    default:
                        break
                    }
                } else if event == CMARK_EVENT_EXIT {
                    let inline = type.rawValue & 0xc000 == 0xc000         // CMARK_NODE_TYPE_INLINE
                    if type == CMARK_NODE_HEADING {
                        inHeading -= 1
                    } else if !inline, inHeading == 0, let last = text.last, last != UInt8(ascii: "\n") {
                        text.append(UInt8(ascii: "\n"))
                    }
                }
            }
        }
        while text.last == UInt8(ascii: "\n") { text.removeLast() }
        let anchors = Anchor.unique(headingTexts.map(\.text))
        let headings = zip(headingTexts, anchors).map { h, anchor in
            Heading(level: h.level, text: h.text, anchor: anchor, line: h.line + firstLine - 1)
        }
        return MarkdownFacts(headings: headings, links: locate(rawLinks, in: body, firstLine: firstLine), isBlank: !shown,
                             text: text)
    }

    /// Whether raw HTML is nothing but comments and white space.
    static func isComment(_ html: String) -> Bool {
        var rest = Substring(html)
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.isEmpty { return true }
            guard rest.hasPrefix("<!--"), let end = rest.range(of: "-->", range: rest.index(rest.startIndex, offsetBy: 4)..<rest.endIndex) else {
                return false
            }
            rest = rest[end.upperBound...]
        }
    }

    /// The links with the line and column of each destination in the file.
    private static func locate(_ rawLinks: [(url: String, line: Int, byteColumn: Int, image: Bool)], in body: String,
                               firstLine: Int) -> [BodyLink] {
        guard !rawLinks.isEmpty else { return [] }
        var lineStarts: [Int] = []
        var body = body
        return body.withUTF8 { utf8 -> [BodyLink] in
            rawLinks.map { raw -> BodyLink in
                // Autolinks report 0:0; point at the body's first line then.
                guard raw.line > 0 else {
                    return BodyLink(destination: raw.url, line: firstLine, column: 1, isImage: raw.image)
                }
                if lineStarts.isEmpty {
                    lineStarts.append(0)
                    for i in 0..<utf8.count where utf8[i] == UInt8(ascii: "\n") { lineStarts.append(i + 1) }
                }
                func line(_ n: Int) -> UnsafeBufferPointer<UInt8> {
                    let start = n <= lineStarts.count ? lineStarts[n - 1] : utf8.count
                    let end = n < lineStarts.count ? lineStarts[n] - 1 : utf8.count
                    return UnsafeBufferPointer(rebasing: utf8[start..<end])
                }
                // Where the destination is written: after "(" on the link's line, else in a
                // reference definition ("[ref]: destination") anywhere in the body, else the
                // link itself.
                if let (column, length) = inline(raw.url, in: line(raw.line), afterByte: raw.byteColumn) {
                    return BodyLink(destination: raw.url, line: raw.line + firstLine - 1, column: column, length: length, isImage: raw.image)
                }
                for n in 1...lineStarts.count {
                    if let (column, length) = definition(raw.url, in: line(n)) {
                        return BodyLink(destination: raw.url, line: n + firstLine - 1, column: column, length: length, isImage: raw.image)
                    }
                }
                return BodyLink(destination: raw.url, line: raw.line + firstLine - 1,
                                column: characters(line(raw.line), upTo: max(0, min(line(raw.line).count, raw.byteColumn - 1))) + 1,
                                isImage: raw.image)
            }
        }
    }

    private static func characters(_ line: UnsafeBufferPointer<UInt8>, upTo end: Int) -> Int {
        Characters.count(utf8: UnsafeBufferPointer(rebasing: line[..<end]))
    }

    /// The character column and length of a link's destination written after "(" on its line
    /// (from the link's own column on), if it is there.
    private static func inline(_ url: String, in line: UnsafeBufferPointer<UInt8>, afterByte byteColumn: Int) -> (Int, Int)? {
        let start = max(0, min(line.count, byteColumn - 1))
        var needle: [UInt8] = [UInt8(ascii: "(")]
        needle.append(contentsOf: url.utf8)
        guard !url.isEmpty, needle.count <= line.count else { return nil }
        var i = start
        while i + needle.count <= line.count {
            if line[i] == needle[0], line[i..<(i + needle.count)].elementsEqual(needle) {
                return (characters(line, upTo: i + 1) + 1, Characters.count(url))
            }
            i += 1
        }
        return nil
    }

    /// The character column and length of `url` in a reference definition on `line`
    /// (`[label]: url`, or `[label]: <url>`, indented by up to three spaces), if it is one.
    private static func definition(_ url: String, in line: UnsafeBufferPointer<UInt8>) -> (Int, Int)? {
        guard !url.isEmpty else { return nil }
        var i = 0
        while i < line.count, i < 3, line[i] == UInt8(ascii: " ") { i += 1 }
        guard i < line.count, line[i] == UInt8(ascii: "[") else { return nil }
        // The label's end: "]:" (a label has no unescaped "]").
        var j = i + 1
        while j + 1 < line.count, !(line[j] == UInt8(ascii: "]") && line[j + 1] == UInt8(ascii: ":")) {
            j += line[j] == UInt8(ascii: "\\") ? 2 : 1
        }
        guard j + 1 < line.count else { return nil }
        var k = j + 2
        while k < line.count, line[k] == UInt8(ascii: " ") || line[k] == UInt8(ascii: "\t") { k += 1 }
        if k < line.count, line[k] == UInt8(ascii: "<") { k += 1 }
        let bytes = Array(url.utf8)
        guard k + bytes.count <= line.count, line[k..<(k + bytes.count)].elementsEqual(bytes) else { return nil }
        return (characters(line, upTo: k) + 1, Characters.count(url))
    }
}
