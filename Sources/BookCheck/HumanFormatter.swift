import BookModel
import Foundation

/// Compiler-style output: `file:line:col: error[code]: message`, the source line, a caret
/// under the problem and a help line; then the completeness report and a summary.
public struct HumanFormatter {
    public let color: Bool

    public init(color: Bool) { self.color = color }

    private func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    /// - Parameter summary: false for `--quiet`: the diagnostics only, without the completeness
    ///   report and the summary line.
    public func format(_ report: CheckReport, sources: (String) -> String?, summary: Bool = true) -> String {
        var out = ""
        var lineCache: [String: SourceLines] = [:]
        for diagnostic in report.diagnostics {
            let file = diagnostic.location.file
            let lines = lineCache[file] ?? SourceLines(sources(file) ?? "")
            lineCache[file] = lines
            out += format(diagnostic, line: lines.line(diagnostic.location.line))
            out += "\n"
        }
        guard summary else { return out }
        out += completeness(report.completeness)
        out += "\n"
        out += paint(report.summaryLine, report.passed ? "1;32" : "1;31") + "\n"
        return out
    }

    /// A diagnostic with `line`, the text of the line it points at (nil: none is shown).
    func format(_ d: Diagnostic, line: String?) -> String {
        let severity = d.severity == .error ? paint("error", "1;31") : paint("warning", "1;33")
        var out = paint("\(d.location):", "1") + " \(severity)\(paint("[\(d.code.rawValue)]", "2")): \(paint(d.message, "1"))\n"
        let loc = d.location
        let gutter = String(repeating: " ", count: max(5, String(loc.line).count + 1))
        if let line {
            let source = line.contains("\t") ? line.replacingOccurrences(of: "\t", with: " ") : line
            let number = String(loc.line)
            let pad = String(repeating: " ", count: gutter.count - number.count)
            out += paint("\(pad)\(number) |", "34") + " \(source)\n"
            if loc.column > 0 {
                let available = max(1, source.count - loc.column + 1)
                let length = min(loc.length, available)
                let marker = "^" + String(repeating: "~", count: max(0, length - 1))
                out += paint("\(gutter) |", "34") + " " + String(repeating: " ", count: loc.column - 1)
                    + paint(marker, d.severity == .error ? "1;31" : "1;33") + "\n"
            }
        }
        if let suggestion = d.suggestion {
            out += "\(gutter) " + paint("= help:", "1;36") + " \(suggestion)\n"
        }
        return out
    }

    func completeness(_ items: [CompletenessItem]) -> String {
        guard !items.isEmpty else { return "" }
        var out = paint("Completeness", "1") + "\n"
        let width = items.map(\.rule.count).max() ?? 0
        for item in items {
            let ratio = "\(item.satisfied)/\(item.total)"
            let percent = item.total == 0 ? 100 : Int((Double(item.satisfied) * 100 / Double(item.total)).rounded(.down))
            let mark = item.isComplete ? paint("✓", "32") : paint("✗", "33")
            let padding = String(repeating: " ", count: width - item.rule.count)
            out += "  \(mark) \(item.rule)\(padding)  \(ratio.leftPadded(9))  \(String(percent).leftPadded(3))%\n"
        }
        return out
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}


/// The lines of a source text, found on its UTF-8 bytes (a file with hundreds of warnings is
/// not split into `Character`s to print one line of it).
struct SourceLines {
    private let text: String
    /// The byte offset where each line starts.
    private let starts: [Int]

    init(_ text: String) {
        self.text = text
        var starts = [0]
        var offset = 0
        for byte in text.utf8 {
            offset += 1
            if byte == 0x0A { starts.append(offset) }
        }
        self.starts = starts
    }

    /// Line `number` (from 1) without its line break; nil when there is no such line.
    func line(_ number: Int) -> String? {
        guard number >= 1, number <= starts.count else { return nil }
        let utf8 = text.utf8
        let start = starts[number - 1]
        var end = number < starts.count ? starts[number] - 1 : utf8.count
        if end > start, utf8[utf8.index(utf8.startIndex, offsetBy: end - 1)] == 0x0D { end -= 1 }
        let from = utf8.index(utf8.startIndex, offsetBy: start), to = utf8.index(utf8.startIndex, offsetBy: end)
        return String(text[from..<to])
    }
}
