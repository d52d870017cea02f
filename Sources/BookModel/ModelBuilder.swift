import Foundation

/// Builds the typed model of a book from its loaded documents: decodes front matter into
/// entities, checks ids, resolves references and body links, and derives the indexes.
/// Every problem found on the way becomes a diagnostic; nothing stops at the first one.
public enum ModelBuilder {
    static let commonFields = ["title", "summary", "tags", "owner", "reviewed"]

    static func fields(of kind: Kind) -> [String] {
        let own: [String] = switch kind {
        case .journey: ["stages"]
        case .step: ["responsible", "participants", "script", "standards", "situations", "channel", "timing"]
        case .situation: ["responsible", "script", "escalation", "channel", "severity", "standards"]
        case .role: ["reports_to"]
        case .standard: ["category", "applies_to", "checks"]
        case .script: ["channel", "phrases"]
        case .term: ["aliases"]
        case .page: ["order"]
        }
        return commonFields + own
    }

    /// - Parameter assets: paths (relative to the content folder) of files that are not
    ///   documents, which body links may point at.
    /// - Parameter cache: what an earlier build made of the same documents (`serve`): the
    ///   entities of documents loaded once, and their links while no path or heading changed.
    public static func build(config: BookConfig, documents: [SourceDocument], assets: Set<String> = [],
                             cache: ModelCache? = nil) -> (Book, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let documents = zip(documents, documents.dropFirst()).allSatisfy({ $0.path < $1.path })
            ? documents : documents.sorted { $0.path < $1.path }

        // Ids: valid and unique within a kind.
        var firstPath: [EntityKey: String] = [:]
        var unique: [SourceDocument] = []
        var duplicateKeys = Set<EntityKey>()
        for doc in documents {
            diagnostics += idDiagnostics(doc)
            if let other = firstPath[doc.key] {
                duplicateKeys.insert(doc.key)
                diagnostics.append(Diagnostic(.duplicateID, at: SourceLocation(file: doc.displayPath),
                    "\(doc.kind.rawValue) id \"\(doc.id)\" is already used by \(other)",
                    suggestion: "ids are file names and must be unique within a kind: rename one of the files"))
                continue
            }
            firstPath[doc.key] = doc.displayPath
            unique.append(doc)
        }

        // Front matter -> entities.
        var entities: [EntityKey: Entity] = [:]
        let decoded = cache?.decode(unique) ?? unique.parallelMap { doc in doc.frontMatter.map { decode(doc, $0) } ?? (nil, []) }
        for (entity, found) in decoded {
            diagnostics += found
            if let entity { entities[entity.key] = entity }
        }

        // References.
        var index = BookIndex()
        var backlinks: [EntityKey: Set<Backlink>] = [:]
        let documentKeys = Set(firstPath.keys)
        let ordered = Book.order(entities)
        var unresolved = Set<String>()
        for key in entities.keys.sorted() {
            let entity = entities[key]!
            for (field, kind, ref) in entity.references where EntityKey(kind, ref.id) != key && entities[EntityKey(kind, ref.id)] != nil {
                backlinks[EntityKey(kind, ref.id), default: []].insert(Backlink(from: key, field: field))
            }
            if refersToNothing(entity, entities) { unresolved.insert(entity.source.path) }
            diagnostics += referenceDiagnostics(entity, entities: entities, documentKeys: documentKeys, ordered: ordered)
        }

        // Body links.
        let resolver = LinkResolver(documents: unique, assets: assets)
        var links: [String: [(link: BodyLink, target: ResolvedLink)]] = [:]
        let resolvedPerDocument = cache?.resolve(unique, assets: assets, with: resolver) ?? unique.parallelMap { doc in
            doc.markdown.links.map { (link: $0, target: resolver.resolve($0.destination, from: doc)) }
        }
        for (doc, resolved) in zip(unique, resolvedPerDocument) {
            diagnostics += linkDiagnostics(doc, resolved, resolver)
            for case (_, .document(let target, _)) in resolved where target != doc.key && entities[doc.key] != nil {
                backlinks[target, default: []].insert(Backlink(from: doc.key, field: "link"))
            }
            links[doc.path] = resolved
        }
        index.backlinks = backlinks.mapValues { $0.sorted() }

        var brokenLinks = Set<String>(), withoutEntity = Set<String>()
        for (path, resolved) in links where hasBrokenLink(resolved) { brokenLinks.insert(path) }
        for doc in unique where entities[doc.key]?.source.path != doc.path { withoutEntity.insert(doc.path) }
        derive(&index, entities, ordered)
        let upkeep = Book.Upkeep(orderedKeys: ordered, documentKeys: documentKeys, duplicateKeys: duplicateKeys,
                                 brokenLinks: brokenLinks, unresolvedReferences: unresolved, withoutEntity: withoutEntity)
        let book = Book(config: config, entities: entities, documents: documents, index: index, links: links,
                        linkResolver: resolver, assets: assets, upkeep: upkeep)
        return (book, diagnostics)
    }

    /// Whether a document has a link that leads nowhere (`Book.Upkeep.brokenLinks`).
    static func hasBrokenLink(_ resolved: [(link: BodyLink, target: ResolvedLink)]) -> Bool {
        resolved.contains { if case .broken = $0.target { true } else { false } }
    }

    /// Whether an entity refers to something that is no entity (`Book.Upkeep.unresolvedReferences`).
    static func refersToNothing(_ entity: Entity, _ entities: [EntityKey: Entity]) -> Bool {
        entity.references.contains { EntityKey($0.kind, $0.reference.id) != entity.key && entities[EntityKey($0.kind, $0.reference.id)] == nil }
    }

    /// The references of `entity` that point at nothing, or at an entity of another kind.
    static func referenceDiagnostics(_ entity: Entity, entities: [EntityKey: Entity], documentKeys: Set<EntityKey>,
                                     ordered: [Kind: [EntityKey]]) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (field, kind, ref) in entity.references {
            let target = EntityKey(kind, ref.id)
            // The target's file exists but could not be read as an entity: it has its own error.
            if entities[target] != nil || documentKeys.contains(target) { continue }
            let hint = Suggest.closest(to: ref.id, in: (ordered[kind] ?? []).map(\.id)).map { "did you mean \"\($0)\"?" }
            let at = ref.location.spanning(ref.id)
            if let other = Kind.allCases.first(where: { entities[EntityKey($0, ref.id)] != nil }) {
                out.append(Diagnostic(.wrongKindReference, at: at,
                    "\(field) \"\(ref.id)\" is \(other.withArticle), not \(kind.withArticle)", suggestion: hint))
            } else {
                out.append(Diagnostic(.unknownReference, at: at,
                    "\(field) \"\(ref.id)\" is not \(kind.withArticle)", suggestion: hint))
            }
        }
        return out
    }

    /// An invalid or reserved id.
    static func idDiagnostics(_ doc: SourceDocument) -> [Diagnostic] {
        var out: [Diagnostic] = []
        if !Identifier.isValid(doc.id) {
            let hint = Identifier.suggestion(for: doc.id).map { "rename the file to \"\($0).md\"" }
            out.append(Diagnostic(.invalidID, at: SourceLocation(file: doc.displayPath),
                "\"\(doc.id)\" is not a valid id: a file name must be lower-case Latin letters, digits and hyphens",
                suggestion: hint))
        }
        if doc.id == "index" {
            out.append(Diagnostic(.invalidID, at: SourceLocation(file: doc.displayPath),
                "\"index\" is reserved: it names the list page of the \(doc.kind.folder) folder in the handbook",
                suggestion: "rename the file, e.g. to \"\(doc.kind.rawValue)-index.md\""))
        }
        return out
    }

    /// Broken and unsafe body links of a document.
    static func linkDiagnostics(_ doc: SourceDocument, _ resolved: [(link: BodyLink, target: ResolvedLink)],
                                _ resolver: LinkResolver) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (link, target) in resolved {
            let at = SourceLocation(file: doc.displayPath, line: link.line, column: link.column, length: link.length)
            switch target {
            case .broken(let reason):
                let code: DiagnosticCode = reason.hasPrefix("#") ? .brokenAnchor : .brokenLink
                out.append(Diagnostic(code, at: at, reason, suggestion: resolver.suggestion(for: link.destination, from: doc)))
            case .external where LinkResolver.isUnsafe(link.destination):
                let scheme = link.destination.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
                out.append(Diagnostic(.unsafeLink, at: at,
                    "the \(link.isImage ? "image" : "link") \"\(scheme.trimmingCharacters(in: .whitespaces)):…\" could run code in a reader's browser: the handbook keeps its text and drops the \(link.isImage ? "image" : "link")",
                    suggestion: "link to a page of the book (../steps/id.md) or to an https:// address"))
            case .external, .asset, .sameDocument, .document:
                break
            }
        }
        return out
    }

    // MARK: - Rebuilding after an edit

    /// What of an entity the derived indexes depend on: what its front matter refers to, with
    /// the stages of a journey.
    struct Shape: Equatable {
        let references: [String]
        let stages: [[String]]

        init(_ entity: Entity) {
            references = entity.references.map { "\($0.field) \($0.kind.rawValue) \($0.reference.id)" }
            stages = entity.journey?.stages.map { [$0.id] + $0.steps.map(\.id) } ?? []
        }
    }

    /// The result of `update`.
    public struct Update: Sendable {
        public let book: Book
        /// The model's diagnostics of `documents`.
        public let diagnostics: [Diagnostic]
        /// The documents modelled again: the edited and new ones, and those whose links or
        /// references lead to a document whose headings changed, or that came or went.
        public let documents: [SourceDocument]
        /// The documents gone, as they were.
        public let gone: [SourceDocument]
        /// The entities whose rules and counts may now say something else: those of the
        /// documents modelled again and of the documents gone, those they referred or linked to
        /// or now do, the steps whose place in a journey and the roles whose duties changed.
        public let affected: Set<EntityKey>
    }

    /// The book after some documents changed, came or went (paths relative to the content
    /// folder), without building it all again. `documents` are all the documents now, sorted by
    /// path, the changed and new ones loaded anew, the others as `previous` had them. Nil when a
    /// document whose id another document shares is involved (the whole model is built again).
    public static func update(_ previous: Book, documents all: [SourceDocument], changed: [String], added: [String],
                              removed: [String]) -> Update? {
        func document(_ path: String, in list: [SourceDocument]) -> SourceDocument? {
            let at = list.partitioningIndex { $0.path >= path }
            return at < list.count && list[at].path == path ? list[at] : nil
        }
        let upkeep = previous.upkeep
        var fresh: [SourceDocument] = []                      // changed and added, as loaded now
        var gone: [SourceDocument] = []                       // removed, as they were
        for path in changed + added {
            guard let doc = document(path, in: all) else { return nil }
            fresh.append(doc)
        }
        for path in removed {
            guard let doc = document(path, in: previous.documents) else { return nil }
            gone.append(doc)
        }
        // New documents: added, or changed from a file that did not load as one (binary, say).
        let new = Set(fresh.filter { document($0.path, in: previous.documents) == nil }.map(\.path))
        // Documents that share an id: which one is the entity depends on them all.
        for doc in fresh + gone where upkeep.duplicateKeys.contains(doc.key) || new.contains(doc.path) && upkeep.documentKeys.contains(doc.key) {
            return nil
        }

        // The entities.
        var entities = previous.entities
        var decodedNow: [String: [Diagnostic]] = [:]
        for doc in gone { entities[doc.key] = nil }
        for doc in fresh {
            let (entity, found) = doc.frontMatter.map { decode(doc, $0) } ?? (nil, [])
            entities[doc.key] = entity
            decodedNow[doc.path] = found
        }
        let keys = Set((fresh + gone).map(\.key))
        let appeared = keys.filter { entities[$0] != nil && previous[$0] == nil }
        let vanished = keys.filter { entities[$0] == nil && previous[$0] != nil }
        let moved = !new.isEmpty || !removed.isEmpty
        var next = upkeep
        let reorder = !appeared.isEmpty || !vanished.isEmpty
            || fresh.contains { $0.kind == .page && entities[$0.key]?.page?.order != previous[$0.key]?.page?.order }
        if reorder { next.orderedKeys = Book.order(entities) }
        for doc in gone { next.documentKeys.remove(doc.key) }
        for doc in fresh { next.documentKeys.insert(doc.key) }

        // The resolver, and the documents whose links or references may now lead elsewhere.
        let shapes = fresh.compactMap { doc -> (before: Shape, after: Shape)? in
            guard let old = previous[doc.key], old.source.path == doc.path, let now = entities[doc.key] else { return nil }
            return (Shape(old), Shape(now))
        }
        // (Headings count whether or not the document is an entity: links reach it all the same.)
        let renamed = fresh.filter { doc in
            document(doc.path, in: previous.documents).map { $0.markdown.headings.map(\.anchor) != doc.markdown.headings.map(\.anchor) } ?? false
        }
        let resolver = previous.linkResolver.replacing(fresh, removing: removed)
        var remodel = Set(fresh.map(\.path))
        if moved || reorder || !renamed.isEmpty {
            // Links into the documents that came, went or were renamed, and broken ones (their
            // suggestions name the files there are).
            let targets = Set((renamed + gone).map(\.key)).union(vanished)
            var candidates = upkeep.brokenLinks.union(upkeep.withoutEntity)
            for key in targets {
                for backlink in previous.index.backlinks[key] ?? [] {
                    if let from = previous[backlink.from] { candidates.insert(from.source.path) }
                }
            }
            if moved || reorder {
                // References to what came or went, and to nothing (their suggestions too).
                candidates.formUnion(upkeep.unresolvedReferences)
                remodel.formUnion(candidates)
            } else {
                let keys = Set(renamed.map(\.key)), paths = Set(renamed.map(\.path))
                for path in candidates.subtracting(remodel) where (previous.links[path] ?? []).contains(where: { link, target in
                    switch target {
                    case .document(let key, _): return keys.contains(key)
                    case .broken: return LinkResolver.join(path, LinkResolver.split(link.destination).path).map(paths.contains) ?? false
                    default: return false
                    }
                }) {
                    remodel.insert(path)
                }
            }
        }
        remodel.subtract(removed)
        let remodelled = remodel.sorted().compactMap { document($0, in: all) }

        // Each document modelled again: its links, its diagnostics.
        var links = previous.links
        for doc in gone { links[doc.path] = nil; next.brokenLinks.remove(doc.path); next.unresolvedReferences.remove(doc.path); next.withoutEntity.remove(doc.path) }
        var diagnostics: [Diagnostic] = []
        for doc in remodelled {
            let resolved = doc.markdown.links.map { (link: $0, target: resolver.resolve($0.destination, from: doc)) }
            links[doc.path] = resolved
            let found = decodedNow[doc.path] ?? doc.frontMatter.map { decode(doc, $0).1 } ?? []
            diagnostics += idDiagnostics(doc) + found + linkDiagnostics(doc, resolved, resolver)
            let entity = entities[doc.key].flatMap { $0.source.path == doc.path ? $0 : nil }
            if let entity {
                diagnostics += referenceDiagnostics(entity, entities: entities, documentKeys: next.documentKeys, ordered: next.orderedKeys)
            }
            func mark(_ set: inout Set<String>, _ yes: Bool) { if yes { set.insert(doc.path) } else { set.remove(doc.path) } }
            mark(&next.brokenLinks, hasBrokenLink(resolved))
            mark(&next.withoutEntity, entity == nil)
            mark(&next.unresolvedReferences, entity.map { refersToNothing($0, entities) } ?? false)
        }

        // Backlinks: what the documents modelled again (and those gone) referred and linked to
        // before, and now; references to an entity that is gone no longer count.
        var index = previous.index
        var affected = Set(remodelled.compactMap { entities[$0.key] != nil ? $0.key : nil }).union(keys)
        let mine = Set((remodelled + gone).map(\.key))
        func linkTargets(_ resolved: [(link: BodyLink, target: ResolvedLink)]?, from key: EntityKey) -> [EntityKey] {
            (resolved ?? []).compactMap { if case .document(let target, _) = $0.target, target != key { return target } else { return nil } }
        }
        var targets = appeared.union(vanished)
        var linkedFrom: [EntityKey: [EntityKey]] = [:]
        var referredFrom: [EntityKey: [Backlink]] = [:]
        for doc in remodelled + gone {
            if let old = previous[doc.key], old.source.path == doc.path {
                for (_, kind, ref) in old.references { targets.insert(EntityKey(kind, ref.id)) }
            }
            targets.formUnion(linkTargets(previous.links[doc.path], from: doc.key))
        }
        for doc in remodelled {
            guard let entity = entities[doc.key], entity.source.path == doc.path else { continue }
            for (field, kind, ref) in entity.references where EntityKey(kind, ref.id) != doc.key {
                targets.insert(EntityKey(kind, ref.id))
                referredFrom[EntityKey(kind, ref.id), default: []].append(Backlink(from: doc.key, field: field))
            }
            for target in linkTargets(links[doc.path], from: doc.key) {
                targets.insert(target)
                linkedFrom[target, default: []].append(doc.key)
            }
        }
        for target in targets {
            let old = index.backlinks[target] ?? []
            // As `build` has them: a reference counts if its target is an entity, a link always.
            func kept(_ backlink: Backlink) -> Bool {
                !mine.contains(backlink.from) && (backlink.field == "link" || entities[target] != nil)
            }
            var now = Set(old.filter(kept))
            if entities[target] != nil { now.formUnion(referredFrom[target] ?? []) }
            for from in linkedFrom[target] ?? [] { now.insert(Backlink(from: from, field: "link")) }
            affected.insert(target)
            guard Set(old) != now else { continue }
            index.backlinks[target] = now.isEmpty ? nil : now.sorted()
        }

        // The indexes, when a reference, a stage or the entities changed.
        // (`derive` reads journeys, steps, situations, standards, roles and whether scripts exist.)
        let derived: Set<Kind> = [.journey, .step, .situation, .standard, .role, .script]
        if appeared.union(vanished).contains(where: { derived.contains($0.kind) })
            || shapes.contains(where: { $0.before != $0.after }) {
            index.placements = [:]
            index.roles = [:]
            derive(&index, entities, next.orderedKeys)
            for step in Set((previous.orderedKeys[.step] ?? []) + (next.orderedKeys[.step] ?? []))
            where index.placements[step.id] != previous.index.placements[step.id] {
                affected.insert(step)
            }
            for role in Set((previous.orderedKeys[.role] ?? []) + (next.orderedKeys[.role] ?? []))
            where index.roles[role.id] != previous.index.roles[role.id] {
                affected.insert(role)
            }
        }
        let book = Book(config: previous.config, entities: entities, documents: all, index: index, links: links,
                        linkResolver: resolver, assets: previous.assets, upkeep: next)
        return Update(book: book, diagnostics: diagnostics, documents: remodelled, gone: gone, affected: affected)
    }

    // MARK: - Decoding

    static func decode(_ doc: SourceDocument, _ frontMatter: YAMLNode) -> (Entity?, [Diagnostic]) {
        let r = FieldReader(frontMatter, allowed: fields(of: doc.kind), subject: doc.kind.withArticle)
        var extra: [Diagnostic] = []
        let title = r.text("title", required: true)
        let summary = r.text("summary")
        let tags = r.texts("tags")
        let owner = r.reference("owner")
        let reviewed = r.day("reviewed")
        let details: Details
        switch doc.kind {
        case .journey:
            var stages: [Stage] = []
            for node in r.items("stages", required: true) {
                let (stage, found) = decodeStage(node)
                extra += found
                if let stage { stages.append(stage) }
            }
            details = .journey(Journey(stages: stages))
        case .step:
            details = .step(Step(
                responsible: r.reference("responsible", required: true, one: " (one process, one owner)"),
                participants: r.references("participants"),
                scripts: r.references("script", required: true),
                standards: r.references("standards"),
                situations: r.references("situations"),
                channel: r.text("channel"),
                timing: r.text("timing")))
        case .situation:
            details = .situation(Situation(
                responsible: r.reference("responsible", required: true, one: " (one process, one owner)"),
                scripts: r.references("script", required: true),
                escalation: r.reference("escalation"),
                channel: r.text("channel"),
                severity: r.choice("severity", SituationSeverity.self),
                standards: r.references("standards")))
        case .role:
            details = .role(Role(reportsTo: r.reference("reports_to")))
        case .standard:
            var checks: [Check] = []
            for node in r.items("checks") {
                let (check, found) = decodeCheck(node)
                extra += found
                if let check { checks.append(check) }
            }
            details = .standard(Standard(category: r.text("category"), appliesTo: r.references("applies_to"), checks: checks))
        case .script:
            var phrases: [Phrase] = []
            for node in r.items("phrases") {
                let (phrase, found) = decodePhrase(node)
                extra += found
                if let phrase { phrases.append(phrase) }
            }
            details = .script(Script(channel: r.text("channel"), phrases: phrases))
        case .term:
            details = .term(Term(aliases: r.texts("aliases")))
        case .page:
            details = .page(Page(order: r.integer("order", in: -1_000_000...1_000_000)))
        }
        let diagnostics = r.diagnostics + extra
        guard let title else { return (nil, diagnostics) }
        let entity = Entity(key: doc.key, title: title, summary: summary, tags: tags, owner: owner,
                            reviewed: reviewed?.0, reviewedLocation: reviewed?.1, details: details, source: doc)
        return (entity, diagnostics)
    }

    static func decodeStage(_ node: YAMLNode) -> (Stage?, [Diagnostic]) {
        guard case .mapping = node.value else {
            return (nil, [Diagnostic(.wrongType, at: node.location,
                "each stage must be a mapping with id, title and steps, not \(node.shapeName)")])
        }
        // The stage's id names it in the messages about its other fields.
        var named = ""
        if case .mapping(let pairs) = node.value, let id = pairs.first(where: { $0.key.scalarText == "id" })?.value.scalarText {
            named = "stage \"\(id)\""
        }
        let r = FieldReader(node, allowed: ["id", "title", "summary", "steps"], subject: "a stage", context: named)
        let id = r.text("id", required: true)
        let title = r.text("title", required: true)
        let summary = r.text("summary")
        let steps = r.references("steps", required: true)
        var diagnostics = r.diagnostics
        if let id, !Identifier.isValid(id), let value = r.node("id") {
            diagnostics.append(Diagnostic(.invalidID, at: value.location.spanning(id),
                "stage id \"\(id)\" is not a valid id (lower-case Latin letters, digits and hyphens)",
                suggestion: Identifier.suggestion(for: id).map { "use \"\($0)\"" }))
        }
        guard let id, let title else { return (nil, diagnostics) }
        return (Stage(id: id, title: title, summary: summary, steps: steps, location: node.location), diagnostics)
    }

    static func decodeCheck(_ node: YAMLNode) -> (Check?, [Diagnostic]) {
        switch node.value {
        case .scalar(let text, _) where !node.isNull:
            return (Check(text: text, weight: 1, critical: false, location: node.location), [])
        case .mapping:
            let r = FieldReader(node, allowed: ["text", "weight", "critical"], subject: "a check")
            let text = r.text("text", required: true)
            let weight = r.number("weight") ?? 1
            let critical = r.boolean("critical") ?? false
            return (text.map { Check(text: $0, weight: weight, critical: critical, location: node.location) }, r.diagnostics)
        default:
            return (nil, [Diagnostic(.wrongType, at: node.location,
                "each check must be a text or a mapping with text, weight and critical, not \(node.shapeName)")])
        }
    }

    static func decodePhrase(_ node: YAMLNode) -> (Phrase?, [Diagnostic]) {
        guard case .mapping = node.value else {
            return (nil, [Diagnostic(.wrongType, at: node.location,
                "each phrase must be a mapping with \"avoid\" and \"say\", not \(node.shapeName)")])
        }
        let r = FieldReader(node, allowed: ["avoid", "say"], subject: "a phrase")
        let avoid = r.text("avoid", required: true)
        let say = r.text("say", required: true)
        guard let avoid, let say else { return (nil, r.diagnostics) }
        return (Phrase(avoid: avoid, say: say, location: node.location), r.diagnostics)
    }

    /// Decodes `book.yml`. With errors the config falls back to defaults so checking can go on.
    public static func decodeConfig(_ node: YAMLNode) -> (BookConfig, [Diagnostic]) {
        let r = FieldReader(node, allowed: ["title", "organization", "language", "description", "edition",
                                            "review_interval_days", "edit_url", "theme"], subject: "book.yml")
        var config = BookConfig(title: r.text("title", required: true) ?? "")
        config.organization = r.text("organization")
        config.language = r.choice("language", Language.self) ?? .ru
        config.description = r.text("description")
        config.edition = r.text("edition")
        config.reviewIntervalDays = r.integer("review_interval_days", in: 1...36_500)
        config.editURL = r.text("edit_url")
        config.theme = r.text("theme")
        return (config, r.diagnostics)
    }

    // MARK: - Indexes

    static func derive(_ index: inout BookIndex, _ entities: [EntityKey: Entity], _ ordered_: [Kind: [EntityKey]]) {
        func exists(_ kind: Kind, _ ref: Reference?) -> String? {
            guard let ref, entities[EntityKey(kind, ref.id)] != nil else { return nil }
            return ref.id
        }
        // Step placements and journey order.
        var ordered: [String] = []
        var seen = Set<String>()
        for key in ordered_[.journey] ?? [] {
            guard let journey = entities[key]?.journey else { continue }
            var sequence: [(stageIndex: Int, stage: String, position: Int, step: String)] = []
            var inJourney = Set<String>()
            for (stageIndex, stage) in journey.stages.enumerated() {
                for (position, ref) in stage.steps.enumerated() {
                    guard let id = exists(.step, ref), inJourney.insert(id).inserted else { continue }
                    sequence.append((stageIndex, stage.id, position, id))
                }
            }
            for (i, item) in sequence.enumerated() {
                index.placements[item.step, default: []].append(StepPlacement(
                    journey: key.id, stageIndex: item.stageIndex, stage: item.stage, position: item.position,
                    previous: i > 0 ? sequence[i - 1].step : nil,
                    next: i + 1 < sequence.count ? sequence[i + 1].step : nil))
                if seen.insert(item.step).inserted { ordered.append(item.step) }
            }
        }
        ordered += (ordered_[.step] ?? []).filter { !seen.contains($0.id) }.map(\.id)
        index.stepOrder = ordered

        // Role duties.
        var roles: [String: RoleDuties] = [:]
        for key in ordered_[.role] ?? [] { roles[key.id] = RoleDuties() }
        func appendUnique(_ list: inout [String], _ items: [String]) {
            for item in items where !list.contains(item) { list.append(item) }
        }
        for stepID in ordered {
            guard let step = entities[EntityKey(.step, stepID)]?.step else { continue }
            let scripts = step.scripts.compactMap { exists(.script, $0) }
            let standards = step.standards.compactMap { exists(.standard, $0) }
            if let role = exists(.role, step.responsible) {
                roles[role]!.responsibleSteps.append(stepID)
                appendUnique(&roles[role]!.scripts, scripts)
                appendUnique(&roles[role]!.standards, standards)
            }
            for role in step.participants.compactMap({ exists(.role, $0) }) where role != exists(.role, step.responsible) {
                appendUnique(&roles[role]!.participantSteps, [stepID])
                appendUnique(&roles[role]!.scripts, scripts)
                appendUnique(&roles[role]!.standards, standards)
            }
        }
        for key in ordered_[.situation] ?? [] {
            guard let situation = entities[key]?.situation else { continue }
            let scripts = situation.scripts.compactMap { exists(.script, $0) }
            let standards = situation.standards.compactMap { exists(.standard, $0) }
            if let role = exists(.role, situation.responsible) {
                roles[role]!.responsibleSituations.append(key.id)
                appendUnique(&roles[role]!.scripts, scripts)
                appendUnique(&roles[role]!.standards, standards)
            }
            if let role = exists(.role, situation.escalation), role != exists(.role, situation.responsible) {
                roles[role]!.escalationSituations.append(key.id)
                appendUnique(&roles[role]!.standards, standards)
            }
        }
        for key in ordered_[.standard] ?? [] {
            guard let standard = entities[key]?.standard else { continue }
            let targets = standard.appliesTo.compactMap { exists(.role, $0) }
            for role in targets.isEmpty ? Array(roles.keys) : targets where roles[role]?.standards.contains(key.id) == false {
                roles[role]!.standards.append(key.id)
            }
        }
        index.roles = roles
    }
}

/// What `ModelBuilder.build` keeps for the next build of the same book (`serve`): each
/// document's entity (by the document's revision), and its resolved links, valid while the
/// documents' paths and headings and the other files stay the same.
public final class ModelCache: @unchecked Sendable {
    typealias Decoded = (Entity?, [Diagnostic])
    typealias Resolved = [(link: BodyLink, target: ResolvedLink)]
    private let lock = NSLock()
    private var entities: [String: (revision: UInt64, decoded: Decoded)] = [:]
    private var links: [String: (revision: UInt64, universe: Int, resolved: Resolved)] = [:]

    public init() {}

    /// Each document's entity and diagnostics, decoded again only for documents loaded anew.
    func decode(_ documents: [SourceDocument]) -> [Decoded] {
        let known = lock.withLock { entities }                 // read without the lock on every core
        let decoded = documents.parallelMap { doc -> Decoded in
            if let cached = known[doc.path], cached.revision == doc.revision { return cached.decoded }
            return doc.frontMatter.map { ModelBuilder.decode(doc, $0) } ?? (nil, [])
        }
        var next: [String: (revision: UInt64, decoded: Decoded)] = [:]
        for (doc, result) in zip(documents, decoded) { next[doc.path] = (doc.revision, result) }
        lock.withLock { entities = next }
        return decoded
    }

    /// Each document's links resolved, again only for documents loaded anew or when a path, a
    /// heading or another file changed.
    func resolve(_ documents: [SourceDocument], assets: Set<String>, with resolver: LinkResolver) -> [Resolved] {
        let universe = ModelCache.universe(documents, assets)
        let known = lock.withLock { links }
        let resolved = documents.parallelMap { doc -> Resolved in
            if let cached = known[doc.path], cached.revision == doc.revision, cached.universe == universe { return cached.resolved }
            return doc.markdown.links.map { (link: $0, target: resolver.resolve($0.destination, from: doc)) }
        }
        var next: [String: (revision: UInt64, universe: Int, resolved: Resolved)] = [:]
        for (doc, result) in zip(documents, resolved) { next[doc.path] = (doc.revision, universe, result) }
        lock.withLock { links = next }
        return resolved
    }

    /// What every link's resolution depends on: each document's path and heading anchors, and
    /// the other files.
    static func universe(_ documents: [SourceDocument], _ assets: Set<String>) -> Int {
        var hasher = Hasher()
        for doc in documents {
            hasher.combine(doc.path)
            hasher.combine(doc.markdown.headings.count)
            for heading in doc.markdown.headings { hasher.combine(heading.anchor) }
        }
        for asset in assets.sorted() { hasher.combine(asset) }
        return hasher.finalize()
    }
}
