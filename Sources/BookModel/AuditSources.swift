/// The audit files of a book as the loader read them (`content/audits/`, `content/staff.yml`):
/// the mystery shoppers' visits, one per Markdown file or one per row of a CSV file, and the
/// roster. `BookAudit` makes typed visits of them.
public struct AuditSources: Sendable {
    public var visits: [VisitDocument] = []
    public var tables: [AuditTable] = []
    /// `staff.yml`, when the book has one, and how diagnostics name it.
    public var staff: YAMLNode?
    public var staffPath: String?

    public init() {}

    public var isEmpty: Bool { visits.isEmpty && tables.isEmpty }
}

/// A visit written as a Markdown file: front matter with the answers, the shopper's account as
/// its body.
public struct VisitDocument: Sendable {
    /// Relative to the content folder (`audits/2026-11/north-017.md`).
    public let path: String
    public let displayPath: String
    /// The file name without `.md`: the visit's id.
    public let id: String
    public let frontMatter: YAMLNode?
    public let body: String
    public let bodyLine: Int

    public init(path: String, displayPath: String, id: String, frontMatter: YAMLNode?, body: String, bodyLine: Int) {
        self.path = path
        self.displayPath = displayPath
        self.id = id
        self.frontMatter = frontMatter
        self.body = body
        self.bodyLine = bodyLine
    }
}

/// A CSV file of visits, one row a visit, as parsed: the header and the rows, each cell with
/// the line and column where it starts in the file.
public struct AuditTable: Sendable {
    public struct Cell: Sendable, Hashable {
        public let text: String
        public let line: Int
        public let column: Int

        public init(text: String, line: Int, column: Int) {
            self.text = text
            self.line = line
            self.column = column
        }
    }

    public let path: String
    public let displayPath: String
    public let header: [Cell]
    public let rows: [[Cell]]

    public init(path: String, displayPath: String, header: [Cell], rows: [[Cell]]) {
        self.path = path
        self.displayPath = displayPath
        self.header = header
        self.rows = rows
    }
}
