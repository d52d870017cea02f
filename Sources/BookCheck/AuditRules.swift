import BookAudit
import BookModel

/// The rules about audits (SPEC §10.4): what the visits and the roster name that the book does
/// not have is an error; what they leave out or name in a fragile way is a warning.
enum AuditRules {
    static func run(_ audits: Audits, book: Book, today: Day) -> [Diagnostic] {
        let f = audits.findings
        var out: [Diagnostic] = []
        func hint(_ text: String, _ candidates: [String]) -> String? {
            Suggest.closest(to: text, in: candidates).map { "did you mean \"\($0)\"?" }
        }
        let journeys = book.all(.journey).map(\.id), departments = book.config.departments.map(\.id)
        for journey in f.unknownJourneys {
            out.append(Diagnostic(.unknownReference, at: journey.location, "journey \"\(journey.text)\" is not a journey",
                                  suggestion: hint(journey.text, journeys)))
        }
        for department in f.unknownDepartments {
            out.append(Diagnostic(.unknownReference, at: department.location,
                departments.isEmpty ? "department \"\(department.text)\" is not a department: book.yml lists no departments"
                                    : "department \"\(department.text)\" is not a department of book.yml",
                suggestion: departments.isEmpty ? "list them in book.yml: departments: {north: Салон на Северной, ...}"
                                                : hint(department.text, departments)))
        }
        for department in f.rosterDepartments {
            out.append(Diagnostic(.unknownReference, at: department.location.spanning(department.id),
                "department \"\(department.id)\" is not a department of book.yml", suggestion: hint(department.id, departments)))
        }
        for role in f.rosterRoles {
            out.append(Diagnostic(.unknownReference, at: role.location.spanning(role.id), "role \"\(role.id)\" is not a role",
                                  suggestion: hint(role.id, book.all(.role).map(\.id))))
        }
        let staff = audits.roster.map(\.id)
        for employee in f.unknownEmployees {
            out.append(Diagnostic(.unknownReference, at: employee.location,
                staff.isEmpty ? "employee \"\(employee.text)\" is not in the roster: the book has no staff.yml"
                              : "employee \"\(employee.text)\" is not in staff.yml",
                suggestion: staff.isEmpty ? "list the staff in content/staff.yml: id: {name, role, department}" : hint(employee.text, staff)))
        }
        for check in f.malformedChecks {
            out.append(Diagnostic(.invalidValue, at: check.location, "\"\(check.text)\" is not a check: write standard/check",
                                  suggestion: "for example phone-etiquette/pickup, or phone-etiquette/2 for the second check"))
        }
        let standards = book.all(.standard).map(\.id)
        for check in f.unknownStandards {
            let standard = CheckRef.split(check.text)?.standard ?? check.text
            out.append(Diagnostic(.unknownReference, at: check.location, "check \"\(check.text)\": \"\(standard)\" is not a standard",
                                  suggestion: hint(standard, standards)))
        }
        for (check, standardID) in f.unknownChecks {
            let checks = book.entity(.standard, standardID)?.standard?.checks ?? []
            let name = CheckRef.split(check.text)?.check ?? check.text
            let ids = checks.compactMap(\.id)
            out.append(Diagnostic(.unknownReference, at: check.location, "standard \"\(standardID)\" has no check \"\(name)\"",
                suggestion: hint(name, ids) ?? "its checks are \(ids.isEmpty ? "" : ids.joined(separator: ", ") + "; by number ")1–\(checks.count)"))
        }
        for (visit, first) in f.duplicates {
            out.append(Diagnostic(.duplicateID, at: visit.location, "visit id \"\(visit.id)\" is already used by \(first)",
                                  suggestion: "a visit's id is its file name, or its \"visit\" column: each must be unique"))
        }
        for visit in audits.visits {
            if let date = visit.date, date > today, let at = visit.dateLocation {
                out.append(Diagnostic(.invalidValue, at: at.withLength(10), "the visit's date \(date) is after today (\(today))",
                                      suggestion: "a visit is recorded after it took place"))
            }
        }
        // Warnings.
        for (check, journey) in f.offChecklist {
            out.append(Diagnostic(.offChecklist, at: check.location, "check \(check.text) is not on the checklist of journey \"\(journey)\"",
                                  suggestion: "its standard is not named by the journey's steps: is the visit's journey right?"))
        }
        for (visit, count, journey) in f.unanswered {
            let total = audits.checklists[journey]?.items.count ?? count
            out.append(Diagnostic(.unansweredChecks, at: visit.location,
                "visit \"\(visit.id)\" leaves \(count) of the \(total) checks of its checklist unanswered",
                suggestion: "answer each check yes, no or na (не применимо)"))
        }
        for (employee, roster, visitDepartment) in f.otherDepartment {
            out.append(Diagnostic(.departmentMismatch, at: employee.location,
                "employee \"\(employee.text)\" works in department \"\(roster)\" (staff.yml), the visit names \"\(visitDepartment)\"",
                suggestion: "correct the visit's department, or the employee's in staff.yml"))
        }
        for (check, id) in f.byNumber {
            let standard = CheckRef.split(check.text)?.standard ?? ""
            out.append(Diagnostic(.checkByNumber, at: check.location,
                "check \(check.text) is named by its number, which shifts when checks are added",
                suggestion: id.map { "write \(standard)/\($0)" } ?? "give the check an id in standards/\(standard).md ({id: ..., text: ...})"))
        }
        for column in f.unknownColumns {
            out.append(Diagnostic(.unknownColumn, at: column.location,
                "column \"\(column.text)\" is neither a field of a visit nor a check (standard/check)",
                suggestion: hint(column.text, AuditModel.columnNames)))
        }
        return out
    }

    /// "standards' checks audited in the last 90 days": of every check of every standard, those
    /// some visit of the last 90 days answered.
    static func completeness(_ audits: Audits, book: Book, today: Day) -> CompletenessItem {
        var audited = Set<String>()
        for visit in audits.scored where today.ordinal - visit.date.ordinal <= 90 && visit.date <= today {
            for (item, _) in visit.answers { audited.insert(item.standard + "/" + String(item.index)) }
        }
        var total = 0, satisfied = 0
        for standard in book.all(.standard) {
            for index in (standard.standard?.checks ?? []).indices {
                total += 1
                if audited.contains(standard.id + "/" + String(index)) { satisfied += 1 }
            }
        }
        return CompletenessItem(id: "checks-audited", rule: "standards' checks audited in the last 90 days", satisfied: satisfied, total: total)
    }
}
