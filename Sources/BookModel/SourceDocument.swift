import Synchronization

/// A heading of a Markdown body, with the anchor the handbook gives it.
public struct Heading: Sendable, Hashable {
    public let level: Int
    public let text: String
    public let anchor: String
    public let line: Int

    public init(level: Int, text: String, anchor: String, line: Int) {
        self.level = level
        self.text = text
        self.anchor = anchor
        self.line = line
    }
}

/// A link or image destination written in a Markdown body, with its position in the file.
public struct BodyLink: Sendable, Hashable {
    public let destination: String
    public let line: Int
    /// The column of the destination itself when it could be found on the line, else of the link.
    public let column: Int
    /// How many characters to underline at `column`.
    public let length: Int
    public let isImage: Bool

    public init(destination: String, line: Int, column: Int, length: Int = 1, isImage: Bool = false) {
        self.destination = destination
        self.line = line
        self.column = column
        self.length = max(1, length)
        self.isImage = isImage
    }
}

/// What the checker and search need to know about a body: its headings, its links, and the
/// text a reader sees (made by the Markdown stage from one parse).
public struct MarkdownFacts: Sendable, Hashable {
    public let headings: [Heading]
    public let links: [BodyLink]
    /// True when the body has no content at all (only white space).
    public let isBlank: Bool
    /// The words a reader sees, for search: the body's text outside its headings, blocks
    /// (paragraphs, list items, table cells, code blocks) separated by line ends, raw HTML left
    /// out. The headings' texts are in `headings`.
    public var text: String { String(decoding: textBytes, as: UTF8.self) }
    /// `text` as the Markdown stage wrote it, in UTF-8 (made a `String` only when asked for:
    /// `check` never asks, and validating every body's text again cost it 4 %).
    public let textBytes: [UInt8]

    public init(headings: [Heading] = [], links: [BodyLink] = [], isBlank: Bool = true, text: [UInt8] = []) {
        self.headings = headings
        self.links = links
        self.isBlank = isBlank
        self.textBytes = text
    }

    /// Whether a heading has this anchor (compared byte for byte).
    public func hasAnchor(_ anchor: String) -> Bool {
        headings.contains { $0.anchor.utf8.elementsEqual(anchor.utf8) }
    }
}

/// One content file after loading: where it is, what it is, its front matter and its body.
/// Immutable; a class so that the model, its indexes and the caches share one copy.
public final class SourceDocument: Sendable {
    public let kind: Kind
    /// The file name without `.md` (maybe not a valid id: the model checks it).
    public let id: String
    /// Path relative to the content folder, with `/` separators (`steps/sales/greeting.md`).
    public let path: String
    /// Path as shown in diagnostics (the content folder as the user named it, plus `path`).
    public let displayPath: String
    /// The front matter; nil when the file could not be loaded as far as that.
    public let frontMatter: YAMLNode?
    /// The Markdown body after the front matter.
    public let body: String
    /// The line of the file on which the body starts.
    public let bodyLine: Int
    public let markdown: MarkdownFacts
    /// Tells loads apart: documents with the same revision are the same load of the same file
    /// (`serve` keeps what it derived from a document while its revision stays).
    public let revision: UInt64
    /// False when the file could not be read as text, or is empty: its headings are unknown, so
    /// links to its anchors are not judged (the file has its own error).
    public let isRead: Bool

    public init(kind: Kind, id: String, path: String, displayPath: String, frontMatter: YAMLNode?,
                body: String, bodyLine: Int, markdown: MarkdownFacts, isRead: Bool = true) {
        revision = SourceDocument.revisions.add(1, ordering: .relaxed).newValue
        self.kind = kind
        self.id = id
        self.path = path
        self.displayPath = displayPath
        self.frontMatter = frontMatter
        self.body = body
        self.bodyLine = bodyLine
        self.markdown = markdown
        self.isRead = isRead
    }

    public var key: EntityKey { EntityKey(kind, id) }

    private static let revisions = Atomic<UInt64>(0)
}
