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
    /// How many entities satisfy each rule, and how many links between documents resolve.
    public static func report(_ book: Book, today: Day) -> [CompletenessItem] {
        Checker.run(book, today: today).completeness
    }

    /// A line of the report: the kinds it counts and the fact they must have.
    struct Rule {
        let id: String
        let text: String
        let kinds: [Kind]
        let fact: Facts
    }

    static func rules(_ book: Book) -> [Rule] {
        func used(_ id: String) -> Rule {
            let usage = UsageTest.all.first { $0.id == id }!
            return Rule(id: usage.id, text: usage.rule, kinds: [usage.kind], fact: .used)
        }
        let all = Kind.allCases
        return [
            Rule(id: "steps-with-responsible-and-script", text: "steps with a responsible role and a script", kinds: [.step], fact: .staffed),
            used("steps-in-journeys"),
            Rule(id: "situations-with-responsible-and-script", text: "situations with a responsible role and a script",
                 kinds: [.situation], fact: .staffed),
            Rule(id: "situations-with-escalation", text: "situations with an escalation role", kinds: [.situation], fact: .escalates),
            used("situations-in-steps"),
            used("scripts-in-use"),
            used("standards-in-use"),
            Rule(id: "standards-with-checks", text: "standards with checks", kinds: [.standard], fact: .checked),
            used("roles-responsible"),
            Rule(id: "documents-with-body", text: "documents with a body", kinds: all, fact: .hasBody),
            Rule(id: "documents-with-summary", text: "documents with a summary", kinds: all, fact: .hasSummary),
            Rule(id: "documents-reviewed", text: Review.rule(book), kinds: all, fact: .reviewed),
        ]
    }

    /// The report from the kind and facts of each document's entity (aligned with
    /// `book.documents`; nil for a document without one).
    static func report(_ book: Book, facts: [(kind: Kind, facts: Facts)?]) -> [CompletenessItem] {
        // How many entities of each kind have each combination of facts.
        var tally = [[Int]](repeating: [Int](repeating: 0, count: 256), count: Kind.allCases.count)
        for case let (kind, facts)? in facts { tally[kind.index][Int(facts.rawValue)] += 1 }
        var items = rules(book).map { rule -> CompletenessItem in
            var satisfied = 0, total = 0
            for kind in rule.kinds {
                for (bits, count) in tally[kind.index].enumerated() where count > 0 {
                    total += count
                    if Facts(rawValue: UInt8(bits)).contains(rule.fact) { satisfied += count }
                }
            }
            return CompletenessItem(id: rule.id, rule: rule.text, satisfied: satisfied, total: total)
        }
        // Links between documents (not to other sites): all of them, and those that resolve.
        let links = book.findings.internalLinks, resolving = book.findings.resolvingLinks
        items.append(CompletenessItem(id: "links-resolve", rule: "links between documents that resolve", satisfied: resolving, total: links))
        return items
    }
}
