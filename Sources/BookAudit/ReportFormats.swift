import BookModel
import Foundation

/// The formats of `servicebook audits`: for people (`human`), for tools (`json`) and for
/// spreadsheets (`csv`).
public enum AuditFormat: String, CaseIterable, Sendable {
    case human, json, csv

    public func render(_ report: AuditReport, book: Book, since: Month?, color: Bool) -> String {
        switch self {
        case .human: AuditHumanFormatter(report: report, book: book, color: color).format(since: since)
        case .json: AuditJSONFormatter.format(report, since: since)
        case .csv: AuditCSVFormatter.format(report)
        }
    }
}

/// Percentages as the reports print them: one decimal.
enum Percent {
    static func rounded(_ value: Double?) -> Double? { value.map { ($0 * 10).rounded() / 10 } }
    static func text(_ value: Double?, sign: Bool = false) -> String {
        guard let value = rounded(value) else { return "—" }
        return (sign && value > 0 ? "+" : "") + String(format: "%.1f", value)
    }
}

/// `--format json`: one stable document (its shape is documented in the README).
public enum AuditJSONFormatter {
    static func group(_ g: GroupScore, name: String = "title") -> [String: Any] {
        var out: [String: Any] = ["id": g.id, name: g.title, "score": Percent.rounded(g.score) as Any, "visits": g.visits,
                                  "failed": g.failed, "nps": Percent.rounded(g.nps) as Any, "nps_answers": g.npsAnswers]
        if let change = g.scoreChange { out["change"] = Percent.rounded(change) }
        if g.band != nil || g.role != nil || g.department != nil {
            out["band"] = g.band?.title as Any
            out["role"] = g.role as Any
            out["department"] = g.department as Any
        }
        return out
    }

    static func rate(_ r: RateScore) -> [String: Any] {
        ["id": r.id, "title": r.title, "pass_rate": Percent.rounded(r.passRate) as Any, "answered": r.answered]
    }

    public static func format(_ report: AuditReport, since: Month?) -> String {
        var overall = group(report.overall)
        overall["id"] = nil
        overall["title"] = nil
        var months = report.months.map { group($0) }
        for i in months.indices {
            months[i]["title"] = nil
            months[i]["change"] = Percent.rounded(report.months[i].scoreChange) as Any
            months[i]["nps_change"] = Percent.rounded(report.months[i].npsChange) as Any
        }
        let document: [String: Any] = [
            "version": 1,
            "since": since?.id as Any,
            "target": report.target as Any,
            "overall": overall,
            "departments": report.departments.map { group($0) },
            "employees": report.employees.map { group($0, name: "name") },
            "roles": report.roles.map { group($0) },
            "journeys": report.journeys.map { group($0) },
            "months": months,
            "checks": report.checks.map { c -> [String: Any] in
                ["ref": c.item.ref, "standard": c.item.standard, "text": c.item.check.text, "passed": c.passed,
                 "answered": c.answered, "pass_rate": Percent.rounded(c.passRate) as Any]
            },
            "stages": report.stages.map(rate),
            "standards": report.standards.map(rate),
        ]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// `--format csv`: one row per group (the book, each department, employee, role, journey,
/// month), for a spreadsheet.
public enum AuditCSVFormatter {
    public static func format(_ report: AuditReport) -> String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func number(_ value: Double?) -> String { Percent.rounded(value).map { String(format: "%.1f", $0) } ?? "" }
        var out = "group,id,title,score,visits,failed,nps,nps_answers,band,role,department\n"
        func row(_ kind: String, _ g: GroupScore) {
            out += [kind, g.id, g.title, number(g.score), String(g.visits), String(g.failed), number(g.nps), String(g.npsAnswers),
                    g.band?.title ?? "", g.role ?? "", g.department ?? ""].map(field).joined(separator: ",") + "\n"
        }
        row("overall", report.overall)
        for g in report.months { row("month", g) }
        for g in report.departments { row("department", g) }
        for g in report.employees { row("employee", g) }
        for g in report.roles { row("role", g) }
        for g in report.journeys { row("journey", g) }
        return out
    }
}

/// The human format: aligned tables, colour (on a terminal) for scores above or below target.
struct AuditHumanFormatter {
    let report: AuditReport
    let book: Book
    let color: Bool

    func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    func score(_ value: Double?) -> String {
        let text = Percent.text(value) + (value == nil ? "" : " %")
        guard let value, let target = report.target else { return text }
        return paint(text, value >= target ? "32" : "31")
    }

    /// Pads to a width in characters (Cyrillic counts one each), before any colour.
    func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }

    func nps(_ g: GroupScore) -> String {
        guard let nps = g.nps else { return "NPS —" }
        let small = g.npsAnswers < report.minAnswers ? ", small sample" : ""
        return "NPS \(Percent.text(nps)) (\(g.npsAnswers) answer\(g.npsAnswers == 1 ? "" : "s")\(small))"
    }

    func format(since: Month?) -> String {
        var out = ""
        let o = report.overall
        let span = report.months.first.map { $0.id + (report.months.count > 1 ? " – " + report.months.last!.id : "") } ?? "no visits"
        out += "Mystery-shopper audits: \(o.visits) visit\(o.visits == 1 ? "" : "s"), \(span)"
            + (report.target.map { " (target \(Band.format($0)) %)" } ?? "") + (since.map { ", since \($0.id)" } ?? "") + "\n\n"
        out += "Overall  \(pad(Percent.text(o.score) + " %", 8, right: true))  \(nps(o))"
            + (o.failed > 0 ? "  \(o.failed) failed on a critical check" : "") + "\n"
        func visits(_ n: Int) -> String { "\(n) visit\(n == 1 ? "" : "s")" }
        out += table("By month", report.months) { g in
            let change = g.scoreChange.map { "(\(Percent.text($0, sign: true)))" } ?? "(—)"
            return [g.id, score(g.score), change, visits(g.visits), nps(g)]
        }
        out += table("By department", report.departments) { g in [g.title, score(g.score), visits(g.visits), nps(g)] }
        out += table("By employee", report.employees) { g in
            [g.title, g.role.flatMap { book.entity(.role, $0)?.title } ?? g.role ?? "",
             g.department.flatMap { id in book.config.departments.first { $0.id == id }?.title } ?? g.department ?? "",
             score(g.score), visits(g.visits), g.band?.title ?? ""]
        }
        let weakest = report.weakest(10)
        if !weakest.isEmpty {
            out += "\nWeakest checks\n"
            let rows = weakest.map { c -> [String] in
                let standard = book.entity(.standard, c.item.standard)
                let script = trainingScript(for: c.item.standard).map { "; script «\($0.title)» (\($0.id))" } ?? ""
                return [Percent.text(c.passRate) + " %", "\(c.passed)/\(c.answered)", c.item.ref,
                        c.item.check.text + " — standard «\(standard?.title ?? c.item.standard)»" + script]
            }
            out += aligned(rows)
        }
        return out
    }

    /// A script to train a check with: the first script (in journey order) of the steps that
    /// name the check's standard.
    func trainingScript(for standard: String) -> Entity? {
        for stepID in book.index.stepOrder {
            guard let step = book.entity(.step, stepID)?.step, step.standards.contains(where: { $0.id == standard }) else { continue }
            if let script = step.scripts.lazy.compactMap({ book.resolve($0, as: .script) }).first { return script }
        }
        return nil
    }

    func table(_ title: String, _ groups: [GroupScore], _ row: (GroupScore) -> [String]) -> String {
        guard !groups.isEmpty else { return "" }
        return "\n\(title)\n" + aligned(groups.map(row))
    }

    /// Rows with their columns aligned (widths measured without colour codes).
    func aligned(_ rows: [[String]]) -> String {
        func visible(_ text: String) -> Int {
            var count = 0, inEscape = false
            for c in text {
                if c == "\u{1B}" { inEscape = true } else if inEscape { if c == "m" { inEscape = false } } else { count += 1 }
            }
            return count
        }
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { i in rows.map { i < $0.count ? visible($0[i]) : 0 }.max() ?? 0 }
        return rows.map { row in
            "  " + row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - visible(cell))
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
