import BookModel

/// A mystery shopper's answer to one check.
public enum Answer: String, Sendable, CaseIterable {
    case yes, no, na

    /// The answer a text stands for: `yes`, `no`, `na`, and in Russian `да`, `нет`, `н/п`; in
    /// CSV files also `1`, `0` and `-`.
    public init?(_ text: String, csv: Bool) {
        // Most cells of a CSV file are one character: spare them the trimming and lower-casing.
        switch text {
        case "1" where csv: self = .yes; return
        case "0" where csv: self = .no; return
        case "-" where csv: self = .na; return
        default: break
        }
        switch text.trimmingSpaces.lowercased() {
        case "yes", "да": self = .yes
        case "no", "нет": self = .no
        case "na", "n/a", "н/п", "нп": self = .na
        case "1" where csv: self = .yes
        case "0" where csv: self = .no
        case "-" where csv: self = .na
        default: return nil
        }
    }
}

/// An employee of the roster (`staff.yml`).
public struct Employee: Sendable, Hashable {
    public let id: String
    public let name: String
    /// The role whose handbook the employee should study, and the department they work in.
    public let role: Reference?
    public let department: Reference?
    public let location: SourceLocation
}

/// A reference written in a visit, with where it was written.
public struct Written: Sendable, Hashable {
    public let text: String
    public let location: SourceLocation
}

/// One mystery-shopper visit, as written: its fields and answers with their places in the file.
/// What they name is checked against the book by `AuditModel` (and judged by the check).
///
/// A class: reports group and sort thousands of visits, and a copy is one reference.
public final class Visit: Sendable {
    public let id: String
    /// Where the visit is written: its file, and for a CSV row the row's first cell.
    public let location: SourceLocation
    /// A Markdown visit (with the shopper's account) or a CSV row.
    public let isRow: Bool
    public let date: Day?
    public let dateLocation: SourceLocation?
    public let journey: Written?
    public let department: Written?
    public let employees: [Written]
    public let auditor: String?
    public let channel: String?
    public let nps: Int?
    public let answers: [(check: Written, answer: Answer)]
    public let notes: [(check: Written, text: String)]
    /// The shopper's account (Markdown), and the line of the file it starts on.
    public let account: String
    public let accountLine: Int

    public init(id: String, location: SourceLocation, isRow: Bool, date: Day?, dateLocation: SourceLocation?,
                journey: Written?, department: Written?, employees: [Written], auditor: String?, channel: String?,
                nps: Int?, answers: [(check: Written, answer: Answer)], notes: [(check: Written, text: String)],
                account: String, accountLine: Int) {
        self.id = id
        self.location = location
        self.isRow = isRow
        self.date = date
        self.dateLocation = dateLocation
        self.journey = journey
        self.department = department
        self.employees = employees
        self.auditor = auditor
        self.channel = channel
        self.nps = nps
        self.answers = answers
        self.notes = notes
        self.account = account
        self.accountLine = accountLine
    }

    /// The month of the visit (`2026-11`).
    public var month: String? { date.map { Month($0).id } }
}

/// A calendar month, `YYYY-MM`.
public struct Month: Hashable, Comparable, Sendable {
    public let year: Int, month: Int

    public init(_ day: Day) {
        year = day.year
        month = day.month
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]),
              (1...12).contains(m), y > 0 else { return nil }
        year = y
        month = m
    }

    public var id: String { String(format: "%04d-%02d", year, month) }

    public static func < (a: Month, b: Month) -> Bool { (a.year, a.month) < (b.year, b.month) }
}
