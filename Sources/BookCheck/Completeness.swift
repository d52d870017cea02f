import Dispatch
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
    /// A rule of the report: the kinds it counts and what an entity must have.
    struct Rule {
        let id: String
        let text: String
        let kinds: Set<Kind>
        let test: (Entity) -> Bool
    }

    static func rules(_ book: Book, today: Day) -> [Rule] {
        func usedBy(_ field: String) -> (Entity) -> Bool {
            { book.isReferenced($0, byField: field) }
        }
        let all = Set(Kind.allCases)
        var rules = [
            Rule(id: "steps-with-responsible-and-script", text: "steps with a responsible role and a script", kinds: [.step]) { e in
                guard let s = e.step else { return false }
                return book.resolve(s.responsible, as: .role) != nil && s.scripts.contains { book.resolve($0, as: .script) != nil }
            },
            Rule(id: "steps-in-journeys", text: "steps that belong to a journey", kinds: [.step]) {
                !(book.index.placements[$0.id] ?? []).isEmpty
            },
            Rule(id: "situations-with-responsible-and-script", text: "situations with a responsible role and a script", kinds: [.situation]) { e in
                guard let s = e.situation else { return false }
                return book.resolve(s.responsible, as: .role) != nil && s.scripts.contains { book.resolve($0, as: .script) != nil }
            },
            Rule(id: "situations-with-escalation", text: "situations with an escalation role", kinds: [.situation]) {
                book.resolve($0.situation?.escalation, as: .role) != nil
            },
            Rule(id: "situations-in-steps", text: "situations listed by a step", kinds: [.situation], test: usedBy("situations")),
            Rule(id: "scripts-in-use", text: "scripts used by a step or situation", kinds: [.script], test: usedBy("script")),
            Rule(id: "standards-in-use", text: "standards referred to by a step or situation", kinds: [.standard], test: usedBy("standards")),
            Rule(id: "standards-with-checks", text: "standards with checks", kinds: [.standard]) { $0.standard?.checks.isEmpty == false },
            Rule(id: "roles-responsible", text: "roles responsible for a step or situation", kinds: [.role]) {
                book.index.roles[$0.id]?.isResponsibleForSomething == true
            },
            Rule(id: "documents-with-body", text: "documents with a body", kinds: all) { !$0.source.markdown.isBlank },
            Rule(id: "documents-with-summary", text: "documents with a summary", kinds: all) { !($0.summary ?? "").isEmpty },
        ]
        if let interval = book.config.reviewIntervalDays {
            rules.append(Rule(id: "documents-reviewed", text: "documents reviewed in the last \(interval) days", kinds: all) {
                guard let reviewed = $0.reviewed else { return false }
                return today.ordinal - reviewed.ordinal <= interval
            })
        } else {
            rules.append(Rule(id: "documents-reviewed", text: "documents with a reviewed date", kinds: all) { $0.reviewed != nil })
        }
        return rules
    }

    /// How many entities satisfy each rule, and how many links resolve.
    public static func report(_ book: Book, today: Day) -> [CompletenessItem] {
        let rules = rules(book, today: today)
        // In chunks on every core, each with counts of its own, added up at the end.
        let entities = Kind.allCases.flatMap { book.all($0) }
        let chunks = Swift.max(1, Swift.min(64, entities.count / 256))
        var counts = [([Int], [Int])](repeating: ([], []), count: chunks)
        counts.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                var satisfied = [Int](repeating: 0, count: rules.count + 1), total = satisfied
                for entity in entities[(chunk * entities.count / chunks)..<((chunk + 1) * entities.count / chunks)] {
                    tally(entity, book, rules, into: &satisfied, &total, sign: 1)
                }
                (base + chunk).pointee = (satisfied, total)
            }
        }
        var satisfied = [Int](repeating: 0, count: rules.count + 1), total = satisfied
        for (s, t) in counts {
            for i in satisfied.indices { satisfied[i] += s[i]; total[i] += t[i] }
        }
        for resolved in book.links.values { tally(resolved, into: &satisfied, &total, sign: 1) }
        return items(rules, satisfied, total)
    }

    /// The report of `book` from the report of the book before some of its documents were edited
    /// (`ModelBuilder.update`): the counts of the entities the edits affected, as the old book
    /// had them, out; as the new book has them, in; and the same for the edited documents' links.
    public static func update(_ previous: [CompletenessItem], from old: Book, to book: Book, entities: Set<EntityKey>,
                              documents: [String], today: Day) -> [CompletenessItem] {
        let before = rules(old, today: today), after = rules(book, today: today)
        guard previous.count == after.count + 1, before.map(\.id) == after.map(\.id) else { return report(book, today: today) }
        var satisfied = previous.map(\.satisfied), total = previous.map(\.total)
        for key in entities {
            if let entity = old[key] { tally(entity, old, before, into: &satisfied, &total, sign: -1) }
            if let entity = book[key] { tally(entity, book, after, into: &satisfied, &total, sign: 1) }
        }
        for path in documents {
            tally(old.links[path] ?? [], into: &satisfied, &total, sign: -1)
            tally(book.links[path] ?? [], into: &satisfied, &total, sign: 1)
        }
        return items(after, satisfied, total)
    }

    static func tally(_ entity: Entity, _ book: Book, _ rules: [Rule], into satisfied: inout [Int], _ total: inout [Int], sign: Int) {
        for (i, rule) in rules.enumerated() where rule.kinds.contains(entity.kind) {
            total[i] += sign
            if rule.test(entity) { satisfied[i] += sign }
        }
    }

    /// Links between documents (not to other sites): all of them, and those that resolve.
    static func tally(_ resolved: [(link: BodyLink, target: ResolvedLink)], into satisfied: inout [Int], _ total: inout [Int], sign: Int) {
        for (_, target) in resolved {
            switch target {
            case .external: continue
            case .broken: total[total.count - 1] += sign
            default: total[total.count - 1] += sign; satisfied[satisfied.count - 1] += sign
            }
        }
    }

    static func items(_ rules: [Rule], _ satisfied: [Int], _ total: [Int]) -> [CompletenessItem] {
        zip(rules.indices, rules).map { i, rule in CompletenessItem(id: rule.id, rule: rule.text, satisfied: satisfied[i], total: total[i]) }
            + [CompletenessItem(id: "links-resolve", rule: "links between documents that resolve",
                                satisfied: satisfied[rules.count], total: total[rules.count])]
    }
}
