import BookModel
import Foundation

/// The visits of a book, each checked against the book: whether its journey, department,
/// employees and checks exist, what it left unanswered. What does not fit is recorded in
/// `findings` for the check to judge; what can be scored is in `scored`.
public struct Audits: Sendable {
    public let visits: [Visit]
    public let roster: [Employee]
    public let checklists: [String: Checklist]
    public let findings: AuditFindings
    /// The visits that can be scored (their journey, department and every answered check
    /// exist), resolved.
    public let scored: [ScoredVisit]
    /// Each check the scored visits answer, once (stage -1), and each stage they tick checks
    /// under (`journey/stage index`): `ScoredVisit.slots` count in them by position, so that
    /// scoring thousands of visits adds numbers in arrays instead of looking up names.
    public let items: [ChecklistItem]
    public let stageKeys: [String]

    public static let empty = Audits(visits: [], roster: [], checklists: [:], findings: AuditFindings(), scored: [],
                                     items: [], stageKeys: [])

    public var isEmpty: Bool { visits.isEmpty }

    public func employee(_ id: String) -> Employee? { roster.first { $0.id == id } }
}

/// A visit whose references all resolve, ready to be scored.
public final class ScoredVisit: Sendable {
    public let visit: Visit
    public let date: Day
    public let journey: String
    public let department: String
    public let employees: [String]
    /// Each answer with its check (and the stage of the visit's journey it is ticked under, if
    /// the check is on that journey's checklist).
    public let answers: [(item: ChecklistItem, answer: Answer)]
    /// For each answer, its check's place in `Audits.items` and its stage's in
    /// `Audits.stageKeys` (-1 when it is not on the journey's checklist).
    public let slots: [(item: Int, stage: Int)]

    public init(visit: Visit, date: Day, journey: String, department: String, employees: [String],
                answers: [(item: ChecklistItem, answer: Answer)], slots: [(item: Int, stage: Int)]) {
        self.visit = visit
        self.date = date
        self.journey = journey
        self.department = department
        self.employees = employees
        self.answers = answers
        self.slots = slots
    }

    public var month: Month { Month(date) }
}

/// What the visits and the roster name that the book does not have, and what they leave out.
public struct AuditFindings: Sendable {
    public var unknownJourneys: [Written] = []
    public var unknownDepartments: [Written] = []
    public var unknownEmployees: [Written] = []
    /// A check reference whose standard is not a standard of the book.
    public var unknownStandards: [Written] = []
    /// A check reference whose standard exists and has no such check.
    public var unknownChecks: [(check: Written, standard: String)] = []
    /// A check reference that is not `standard/check`.
    public var malformedChecks: [Written] = []
    /// An answered check that the visit's journey's checklist does not have.
    public var offChecklist: [(check: Written, journey: String)] = []
    /// A visit that leaves checks of its journey's checklist unanswered.
    public var unanswered: [(visit: Visit, count: Int, journey: String)] = []
    /// An employee whose roster department is not the visit's.
    public var otherDepartment: [(employee: Written, roster: String, visit: String)] = []
    /// A check named by its number: with the check's id, if it has one.
    public var byNumber: [(check: Written, id: String?)] = []
    public var unknownColumns: [Written] = []
    /// A visit whose id an earlier one (by file, then row) has, with the earlier's location.
    public var duplicates: [(visit: Visit, first: SourceLocation)] = []
    /// The roster's references to roles and departments that do not exist.
    public var rosterRoles: [Reference] = []
    public var rosterDepartments: [Reference] = []

    public init() {}
}

/// Makes typed visits of the audit files and checks them against the book.
public enum AuditModel {
    /// The columns of a CSV file of visits, besides one per check.
    static let columns = ["visit", "date", "journey", "department", "employee", "auditor", "nps", "channel"]
    public static var columnNames: [String] { columns }
    static let visitFields = ["date", "journey", "department", "employee", "auditor", "channel", "nps", "results", "notes"]

    /// - Returns: the audits, and the diagnostics of decoding their files (fields of the wrong
    ///   type, answers that are no answer, a missing field, ...).
    public static func build(_ sources: AuditSources, book: Book) -> (Audits, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var findings = AuditFindings()
        let (roster, rosterDiagnostics) = self.roster(sources, book: book, findings: &findings)
        diagnostics += rosterDiagnostics
        var visits: [Visit] = []
        // Files decode on their own, in parallel; their visits and diagnostics keep the files' order.
        for (visit, found) in sources.visits.parallelMap(decode) {
            diagnostics += found
            if let visit { visits.append(visit) }
        }
        for (rows, found, unknownColumns) in sources.tables.parallelMap(decode) {
            diagnostics += found
            findings.unknownColumns += unknownColumns
            visits += rows
        }
        let checklists = Checklist.all(book)
        let departments = Set(book.config.departments.map(\.id))
        let employees = Dictionary(roster.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var firstOf: [String: SourceLocation] = [:]
        var scored: [ScoredVisit] = []
        // A check's name resolved once per journey (a CSV file names the same checks on every
        // row): by journey, the name's place in `resolved`.
        var resolvedIn: [String: [String: Int]] = [:]
        var resolved: [(resolution: Resolution, slot: (item: Int, stage: Int))] = []
        var checklistSlots: [String: [Int]] = [:]
        var items: [ChecklistItem] = [], itemSlots: [String: Int] = [:]
        var stageKeys: [String] = [], stageSlots: [String: Int] = [:]
        // Which visit last answered each check (by its place in `items`).
        var answeredBy: [Int] = []
        // Each check's and each stage's place in `items` and `stageKeys`.
        func slotOf(item: ChecklistItem) -> Int {
            let key = item.standard + "/" + String(item.index)
            if let slot = itemSlots[key] { return slot }
            itemSlots[key] = items.count
            items.append(ChecklistItem(standard: item.standard, index: item.index, check: item.check, stage: -1))
            answeredBy.append(-1)
            return items.count - 1
        }
        func slotOf(_ resolution: Resolution, journey: String) -> (item: Int, stage: Int) {
            guard case .item(let item, _, _) = resolution else { return (-1, -1) }
            let slot = slotOf(item: item)
            guard item.stage >= 0 else { return (slot, -1) }
            let stageKey = journey + "/" + String(item.stage)
            let stage = stageSlots[stageKey] ?? stageKeys.count
            if stage == stageKeys.count { stageSlots[stageKey] = stage; stageKeys.append(stageKey) }
            return (slot, stage)
        }
        for (number, visit) in visits.enumerated() {
            if let first = firstOf[visit.id] {
                findings.duplicates.append((visit, first))
                continue
            }
            firstOf[visit.id] = visit.location
            var ok = visit.date != nil
            var checklist: Checklist?
            if let journey = visit.journey {
                checklist = checklists[journey.text]
                if checklist == nil { findings.unknownJourneys.append(journey); ok = false }
            } else {
                ok = false
            }
            if let department = visit.department {
                if !departments.contains(department.text) { findings.unknownDepartments.append(department); ok = false }
            } else {
                ok = false
            }
            for employee in visit.employees {
                guard let known = employees[employee.text] else {
                    findings.unknownEmployees.append(employee)
                    ok = false
                    continue
                }
                if let visitDepartment = visit.department?.text, let rosterDepartment = known.department?.id,
                   departments.contains(visitDepartment), rosterDepartment != visitDepartment {
                    findings.otherDepartment.append((employee, rosterDepartment, visitDepartment))
                }
            }
            var answers: [(item: ChecklistItem, answer: Answer)] = []
            var slots: [(item: Int, stage: Int)] = []
            answers.reserveCapacity(visit.answers.count)
            slots.reserveCapacity(visit.answers.count)
            let journeyKey = checklist?.journey ?? ""
            var known = resolvedIn.removeValue(forKey: journeyKey) ?? [:]
            for (check, answer) in visit.answers {
                let place: Int
                if let found = known[check.text] {
                    place = found
                } else {
                    let resolution = resolve(check.text, checklist: checklist, book: book)
                    place = resolved.count
                    resolved.append((resolution, slotOf(resolution, journey: visit.journey?.text ?? "")))
                    known[check.text] = place
                }
                switch resolved[place].resolution {
                case .malformed: findings.malformedChecks.append(check)
                case .unknownStandard: findings.unknownStandards.append(check)
                case .unknownCheck(let standard): findings.unknownChecks.append((check, standard))
                case .item(let item, let byNumber, let onChecklist):
                    if byNumber { findings.byNumber.append((check, item.check.id)) }
                    let slot = resolved[place].slot
                    answers.append((item, answer))
                    slots.append(slot)
                    answeredBy[slot.item] = number
                    if let checklist, !onChecklist { findings.offChecklist.append((check, checklist.journey)) }
                    continue
                }
                ok = false
            }
            resolvedIn[journeyKey] = known
            if let checklist {
                let slots = checklistSlots[checklist.journey] ?? checklist.items.map { slotOf(item: $0) }
                checklistSlots[checklist.journey] = slots
                let missing = slots.filter { answeredBy[$0] != number }.count
                if missing > 0 { findings.unanswered.append((visit, missing, checklist.journey)) }
            }
            if ok, let date = visit.date, let journey = visit.journey?.text, let department = visit.department?.text {
                scored.append(ScoredVisit(visit: visit, date: date, journey: journey, department: department,
                                          employees: visit.employees.map(\.text), answers: answers, slots: slots))
            }
        }
        return (Audits(visits: visits, roster: roster, checklists: checklists, findings: findings, scored: scored,
                       items: items, stageKeys: stageKeys), diagnostics)
    }

    /// What a check's name in a visit stands for.
    enum Resolution {
        /// The check (on the journey's checklist, with its stage, when it is there), whether
        /// the visit named it by its number, whether the journey's checklist has it.
        case item(ChecklistItem, byNumber: Bool, onChecklist: Bool)
        case malformed, unknownStandard
        case unknownCheck(standard: String)
    }

    static func resolve(_ text: String, checklist: Checklist?, book: Book) -> Resolution {
        guard let (standardID, checkID) = CheckRef.split(text) else { return .malformed }
        guard let standard = book.entity(.standard, standardID), let checks = standard.standard?.checks else {
            return .unknownStandard
        }
        var index: Int?, byNumber = false
        if let found = checks.firstIndex(where: { $0.id == checkID }) {
            index = found
        } else if let number = Int(checkID), (1...checks.count).contains(number) {
            index = number - 1
            byNumber = true
        }
        guard let index else { return .unknownCheck(standard: standardID) }
        let listed = checklist?.items.first(where: { $0.standard == standardID && $0.index == index })
        let item = listed ?? ChecklistItem(standard: standardID, index: index, check: checks[index], stage: -1)
        return .item(item, byNumber: byNumber, onChecklist: listed != nil)
    }

    // MARK: - The roster

    static func roster(_ sources: AuditSources, book: Book, findings: inout AuditFindings) -> ([Employee], [Diagnostic]) {
        guard let node = sources.staff else { return ([], []) }
        guard case .mapping(let pairs) = node.value else {
            return ([], [Diagnostic(.frontMatterNotMapping, at: node.location,
                "staff.yml must be a mapping from an employee's id to {name, role, department}, not \(node.shapeName)")])
        }
        var out: [Employee] = [], diagnostics: [Diagnostic] = []
        let departments = Set(book.config.departments.map(\.id))
        var seen = Set<String>()
        for pair in pairs {
            guard let id = pair.key.scalarText, !pair.key.isNull else { continue }
            if !Identifier.isValid(id) {
                diagnostics.append(Diagnostic(.invalidID, at: pair.key.location.spanning(id),
                    "employee id \"\(id)\" is not a valid id (lower-case Latin letters, digits and hyphens)",
                    suggestion: Identifier.suggestion(for: id).map { "use \"\($0)\"" }))
                continue
            }
            guard case .mapping = pair.value.value else {
                diagnostics.append(Diagnostic(.wrongType, at: pair.value.location,
                    "employee \"\(id)\" must be a mapping with name, role and department, not \(pair.value.shapeName)"))
                continue
            }
            let r = FieldReader(pair.value, allowed: ["name", "role", "department"], subject: "an employee", context: "employee \"\(id)\"")
            let name = r.text("name", required: true)
            let role = r.reference("role")
            let department = r.reference("department")
            diagnostics += r.diagnostics
            if let role, book.entity(.role, role.id) == nil { findings.rosterRoles.append(role) }
            if let department, !departments.contains(department.id) { findings.rosterDepartments.append(department) }
            guard let name, seen.insert(id).inserted else { continue }
            out.append(Employee(id: id, name: name, role: role, department: department, location: pair.key.location))
        }
        return (out, diagnostics)
    }

    // MARK: - Markdown visits

    static func decode(_ document: VisitDocument) -> (Visit?, [Diagnostic]) {
        guard let frontMatter = document.frontMatter else { return (nil, []) }
        let r = FieldReader(frontMatter, allowed: visitFields, subject: "a visit")
        let date = r.day("date")
        if date == nil, !r.has("date") { _ = r.node("date", required: true) }
        let journey = r.reference("journey", required: true).map { Written(text: $0.id, location: $0.location) }
        let department = r.reference("department", required: true).map { Written(text: $0.id, location: $0.location) }
        let employees = r.references("employee").map { Written(text: $0.id, location: $0.location) }
        let auditor = r.text("auditor")
        let channel = r.text("channel")
        let nps = r.integer("nps", in: 0...10)
        var extra: [Diagnostic] = []
        var answers: [(check: Written, answer: Answer)] = []
        if let results = r.node("results", required: true) {
            if case .mapping(let pairs) = results.value {
                for pair in pairs {
                    guard let ref = pair.key.scalarText else { continue }
                    let check = Written(text: ref, location: pair.key.location.spanning(ref))
                    guard let text = pair.value.scalarText, !pair.value.isNull else {
                        extra.append(Diagnostic(.missingField, at: pair.key.location.spanning(ref),
                            "check \"\(ref)\" has no answer", suggestion: "answer yes, no or na (да, нет, н/п)"))
                        continue
                    }
                    guard let answer = Answer(text, csv: false) else {
                        extra.append(Diagnostic(.invalidValue, at: pair.value.location.spanning(text),
                            "\"\(text)\" is not an answer: answer yes, no or na (да, нет, н/п)"))
                        continue
                    }
                    answers.append((check, answer))
                }
            } else {
                extra.append(Diagnostic(.wrongType, at: results.location,
                    "\"results\" must be a mapping from a check (standard/check) to an answer, not \(results.shapeName)"))
            }
        }
        var notes: [(check: Written, text: String)] = []
        if let node = r.node("notes") {
            if case .mapping(let pairs) = node.value {
                for pair in pairs {
                    guard let ref = pair.key.scalarText, let text = pair.value.scalarText else { continue }
                    notes.append((Written(text: ref, location: pair.key.location.spanning(ref)), text))
                }
            } else {
                extra.append(Diagnostic(.wrongType, at: node.location,
                    "\"notes\" must be a mapping from a check (standard/check) to a remark, not \(node.shapeName)"))
            }
        }
        let visit = Visit(id: document.id, location: SourceLocation(file: document.displayPath, line: 1, column: 1, length: 3),
                          isRow: false, date: date?.0, dateLocation: date?.1, journey: journey, department: department,
                          employees: employees, auditor: auditor, channel: channel, nps: nps, answers: answers, notes: notes,
                          account: document.body, accountLine: document.bodyLine)
        return (visit, r.diagnostics + extra)
    }

    // MARK: - CSV visits

    /// - Returns: the rows' visits, the diagnostics, and the header's unknown columns.
    static func decode(_ table: AuditTable) -> ([Visit], [Diagnostic], [Written]) {
        var diagnostics: [Diagnostic] = [], unknownColumns: [Written] = []
        func at(_ cell: AuditTable.Cell, length: Int? = nil) -> SourceLocation {
            SourceLocation(file: table.displayPath, line: cell.line, column: cell.column, length: length ?? max(1, cell.text.count))
        }
        var column: [String: Int] = [:]
        var checks: [(index: Int, check: Written)] = []
        for (i, cell) in table.header.enumerated() {
            let name = cell.text.trimmingSpaces
            if columns.contains(name.lowercased()) {
                column[name.lowercased()] = column[name.lowercased()] ?? i
            } else if CheckRef.split(name) != nil {
                checks.append((i, Written(text: name, location: at(cell))))
            } else if !name.isEmpty {
                unknownColumns.append(Written(text: name, location: at(cell)))
            }
        }
        let headerAt = table.header.first.map { at($0) } ?? SourceLocation(file: table.displayPath, line: 1, column: 1)
        for required in ["visit", "date", "journey", "department"] where column[required] == nil {
            diagnostics.append(Diagnostic(.missingField, at: headerAt, "the CSV file has no column \"\(required)\"",
                suggestion: "the header row names the columns: visit, date, journey, department, employee, auditor, nps, then one column per check (standard/check)"))
        }
        guard column["visit"] != nil else { return ([], diagnostics, unknownColumns) }
        // Rows decode on their own: in parallel, in chunks, their order kept.
        let parts = Parallel.chunks(of: table.rows.count, size: 512) { [column, checks] range -> ([Visit], [Diagnostic]) in
            var visits: [Visit] = [], diagnostics: [Diagnostic] = []
            for row in table.rows[range] {
                guard let first = row.first else { continue }
                func cell(_ name: String) -> AuditTable.Cell? {
                    guard let i = column[name], i < row.count else { return nil }
                    let cell = row[i]
                    return cell.text.trimmingSpaces.isEmpty ? nil : cell
                }
                let rowAt = at(first)
                if row.count != table.header.count {
                    diagnostics.append(Diagnostic(.invalidCSV, at: SourceLocation(file: table.displayPath, line: first.line, column: 1),
                        "this row has \(row.count) cell\(row.count == 1 ? "" : "s"), the header \(table.header.count)",
                        suggestion: "a value with the separator in it must be in double quotes"))
                }
                guard let id = cell("visit") else {
                    diagnostics.append(Diagnostic(.missingField, at: rowAt, "the row has no visit id (column \"visit\")"))
                    continue
                }
                var date: Day?
                if let text = cell("date") {
                    date = Day(text.text.trimmingSpaces)
                    if date == nil {
                        diagnostics.append(Diagnostic(.invalidValue, at: at(text), "\"\(text.text)\" is not a date in the form YYYY-MM-DD"))
                    }
                } else {
                    diagnostics.append(Diagnostic(.missingField, at: at(id), "visit \"\(id.text)\" has no date"))
                }
                func written(_ name: String) -> Written? {
                    cell(name).map { Written(text: $0.text.trimmingSpaces, location: at($0)) }
                }
                let journey = written("journey"), department = written("department")
                if journey == nil { diagnostics.append(Diagnostic(.missingField, at: at(id), "visit \"\(id.text)\" has no journey")) }
                if department == nil { diagnostics.append(Diagnostic(.missingField, at: at(id), "visit \"\(id.text)\" has no department")) }
                var employees: [Written] = []
                if let cell = cell("employee") {
                    // Several employees: separated by commas, semicolons, "+" or spaces.
                    var offset = 0
                    for part in cell.text.split(omittingEmptySubsequences: false, whereSeparator: { ",;+ ".contains($0) }) {
                        if !part.isEmpty {
                            employees.append(Written(text: String(part), location: SourceLocation(file: table.displayPath, line: cell.line,
                                                                                                  column: cell.column + offset, length: part.count)))
                        }
                        offset += part.count + 1
                    }
                }
                var nps: Int?
                if let cell = cell("nps") {
                    if let n = Int(cell.text.trimmingSpaces), (0...10).contains(n) {
                        nps = n
                    } else {
                        diagnostics.append(Diagnostic(.invalidValue, at: at(cell), "nps must be a whole number from 0 to 10, not \"\(cell.text)\""))
                    }
                }
                var answers: [(check: Written, answer: Answer)] = []
                for (index, check) in checks where index < row.count {
                    let value = row[index]
                    let text = value.text.trimmingSpaces
                    guard !text.isEmpty else { continue }
                    guard let answer = Answer(text, csv: true) else {
                        diagnostics.append(Diagnostic(.invalidValue, at: at(value),
                            "\"\(text)\" is not an answer to \(check.text): answer yes, no or na (да, нет, н/п; 1, 0, -)"))
                        continue
                    }
                    answers.append((Written(text: check.text, location: at(value)), answer))
                }
                visits.append(Visit(id: id.text.trimmingSpaces, location: rowAt, isRow: true, date: date,
                                    dateLocation: cell("date").map { at($0) }, journey: journey, department: department,
                                    employees: employees, auditor: cell("auditor")?.text, channel: cell("channel")?.text, nps: nps,
                                    answers: answers, notes: [], account: "", accountLine: 0))
            }
            return (visits, diagnostics)
        }
        return (parts.flatMap(\.0), diagnostics + parts.flatMap(\.1), unknownColumns)
    }
}
