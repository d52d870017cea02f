import CCmarkGFM
import Foundation
import Synchronization

/// cmark-gfm, the Markdown parser: the only place of the project that calls it.
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

    /// Held while a `.gfm` parser runs.
    static let lock = Mutex(())
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    /// Parses `markdown` (safe mode: no raw HTML passes through) and passes the document and the
    /// parser's extension list (for `cmark_render_html`) to `body`. The tree is freed afterwards.
    static func withDocument<T>(_ markdown: String, profile: Profile,
                                _ body: (OpaquePointer, UnsafeMutablePointer<cmark_llist>?) -> T) -> T {
        _ = registered
        let parser = cmark_parser_new(CMARK_OPT_DEFAULT)!
        defer { cmark_parser_free(parser) }
        for name in profile.extensions {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        // Only parsing touches the shared table; walking and rendering the tree do not.
        func parse() -> OpaquePointer {
            var text = markdown
            text.withUTF8 { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    cmark_parser_feed(parser, chars.baseAddress, chars.count)
                }
            }
            return cmark_parser_finish(parser)!
        }
        let document = profile == .gfm ? lock.withLock { _ in parse() } : parse()
        defer { cmark_node_free(document) }
        return body(document, cmark_parser_get_syntax_extensions(parser))
    }

    /// Every link and image destination of a parse, in order (for tests of the lock).
    public static func linkDestinations(_ markdown: String, profile: Profile) -> [String] {
        withDocument(markdown, profile: profile) { document, _ in
            var out: [String] = []
            walk(document) { event, node, type in
                if event == CMARK_EVENT_ENTER, type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE { out.append(url(node)) }
            }
            return out
        }
    }

    /// Calls `visit` with every event of a walk of the tree under `root`, in document order.
    static func walk(_ root: OpaquePointer, _ visit: (cmark_event_type, OpaquePointer, cmark_node_type) -> Void) {
        let iter = cmark_iter_new(root)!
        defer { cmark_iter_free(iter) }
        while case let event = cmark_iter_next(iter), event != CMARK_EVENT_DONE {
            guard let node = cmark_iter_get_node(iter) else { continue }
            visit(event, node, cmark_node_get_type(node))
        }
    }

    static func url(_ node: OpaquePointer) -> String { cmark_node_get_url(node).map { String(cString: $0) } ?? "" }

    /// The text of a node's inline content (text and code spans; raw HTML left out): a heading's
    /// text for its anchor.
    static func plainText(_ node: OpaquePointer) -> String {
        var out = ""
        var child = cmark_node_first_child(node)
        while let c = child {
            let type = cmark_node_get_type(c)
            if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE {
                if let literal = cmark_node_get_literal(c) { out += String(cString: literal) }
            } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
                out += " "
            } else if type != CMARK_NODE_HTML_INLINE {
                out += plainText(c)
            }
            child = cmark_node_next(c)
        }
        return out
    }
}

extension String {
    /// True when the text has nothing but spaces, tabs and line ends (checked on bytes: fast).
    public var isBlankText: Bool {
        utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0B || $0 == 0x0C }
    }
}
