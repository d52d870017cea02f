import BookModel

/// One line of the completeness report: how many entities satisfy a rule.
public struct CompletenessItem: Sendable, Hashable, Codable {
    /// A stable identifier of the rule, for tools.
    public let id: String
    /// The rule in words.
    public let rule: String
    public let satisfied: Int
    public let total: Int

    public var isComplete: Bool { satisfied == total }
}

public enum Completeness {
    public static func report(_ book: Book, today: Day) -> [CompletenessItem] {
        var items: [CompletenessItem] = []
        func add(_ id: String, _ rule: String, _ entities: [Entity], _ test: (Entity) -> Bool) {
            items.append(CompletenessItem(id: id, rule: rule, satisfied: entities.filter(test).count, total: entities.count))
        }
        func usedBy(_ field: String) -> (Entity) -> Bool {
            { book.isReferenced($0, byField: field) }
        }
        let steps = book.all(.step), situations = book.all(.situation)
        add("steps-with-responsible-and-script", "steps with a responsible role and a script", steps) { e in
            guard let s = e.step else { return false }
            return book.resolve(s.responsible, as: .role) != nil && s.scripts.contains { book.resolve($0, as: .script) != nil }
        }
        add("steps-in-journeys", "steps that belong to a journey", steps) { !(book.index.placements[$0.id] ?? []).isEmpty }
        add("situations-with-responsible-and-script", "situations with a responsible role and a script", situations) { e in
            guard let s = e.situation else { return false }
            return book.resolve(s.responsible, as: .role) != nil && s.scripts.contains { book.resolve($0, as: .script) != nil }
        }
        add("situations-with-escalation", "situations with an escalation role", situations) {
            book.resolve($0.situation?.escalation, as: .role) != nil
        }
        add("situations-in-steps", "situations listed by a step", situations, usedBy("situations"))
        add("scripts-in-use", "scripts used by a step or situation", book.all(.script), usedBy("script"))
        add("standards-in-use", "standards referred to by a step or situation", book.all(.standard), usedBy("standards"))
        add("standards-with-checks", "standards with checks", book.all(.standard)) { $0.standard?.checks.isEmpty == false }
        add("roles-responsible", "roles responsible for a step or situation", book.all(.role)) {
            book.index.roles[$0.id]?.isResponsibleForSomething == true
        }
        let all = Kind.allCases.flatMap { book.all($0) }
        add("documents-with-body", "documents with a body", all) { !$0.source.markdown.isBlank }
        add("documents-with-summary", "documents with a summary", all) { !($0.summary ?? "").isEmpty }
        if let interval = book.config.reviewIntervalDays {
            add("documents-reviewed", "documents reviewed in the last \(interval) days", all) {
                guard let reviewed = $0.reviewed else { return false }
                return today.ordinal - reviewed.ordinal <= interval
            }
        } else {
            add("documents-reviewed", "documents with a reviewed date", all) { $0.reviewed != nil }
        }
        let links = book.links.values.flatMap { $0 }.filter {
            if case .external = $0.target { return false }
            return true
        }
        let resolved = links.filter { if case .broken = $0.target { return false } else { return true } }.count
        items.append(CompletenessItem(id: "links-resolve", rule: "links between documents that resolve",
                                      satisfied: resolved, total: links.count))
        return items
    }
}
