import BookModel

/// Everything `check` found, ready for a formatter.
public struct CheckReport: Sendable {
    /// Sorted by file, line, column.
    public let diagnostics: [Diagnostic]
    public let completeness: [CompletenessItem]
    /// How many content files were looked at (documents and book.yml).
    public let files: Int
    /// The content folder as the user named it.
    public let content: String
    public let strict: Bool
    /// How long the check took.
    public var seconds: Double

    public init(diagnostics: [Diagnostic], completeness: [CompletenessItem], files: Int, content: String,
                strict: Bool, seconds: Double = 0) {
        self.diagnostics = Diagnostic.sorted(diagnostics)
        errors = self.diagnostics.count { $0.severity == .error }
        warnings = self.diagnostics.count - errors
        self.completeness = completeness
        self.files = files
        self.content = content
        self.strict = strict
        self.seconds = seconds
    }

    public let errors: Int
    public let warnings: Int

    /// Exit code of `check`: 0 clean (warnings allowed), 1 errors, or warnings under `--strict`.
    public var exitCode: Int32 { errors > 0 || (strict && warnings > 0) ? 1 : 0 }
    public var passed: Bool { exitCode == 0 }

    public var summaryLine: String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        let verdict = passed ? "passed" : "failed"
        let time = String(format: "%.2f", seconds)
        return "check \(verdict): \(plural(errors, "error")), \(plural(warnings, "warning")) in \(plural(files, "file")) (\(time) s)"
            + (strict && errors == 0 && warnings > 0 ? " — warnings fail under --strict" : "")
    }
}

/// The output formats of `check`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case human, json, github

    /// - Parameter summary: false for `--quiet` (the json document is always whole).
    public func render(_ report: CheckReport, sources: (String) -> String?, color: Bool, summary: Bool = true) -> String {
        switch self {
        case .human: HumanFormatter(color: color).format(report, sources: sources, summary: summary)
        case .json: JSONFormatter.format(report)
        case .github: GitHubFormatter.format(report, summary: summary)
        }
    }
}
