import BookAudit
import BookMarkdown
import BookModel
import Foundation
import Synchronization

/// What the handbook shows of the audits («Контроль качества»): the scores of the book, of each
/// department and month, and each visit; pass rates on standard, step and checklist pages.
/// Never an employee's name or id: those go to the per-employee report only.
final class Quality: Sendable {
    let audits: Audits
    let report: AuditReport
    let months: [Month]
    /// Each standard's and each step's pass rate, overall and per month (weighted, as SPEC §10.3).
    let standards: [String: Rates]
    let steps: [String: Rates]
    let checks: [String: CheckScore]
    /// Each visit's page name (its id when that is a valid id).
    let visitNames: [String: String]
    /// Roster names and the words in them, replaced in the shoppers' accounts.
    let names: [String]
    /// The runs of letters in those names: a text none of whose runs of letters is one of
    /// these has no name in it, which spares most texts the search for each name.
    let nameWords: Set<Substring>
    let nameWithoutLetters: Bool
    /// A row of a visit's answers, rendered once per check and answer (at `slot * 3 + answer`,
    /// the slot being the check's place in `Audits.items`) and reused on every visit page that
    /// has it without a note: 10,000 visit pages of 60 answers render 180 rows instead of 600,000.
    let answerRows: Mutex<[String?]>
    let stageRows = Mutex<[String: String]>([:])

    struct Rates: Sendable {
        var passed = 0.0, answered = 0.0
        var months: [Month: (passed: Double, answered: Double)] = [:]
        var rate: Double? { answered > 0 ? passed / answered * 100 : nil }
        func rate(_ month: Month) -> Double? { months[month].flatMap { $0.answered > 0 ? $0.passed / $0.answered * 100 : nil } }
        mutating func add(_ other: Rates) {
            passed += other.passed
            answered += other.answered
            for (month, t) in other.months {
                months[month, default: (0, 0)].passed += t.passed
                months[month, default: (0, 0)].answered += t.answered
            }
        }
    }

    init(audits: Audits, book: Book) {
        self.audits = audits
        answerRows = Mutex(Array(repeating: nil, count: audits.items.count * 3))
        report = Scores.report(audits, book: book)
        months = report.months.compactMap { Month($0.id) }
        var standards: [String: Rates] = [:]
        for standard in report.standards {
            var rates = Rates(passed: standard.passedPoints, answered: standard.answeredPoints)
            for ((month, _), points) in zip(standard.months, standard.monthPoints) where points.answered > 0 {
                rates.months[month] = points
            }
            standards[standard.id] = rates
        }
        self.standards = standards
        var steps: [String: Rates] = [:]
        for step in book.all(.step) {
            var rates = Rates()
            for standard in Set((step.step?.standards ?? []).map(\.id)).sorted() { if let r = standards[standard] { rates.add(r) } }
            if rates.answered > 0 { steps[step.id] = rates }
        }
        self.steps = steps
        checks = Dictionary(report.checks.map { ($0.item.standard + "/" + String($0.item.index), $0) }, uniquingKeysWith: { a, _ in a })
        var visitNames: [String: String] = [:]
        for visit in audits.visits { visitNames[visit.id] = Quality.pageName(visit.id) }
        self.visitNames = visitNames
        var names = Set<String>()
        for employee in audits.roster {
            names.insert(employee.name)
            for word in employee.name.split(whereSeparator: { $0.isWhitespace }) where word.count >= 3 && word.contains(where: \.isLetter) { names.insert(String(word)) }
        }
        self.names = names.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
        nameWords = Set(names.flatMap { Quality.letterRuns($0) })
        nameWithoutLetters = names.contains { !$0.contains(where: \.isLetter) }
    }

    static func answerIndex(_ answer: Answer) -> Int {
        switch answer {
        case .yes: 0
        case .no: 1
        case .na: 2
        }
    }

    static func letterRuns(_ text: String) -> [Substring] {
        text.split(whereSeparator: { !$0.isLetter })
    }

    /// A page name for a visit id: the id when it is a valid id, else a hash of it.
    /// How many of the latest visits the dashboard and a department's page list.
    static let latestVisits = 30

    static func pageName(_ id: String) -> String {
        if Identifier.isValid(id) { return id }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return "visit-" + String(hash, radix: 16)
    }

    /// `text` with every roster name (and each word of one) replaced by `hidden`.
    func redact(_ text: String, hidden: String) -> String {
        guard nameWithoutLetters || Quality.letterRuns(text).contains(where: nameWords.contains) else { return text }
        var out = text
        for name in names {
            var result = ""
            var rest = Substring(out)
            while let range = rest.range(of: name) {
                let before = rest[..<range.lowerBound].last, after = rest[range.upperBound...].first
                let bounded = !(before?.isLetter ?? false) && !(after?.isLetter ?? false)
                result += rest[..<range.lowerBound] + (bounded ? hidden : String(rest[range]))
                rest = rest[range.upperBound...]
            }
            out = result + rest
        }
        return out
    }
}

enum QualityPaths {
    static let index = "quality/index.html"
    static func department(_ id: String) -> String { "quality/departments/\(id).html" }
    static func month(_ id: String) -> String { "quality/months/\(id).html" }
    static func visit(_ name: String) -> String { "quality/visits/\(name).html" }
}

extension SiteRenderer {
    /// The pages of the quality section, when the book has audits.
    func qualityPlans() -> [PagePlan] {
        guard let quality else { return [] }
        var plans: [PagePlan] = []
        let title = s["quality"] ?? "Quality"
        plans.append(PagePlan(path: QualityPaths.index, depth: 1, template: "quality", title: title) { qualityDashboard(quality) })
        for department in quality.report.departments {
            plans.append(PagePlan(path: QualityPaths.department(department.id), depth: 2, template: "quality-group",
                                  title: "\(title) — \(department.title)") { qualityGroup(quality, department: department) })
        }
        for month in quality.report.months {
            plans.append(PagePlan(path: QualityPaths.month(month.id), depth: 2, template: "quality-group",
                                  title: "\(title) — \(monthTitle(month.id))") { qualityGroup(quality, month: month) })
        }
        for visit in quality.report.visits {
            let name = quality.visitNames[visit.visit.visit.id] ?? Quality.pageName(visit.visit.visit.id)
            plans.append(PagePlan(path: QualityPaths.visit(name), depth: 2, template: "quality-visit",
                                  title: visitTitle(visit)) { qualityVisit(quality, visit) })
        }
        return plans
    }

    func monthTitle(_ id: String) -> String {
        guard let month = Month(id) else { return id }
        let names = (s["monthNames"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return names.count == 12 ? "\(names[month.month - 1]) \(month.year)" : id
    }

    func visitTitle(_ visit: VisitScore) -> String {
        let department = book.config.departments.first { $0.id == visit.visit.department }?.title ?? visit.visit.department
        return "\(s["visit"] ?? "Visit") \(visit.visit.date) — \(department)"
    }

    func percent(_ value: Double?) -> String {
        guard let value else { return "—" }
        return Charts.n(value) + " %"
    }

    func change(_ value: Double?) -> String {
        guard let value else { return "" }
        let rounded = (value * 10).rounded() / 10
        return (rounded > 0 ? "+" : rounded < 0 ? "−" : "±") + Charts.n(abs(rounded))
    }

    func nps(_ group: GroupScore, minAnswers: Int) -> [String: Any] {
        var c: [String: Any] = ["answers": group.npsAnswers]
        if let nps = group.nps { c["value"] = (nps < 0 ? "−" : "") + Charts.n(abs(nps)) }
        c["small"] = group.npsAnswers > 0 && group.npsAnswers < minAnswers
        return c
    }

    /// The figures of a group for a table row or a summary.
    func groupRow(_ group: GroupScore, url: String?, minAnswers: Int, target: Double?) -> [String: Any] {
        var c: [String: Any] = ["title": group.title, "score": percent(group.score), "visits": group.visits, "failed": group.failed,
                                "nps": nps(group, minAnswers: minAnswers), "meter": Charts.meter(group.score)]
        if let url { c["url"] = url }
        if let delta = group.scoreChange { c["change"] = change(delta) }
        if let target, let score = group.score { c["belowTarget"] = score < target }
        return c
    }

    /// The weakest checks of a report, each with its standard and a script to train it with.
    func weakest(_ report: AuditReport, depth: Int, count: Int = 10) -> [[String: Any]] {
        report.weakest(count).map { check in
            var c: [String: Any] = ["text": check.item.check.text, "rate": percent(check.passRate), "passed": check.passed,
                                    "answered": check.answered, "meter": Charts.meter(check.passRate), "critical": check.item.check.critical]
            if let standard = book.entity(.standard, check.item.standard) { c["standard"] = link(standard.key, depth: depth) }
            if let script = trainingScript(check.item.standard) { c["script"] = link(script.key, depth: depth) }
            return c
        }
    }

    /// A script to train a standard's checks with: the first script (in journey order) of the
    /// steps that name the standard.
    func trainingScript(_ standard: String) -> Entity? {
        for stepID in book.index.stepOrder {
            guard let step = book.entity(.step, stepID)?.step, step.standards.contains(where: { $0.id == standard }) else { continue }
            if let script = step.scripts.lazy.compactMap({ book.resolve($0, as: .script) }).first { return script }
        }
        return nil
    }

    func qualityDashboard(_ quality: Quality) -> [String: Any] {
        let report = quality.report, min = report.minAnswers, target = report.target
        let labels = report.months.map { monthTitle($0.id) }
        let scoreTitle = s["scoreByMonth"] ?? "Score by month", npsTitle = s["npsByMonth"] ?? "NPS by month"
        let months: [[String: Any]] = report.months.map { month in
            groupRow(month, url: "months/\(month.id).html", minAnswers: min, target: target).merging(["title": monthTitle(month.id)]) { _, b in b }
        }
        let departments: [[String: Any]] = report.departments.map { d in
            groupRow(d, url: "departments/\(d.id).html", minAnswers: min, target: target)
        }
        // Departments × stages: each department's pass rate on each stage that has answers.
        var stageColumns: [(id: String, title: String, journey: String)] = []
        for journey in book.all(.journey) {
            for stage in journey.journey?.stages ?? [] where report.stages.contains(where: { $0.id == journey.id + "/" + stage.id }) {
                stageColumns.append((journey.id + "/" + stage.id, stage.title, journey.title))
            }
        }
        let perDepartment = report.departments.map { d in
            Scores.report(report.visits.filter { $0.visit.department == d.id }, audits: quality.audits, book: book)
        }
        // Stages down, departments (and all of them) across.
        let heat: [[String: Any]] = stageColumns.map { column in
            let rates = perDepartment.map { r in r.stages.first { $0.id == column.id }?.passRate }
                + [report.stages.first { $0.id == column.id }?.passRate]
            return ["title": column.title, "journey": column.journey,
                    "cells": rates.map { ["value": percent($0), "heat": Charts.heat($0)] }]
        }
        let heatColumns: [[String: Any]] = report.departments.map { ["title": $0.title, "url": "departments/\($0.id).html"] }
            + [["title": s["allDepartments"] ?? "All"]]
        // The distribution of visit scores in tenths.
        var buckets = [Int](repeating: 0, count: 10)
        for visit in report.visits { if let score = visit.counted { buckets[Swift.min(9, Int(score / 10))] += 1 } }
        let bucketLabels = (0..<10).map { $0 == 9 ? "90–100" : "\($0 * 10)–\($0 * 10 + 9)" }
        let distributionTitle = s["scoreDistribution"] ?? "Visit scores"
        return [
            "overall": groupRow(report.overall, url: nil, minAnswers: min, target: target),
            "target": target.map { Charts.n($0) + " %" } as Any, "hasTarget": target != nil,
            "scoreChart": Charts.line(title: scoreTitle, labels: labels, values: report.months.map(\.score), range: 0...100, target: target),
            "npsChart": Charts.line(title: npsTitle, labels: labels, values: report.months.map(\.nps), range: -100...100, unit: ""),
            "scoreTitle": scoreTitle, "npsTitle": npsTitle,
            "months": months, "departments": departments,
            "heatColumns": heatColumns, "heat": heat,
            "distributionTitle": distributionTitle,
            "distribution": Charts.bars(title: distributionTitle, labels: bucketLabels, counts: buckets),
            "buckets": zip(bucketLabels, buckets).map { ["range": $0, "count": $1] },
            "weakest": weakest(report, depth: 1), "hasWeakest": !report.weakest(1).isEmpty,
        ].merging(visitList(report.visits, depth: 1, limit: Quality.latestVisits)) { _, b in b }
    }

    /// The dashboard and a department's page list the latest visits; a month's page lists all
    /// of its visits, so that every visit is a link away with thousands of them.
    func visitList(_ visits: [VisitScore], depth: Int, limit: Int?) -> [String: Any] {
        let shown = limit.map { Array(visits.suffix($0)) } ?? visits
        var c: [String: Any] = ["visits": visitRows(shown, depth: depth),
                                "visitsTitle": shown.count < visits.count ? (s["latestVisits"] ?? "Latest visits") : (s["visitsList"] ?? "Visits")]
        if shown.count < visits.count {
            c["visitsMore"] = (s["moreVisits"] ?? "The latest %1 of %2 visits; the others are on the month pages.")
                .replacingOccurrences(of: "%1", with: String(shown.count)).replacingOccurrences(of: "%2", with: String(visits.count))
        }
        return c
    }

    func visitRows(_ visits: [VisitScore], depth: Int) -> [[String: Any]] {
        guard let quality else { return [] }
        return visits.reversed().map { visit in
            let v = visit.visit
            let name = quality.visitNames[v.visit.id] ?? Quality.pageName(v.visit.id)
            let department = book.config.departments.first { $0.id == v.department }?.title ?? v.department
            return ["url": depth == 1 ? "visits/\(name).html" : "../visits/\(name).html", "date": v.date.description,
                    "department": department, "journey": book.entity(.journey, v.journey)?.title ?? v.journey,
                    "score": percent(visit.score), "failed": visit.failed, "nps": v.visit.nps.map(String.init) ?? "—"]
        }
    }

    func qualityGroup(_ quality: Quality, department: GroupScore? = nil, month: GroupScore? = nil) -> [String: Any] {
        let wanted = month.flatMap { Month($0.id) }
        let report = Scores.report(quality.report.visits.filter { visit in
            (department == nil || visit.visit.department == department!.id) && (wanted == nil || visit.visit.month == wanted)
        }, audits: quality.audits, book: book)
        let min = report.minAnswers, target = report.target
        var c: [String: Any] = [
            "title": department?.title ?? month.map { monthTitle($0.id) } ?? "",
            "overall": groupRow(report.overall, url: nil, minAnswers: min, target: target),
            "weakest": weakest(report, depth: 2), "hasWeakest": !report.weakest(1).isEmpty,
            "stages": report.stages.map { stage -> [String: Any] in
                ["title": stage.title, "journey": book.entity(.journey, String(stage.id.split(separator: "/").first ?? ""))?.title ?? "",
                 "rate": percent(stage.passRate), "heat": Charts.heat(stage.passRate), "meter": Charts.meter(stage.passRate)]
            },
        ]
        c.merge(visitList(report.visits, depth: 2, limit: department != nil ? Quality.latestVisits : nil)) { _, b in b }
        if department != nil {
            let labels = report.months.map { monthTitle($0.id) }
            let title = s["scoreByMonth"] ?? "Score by month"
            c["chartTitle"] = title
            c["chart"] = Charts.line(title: title, labels: labels, values: report.months.map(\.score), range: 0...100, target: target)
            c["rows"] = report.months.map { m in
                groupRow(m, url: "../months/\(m.id).html", minAnswers: min, target: target).merging(["title": monthTitle(m.id)]) { _, b in b }
            }
            c["rowsTitle"] = s["byMonth"] ?? "By month"
        } else {
            c["rows"] = report.departments.map { d in groupRow(d, url: "../departments/\(d.id).html", minAnswers: min, target: target) }
            c["rowsTitle"] = s["byDepartment"] ?? "By department"
        }
        return c
    }

    /// The heading row of a stage's answers (`partials/answer-stage`), rendered once per title.
    func stageRow(_ quality: Quality, _ title: String) -> String {
        if let html = quality.stageRows.withLock({ $0[title] }) { return html }
        var context = SiteRenderer.prepared(["title": title])
        context["s"] = strings
        let html = library.render(Context(context), withTemplate: "partials/answer-stage") ?? ""
        quality.stageRows.withLock { $0[title] = html }
        return html
    }

    func qualityVisit(_ quality: Quality, _ visit: VisitScore) -> [String: Any] {
        let v = visit.visit
        let department = book.config.departments.first { $0.id == v.department }?.title ?? v.department
        // The facts are named fields, not a list: each item of a Mustache list costs microseconds,
        // and a season of audits has thousands of visit pages.
        var c: [String: Any] = [
            "title": visitTitle(visit), "date": v.date.description, "department": department,
            "nps": v.visit.nps.map(String.init) ?? "—", "score": percent(visit.score), "failed": visit.failed,
        ]
        if let journey = book.entity(.journey, v.journey) { c["journey"] = link(journey.key, depth: 2) }
        if let channel = v.visit.channel { c["channel"] = self.channel(channel) ?? channel }
        if let auditor = v.visit.auditor { c["auditor"] = quality.redact(auditor, hidden: s["nameHidden"] ?? "…") }
        let notes = v.visit.notes.isEmpty ? [:]
            : Dictionary(v.visit.notes.map { ($0.check.text.trimmingCharacters(in: .whitespaces), $0.text) }, uniquingKeysWith: { a, _ in a })
        let stages = (book.entity(.journey, v.journey)?.journey?.stages ?? [])
        // One table, a row group per stage: a list of tables would cost a Mustache list item each.
        var answers = "", group: String?
        answers.reserveCapacity(v.answers.count * 256)
        // In the journey's order of stages (checks off the checklist last), each stage once.
        let order = v.answers.indices.sorted { a, b in
            let sa = v.answers[a].item.stage, sb = v.answers[b].item.stage
            let ka = sa >= 0 && sa < stages.count ? sa : Int.max, kb = sb >= 0 && sb < stages.count ? sb : Int.max
            return (ka, a) < (kb, b)
        }
        for index in order {
            let (item, answer) = v.answers[index], slot = v.slots[index]
            let title = item.stage >= 0 && item.stage < stages.count ? stages[item.stage].title : (s["other"] ?? "")
            if group != title {
                if group != nil { answers += "</tbody>\n" }
                answers += "<tbody>\n" + stageRow(quality, title)
                group = title
            }
            let note = notes.isEmpty ? nil : notes[item.ref] ?? notes[item.standard + "/" + String(item.index + 1)]
            let cached = note == nil && slot.item >= 0 ? slot.item * 3 + Quality.answerIndex(answer) : nil
            if let cached, let html = quality.answerRows.withLock({ $0[cached] }) {
                answers += html
                continue
            }
            var row: [String: Any] = ["text": item.check.text, "answer": s["answer_\(answer.rawValue)"] ?? answer.rawValue,
                                      "class": "answer-\(answer.rawValue)", "critical": item.check.critical]
            if let standard = book.entity(.standard, item.standard) { row["standard"] = link(standard.key, depth: 2) }
            if let note { row["note"] = quality.redact(note, hidden: s["nameHidden"] ?? "…") }
            var context = SiteRenderer.prepared(row)
            context["s"] = strings
            let html = library.render(Context(context), withTemplate: "partials/answer-row") ?? ""
            if let cached { quality.answerRows.withLock { $0[cached] = html } }
            answers += html
        }
        if group != nil { answers += "</tbody>\n" }
        c["answers"] = answers
        let account = quality.redact(v.visit.account, hidden: s["nameHidden"] ?? "…")
        if !account.isBlankText {
            c["account"] = MarkdownHTML.render(account, styles: [MarkdownHTML.Style(headingShift: 1, idPrefix: "sb:account-", linksTerms: false)],
                                               keep: { destination, _ in LinkResolver.isExternal(destination) && !LinkResolver.isUnsafe(destination) },
                                               resolve: { $0 }, terms: nil, url: { target, _, _ in target }).first ?? ""
        }
        return c
    }

    /// The pass rate of a standard or a step, for its page: overall, a line of its months, a
    /// table of the same numbers.
    func qualitySection(_ rates: Quality.Rates?, months: [Month], title: String) -> [String: Any]? {
        guard let rates, let rate = rates.rate else { return nil }
        let values = months.map { rates.rate($0) }
        return [
            "rate": percent(rate), "title": title, "url": Paths.relative(QualityPaths.index, depth: 1),
            "spark": Charts.sparkline(title: title, values: values),
            "months": zip(months, values).map { ["month": monthTitle($0.id), "rate": percent($1)] },
        ]
    }
}

enum StaffPaths {
    static let index = "staff/index.html"
    static func employee(_ id: String) -> String { "staff/\(id).html" }
}

extension SiteRenderer {
    /// The per-employee pages of the managers' report (`servicebook report`): never in the handbook.
    func staffPlans() -> [PagePlan] {
        guard staffPages, let quality else { return [] }
        let title = s["staffReport"] ?? "Staff"
        var plans = [PagePlan(path: StaffPaths.index, depth: 1, template: "staff", title: title) { staffIndex(quality) }]
        for employee in quality.report.employees {
            plans.append(PagePlan(path: StaffPaths.employee(employee.id), depth: 1, template: "employee",
                                  title: "\(title) — \(employee.title)") { employeePage(quality, employee) })
        }
        return plans
    }

    func staffIndex(_ quality: Quality) -> [String: Any] {
        let report = quality.report
        return ["rows": report.employees.map { e -> [String: Any] in
            var row = groupRow(e, url: "\(e.id).html", minAnswers: report.minAnswers, target: report.target)
            row["band"] = e.band?.title ?? ""
            if let role = e.role.flatMap({ book.entity(.role, $0) }) { row["role"] = link(role.key, depth: 1) }
            row["department"] = book.config.departments.first { $0.id == e.department }?.title ?? e.department ?? ""
            return row
        }]
    }

    func employeePage(_ quality: Quality, _ employee: GroupScore) -> [String: Any] {
        let report = Scores.report(quality.report.visits.filter { $0.visit.employees.contains(employee.id) },
                                   audits: quality.audits, book: book)
        var facts: [[String: Any]] = []
        let role = employee.role.flatMap { book.entity(.role, $0) }
        if let role { facts.append(["label": s["role"] ?? "Role", "link": link(role.key, depth: 1)]) }
        if let department = book.config.departments.first(where: { $0.id == employee.department }) {
            facts.append(["label": s["department"] ?? "Department", "value": department.title])
        }
        facts.append(["label": s["score"] ?? "Score", "value": percent(employee.score)])
        facts.append(["label": s["band"] ?? "Band", "value": employee.band?.title ?? "—"])
        facts.append(["label": s["visits"] ?? "Visits", "value": String(employee.visits)])
        facts.append(["label": s["failedVisits"] ?? "Failed", "value": String(employee.failed)])
        // The checks this person's visits answered no, the most often first.
        var failed: [String: (item: ChecklistItem, no: Int, answered: Int)] = [:]
        for visit in report.visits {
            for (item, answer) in visit.visit.answers where answer != .na {
                let key = item.standard + "/" + String(item.index)
                var entry = failed[key] ?? (item, 0, 0)
                entry.answered += 1
                if answer == .no { entry.no += 1 }
                failed[key] = entry
            }
        }
        let handbook = role.map { Paths.relative(Paths.page($0.key), depth: 1) }
        let checks = failed.values.filter { $0.no > 0 }
            .sorted { ($1.no, $0.item.standard, $0.item.index) < ($0.no, $1.item.standard, $1.item.index) }
            .map { entry -> [String: Any] in
                var c: [String: Any] = ["text": entry.item.check.text, "no": entry.no, "answered": entry.answered,
                                        "critical": entry.item.check.critical]
                if let standard = book.entity(.standard, entry.item.standard) { c["standard"] = link(standard.key, depth: 1) }
                if let script = trainingScript(entry.item.standard) { c["script"] = link(script.key, depth: 1) }
                if let handbook {
                    c["handbookStandards"] = handbook + "#sb:standards-title"
                    c["handbookScripts"] = handbook + "#sb:scripts-title"
                }
                return c
            }
        return [
            "title": employee.title, "facts": facts, "checks": checks, "hasChecks": !checks.isEmpty,
            "visits": report.visits.reversed().map { visit -> [String: Any] in
                let v = visit.visit
                let name = quality.visitNames[v.visit.id] ?? Quality.pageName(v.visit.id)
                return ["url": "../" + QualityPaths.visit(name), "date": v.date.description,
                        "journey": book.entity(.journey, v.journey)?.title ?? v.journey,
                        "department": book.config.departments.first { $0.id == v.department }?.title ?? v.department,
                        "score": percent(visit.score), "failed": visit.failed, "nps": v.visit.nps.map(String.init) ?? "—"]
            },
        ]
    }
}
