/// An id written in a document, pointing at another entity, with where it was written.
public struct Reference: Hashable, Sendable {
    public let id: String
    public let location: SourceLocation

    public init(id: String, location: SourceLocation) {
        self.id = id
        self.location = location
    }
}

/// A calendar date (`reviewed: 2026-05-14`).
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1 else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard day <= days else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` (ASCII digits).
    public init?(_ text: String) {
        var digits = (0, 0, 0), at = 0
        for byte in text.utf8 {
            switch at {
            case 4, 7: guard byte == UInt8(ascii: "-") else { return nil }
            case 0..<10:
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                let d = Int(byte - UInt8(ascii: "0"))
                if at < 4 { digits.0 = digits.0 * 10 + d } else if at < 7 { digits.1 = digits.1 * 10 + d } else { digits.2 = digits.2 * 10 + d }
            default: return nil
            }
            at += 1
        }
        guard at == 10 else { return nil }
        self.init(year: digits.0, month: digits.1, day: digits.2)
    }

    /// Days since 1970-01-01 (proleptic Gregorian calendar).
    public var ordinal: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public var description: String {
        func pad(_ n: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(n).count)) + String(n) }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }
}

public struct Stage: Sendable, Hashable {
    public let id: String
    public let title: String
    public let summary: String?
    public let steps: [Reference]
    public let location: SourceLocation
}

public struct Journey: Sendable, Hashable {
    public let stages: [Stage]
}

public struct Step: Sendable, Hashable {
    public let responsible: Reference?
    public let participants: [Reference]
    public let scripts: [Reference]
    public let standards: [Reference]
    public let situations: [Reference]
    public let channel: String?
    public let timing: String?
}

public enum SituationSeverity: String, CaseIterable, Sendable, Hashable {
    case low, medium, high, critical
}

public struct Situation: Sendable, Hashable {
    public let responsible: Reference?
    public let scripts: [Reference]
    public let escalation: Reference?
    public let channel: String?
    public let severity: SituationSeverity?
    public let standards: [Reference]
}

public struct Role: Sendable, Hashable {
    public let reportsTo: Reference?
}

/// An observable criterion of a standard, ticked by a mystery shopper.
public struct Check: Sendable, Hashable {
    /// Its id within its standard, if it has one: audits refer to it as `standard/id` (else as
    /// `standard/number`, which shifts when checks are added).
    public let id: String?
    public let text: String
    public let weight: Double
    public let critical: Bool
    public let location: SourceLocation
}

public struct Standard: Sendable, Hashable {
    public let category: String?
    /// Empty means every role.
    public let appliesTo: [Reference]
    public let checks: [Check]
}

/// A forbidden phrase and what to say instead.
public struct Phrase: Sendable, Hashable {
    public let avoid: String
    public let say: String
    public let location: SourceLocation
}

public struct Script: Sendable, Hashable {
    public let channel: String?
    public let phrases: [Phrase]
}

public struct Term: Sendable, Hashable {
    public let aliases: [String]
}

public struct Page: Sendable, Hashable {
    public let order: Int?
}

/// The fields of one kind.
public enum Details: Sendable, Hashable {
    case journey(Journey)
    case step(Step)
    case situation(Situation)
    case role(Role)
    case standard(Standard)
    case script(Script)
    case term(Term)
    case page(Page)
}

/// A typed entity of the book: the fields every kind has, its kind's details, and its source.
/// Immutable; a class so that indexes and pages share one copy.
public final class Entity: Sendable {
    public let key: EntityKey
    public let title: String
    public let summary: String?
    public let tags: [String]
    public let owner: Reference?
    public let reviewed: Day?
    public let reviewedLocation: SourceLocation?
    public let details: Details
    public let source: SourceDocument

    public init(key: EntityKey, title: String, summary: String?, tags: [String], owner: Reference?, reviewed: Day?,
                reviewedLocation: SourceLocation?, details: Details, source: SourceDocument) {
        self.key = key
        self.title = title
        self.summary = summary
        self.tags = tags
        self.owner = owner
        self.reviewed = reviewed
        self.reviewedLocation = reviewedLocation
        self.details = details
        self.source = source
        references = Entity.references(owner: owner, details)
    }

    public var id: String { key.id }
    public var kind: Kind { key.kind }

    public var journey: Journey? { if case .journey(let v) = details { v } else { nil } }
    public var step: Step? { if case .step(let v) = details { v } else { nil } }
    public var situation: Situation? { if case .situation(let v) = details { v } else { nil } }
    public var role: Role? { if case .role(let v) = details { v } else { nil } }
    public var standard: Standard? { if case .standard(let v) = details { v } else { nil } }
    public var script: Script? { if case .script(let v) = details { v } else { nil } }
    public var term: Term? { if case .term(let v) = details { v } else { nil } }
    public var page: Page? { if case .page(let v) = details { v } else { nil } }

    /// Every front-matter reference of this entity, with the field it is written in and the
    /// kind it must point at, in the order of the fields.
    public let references: [(field: String, kind: Kind, reference: Reference)]

    static func references(owner: Reference?, _ details: Details) -> [(field: String, kind: Kind, reference: Reference)] {
        var out: [(field: String, kind: Kind, reference: Reference)] = []
        func add(_ field: String, _ kind: Kind, _ refs: [Reference]) { for ref in refs { out.append((field, kind, ref)) } }
        func add(_ field: String, _ kind: Kind, _ ref: Reference?) { if let ref { out.append((field, kind, ref)) } }
        add("owner", .role, owner)
        switch details {
        case .journey(let j):
            for stage in j.stages { add("steps", .step, stage.steps) }
        case .step(let s):
            add("responsible", .role, s.responsible)
            add("participants", .role, s.participants)
            add("script", .script, s.scripts)
            add("standards", .standard, s.standards)
            add("situations", .situation, s.situations)
        case .situation(let s):
            add("responsible", .role, s.responsible)
            add("script", .script, s.scripts)
            add("escalation", .role, s.escalation)
            add("standards", .standard, s.standards)
        case .role(let r):
            add("reports_to", .role, r.reportsTo)
        case .standard(let s):
            add("applies_to", .role, s.appliesTo)
        case .script, .term, .page:
            break
        }
        return out
    }
}
