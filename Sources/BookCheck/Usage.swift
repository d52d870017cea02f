import BookModel

/// What makes an entity of a kind "used": a step belongs to a journey, a script, situation or
/// standard is referred to, a role is responsible for something. The rules warn when a test
/// fails (`Rules`); the completeness report counts how many pass (`Completeness`). One table for
/// both, so that they cannot disagree.
struct UsageTest: Sendable {
    let kind: Kind
    let code: DiagnosticCode
    /// The completeness report's line: its stable id and its words.
    let id: String
    let rule: String
    let passes: @Sendable (Entity, Book) -> Bool
    let message: @Sendable (Entity) -> String
    let suggestion: String

    static let all: [UsageTest] = [
        UsageTest(kind: .step, code: .orphanStep, id: "steps-in-journeys", rule: "steps that belong to a journey",
                  passes: { entity, book in !(book.index.placements[entity.id] ?? []).isEmpty },
                  message: { "step \"\($0.id)\" is not part of any journey" },
                  suggestion: "list it in the steps of a journey's stage, or delete it"),
        UsageTest(kind: .situation, code: .unusedSituation, id: "situations-in-steps", rule: "situations listed by a step",
                  passes: { entity, book in book.isReferenced(entity, byField: "situations") },
                  message: { "situation \"\($0.id)\" is not listed by any step" },
                  suggestion: "add it to the \"situations\" of the steps where it can arise"),
        UsageTest(kind: .script, code: .unusedScript, id: "scripts-in-use", rule: "scripts used by a step or situation",
                  passes: { entity, book in book.isReferenced(entity, byField: "script") },
                  message: { "script \"\($0.id)\" is not used by any step or situation" },
                  suggestion: "name it in the \"script\" field of a step or situation"),
        UsageTest(kind: .standard, code: .unusedStandard, id: "standards-in-use", rule: "standards referred to by a step or situation",
                  passes: { entity, book in book.isReferenced(entity, byField: "standards") },
                  message: { "standard \"\($0.id)\" is not referred to by any step or situation" },
                  suggestion: "add it to the \"standards\" of the steps or situations it governs"),
        UsageTest(kind: .role, code: .idleRole, id: "roles-responsible", rule: "roles responsible for a step or situation",
                  passes: { entity, book in book.index.roles[entity.id]?.isResponsibleForSomething == true },
                  message: { "role \"\($0.id)\" is responsible for no step or situation" },
                  suggestion: "make it \"responsible\" for a step or situation, or delete it"),
    ]

    /// The test of each kind (nil for the kinds without one).
    static let byKind: [UsageTest?] = Kind.allCases.map { kind in all.first { $0.kind == kind } }

    static func of(_ kind: Kind) -> UsageTest? { byKind[kind.index] }
}

/// Whether a document was reviewed recently enough: against `review_interval_days` when the
/// book sets one. The rules warn about overdue documents; the completeness report counts the
/// reviewed ones.
enum Review {
    /// How many days ago `entity` was reviewed, when that is past the book's review interval.
    static func overdue(_ entity: Entity, interval: Int?, today: Day) -> (age: Int, interval: Int)? {
        guard let interval, let reviewed = entity.reviewed else { return nil }
        let age = today.ordinal - reviewed.ordinal
        return age > interval ? (age, interval) : nil
    }

    /// The completeness report's words for `Facts.reviewed`.
    static func rule(_ book: Book) -> String {
        book.config.reviewIntervalDays.map { "documents reviewed in the last \($0) days" } ?? "documents with a reviewed date"
    }
}

/// What the check finds out about one entity, once per check: the rules turn it into warnings,
/// the completeness report counts it.
struct Facts: OptionSet, Hashable, Sendable {
    let rawValue: UInt8

    /// Passes its kind's usage test (or its kind has none).
    static let used = Facts(rawValue: 1 << 0)
    /// A step or situation with a responsible role and a script that exist.
    static let staffed = Facts(rawValue: 1 << 1)
    /// A situation with an escalation role that exists.
    static let escalates = Facts(rawValue: 1 << 2)
    /// A standard with checks.
    static let checked = Facts(rawValue: 1 << 3)
    static let hasBody = Facts(rawValue: 1 << 4)
    static let hasSummary = Facts(rawValue: 1 << 5)
    /// Reviewed within the review interval (without one: reviewed at all).
    static let reviewed = Facts(rawValue: 1 << 6)
    /// Reviewed longer ago than the review interval.
    static let overdue = Facts(rawValue: 1 << 7)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(_ entity: Entity, in book: Book, today: Day) {
        var facts: Facts = []
        if UsageTest.of(entity.kind)?.passes(entity, book) ?? true { facts.insert(.used) }
        switch entity.details {
        case .step(let s):
            if book.resolve(s.responsible, as: .role) != nil && s.scripts.contains(where: { book.resolve($0, as: .script) != nil }) {
                facts.insert(.staffed)
            }
        case .situation(let s):
            if book.resolve(s.responsible, as: .role) != nil && s.scripts.contains(where: { book.resolve($0, as: .script) != nil }) {
                facts.insert(.staffed)
            }
            if book.resolve(s.escalation, as: .role) != nil { facts.insert(.escalates) }
        case .standard(let s):
            if !s.checks.isEmpty { facts.insert(.checked) }
        default:
            break
        }
        if !entity.source.markdown.isBlank { facts.insert(.hasBody) }
        if !(entity.summary ?? "").isEmpty { facts.insert(.hasSummary) }
        if Review.overdue(entity, interval: book.config.reviewIntervalDays, today: today) != nil {
            facts.insert(.overdue)
        } else if entity.reviewed != nil {
            facts.insert(.reviewed)
        }
        self = facts
    }
}
