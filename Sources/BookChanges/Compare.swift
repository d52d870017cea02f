import BookModel
import Foundation

/// Compares two editions of a book entity by entity.
public enum Compare {
    /// - Parameters:
    ///   - old: the previous edition; `new`: the current one.
    ///   - since: how the user named the previous edition (a revision or a folder).
    public static func editions(old: Book, new: Book, since: String) -> BookChanges {
        let oldKeys = Set(Kind.allCases.flatMap { old.all($0).map(\.key) })
        let newKeys = Set(Kind.allCases.flatMap { new.all($0).map(\.key) })
        var removed = oldKeys.subtracting(newKeys), added = newKeys.subtracting(oldKeys)
        let renames = self.renames(removed: removed, added: added, old: old, new: new)
        for rename in renames {
            removed.remove(rename.old)
            added.remove(rename.new)
        }
        var renamedTo: [EntityKey: String] = [:]
        for rename in renames { renamedTo[rename.old] = rename.to }
        // An old reference, as it reads in the new edition (an id renamed since is the new id).
        let mapped: (Kind, String) -> String = { kind, id in renamedTo[EntityKey(kind, id)] ?? id }

        // Each entity of both editions compared on its own, on every core.
        let pairs = (oldKeys.intersection(newKeys).map { ($0, $0) } + renames.map { ($0.old, $0.new) }).sorted { $0.1 < $1.1 }
        let changed: [EntityChange] = pairs.parallelMap { oldKey, newKey -> EntityChange? in
            guard let before = old[oldKey], let after = new[newKey] else { return nil }
            // The same parse in both (a file the editions share): nothing to compare, unless a
            // rename changes what its references read as.
            if before.source === after.source && renamedTo.isEmpty { return nil }
            let fields = Fields.compare(Fields.of(before, map: mapped), Fields.of(after, map: { $1 }))
            let same = before.source.body == after.source.body
            let (body, sections) = same ? (false, [])
                : Sections.compare(before.source, after.source, oldBody: Sections.renamingLinks(before.source, in: old, renamedTo: renamedTo))
            return !fields.isEmpty || body ? EntityChange(key: newKey, fields: fields, body: body, sections: sections) : nil
        }.compactMap { $0 }

        // Per role: whatever changed in its handbook as it was or as it is.
        var roles: [(role: String, title: String, changes: [EntityKey])] = []
        let roleIDs = Set(old.all(.role).map { mapped(.role, $0.id) } + new.all(.role).map(\.id))
        let changedKeys = Set(changed.map(\.key))
        let oldToNew = Dictionary(renames.map { ($0.old, $0.new) }, uniquingKeysWith: { a, _ in a })
        for role in roleIDs.sorted() {
            let oldRole = renames.first { $0.kind == .role && $0.to == role }?.from ?? role
            var inHandbook = Set(new.handbook(of: role))
            for key in old.handbook(of: oldRole) { inHandbook.insert(oldToNew[key] ?? key) }
            var keys: [EntityKey] = []
            keys += added.filter { inHandbook.contains($0) }
            keys += removed.filter { inHandbook.contains($0) }
            keys += renames.map(\.new).filter { inHandbook.contains($0) && !changedKeys.contains($0) }
            keys += changedKeys.filter { inHandbook.contains($0) }
            guard !keys.isEmpty else { continue }
            let title = new.entity(.role, role)?.title ?? old.entity(.role, oldRole)?.title ?? role
            roles.append((role, title, Array(Set(keys)).sorted()))
        }

        var titles: [EntityKey: String] = [:]
        // The entities the notes name by id.
        for change in changed {
            for field in change.fields {
                for note in field.notes {
                    guard let kind = note.kind else { continue }
                    // A step's note names its stages by title; a reference's names ids only.
                    let ids = note.aspect == "step" ? [note.subject] : [note.subject, note.from, note.to].compactMap { $0 }
                    for id in ids where !id.isEmpty {
                        let key = EntityKey(kind, id)
                        if let title = new[key]?.title ?? old[key]?.title { titles[key] = title }
                    }
                }
            }
        }
        for key in removed { titles[key] = old[key]?.title }
        for key in added.union(changedKeys).union(renames.map(\.new)) { titles[key] = new[key]?.title }
        return BookChanges(since: since, previousEdition: old.config.edition, edition: new.config.edition,
                           added: added.sorted(), removed: removed.sorted(),
                           renamed: renames.sorted { $0.new < $1.new }, changed: changed, roles: roles, titles: titles)
    }

    /// Entities removed under one id and added under another: the same kind, and the same
    /// body (not empty), or the same title and a body mostly the same.
    static func renames(removed: Set<EntityKey>, added: Set<EntityKey>, old: Book, new: Book) -> [Rename] {
        var candidates: [(score: Double, old: EntityKey, new: EntityKey)] = []
        // The added entities by kind and body, and by kind and title, their bodies normalised once.
        struct Body: Hashable { let kind: Kind, text: String }
        struct Title: Hashable { let kind: Kind, title: String }
        var byBody: [Body: [EntityKey]] = [:], byTitle: [Title: [EntityKey]] = [:], bodies: [EntityKey: String] = [:]
        for key in added.sorted() {
            guard let entity = new[key] else { continue }
            let body = Sections.normalized(entity.source.body)
            bodies[key] = body
            byBody[Body(kind: key.kind, text: body), default: []].append(key)
            byTitle[Title(kind: key.kind, title: entity.title), default: []].append(key)
        }
        for key in removed.sorted() {
            guard let before = old[key] else { continue }
            let oldBody = Sections.normalized(before.source.body)
            // The same body (not empty: then the same title too).
            for other in byBody[Body(kind: key.kind, text: oldBody)] ?? [] {
                let sameTitle = new[other]?.title == before.title
                guard !oldBody.isEmpty || sameTitle else { continue }
                candidates.append((2 + (sameTitle ? 1 : 0), key, other))
            }
            // The same title and a body mostly the same.
            for other in byTitle[Title(kind: key.kind, title: before.title)] ?? [] where bodies[other] != oldBody {
                let similarity = Sections.similarity(oldBody, bodies[other] ?? "")
                if similarity >= 0.6 { candidates.append((1 + similarity, key, other)) }
            }
        }
        // The best pairs first; each entity in one pair at most.
        candidates.sort { $0.score != $1.score ? $0.score > $1.score : ($0.old, $0.new) < ($1.old, $1.new) }
        var taken = Set<EntityKey>(), out: [Rename] = []
        for candidate in candidates where !taken.contains(candidate.old) && !taken.contains(candidate.new) {
            taken.insert(candidate.old)
            taken.insert(candidate.new)
            out.append(Rename(kind: candidate.old.kind, from: candidate.old.id, to: candidate.new.id))
        }
        return out
    }
}

/// An entity's front-matter fields as comparable values, in the order of its kind's fields.
enum Fields {
    enum Value: Equatable {
        case text(String?)
        case list([String])
        /// References: ids of entities of a kind.
        case ref(Kind, String?)
        case refs(Kind, [String])
        case checks([Check])
        case phrases([Phrase])
        case stages([StageValue])
    }

    struct StageValue: Equatable {
        let id: String, title: String, steps: [String]
    }

    static func of(_ e: Entity, map: (Kind, String) -> String) -> [(String, Value)] {
        func ref(_ kind: Kind, _ r: Reference?) -> Value { .ref(kind, r.map { map(kind, $0.id) }) }
        func refs(_ kind: Kind, _ list: [Reference]) -> Value { .refs(kind, list.map { map(kind, $0.id) }) }
        var out: [(String, Value)] = [("title", .text(e.title)), ("summary", .text(e.summary)), ("tags", .list(e.tags)),
                                      ("owner", ref(.role, e.owner)), ("reviewed", .text(e.reviewed?.description))]
        switch e.details {
        case .journey(let j):
            out.append(("stages", .stages(j.stages.map { StageValue(id: $0.id, title: $0.title, steps: $0.steps.map { map(.step, $0.id) }) })))
        case .step(let s):
            out += [("responsible", ref(.role, s.responsible)), ("participants", refs(.role, s.participants)),
                    ("script", refs(.script, s.scripts)), ("standards", refs(.standard, s.standards)),
                    ("situations", refs(.situation, s.situations)), ("channel", .text(s.channel)), ("timing", .text(s.timing))]
        case .situation(let s):
            out += [("responsible", ref(.role, s.responsible)), ("script", refs(.script, s.scripts)),
                    ("escalation", ref(.role, s.escalation)), ("channel", .text(s.channel)),
                    ("severity", .text(s.severity?.rawValue)), ("standards", refs(.standard, s.standards))]
        case .role(let r):
            out.append(("reports_to", ref(.role, r.reportsTo)))
        case .standard(let s):
            out += [("category", .text(s.category)), ("applies_to", refs(.role, s.appliesTo)), ("checks", .checks(s.checks))]
        case .script(let s):
            out += [("channel", .text(s.channel)), ("phrases", .phrases(s.phrases))]
        case .term(let t):
            out.append(("aliases", .list(t.aliases)))
        case .page(let p):
            out.append(("order", .text(p.order.map(String.init))))
        }
        return out
    }

    static func compare(_ old: [(String, Value)], _ new: [(String, Value)]) -> [FieldChange] {
        let before = Dictionary(old, uniquingKeysWith: { a, _ in a })
        var out: [FieldChange] = []
        for (name, value) in new {
            guard let previous = before[name], previous != value else { continue }
            let notes = self.notes(previous, value)
            if !notes.isEmpty { out.append(FieldChange(field: name, notes: notes)) }
        }
        return out
    }

    static func notes(_ old: Value, _ new: Value) -> [Note] {
        switch (old, new) {
        case (.text(let a), .text(let b)): return [Note(.changed, from: a, to: b)]
        case (.list(let a), .list(let b)): return list(a, b)
        case (.ref(let kind, let a), .ref(_, let b)): return [Note(.changed, from: a, to: b, kind: kind)]
        case (.refs(let kind, let a), .refs(_, let b)): return list(a, b, kind: kind)
        case (.checks(let a), .checks(let b)): return checks(a, b)
        case (.phrases(let a), .phrases(let b)): return phrases(a, b)
        case (.stages(let a), .stages(let b)): return stages(a, b)
        default: return [Note(.changed)]
        }
    }

    /// Elements removed and added; the same elements in another order are `reordered`.
    static func list(_ old: [String], _ new: [String], kind: Kind? = nil) -> [Note] {
        let a = Set(old), b = Set(new)
        var notes = old.filter { !b.contains($0) }.map { Note(.removed, $0, kind: kind) }
        notes += new.filter { !a.contains($0) }.map { Note(.added, $0, kind: kind) }
        if notes.isEmpty, old != new { notes.append(Note(.reordered)) }
        return notes
    }

    /// Checks paired by id, then by text, then in order when most of their words are the same;
    /// the rest are added or removed.
    static func checks(_ old: [Check], _ new: [Check]) -> [Note] {
        var pairOf: [Int: Int] = [:], used = Set<Int>()     // new index -> old index
        for (i, check) in new.enumerated() {
            if let id = check.id, let j = old.indices.first(where: { !used.contains($0) && old[$0].id == id }) {
                pairOf[i] = j; used.insert(j)
            }
        }
        for (i, check) in new.enumerated() where pairOf[i] == nil {
            if let j = old.indices.first(where: { !used.contains($0) && old[$0].text == check.text && (old[$0].id == nil || check.id == nil) }) {
                pairOf[i] = j; used.insert(j)
            }
        }
        for (i, check) in new.enumerated() where pairOf[i] == nil {
            if let j = old.indices.first(where: { !used.contains($0) && (old[$0].id == nil || check.id == nil)
                && Sections.wordSimilarity(old[$0].text, check.text) >= 0.5 }) {
                pairOf[i] = j; used.insert(j)
            }
        }
        var notes: [Note] = []
        for (j, check) in old.enumerated() where !used.contains(j) { notes.append(Note(.removed, check.text)) }
        for (i, check) in new.enumerated() {
            guard let j = pairOf[i] else {
                notes.append(Note(.added, check.text, weight: check.weight, critical: check.critical))
                continue
            }
            let was = old[j]
            if was.text != check.text { notes.append(Note(.changed, check.text, aspect: "text", from: was.text, to: check.text)) }
            if was.weight != check.weight {
                notes.append(Note(.changed, check.text, aspect: "weight", from: Band.format(was.weight), to: Band.format(check.weight)))
            }
            if was.critical != check.critical {
                notes.append(Note(.changed, check.text, aspect: "critical", from: String(was.critical), to: String(check.critical)))
            }
            if was.id != check.id { notes.append(Note(.changed, check.text, aspect: "id", from: was.id, to: check.id)) }
        }
        let order = new.indices.compactMap { pairOf[$0] }
        if notes.isEmpty, order != order.sorted() { notes.append(Note(.reordered)) }
        return notes
    }

    /// Phrases paired by what to avoid.
    static func phrases(_ old: [Phrase], _ new: [Phrase]) -> [Note] {
        let before = Dictionary(old.map { ($0.avoid, $0.say) }, uniquingKeysWith: { a, _ in a })
        let after = Set(new.map(\.avoid))
        var notes = old.filter { !after.contains($0.avoid) }.map { Note(.removed, $0.avoid, from: $0.say) }
        for phrase in new {
            guard let say = before[phrase.avoid] else { notes.append(Note(.added, phrase.avoid, to: phrase.say)); continue }
            if say != phrase.say { notes.append(Note(.changed, phrase.avoid, aspect: "say", from: say, to: phrase.say)) }
        }
        if notes.isEmpty, old.map(\.avoid) != new.map(\.avoid) { notes.append(Note(.reordered)) }
        return notes
    }

    /// Stages added, removed, renamed or reordered; steps added, removed, moved to another
    /// stage, or reordered within one.
    static func stages(_ old: [StageValue], _ new: [StageValue]) -> [Note] {
        var notes: [Note] = []
        let oldByID = Dictionary(old.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let newIDs = Set(new.map(\.id))
        for stage in old where !newIDs.contains(stage.id) { notes.append(Note(.removed, stage.title, aspect: "stage")) }
        for stage in new {
            guard let was = oldByID[stage.id] else { notes.append(Note(.added, stage.title, aspect: "stage")); continue }
            if was.title != stage.title { notes.append(Note(.changed, stage.id, aspect: "title", from: was.title, to: stage.title)) }
        }
        let common = new.map(\.id).filter { oldByID[$0] != nil }
        if old.map(\.id).filter(newIDs.contains) != common { notes.append(Note(.reordered, aspect: "stage")) }
        var stageOf: [String: String] = [:], oldStageOf: [String: String] = [:]
        for stage in old { for step in stage.steps where oldStageOf[step] == nil { oldStageOf[step] = stage.title } }
        for stage in new { for step in stage.steps where stageOf[step] == nil { stageOf[step] = stage.title } }
        for stage in old { for step in stage.steps where stageOf[step] == nil { notes.append(Note(.removed, step, aspect: "step", from: stage.title, kind: .step)) } }
        for stage in new {
            for step in stage.steps {
                guard let was = oldStageOf[step] else { notes.append(Note(.added, step, aspect: "step", to: stage.title, kind: .step)); continue }
                if was != stage.title { notes.append(Note(.moved, step, aspect: "step", from: was, to: stage.title, kind: .step)) }
            }
            // The steps that stayed in this stage, in another order.
            if let was = oldByID[stage.id] {
                let stayed = Set(was.steps).intersection(stage.steps)
                if was.steps.filter(stayed.contains) != stage.steps.filter(stayed.contains) {
                    notes.append(Note(.reordered, stage.title, aspect: "step"))
                }
            }
        }
        return notes
    }
}

/// Bodies compared section by section (a section: a heading and the text up to the next one).
enum Sections {
    /// Line ends as LF, no spaces at line ends, no blank lines at either end.
    static func normalized(_ body: String) -> String {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            var line = line
            while let last = line.last, last == " " || last == "\t" || last == "\r" { line = line.dropLast() }
            return line
        }
        guard let first = lines.firstIndex(where: { !$0.isEmpty }), let last = lines.lastIndex(where: { !$0.isEmpty }) else { return "" }
        return lines[first...last].joined(separator: "\n")
    }

    /// Whether the bodies differ (beyond spaces at line ends and blank lines at the ends), and
    /// the headings of the sections that differ: added or changed ones as they read now, removed
    /// ones as they read then; "" for the text before the first heading.
    /// - Parameter oldBody: the old body with its links to renamed entities pointing at their
    ///   new files (a link updated for a rename is not a change of the body).
    static func compare(_ old: SourceDocument, _ new: SourceDocument, oldBody: String) -> (Bool, [String]) {
        guard oldBody != new.body, normalized(oldBody) != normalized(new.body) else { return (false, []) }
        let a = sections(old, body: oldBody), b = sections(new, body: new.body)
        let before = Dictionary(a.map { ($0.heading, $0.text) }, uniquingKeysWith: { x, y in x + "\n" + y })
        let after = Dictionary(b.map { ($0.heading, $0.text) }, uniquingKeysWith: { x, y in x + "\n" + y })
        var out: [String] = []
        for section in b where before[section.heading] != after[section.heading] && !out.contains(section.heading) {
            out.append(section.heading)
        }
        for section in a where after[section.heading] == nil && !out.contains(section.heading) { out.append(section.heading) }
        return (true, out)
    }

    static func sections(_ document: SourceDocument, body: String) -> [(heading: String, text: String)] {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        var starts: [(line: Int, heading: String)] = [(0, "")]
        for heading in document.markdown.headings {
            let line = heading.line - document.bodyLine
            if line >= 0, line < lines.count { starts.append((line, heading.text)) }
        }
        var out: [(heading: String, text: String)] = []
        for (i, start) in starts.enumerated() {
            let end = i + 1 < starts.count ? starts[i + 1].line : lines.count
            guard start.line <= end else { continue }
            let text = normalized(lines[start.line..<end].joined(separator: "\n"))
            if start.heading.isEmpty && text.isEmpty { continue }
            out.append((start.heading, text))
        }
        return out
    }

    /// The body of `document` with each link to an entity renamed since written as a link to its
    /// new file (`../scripts/chat-reply.md#x` → `../scripts/messenger-reply.md#x`).
    static func renamingLinks(_ document: SourceDocument, in book: Book, renamedTo: [EntityKey: String]) -> String {
        guard !renamedTo.isEmpty else { return document.body }
        var body = document.body
        for (link, target) in book.links(of: document) {
            guard case .document(let key, _) = target, let newID = renamedTo[key] else { continue }
            let destination = link.destination
            let path = destination.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? destination
            guard path.hasSuffix(key.id + ".md") else { continue }
            let renamed = String(path.dropLast(key.id.count + 3)) + newID + ".md" + destination.dropFirst(path.count)
            for opening in ["(", "(<", "]: ", "]: <"] {
                body = body.replacingOccurrences(of: opening + destination, with: opening + renamed)
            }
        }
        return body
    }

    /// The share of lines two texts have in common (of the lines either has), from 0 to 1.
    static func similarity(_ a: String, _ b: String) -> Double {
        jaccard(Set(a.split(separator: "\n").filter { !$0.isEmpty }), Set(b.split(separator: "\n").filter { !$0.isEmpty }))
    }

    /// The share of words two texts have in common.
    static func wordSimilarity(_ a: String, _ b: String) -> Double {
        func words(_ s: String) -> Set<String> { Set(s.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)) }
        return jaccard(words(a), words(b))
    }

    static func jaccard<T>(_ a: Set<T>, _ b: Set<T>) -> Double {
        let union = a.union(b).count
        return union == 0 ? 1 : Double(a.intersection(b).count) / Double(union)
    }
}
