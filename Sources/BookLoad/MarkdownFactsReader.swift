import BookModel
import CCmarkGFM
import Foundation

/// Reads headings and links out of a Markdown body by walking cmark-gfm's AST.
///
/// cmark-gfm keeps a process-wide table of extension trigger characters and is not
/// thread-safe with extensions attached, so every parse holds `CMark.lock`.
public enum CMark {
    public static let lock = NSLock()
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()
    public static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

    /// Parses `markdown` with the GFM extensions (safe mode) and passes the document and the
    /// parser's extension list to `body`, all under the lock. The tree is freed afterwards.
    public static func withDocument<T>(_ markdown: String,
                                       _ body: (OpaquePointer, UnsafeMutablePointer<cmark_llist>?) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        _ = registered
        let parser = cmark_parser_new(CMARK_OPT_DEFAULT)!
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        var text = markdown
        text.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parser_feed(parser, chars.baseAddress, chars.count)
            }
        }
        let document = cmark_parser_finish(parser)!
        defer { cmark_node_free(document) }
        return body(document, cmark_parser_get_syntax_extensions(parser))
    }
}

enum MarkdownFactsReader {
    /// Headings (with anchors) and links of `body`, whose first line is line `firstLine` of the file.
    static func read(_ body: String, firstLine: Int) -> MarkdownFacts {
        if body.isBlankText { return MarkdownFacts() }
        var headingTexts: [(level: Int, text: String, line: Int)] = []
        var rawLinks: [(url: String, line: Int, byteColumn: Int, image: Bool)] = []
        CMark.withDocument(body) { document, _ in
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
        let utf8 = Array(body.utf8)
        var lineStarts: [Int]?
        let links = rawLinks.map { raw -> BodyLink in
            // Autolinks report 0:0; point at the body's first line then.
            guard raw.line > 0 else {
                return BodyLink(destination: raw.url, line: firstLine, column: 1, isImage: raw.image)
            }
            if lineStarts == nil {
                lineStarts = [0] + utf8.indices.filter { utf8[$0] == UInt8(ascii: "\n") }.map { $0 + 1 }
            }
            let starts = lineStarts!
            let lineBytes: ArraySlice<UInt8> = raw.line <= starts.count
                ? utf8[starts[raw.line - 1]..<(raw.line < starts.count ? starts[raw.line] - 1 : utf8.count)] : []
            let (column, length) = locate(raw.url, in: lineBytes, afterByte: raw.byteColumn)
            return BodyLink(destination: raw.url, line: raw.line + firstLine - 1, column: column, length: length,
                            isImage: raw.image)
        }
        return MarkdownFacts(headings: headings, links: links, isBlank: false)
    }

    /// The character column and length of a link's destination on its line; falls back to the
    /// link's own column when the destination is not written literally there.
    private static func locate(_ url: String, in line: ArraySlice<UInt8>, afterByte byteColumn: Int) -> (Int, Int) {
        let utf8 = Array(line)
        let start = max(0, min(utf8.count, byteColumn - 1))
        let needle = Array("(\(url)".utf8)
        if !url.isEmpty, needle.count <= utf8.count {
            var i = start
            while i + needle.count <= utf8.count {
                if utf8[i] == needle[0], Array(utf8[i..<(i + needle.count)]) == needle {
                    let column = String(decoding: utf8[..<(i + 1)], as: UTF8.self).count + 1
                    return (column, url.unicodeScalars.count)
                }
                i += 1
            }
        }
        return (String(decoding: utf8[..<start], as: UTF8.self).count + 1, 1)
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
