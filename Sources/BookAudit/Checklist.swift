import BookModel

/// A check as a mystery shopper's checklist lists it: its standard, its place there, and the
/// stage of the journey it is ticked under.
///
/// A class (compared by value): every answer of every visit refers to one, and a copy is one
/// reference.
public final class ChecklistItem: Sendable, Hashable {
    public let standard: String
    /// Its place among its standard's checks, from 0.
    public let index: Int
    public let check: Check
    /// The stage (its place in the journey, from 0) whose steps first bring the standard in.
    public let stage: Int

    public init(standard: String, index: Int, check: Check, stage: Int) {
        self.standard = standard
        self.index = index
        self.check = check
        self.stage = stage
    }

    public static func == (a: ChecklistItem, b: ChecklistItem) -> Bool {
        a === b || (a.standard == b.standard && a.index == b.index && a.check == b.check && a.stage == b.stage)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(standard)
        hasher.combine(index)
        hasher.combine(check)
        hasher.combine(stage)
    }

    /// How visits name the check: `standard/id`, or `standard/number` for a check without an id.
    public var ref: String { CheckRef.text(standard: standard, check: check, index: index) }
}

/// Names of checks in audits: `phone-etiquette/pickup` (the check's id) or `phone-etiquette/2`
/// (its number in the standard, from 1).
public enum CheckRef {
    public static func text(standard: String, check: Check, index: Int) -> String {
        standard + "/" + (check.id ?? String(index + 1))
    }

    /// `standard/check` split in two; nil when the text has no "/" between two parts.
    public static func split(_ text: String) -> (standard: String, check: String)? {
        let trimmed = text.trimmingSpaces
        guard let slash = trimmed.firstIndex(of: "/") else { return nil }
        let standard = String(trimmed[..<slash]), check = String(trimmed[trimmed.index(after: slash)...])
        guard !standard.isEmpty, !check.isEmpty else { return nil }
        return (standard, check)
    }
}

/// The mystery-shopper checklist of a journey: the checks of the standards its steps name,
/// grouped by stage, each standard under the first stage whose steps bring it in. The
/// checklist page prints it; visits are scored against it.
public struct Checklist: Sendable {
    public let journey: String
    public let items: [ChecklistItem]

    public init(_ journey: Entity, in book: Book) {
        self.journey = journey.id
        var items: [ChecklistItem] = []
        var seen = Set<String>()
        for (stageIndex, stage) in (journey.journey?.stages ?? []).enumerated() {
            for stepRef in stage.steps {
                guard let step = book.entity(.step, stepRef.id)?.step else { continue }
                for ref in step.standards {
                    guard let standard = book.resolve(ref, as: .standard), let checks = standard.standard?.checks,
                          !checks.isEmpty, seen.insert(standard.id).inserted else { continue }
                    for (index, check) in checks.enumerated() {
                        items.append(ChecklistItem(standard: standard.id, index: index, check: check, stage: stageIndex))
                    }
                }
            }
        }
        self.items = items
    }

    /// The items of each stage that has some, in order: (stage index, items).
    public var stages: [(stage: Int, items: [ChecklistItem])] {
        var out: [(stage: Int, items: [ChecklistItem])] = []
        for item in items {
            if out.last?.stage == item.stage { out[out.count - 1].items.append(item) } else { out.append((item.stage, [item])) }
        }
        return out
    }

    /// Every checklist of the book, by journey id.
    public static func all(_ book: Book) -> [String: Checklist] {
        Dictionary(uniqueKeysWithValues: book.all(.journey).map { ($0.id, Checklist($0, in: book)) })
    }
}
