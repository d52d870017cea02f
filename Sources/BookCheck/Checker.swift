import BookAudit
import BookModel
import Synchronization

/// The check stage: every rule and the completeness report, from one look at each entity
/// (`Facts`).
public enum Checker {
    /// - Parameter cache: an earlier check of the same folder (`serve`): an entity whose facts
    ///   are the same has the same diagnostics.
    ///   - audits: the book's audits, when it has some: their rules run too, and the report
    ///     counts the checks audited lately.
    public static func run(_ book: Book, audits: Audits = .empty, today: Day,
                           cache: CheckCache? = nil) -> (diagnostics: [Diagnostic], completeness: [CompletenessItem]) {
        // Each entity's facts with its kind, so that the report need not visit the documents.
        let found = Parallel.chunks(of: book.documents.count, size: 256) { range in
            range.map { i in book.entity(at: i).map { (kind: $0.kind, facts: Facts($0, in: book, today: today)) } }
        }.flatMap { $0 }
        let facts = found.map { $0?.facts }
        var completeness = Completeness.report(book, facts: found)
        if !audits.isEmpty { completeness.append(AuditRules.completeness(audits, book: book, today: today)) }
        return (Rules.run(book, facts: facts, today: today, cache: cache) + AuditRules.run(audits, book: book, today: today),
                completeness)
    }
}

/// What `Checker.run` keeps for the next check of the same folder (`serve`): each entity's
/// diagnostics with the facts they were made from, while the date and the review interval stay.
public final class CheckCache: Sendable {
    struct Entry: Sendable {
        let entity: Entity
        let facts: Facts
        let diagnostics: [Diagnostic]
    }

    private struct State {
        var today: Day?
        var interval: Int?
        /// Aligned with the documents of the last book.
        var entries: [Entry?] = []
        var paths: [String] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// The entry of the document at an index for its entity, if the last check made one for
    /// the same entity on the same day with the same interval.
    func begin(_ book: Book, today: Day, interval: Int?) -> ((Int, Entity) -> Entry?)? {
        let (entries, paths) = state.withLock { state in
            state.today == today && state.interval == interval ? (state.entries, state.paths) : ([], [])
        }
        guard !entries.isEmpty else { return nil }
        if entries.count == book.documents.count && zip(paths, book.documents).allSatisfy({ $0 == $1.path }) {
            return { i, entity in entries[i].flatMap { $0.entity === entity ? $0 : nil } }
        }
        var byEntity: [ObjectIdentifier: Entry] = [:]
        for case let entry? in entries { byEntity[ObjectIdentifier(entry.entity)] = entry }
        return { _, entity in byEntity[ObjectIdentifier(entity)] }
    }

    func end(_ book: Book, facts: [Facts?], diagnostics: [[Diagnostic]], today: Day, interval: Int?) {
        let entries = facts.indices.map { i in
            facts[i].flatMap { facts in book.entity(at: i).map { Entry(entity: $0, facts: facts, diagnostics: diagnostics[i]) } }
        }
        let paths = book.documents.map(\.path)
        state.withLock {
            $0.today = today
            $0.interval = interval
            $0.entries = entries
            $0.paths = paths
        }
    }
}
