import BookModel
import CCmarkGFM
import Foundation

/// cmark-gfm, the Markdown parser.
///
/// cmark-gfm keeps a process-wide table of the inline trigger characters of extensions
/// (`~` for strikethrough, `:` and `w` for autolinks), which every parser with such extensions
/// attached changes while it finishes: two of them running at once silently lose inline
/// syntax. So there are two profiles:
/// - `.gfm`, every GFM extension (for rendering): parses hold `CMark.lock`, one at a time;
/// - `.structure`, the core syntax plus tables, whose extension has no trigger characters
///   and so never touches the shared table: safe on every core at once. Headings and links are
///   the same as with `.gfm`, except autolinks (bare `https://...`, which are never checked).
public enum CMark {
    public enum Profile: Sendable {
        case gfm, structure

        var extensions: [String] {
            switch self {
            case .gfm: ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]
            case .structure: ["table"]
            }
        }
    }

    public static let lock = NSLock()
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    /// Parses `markdown` (safe mode: no raw HTML passes through) and passes the document and the
    /// parser's extension list (for `cmark_render_html`) to `body`. The tree is freed afterwards.
    public static func withDocument<T>(_ markdown: String, profile: Profile,
                                       _ body: (OpaquePointer, UnsafeMutablePointer<cmark_llist>?) -> T) -> T {
        _ = registered
        let parser = cmark_parser_new(CMARK_OPT_DEFAULT)!
        defer { cmark_parser_free(parser) }
        for name in profile.extensions {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        // Only parsing touches the shared table; walking and rendering the tree do not.
        if profile == .gfm { lock.lock() }
        var text = markdown
        text.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parser_feed(parser, chars.baseAddress, chars.count)
            }
        }
        let document = cmark_parser_finish(parser)!
        if profile == .gfm { lock.unlock() }
        defer { cmark_node_free(document) }
        return body(document, cmark_parser_get_syntax_extensions(parser))
    }

    /// The text of a node's inline content (text and code spans): a heading's text for its anchor.
    public static func plainText(_ node: OpaquePointer) -> String { MarkdownFactsReader.plainText(node) }

    /// The words a reader sees in a Markdown body, for search: the headings' texts, and the rest
    /// of the text with blocks (paragraphs, list items, table cells, code blocks) separated by line
    /// ends. Raw HTML is left out, as the handbook leaves it out. Thread-safe (`.structure`).
    public static func readableText(_ markdown: String) -> (headings: [String], text: String) {
        if markdown.isBlankText { return ([], "") }
        return withDocument(markdown, profile: .structure) { document, _ in
            var headings: [String] = []
            var text = ""
            var inHeading = 0
            let iter = cmark_iter_new(document)!
            defer { cmark_iter_free(iter) }
            while case let event = cmark_iter_next(iter), event != CMARK_EVENT_DONE {
                guard let node = cmark_iter_get_node(iter) else { continue }
                let type = cmark_node_get_type(node)
                let inline = type.rawValue & 0xc000 == 0xc000         // CMARK_NODE_TYPE_INLINE
                if event == CMARK_EVENT_ENTER {
                    if type == CMARK_NODE_HEADING {
                        inHeading += 1
                        headings.append(MarkdownFactsReader.plainText(node))
                    } else if inHeading == 0 {
                        if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE || type == CMARK_NODE_CODE_BLOCK {
                            if let literal = cmark_node_get_literal(node) { text += String(cString: literal) }
                        } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
                            text += " "
                        }
                    }
                } else if event == CMARK_EVENT_EXIT {
                    if type == CMARK_NODE_HEADING { inHeading -= 1 } else if !inline, inHeading == 0, !text.isEmpty, text.last != "\n" {
                        text += "\n"
                    }
                }
            }
            while text.last == "\n" { text.removeLast() }
            return (headings, text)
        }
    }

    /// Every link and image destination of a GFM parse, in order (for tests of the lock).
    public static func linkDestinations(_ markdown: String, profile: Profile) -> [String] {
        withDocument(markdown, profile: profile) { document, _ in
            var out: [String] = []
            let iter = cmark_iter_new(document)!
            defer { cmark_iter_free(iter) }
            while case let event = cmark_iter_next(iter), event != CMARK_EVENT_DONE {
                guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iter) else { continue }
                let type = cmark_node_get_type(node)
                if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE {
                    out.append(cmark_node_get_url(node).map { String(cString: $0) } ?? "")
                }
            }
            return out
        }
    }
}

/// Reads headings and links out of a Markdown body by walking cmark-gfm's AST.
enum MarkdownFactsReader {
    /// Headings (with anchors) and links of `body`, whose first line is line `firstLine` of the file.
    static func read(_ body: String, firstLine: Int) -> MarkdownFacts {
        if body.isBlankText { return MarkdownFacts() }
        var headingTexts: [(level: Int, text: String, line: Int)] = []
        var rawLinks: [(url: String, line: Int, byteColumn: Int, image: Bool)] = []
        CMark.withDocument(body, profile: .structure) { document, _ in
            let iter = cmark_iter_new(document)!
            defer { cmark_iter_free(iter) }
            while true {
                let event = cmark_iter_next(iter)
                if event == CMARK_EVENT_DONE { break }
                guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iter) else { continue }
                let type = cmark_node_get_type(node)
                if type == CMARK_NODE_HEADING {
                    headingTexts.append((Int(cmark_node_get_heading_level(node)), plainText(node),
                                         Int(cmark_node_get_start_line(node))))
                } else if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE {
                    let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                    rawLinks.append((url, Int(cmark_node_get_start_line(node)), Int(cmark_node_get_start_column(node)),
                                     type == CMARK_NODE_IMAGE))
                }
            }
        }
        let anchors = Anchor.unique(headingTexts.map(\.text))
        let headings = zip(headingTexts, anchors).map { h, anchor in
            Heading(level: h.level, text: h.text, anchor: anchor, line: h.line + firstLine - 1)
        }
        var lineStarts: [Int] = []
        let links = body.utf8.withContiguousStorageIfAvailable { utf8 -> [BodyLink] in
            rawLinks.map { raw -> BodyLink in
                // Autolinks report 0:0; point at the body's first line then.
                guard raw.line > 0 else {
                    return BodyLink(destination: raw.url, line: firstLine, column: 1, isImage: raw.image)
                }
                if lineStarts.isEmpty {
                    lineStarts.append(0)
                    for i in 0..<utf8.count where utf8[i] == UInt8(ascii: "\n") { lineStarts.append(i + 1) }
                }
                let start = raw.line <= lineStarts.count ? lineStarts[raw.line - 1] : utf8.count
                let end = raw.line < lineStarts.count ? lineStarts[raw.line] - 1 : utf8.count
                let (column, length) = locate(raw.url, in: UnsafeBufferPointer(rebasing: utf8[start..<end]),
                                              afterByte: raw.byteColumn)
                return BodyLink(destination: raw.url, line: raw.line + firstLine - 1, column: column, length: length,
                                isImage: raw.image)
            }
        } ?? []
        return MarkdownFacts(headings: headings, links: links, isBlank: false)
    }

    /// The character column and length of a link's destination on its line; falls back to the
    /// link's own column when the destination is not written literally there.
    private static func locate(_ url: String, in line: UnsafeBufferPointer<UInt8>, afterByte byteColumn: Int) -> (Int, Int) {
        let start = max(0, min(line.count, byteColumn - 1))
        func characters(upTo end: Int) -> Int { String(decoding: UnsafeBufferPointer(rebasing: line[..<end]), as: UTF8.self).count }
        var needle: [UInt8] = [UInt8(ascii: "(")]
        needle.append(contentsOf: url.utf8)
        if !url.isEmpty, needle.count <= line.count {
            var i = start
            while i + needle.count <= line.count {
                if line[i] == needle[0], line[i..<(i + needle.count)].elementsEqual(needle) {
                    return (characters(upTo: i + 1) + 1, url.count)
                }
                i += 1
            }
        }
        return (characters(upTo: start) + 1, 1)
    }

    /// The text of a node's inline content (text and code spans), for heading anchors.
    static func plainText(_ node: OpaquePointer) -> String {
        var out = ""
        var child = cmark_node_first_child(node)
        while let c = child {
            let type = cmark_node_get_type(c)
            if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE || type == CMARK_NODE_HTML_INLINE {
                if type != CMARK_NODE_HTML_INLINE, let literal = cmark_node_get_literal(c) {
                    out += String(cString: literal)
                }
            } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
                out += " "
            } else {
                out += plainText(c)
            }
            child = cmark_node_next(c)
        }
        return out
    }
}

extension String {
    /// True when the text has nothing but spaces, tabs and line ends (checked on bytes: fast).
    var isBlankText: Bool {
        utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0B || $0 == 0x0C }
    }
}
