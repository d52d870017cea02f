import BookModel

/// The score of one visit: points of the checks answered yes ÷ points of the checks answered yes
/// or no × 100 (a check's points are its weight; n.a. and unanswered checks are left out). A no on
/// a critical check fails the visit: it counts as 0 in every mean, its own score still shown.
public final class VisitScore: Sendable {
    public let visit: ScoredVisit
    /// Nil when no check was answered yes or no.
    public let score: Double?
    public let failed: Bool
    /// What the visit counts in means: 0 when it failed, else its score.
    public var counted: Double? { failed ? 0 : score }

    public init(_ visit: ScoredVisit) {
        self.visit = visit
        var yes = 0.0, answered = 0.0, failed = false
        for (item, answer) in visit.answers {
            switch answer {
            case .yes: yes += item.check.weight; answered += item.check.weight
            case .no:
                answered += item.check.weight
                if item.check.critical { failed = true }
            case .na: break
            }
        }
        score = answered > 0 ? yes / answered * 100 : nil
        self.failed = failed
    }
}

/// The scores of a group of visits (the book, a department, an employee, a month, ...).
public struct GroupScore: Sendable {
    public let id: String
    public let title: String
    /// The mean of the visits' scores (failed ones count 0; those without a score are left out).
    public let score: Double?
    public let visits: Int
    public let failed: Int
    /// % of answers 9–10 minus % of answers 0–6, from −100 to 100, and how many answers.
    public let nps: Double?
    public let npsAnswers: Int
    /// For months: the change from the month before.
    public var scoreChange: Double?
    public var npsChange: Double?
    /// For employees: their band, role and department.
    public var band: Band?
    public var role: String?
    public var department: String?

    init(id: String, title: String, _ visits: [VisitScore]) {
        self.id = id
        self.title = title
        let counted = visits.compactMap(\.counted)
        score = counted.isEmpty ? nil : counted.reduce(0, +) / Double(counted.count)
        self.visits = visits.count
        failed = visits.filter(\.failed).count
        let answers = visits.compactMap(\.visit.visit.nps)
        npsAnswers = answers.count
        nps = answers.isEmpty ? nil
            : Double(answers.filter { $0 >= 9 }.count - answers.filter { $0 <= 6 }.count) / Double(answers.count) * 100
    }
}

/// How often a check passed: yes ÷ (yes + no) over the visits that answered it.
public struct CheckScore: Sendable {
    public let item: ChecklistItem
    public let passed: Int
    public let answered: Int
    public var passRate: Double? { answered > 0 ? Double(passed) / Double(answered) * 100 : nil }
}

/// The pass rate of several checks at once (a stage, a standard), weighted: the points of the
/// yes answers ÷ the points of the yes and no answers.
public struct RateScore: Sendable {
    public let id: String
    public let title: String
    public let passedPoints: Double
    public let answeredPoints: Double
    public let answered: Int
    public var passRate: Double? { answeredPoints > 0 ? passedPoints / answeredPoints * 100 : nil }
    /// Per month: the pass rate (nil where the month has no answer), and the points it is
    /// made of (to add rates up: a step's is its standards' together).
    public var months: [(month: Month, rate: Double?)] = []
    public var monthPoints: [(passed: Double, answered: Double)] = []
}

/// Everything the audits say, computed once: `servicebook audits`, the handbook's quality
/// section and the per-employee report read it.
public struct AuditReport: Sendable {
    public let overall: GroupScore
    public let departments: [GroupScore]
    public let employees: [GroupScore]
    public let roles: [GroupScore]
    public let journeys: [GroupScore]
    public let months: [GroupScore]
    public let checks: [CheckScore]
    public let stages: [RateScore]
    public let standards: [RateScore]
    /// Every visit scored, by date, then id.
    public let visits: [VisitScore]
    public let target: Double?
    public let minAnswers: Int

    /// The checks that pass least often (those answered yes or no), the weakest first.
    public func weakest(_ count: Int) -> [CheckScore] {
        Array(checks.filter { $0.passRate != nil }.sorted {
            ($0.passRate!, -$0.answered, $0.item.ref) < ($1.passRate!, -$1.answered, $1.item.ref)
        }.prefix(count))
    }

    /// The latest month's scores, if there are visits.
    public var latestMonth: GroupScore? { months.last }
}

public enum Scores {
    /// The report of `audits`, from month `since` on when given, of the visits `include` keeps.
    public static func report(_ audits: Audits, book: Book, since: Month? = nil,
                              include: (ScoredVisit) -> Bool = { _ in true }) -> AuditReport {
        let chosen = audits.scored.filter { (since == nil || $0.month >= since!) && include($0) }
            .sorted { ($0.date, $0.visit.id) < ($1.date, $1.visit.id) }
        return report(chosen.map(VisitScore.init), audits: audits, book: book)
    }

    /// The report of visits already scored, in the order of the report's `visits` (a group of
    /// another report's visits: a department's, a month's).
    public static func report(_ visits: [VisitScore], audits: Audits, book: Book) -> AuditReport {
        let evaluation = book.config.evaluation
        func groups<Key: Hashable>(_ keys: (VisitScore) -> [Key]) -> [Key: [VisitScore]] {
            var out: [Key: [VisitScore]] = [:]
            for visit in visits { for key in keys(visit) { out[key, default: []].append(visit) } }
            return out
        }
        let byDepartment = groups { [$0.visit.department] }
        let departments = book.config.departments.compactMap { department in
            byDepartment[department.id].map { GroupScore(id: department.id, title: department.title, $0) }
        }
        let byEmployee = groups { $0.visit.employees }
        let employees = audits.roster.compactMap { employee -> GroupScore? in
            guard let list = byEmployee[employee.id] else { return nil }
            var group = GroupScore(id: employee.id, title: employee.name, list)
            group.band = group.score.flatMap(evaluation.band(for:))
            group.role = employee.role?.id
            group.department = employee.department?.id
            return group
        }
        let roleOf = Dictionary(audits.roster.compactMap { e in e.role.map { (e.id, $0.id) } }, uniquingKeysWith: { a, _ in a })
        let byRole = groups { visit in Array(Set(visit.visit.employees.compactMap { roleOf[$0] })) }
        let roles = book.all(.role).compactMap { role in byRole[role.id].map { GroupScore(id: role.id, title: role.title, $0) } }
        let byJourney = groups { [$0.visit.journey] }
        let journeys = book.all(.journey).compactMap { journey in
            byJourney[journey.id].map { GroupScore(id: journey.id, title: journey.title, $0) }
        }
        let byMonth = groups { [$0.visit.month] }
        var months: [GroupScore] = []
        for month in byMonth.keys.sorted() {
            var group = GroupScore(id: month.id, title: month.id, byMonth[month]!)
            if let previous = months.last {
                group.scoreChange = zip(group.score, previous.score).map { $0 - $1 }
                group.npsChange = zip(group.nps, previous.nps).map { $0 - $1 }
            }
            months.append(group)
        }

        // Checks, stages and standards: their answers over every visit, counted in arrays by
        // the slots the audit model gave each check and stage (a month's tallies follow in
        // the same array, one row of slots per month).
        struct Tally { var passed = 0, answered = 0; var passedPoints = 0.0, answeredPoints = 0.0 }
        let monthList = byMonth.keys.sorted()
        let monthIndex = Dictionary(uniqueKeysWithValues: monthList.enumerated().map { ($1, $0) })
        let itemCount = audits.items.count, stageCount = audits.stageKeys.count
        var checkTallies = [Tally](repeating: Tally(), count: itemCount), present = [Bool](repeating: false, count: itemCount)
        var checkMonths = [Tally](repeating: Tally(), count: itemCount * monthList.count)
        var stageTallies = [Tally](repeating: Tally(), count: stageCount)
        var stageMonths = [Tally](repeating: Tally(), count: stageCount * monthList.count)
        for visit in visits {
            let month = monthIndex[visit.visit.month]!
            for ((item, answer), slot) in zip(visit.visit.answers, visit.visit.slots) {
                present[slot.item] = true
                guard answer != .na else { continue }
                let yes = answer == .yes, weight = item.check.weight
                func add(_ tally: inout Tally) {
                    tally.answered += 1
                    tally.answeredPoints += weight
                    if yes { tally.passed += 1; tally.passedPoints += weight }
                }
                add(&checkTallies[slot.item])
                add(&checkMonths[month * itemCount + slot.item])
                if slot.stage >= 0 {
                    add(&stageTallies[slot.stage])
                    add(&stageMonths[month * stageCount + slot.stage])
                }
            }
        }
        // A standard's tallies: the sums of its checks'.
        var standards: [String: Tally] = [:], standardMonths: [String: [Tally]] = [:]
        func sum(_ a: Tally, _ b: Tally) -> Tally {
            Tally(passed: a.passed + b.passed, answered: a.answered + b.answered,
                  passedPoints: a.passedPoints + b.passedPoints, answeredPoints: a.answeredPoints + b.answeredPoints)
        }
        for (slot, item) in audits.items.enumerated() where checkTallies[slot].answered > 0 {
            standards[item.standard] = sum(standards[item.standard] ?? Tally(), checkTallies[slot])
            var months = standardMonths[item.standard] ?? [Tally](repeating: Tally(), count: monthList.count)
            for m in monthList.indices { months[m] = sum(months[m], checkMonths[m * itemCount + slot]) }
            standardMonths[item.standard] = months
        }
        func rate(_ id: String, _ title: String, _ tally: Tally, _ perMonth: (Int) -> Tally) -> RateScore {
            var score = RateScore(id: id, title: title, passedPoints: tally.passedPoints, answeredPoints: tally.answeredPoints,
                                  answered: tally.answered)
            score.months = monthList.enumerated().map { m, month in
                let t = perMonth(m)
                return (month, t.answeredPoints > 0 ? t.passedPoints / t.answeredPoints * 100 : nil)
            }
            score.monthPoints = monthList.indices.map { m in let t = perMonth(m); return (t.passedPoints, t.answeredPoints) }
            return score
        }
        // Checks answered only n.a. are listed too (answered 0).
        let checkScores = audits.items.indices.filter { present[$0] }
            .map { CheckScore(item: audits.items[$0], passed: checkTallies[$0].passed, answered: checkTallies[$0].answered) }
            .sorted { ($0.item.standard, $0.item.index) < ($1.item.standard, $1.item.index) }
        let stageSlots = Dictionary(uniqueKeysWithValues: audits.stageKeys.enumerated().map { ($1, $0) })
        var stageScores: [RateScore] = []
        for journey in book.all(.journey) {
            for (i, stage) in (journey.journey?.stages ?? []).enumerated() {
                guard let slot = stageSlots[journey.id + "/" + String(i)], stageTallies[slot].answered > 0 else { continue }
                stageScores.append(rate(journey.id + "/" + stage.id, stage.title, stageTallies[slot]) { stageMonths[$0 * stageCount + slot] })
            }
        }
        let standardScores = book.all(.standard).compactMap { standard in
            standards[standard.id].map { rate(standard.id, standard.title, $0) { m in standardMonths[standard.id]![m] } }
        }
        return AuditReport(overall: GroupScore(id: "", title: book.config.title, visits), departments: departments,
                           employees: employees, roles: roles, journeys: journeys, months: months, checks: checkScores,
                           stages: stageScores, standards: standardScores, visits: visits, target: evaluation.target,
                           minAnswers: evaluation.minAnswers)
    }
}

func zip(_ a: Double?, _ b: Double?) -> (Double, Double)? {
    guard let a, let b else { return nil }
    return (a, b)
}
