import BookLoad
import BookModel
import CCmarkGFM
import Foundation

/// How a body is placed in the output: where its links point and how its headings are named.
struct BodyStyle: Sendable {
    enum Links: Sendable {
        /// Each entity on its own page, `depth` folders below the root.
        case pages(depth: Int)
        /// Every entity in one page (print.html), linked by in-page anchors.
        case onePage
    }

    let links: Links
    /// Prefix of heading ids (and of same-page links), to keep ids unique when bodies share a page.
    let idPrefix: String
    /// Added to every heading level (capped at 6).
    let headingShift: Int
    /// Whether glossary terms are linked. Off for bodies shown inside another page (a script in
    /// a step), so that a term is linked once on a page: in the page's own body.
    var linksTerms = true

    static let ownPage = BodyStyle(links: .pages(depth: 1), idPrefix: "", headingShift: 0)
}

/// Renders Markdown bodies to HTML with cmark-gfm (GFM extensions, safe mode): links to `.md`
/// files rewritten to page URLs, heading ids by the anchor rule `check` validates against, and
/// each glossary term's first use linked to its definition with its summary as tooltip.
struct BodyRenderer: Sendable {
    let book: Book
    let terms: TermMatcher

    init(book: Book, terms: TermMatcher) {
        self.book = book
        self.terms = terms
    }

    /// The body of `entity` rendered once per style, from one parse.
    func render(_ entity: Entity, styles: [BodyStyle]) -> [String] {
        let doc = entity.source
        if doc.markdown.isBlank { return styles.map { _ in "" } }
        return CMark.withDocument(doc.body, profile: .gfm) { root, extensions in
            var links: [(node: OpaquePointer, target: ResolvedLink, original: String)] = []
            var headings: [(node: OpaquePointer, level: Int32, text: String)] = []
            var texts: [OpaquePointer] = []
            var unsafe: [OpaquePointer] = []
            let iter = cmark_iter_new(root)!
            while case let event = cmark_iter_next(iter), event != CMARK_EVENT_DONE {
                guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iter) else { continue }
                let type = cmark_node_get_type(node)
                if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE {
                    let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                    if LinkResolver.isUnsafe(url) || (type == CMARK_NODE_IMAGE && url.isEmpty) {
                        unsafe.append(node)                  // its text stays, the link goes
                        continue
                    }
                    links.append((node, book.linkResolver.resolve(url, from: doc), url))
                } else if type == CMARK_NODE_HEADING {
                    headings.append((node, cmark_node_get_heading_level(node), CMark.plainText(node)))
                } else if type == CMARK_NODE_TEXT, !terms.isEmpty, isPlainText(node) {
                    texts.append(node)
                }
            }
            cmark_iter_free(iter)
            for node in unsafe.reversed() {
                while let child = cmark_node_first_child(node) { cmark_node_insert_before(node, child) }
                cmark_node_free(node)                    // unlinks it first
            }
            let anchors = Anchor.unique(headings.map(\.text))
            var termsLinked = false

            // Styles without term links first: linking terms changes the tree.
            let order = styles.indices.sorted { !styles[$0].linksTerms && styles[$1].linksTerms }
            var out = [String](repeating: "", count: styles.count)
            for i in order {
                let style = styles[i]
                if style.linksTerms, !termsLinked {
                    links += linkTerms(in: texts, of: entity)
                    termsLinked = true
                }
                for link in links {
                    let url = self.url(for: link.target, original: link.original, style: style)
                    cmark_node_set_url(link.node, url)
                }
                for heading in headings {
                    cmark_node_set_heading_level(heading.node, min(6, heading.level + Int32(style.headingShift)))
                }
                guard let raw = cmark_render_html(root, CMARK_OPT_DEFAULT, extensions) else { continue }
                out[i] = insertHeadingIDs(String(cString: raw), anchors.map { style.idPrefix + $0 })
                free(raw)
            }
            return out
        }
    }

    /// A text node outside headings, links, images and raw HTML.
    private func isPlainText(_ node: OpaquePointer) -> Bool {
        var parent = cmark_node_parent(node)
        while let p = parent {
            let type = cmark_node_get_type(p)
            if type == CMARK_NODE_HEADING || type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE { return false }
            parent = cmark_node_parent(p)
        }
        return true
    }

    /// Links the first use of each glossary term (not the entity's own) in `texts`, in order.
    private func linkTerms(in texts: [OpaquePointer], of entity: Entity) -> [(node: OpaquePointer, target: ResolvedLink, original: String)] {
        var done: Set<EntityKey> = [entity.key]
        var created: [(node: OpaquePointer, target: ResolvedLink, original: String)] = []
        for textNode in texts {
            guard let literal = cmark_node_get_literal(textNode).map({ String(cString: $0) }) else { continue }
            let found = terms.matches(in: literal, excluding: &done)
            guard !found.isEmpty else { continue }
            // Split the text node around each match: text, link, text, link, ..., text.
            var node = textNode
            var cursor = literal.startIndex
            cmark_node_set_literal(node, String(literal[cursor..<found[0].0.lowerBound]))
            for (n, (range, key)) in found.enumerated() {
                let link = cmark_node_new(CMARK_NODE_LINK)!
                let label = cmark_node_new(CMARK_NODE_TEXT)!
                cmark_node_set_literal(label, String(literal[range]))
                cmark_node_append_child(link, label)
                if let summary = book[key]?.summary, !summary.isEmpty { cmark_node_set_title(link, summary) }
                cmark_node_insert_after(node, link)
                cursor = range.upperBound
                let end = n + 1 < found.count ? found[n + 1].0.lowerBound : literal.endIndex
                let rest = cmark_node_new(CMARK_NODE_TEXT)!
                cmark_node_set_literal(rest, String(literal[cursor..<end]))
                cmark_node_insert_after(link, rest)
                created.append((link, .document(key, anchor: nil), ""))
                node = rest
            }
        }
        return created
    }

    func url(for target: ResolvedLink, original: String, style: BodyStyle) -> String {
        switch (target, style.links) {
        case (.external, _), (.broken, _):
            return original
        case (.sameDocument(let anchor), _):
            return anchor.isEmpty ? "#" : "#" + style.idPrefix + anchor
        case (.document(let key, let anchor), .pages(let depth)):
            return Paths.relative(Paths.page(key), depth: depth) + (anchor.map { "#" + $0 } ?? "")
        case (.document(let key, let anchor), .onePage):
            return "#" + Paths.printAnchor(key) + (anchor.map { "--" + $0 } ?? "")
        case (.asset(let path), .pages(let depth)):
            return Paths.relative(Paths.asset(path), depth: depth)
        case (.asset(let path), .onePage):
            return Paths.asset(path)
        }
    }

    /// Gives the n-th `<hN>` of cmark's HTML the n-th id (cmark writes headings as bare `<hN>`,
    /// and safe mode leaves no raw `<h` tags of the author's in the output).
    func insertHeadingIDs(_ html: String, _ ids: [String]) -> String {
        guard !ids.isEmpty else { return html }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(html.utf8.count + ids.count * 32)
        var n = 0
        html.utf8.withContiguousStorageIfAvailable { src in
            var i = 0
            while i < src.count {
                let b = src[i]
                if n < ids.count, b == UInt8(ascii: "<"), i + 3 < src.count, src[i + 1] == UInt8(ascii: "h"),
                   (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(src[i + 2]), src[i + 3] == UInt8(ascii: ">") {
                    bytes.append(contentsOf: src[i..<(i + 3)])
                    bytes.append(contentsOf: " id=\"\(ids[n])\">".utf8)
                    n += 1
                    i += 4
                } else {
                    bytes.append(b)
                    i += 1
                }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Where each page lives in the output, and relative links between pages.
enum Paths {
    static func page(_ key: EntityKey) -> String { key.pagePath }
    static func index(_ kind: Kind) -> String { "\(kind.folder)/index.html" }
    static func checklist(_ journey: String) -> String { "checklists/\(journey).html" }
    static let checklistIndex = "checklists/index.html"
    static func asset(_ path: String) -> String { "files/" + path.split(separator: "/").map { percentEncode(String($0)) }.joined(separator: "/") }
    static func printAnchor(_ key: EntityKey) -> String { "\(key.kind.rawValue)-\(key.id)" }

    /// `path` (from the output root) as seen from a page `depth` folders down.
    static func relative(_ path: String, depth: Int) -> String { String(repeating: "../", count: depth) + path }

    static func percentEncode(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80, c.isLetter || c.isNumber || "-._~".contains(c) { out.append(c) } else { out += String(format: "%%%02X", byte) }
        }
        return out
    }
}
