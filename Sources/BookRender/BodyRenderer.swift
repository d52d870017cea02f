import BookMarkdown
import BookModel
import Foundation

/// How a body is placed in the output: where its links point and how its headings are named.
struct BodyStyle: Sendable {
    enum Links: Sendable {
        /// Each entity on its own page, `depth` folders below the root (print parts too link
        /// to the pages: a book in print is split over several parts).
        case pages(depth: Int)
    }

    let links: Links
    /// Prefix of heading ids (and of same-page links), to keep ids unique when bodies share a page.
    let idPrefix: String
    /// Added to every heading level (capped at 6).
    let headingShift: Int
    /// Whether glossary terms are linked. Off for bodies shown inside another page (a script in
    /// a step), so that a term is linked once on a page: in the page's own body.
    var linksTerms = true
    /// Whether a linked term carries its summary as tooltip: not in the book for print, where
    /// the same terms are linked again in each of hundreds of bodies (and paper has no tooltips).
    var termTitles = true

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

    /// The body of `entity` rendered once per style, from one parse: links to `.md` files
    /// rewritten to page URLs, unsafe ones dropped (their text stays), and the first use of each
    /// glossary term (not the entity's own) linked to its definition with its summary as tooltip.
    func render(_ entity: Entity, styles: [BodyStyle]) -> [String] {
        let doc = entity.source
        if doc.markdown.isBlank { return styles.map { _ in "" } }
        var done: Set<EntityKey> = [entity.key]
        var scratch = TermMatcher.Scratch()
        let terms: ((UnsafeBufferPointer<UInt8>) -> [MarkdownHTML.Match<ResolvedLink>])? = self.terms.isEmpty ? nil : { text in
            self.terms.matches(in: text, excluding: &done, scratch: &scratch).map { range, key in
                MarkdownHTML.Match(range: range, title: book[key]?.summary, target: .document(key, anchor: nil))
            }
        }
        return MarkdownHTML.render(
            doc.body,
            styles: styles.map { MarkdownHTML.Style(headingShift: $0.headingShift, idPrefix: $0.idPrefix, linksTerms: $0.linksTerms,
                                                    termTitles: $0.termTitles) },
            keep: { destination, isImage in !LinkResolver.isUnsafe(destination) && !(isImage && destination.isEmpty) },
            resolve: { book.linkResolver.resolve($0, from: doc) },
            terms: terms,
            url: { target, original, style in url(for: target, original: original, style: styles[style]) })
    }

    func url(for target: ResolvedLink, original: String, style: BodyStyle) -> String {
        switch (target, style.links) {
        case (.external, _), (.broken, _):
            return original
        case (.sameDocument(let anchor), _):
            return anchor.isEmpty ? "#" : "#" + style.idPrefix + anchor
        case (.document(let key, let anchor), .pages(let depth)):
            return Paths.relative(Paths.page(key), depth: depth) + (anchor.map { "#" + $0 } ?? "")
        case (.asset(let path), .pages(let depth)):
            return Paths.relative(Paths.asset(path), depth: depth)
        }
    }

}

/// Where each page lives in the output, and relative links between pages.
enum Paths {
    static func page(_ key: EntityKey) -> String { key.pagePath }
    static func index(_ kind: Kind) -> String { "\(kind.folder)/index.html" }
    static func checklist(_ journey: String) -> String { "checklists/\(journey).html" }
    static let checklistIndex = "checklists/index.html"
    static func matrix(_ journey: String) -> String { "matrix/\(journey).html" }
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
