import BookModel
import CCmarkGFM
import Foundation

/// Markdown to HTML with cmark-gfm (every GFM extension, safe mode: raw HTML is not passed
/// through), from one parse, in several styles at once. What links point at and which words
/// are linked is the caller's to say, through the closures of `render`.
public enum MarkdownHTML {
    /// One way of placing a body in a page.
    public struct Style: Sendable {
        /// Added to every heading level (capped at 6).
        public let headingShift: Int
        /// Prefix of heading ids, to keep ids unique when bodies share a page.
        public let idPrefix: String
        /// Whether the words `terms` finds are linked.
        public let linksTerms: Bool
        /// Whether those links carry their tooltip (`Match.title`): not on paper.
        public let termTitles: Bool

        public init(headingShift: Int, idPrefix: String, linksTerms: Bool, termTitles: Bool = true) {
            self.headingShift = headingShift
            self.idPrefix = idPrefix
            self.linksTerms = linksTerms
            self.termTitles = termTitles
        }
    }

    /// Words of a text to link: their range in the text (UTF-8 offsets, on scalar boundaries),
    /// a tooltip, and where they lead.
    public struct Match<Target> {
        public let range: Range<Int>
        public let title: String?
        public let target: Target

        public init(range: Range<Int>, title: String?, target: Target) {
            self.range = range
            self.title = title
            self.target = target
        }
    }

    /// `markdown` rendered once per style, from one parse (a parse holds `CMark.lock`).
    /// - Parameters:
    ///   - keep: whether a written link or image stays one (false: its text stays, the link goes).
    ///   - resolve: where a written link leads (called once per link).
    ///   - terms: the words to link in a text (UTF-8) outside headings, links and images, with
    ///     the state of a walk in document order (for "the first use only").
    ///   - url: the address of a target in the style of that index; `original` is the
    ///     destination as written (empty for the links `terms` made).
    /// Headings get the anchors `MarkdownReader` gives them (after each style's prefix).
    public static func render<Target>(_ markdown: String, styles: [Style],
                                      keep: (_ destination: String, _ isImage: Bool) -> Bool,
                                      resolve: (_ destination: String) -> Target,
                                      terms: ((_ text: UnsafeBufferPointer<UInt8>) -> [Match<Target>])?,
                                      url: (_ target: Target, _ original: String, _ style: Int) -> String) -> [String] {
        CMark.withDocument(markdown, profile: .gfm) { root, extensions in
            var links: [(node: OpaquePointer, target: Target, original: String)] = []
            var headings: [(node: OpaquePointer, level: Int32, text: String)] = []
            var texts: [OpaquePointer] = []
            var dropped: [OpaquePointer] = []
            var outside = 0                                 // inside a heading, link or image when > 0
            CMark.walk(root) { event, node, type in
                let container = type == CMARK_NODE_HEADING || type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE
                if event == CMARK_EVENT_EXIT {
                    if container { outside -= 1 }
                    return
                }
                if container { outside += 1 }
                if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE {
                    let destination = CMark.url(node)
                    if keep(destination, type == CMARK_NODE_IMAGE) {
                        links.append((node, resolve(destination), destination))
                    } else {
                        dropped.append(node)
                    }
                } else if type == CMARK_NODE_HEADING {
                    headings.append((node, cmark_node_get_heading_level(node), CMark.plainText(node)))
                } else if type == CMARK_NODE_TEXT, terms != nil, outside == 0 {
                    texts.append(node)
                }
            }
            for node in dropped.reversed() {
                while let child = cmark_node_first_child(node) { cmark_node_insert_before(node, child) }
                cmark_node_free(node)                        // unlinks it first
            }
            let anchors = Anchor.unique(headings.map(\.text))
            var termsLinked = false
            var termTitles: [(node: OpaquePointer, title: String)] = []
            // Styles without term links first: linking terms changes the tree.
            let order = styles.indices.sorted { !styles[$0].linksTerms && styles[$1].linksTerms }
            var out = [String](repeating: "", count: styles.count)
            for i in order {
                let style = styles[i]
                if style.linksTerms, !termsLinked, let terms {
                    let made = linkTerms(in: texts, terms)
                    links += made.map { ($0.node, $0.target, "") }
                    termTitles = made.compactMap { link in link.title.map { (link.node, $0) } }
                    termsLinked = true
                }
                for link in termTitles { cmark_node_set_title(link.node, style.termTitles ? link.title : "") }
                for link in links { cmark_node_set_url(link.node, url(link.target, link.original, i)) }
                for heading in headings {
                    cmark_node_set_heading_level(heading.node, min(6, heading.level + Int32(style.headingShift)))
                }
                guard let raw = cmark_render_html(root, CMARK_OPT_DEFAULT, extensions) else { continue }
                out[i] = insertHeadingIDs(raw, anchors.map { style.idPrefix + $0 })
                free(raw)
            }
            return out
        }
    }

    /// Splits each text node around the words `terms` finds: text, link, text, link, ..., text.
    /// A text is handed to `terms` as cmark's bytes and cut at the byte offsets of the matches
    /// (scalar boundaries), each piece given to cmark as a C string from one reused buffer: no
    /// `String` is made for a text or its pieces.
    private static func linkTerms<Target>(in texts: [OpaquePointer], _ terms: (UnsafeBufferPointer<UInt8>) -> [Match<Target>])
        -> [(node: OpaquePointer, target: Target, title: String?)] {
        var created: [(node: OpaquePointer, target: Target, title: String?)] = []
        var literal: [UInt8] = []
        var piece: [CChar] = []
        func setLiteral(_ node: OpaquePointer, _ range: Range<Int>) {
            piece.removeAll(keepingCapacity: true)
            literal.withUnsafeBufferPointer { bytes in
                for byte in bytes[range] { piece.append(CChar(bitPattern: byte)) }
            }
            piece.append(0)
            piece.withUnsafeBufferPointer { _ = cmark_node_set_literal(node, $0.baseAddress) }
        }
        for textNode in texts {
            guard let chars = cmark_node_get_literal(textNode) else { continue }
            let found = chars.withMemoryRebound(to: UInt8.self, capacity: 1) { bytes in
                terms(UnsafeBufferPointer(start: bytes, count: strlen(chars)))
            }
            guard let first = found.first else { continue }
            // A copy of the text: setting the node's literal frees cmark's.
            literal.removeAll(keepingCapacity: true)
            chars.withMemoryRebound(to: UInt8.self, capacity: 1) { bytes in
                literal.append(contentsOf: UnsafeBufferPointer(start: bytes, count: strlen(chars)))
            }
            var node = textNode
            setLiteral(node, 0..<first.range.lowerBound)
            for n in found.indices {
                let match = found[n]
                let link = cmark_node_new(CMARK_NODE_LINK)!
                let label = cmark_node_new(CMARK_NODE_TEXT)!
                setLiteral(label, match.range)
                cmark_node_append_child(link, label)
                cmark_node_insert_after(node, link)
                let end = n + 1 < found.count ? found[n + 1].range.lowerBound : literal.count
                let rest = cmark_node_new(CMARK_NODE_TEXT)!
                setLiteral(rest, match.range.upperBound..<end)
                cmark_node_insert_after(link, rest)
                created.append((link, match.target, match.title.flatMap { $0.isEmpty ? nil : $0 }))
                node = rest
            }
        }
        return created
    }

    /// Gives the n-th `<hN>` of cmark's HTML the n-th id (cmark writes headings as bare `<hN>`,
    /// and safe mode leaves no raw `<h` tags of the author's in the output).
    static func insertHeadingIDs(_ html: UnsafeMutablePointer<CChar>, _ ids: [String]) -> String {
        let count = strlen(html)
        return html.withMemoryRebound(to: UInt8.self, capacity: count) { start -> String in
            let src = UnsafeBufferPointer(start: start, count: count)
            guard !ids.isEmpty else { return String(decoding: src, as: UTF8.self) }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(count + ids.count * 32)
            var n = 0, i = 0, copied = 0
            while n < ids.count, i + 3 < count {
                // The next "<" (memchr), then whether it opens a heading.
                guard let found = memchr(start + i, Int32(UInt8(ascii: "<")), count - i) else { break }
                i = UnsafeRawPointer(found) - UnsafeRawPointer(start)
                if i + 3 < count, src[i + 1] == UInt8(ascii: "h"), (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(src[i + 2]),
                   src[i + 3] == UInt8(ascii: ">") {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: src[copied..<(i + 3)]))
                    bytes.append(contentsOf: " id=\"\(ids[n])\">".utf8)
                    n += 1
                    i += 4
                    copied = i
                } else {
                    i += 1
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: src[copied...]))
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
