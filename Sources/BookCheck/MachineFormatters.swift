import BookModel
import Foundation

/// `--format json`: one stable document for tools (its shape is documented in the README).
public enum JSONFormatter {
    struct Document: Encodable {
        let version = 1
        let content: String
        let passed: Bool
        let strict: Bool
        let summary: Summary
        let diagnostics: [Item]
        let completeness: [CompletenessItem]
    }

    struct Summary: Encodable {
        let errors: Int
        let warnings: Int
        let files: Int
    }

    struct Item: Encodable {
        let severity: String
        let code: String
        let file: String
        let line: Int
        let column: Int
        let endColumn: Int
        let message: String
        let suggestion: String?

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(severity, forKey: .severity)
            try c.encode(code, forKey: .code)
            try c.encode(file, forKey: .file)
            try c.encode(line, forKey: .line)
            try c.encode(column, forKey: .column)
            try c.encode(endColumn, forKey: .endColumn)
            try c.encode(message, forKey: .message)
            try c.encode(suggestion, forKey: .suggestion)
        }

        enum CodingKeys: String, CodingKey { case severity, code, file, line, column, endColumn, message, suggestion }
    }

    public static func format(_ report: CheckReport) -> String {
        let items = report.diagnostics.map { d in
            Item(severity: d.severity.rawValue, code: d.code.rawValue, file: d.location.file, line: d.location.line,
                 column: d.location.column, endColumn: d.location.column == 0 ? 0 : d.location.column + d.location.length,
                 message: d.message, suggestion: d.suggestion)
        }
        let document = Document(content: report.content, passed: report.passed, strict: report.strict,
                                summary: Summary(errors: report.errors, warnings: report.warnings, files: report.files),
                                diagnostics: items, completeness: report.completeness)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(document)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// `--format github`: GitHub Actions workflow commands, which annotate the offending lines.
public enum GitHubFormatter {
    public static func format(_ report: CheckReport, summary: Bool = true) -> String {
        var out = ""
        for d in report.diagnostics {
            var properties = ["file=\(escapeProperty(d.location.file))"]
            if d.location.line > 0 {
                properties.append("line=\(d.location.line)")
                if d.location.column > 0 {
                    properties.append("col=\(d.location.column)")
                    properties.append("endColumn=\(d.location.column + d.location.length)")
                }
            }
            properties.append("title=\(escapeProperty("servicebook \(d.code.rawValue)"))")
            var message = d.message
            if let suggestion = d.suggestion { message += "\nhelp: \(suggestion)" }
            out += "::\(d.severity.rawValue) \(properties.joined(separator: ","))::\(escapeData(message))\n"
        }
        guard summary else { return out }
        for item in report.completeness {
            out += "\(item.isComplete ? "ok  " : "todo") \(item.rule): \(item.satisfied)/\(item.total)\n"
        }
        out += report.summaryLine + "\n"
        return out
    }

    static func escapeData(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}

/// The errors as `serve` sends them to the open pages, which show them in an overlay: a JSON
/// list of `{code, column, file, line, message}` (keys sorted).
public enum OverlayFormatter {
    struct Item: Encodable {
        let code: String
        let column: Int
        let file: String
        let line: Int
        let message: String
    }

    public static func format(_ diagnostics: [Diagnostic]) -> String {
        let items = diagnostics.map { d in
            Item(code: d.code.rawValue, column: d.location.column, file: d.location.file, line: d.location.line, message: d.message)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(items)) ?? Data("[]".utf8), as: UTF8.self)
    }
}
