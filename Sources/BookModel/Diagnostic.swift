/// A place in a source file. Lines and columns count from 1; columns count characters.
/// `line == 0` means the file as a whole.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The path of the file as the user named it (for example `content/steps/greeting.md`).
    public var file: String
    public var line: Int
    public var column: Int
    /// How many characters the problem spans from `column` (at least 1 when a column is known).
    public var length: Int

    public init(file: String, line: Int = 0, column: Int = 0, length: Int = 1) {
        self.file = file
        self.line = line
        self.column = column
        self.length = max(1, length)
    }

    public var description: String {
        line == 0 ? file : column == 0 ? "\(file):\(line)" : "\(file):\(line):\(column)"
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

public enum Severity: String, Sendable, Codable, Comparable {
    case error, warning

    public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
}

/// One problem found in a book: data, rendered later by a formatter.
public struct Diagnostic: Hashable, Sendable, Error {
    public let code: DiagnosticCode
    public let location: SourceLocation
    public let message: String
    /// A "did you mean" or "rename to" hint, without the leading "help:".
    public let suggestion: String?

    public var severity: Severity { code.severity }

    public init(_ code: DiagnosticCode, at location: SourceLocation, _ message: String, suggestion: String? = nil) {
        self.code = code
        self.location = location
        self.message = message
        self.suggestion = suggestion
    }

    /// Diagnostics sorted the way every formatter prints them: by file, line, column, then code.
    public static func sorted(_ list: [Diagnostic]) -> [Diagnostic] {
        // Files compared once each (by their rank), not once per comparison.
        var rank: [String: Int] = [:]
        for diagnostic in list { rank[diagnostic.location.file] = 0 }
        for (place, file) in rank.keys.sorted().enumerated() { rank[file] = place }
        // Indices are sorted (a diagnostic is moved once, at the end), by numbers first.
        let keys = list.map { (rank[$0.location.file]!, $0.location.line, $0.location.column) }
        let order = list.indices.sorted { i, j in
            if keys[i] != keys[j] { return keys[i] < keys[j] }
            let a = list[i], b = list[j]
            if a.code != b.code { return a.code.rawValue < b.code.rawValue }
            return a.message < b.message
        }
        return order.map { list[$0] }
    }
}

/// The stable codes of every diagnostic. The README lists them; never rename one.
public enum DiagnosticCode: String, CaseIterable, Sendable, Codable {
    // Errors: the book is broken.
    case ioError = "io-error"
    case fileTooLarge = "file-too-large"
    case invalidEncoding = "invalid-encoding"
    case binaryFile = "binary-file"
    case emptyFile = "empty-file"
    case missingFrontMatter = "missing-front-matter"
    case unclosedFrontMatter = "unclosed-front-matter"
    case invalidYAML = "invalid-yaml"
    case frontMatterNotMapping = "front-matter-not-mapping"
    case missingBookFile = "missing-book-file"
    case missingField = "missing-field"
    case wrongType = "wrong-type"
    case invalidValue = "invalid-value"
    case unknownReference = "unknown-reference"
    case wrongKindReference = "wrong-kind-reference"
    case duplicateID = "duplicate-id"
    case invalidID = "invalid-id"
    case duplicateStep = "duplicate-step"
    case duplicateStage = "duplicate-stage"
    case brokenLink = "broken-link"
    case brokenAnchor = "broken-anchor"
    case cyclicReportsTo = "cyclic-reports-to"
    case invalidCSV = "invalid-csv"
    // Warnings: the book is incomplete.
    case unknownField = "unknown-field"
    case unknownFolder = "unknown-folder"
    case orphanStep = "orphan-step"
    case unusedScript = "unused-script"
    case unusedSituation = "unused-situation"
    case unusedStandard = "unused-standard"
    case idleRole = "idle-role"
    case standardWithoutChecks = "standard-without-checks"
    case emptyBody = "empty-body"
    case reviewOverdue = "review-overdue"
    case unsafeLink = "unsafe-link"
    case wrongExtension = "wrong-extension"
    case offChecklist = "off-checklist"
    case unansweredChecks = "unanswered-checks"
    case departmentMismatch = "department-mismatch"
    case checkByNumber = "check-by-number"
    case unknownColumn = "unknown-column"

    public var severity: Severity {
        switch self {
        case .unknownField, .unknownFolder, .orphanStep, .unusedScript, .unusedSituation,
             .unusedStandard, .idleRole, .standardWithoutChecks, .emptyBody, .reviewOverdue, .unsafeLink, .wrongExtension,
             .offChecklist, .unansweredChecks, .departmentMismatch, .checkByNumber, .unknownColumn:
            .warning
        default:
            .error
        }
    }

    /// One line for the README and `--help`: what the code means.
    public var explanation: String {
        switch self {
        case .ioError: "a file or folder cannot be read"
        case .fileTooLarge: "a file of the book is larger than 4 MB"
        case .invalidEncoding: "the file is not valid UTF-8"
        case .binaryFile: "the file contains NUL bytes (not a text file)"
        case .emptyFile: "the file is empty"
        case .missingFrontMatter: "the file does not start with a `---` front matter block"
        case .unclosedFrontMatter: "the front matter opens with `---` and is never closed"
        case .invalidYAML: "the front matter (or book.yml) is not valid YAML, or repeats a key"
        case .frontMatterNotMapping: "the front matter is YAML but not a mapping of fields"
        case .missingBookFile: "`book.yml` is missing from the content folder"
        case .missingField: "a required field is missing or empty"
        case .wrongType: "a field has the wrong type (a list where a text is expected, ...)"
        case .invalidValue: "a field's value is not allowed (a bad date, severity, language, ...)"
        case .unknownReference: "a reference names an id that does not exist"
        case .wrongKindReference: "a reference names an entity of another kind"
        case .duplicateID: "two files of one kind have the same id"
        case .invalidID: "a file name is not a valid id (`^[a-z0-9][a-z0-9-]*$`)"
        case .duplicateStep: "a journey lists a step twice"
        case .duplicateStage: "a journey repeats a stage id"
        case .brokenLink: "a relative link in a body points at no file"
        case .brokenAnchor: "a link's `#anchor` matches no heading of its target"
        case .cyclicReportsTo: "roles whose `reports_to` lead round in a circle (or a role that reports to itself)"
        case .invalidCSV: "a CSV file of visits that cannot be read as a table: a quote left open, a row with more or fewer cells than the header"
        case .offChecklist: "a visit answers a check that its journey's checklist does not have"
        case .unansweredChecks: "a visit leaves checks of its journey's checklist unanswered"
        case .departmentMismatch: "a visit names an employee whom the roster puts in another department"
        case .checkByNumber: "a visit names a check by its number, which shifts when checks are added: give the check an id"
        case .unknownColumn: "a column of a CSV file of visits that is neither a field of a visit nor a check"
        case .unsafeLink: "a link or image uses a `javascript:`, `vbscript:`, `file:` or `data:` URL: the handbook keeps its text and drops the link"
        case .unknownField: "a front-matter field the kind does not have (likely a typo)"
        case .unknownFolder: "a Markdown file outside the folders of the kinds"
        case .wrongExtension: "a Markdown file whose name does not end in `.md` (`.markdown`, `.MD`, ...): it is not part of the book"
        case .orphanStep: "a step that no journey lists"
        case .unusedScript: "a script that no step or situation uses"
        case .unusedSituation: "a situation that no step lists"
        case .unusedStandard: "a standard that no step or situation refers to"
        case .idleRole: "a role responsible for no step or situation"
        case .standardWithoutChecks: "a standard without `checks`"
        case .emptyBody: "a document with an empty body"
        case .reviewOverdue: "a document whose `reviewed` date is older than `review_interval_days`"
        }
    }
}
