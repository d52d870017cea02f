/// The interface and stemming language of a book.
public enum Language: String, CaseIterable, Sendable {
    case ru, en
}

/// `content/book.yml`.
public struct BookConfig: Sendable, Hashable {
    public var title: String
    public var organization: String?
    public var language: Language
    public var description: String?
    public var edition: String?
    public var reviewIntervalDays: Int?
    public var editURL: String?
    public var theme: String?

    public init(title: String, organization: String? = nil, language: Language = .ru, description: String? = nil,
                edition: String? = nil, reviewIntervalDays: Int? = nil, editURL: String? = nil, theme: String? = nil) {
        self.title = title
        self.organization = organization
        self.language = language
        self.description = description
        self.edition = edition
        self.reviewIntervalDays = reviewIntervalDays
        self.editURL = editURL
        self.theme = theme
    }
}

/// "Entity B is referenced by entity A through field F" (F is `link` for a body link).
public struct Backlink: Hashable, Sendable, Comparable {
    public let from: EntityKey
    public let field: String

    public init(from: EntityKey, field: String) {
        self.from = from
        self.field = field
    }

    public static func < (a: Backlink, b: Backlink) -> Bool {
        a.from != b.from ? a.from < b.from : a.field < b.field
    }
}

/// Where a step stands in a journey.
public struct StepPlacement: Hashable, Sendable {
    public let journey: String
    public let stageIndex: Int
    public let stage: String
    /// Position of the step within its stage, from 0.
    public let position: Int
    /// The previous and next step of the journey, across stage boundaries.
    public let previous: String?
    public let next: String?
}

/// Everything a role is responsible for or takes part in, in journey order.
public struct RoleDuties: Hashable, Sendable {
    public var responsibleSteps: [String] = []
    public var participantSteps: [String] = []
    public var responsibleSituations: [String] = []
    public var escalationSituations: [String] = []
    /// Standards that name the role in `applies_to`, apply to everyone, or are referred to by
    /// its steps and situations.
    public var standards: [String] = []
    /// Scripts of its steps and situations.
    public var scripts: [String] = []

    public init() {}

    public var isResponsibleForSomething: Bool { !responsibleSteps.isEmpty || !responsibleSituations.isEmpty }
}

/// A body link after resolution.
public enum ResolvedLink: Hashable, Sendable {
    /// `https:`, `mailto:`, ... left as written.
    case external
    /// A link to a content document, with its anchor (percent-decoded) if any.
    case document(EntityKey, anchor: String?)
    /// A link to a non-Markdown file under the content folder.
    case asset(path: String)
    /// A link to a heading of the same page.
    case sameDocument(anchor: String)
    /// Points at nothing.
    case broken(reason: String)
}

/// The derived indexes the checker and the renderer need.
public struct BookIndex: Sendable {
    public var backlinks: [EntityKey: [Backlink]] = [:]
    public var placements: [String: [StepPlacement]] = [:]
    public var roles: [String: RoleDuties] = [:]
    /// Every step id in journey order (journeys by id, stages and steps in order), then the
    /// steps that no journey lists, by id.
    public var stepOrder: [String] = []

    public init() {}
}

/// A whole service book: settings, typed entities with resolved references, derived indexes.
public struct Book: Sendable {
    public let config: BookConfig
    public let entities: [EntityKey: Entity]
    /// Every document that was loaded, including those too broken to become entities.
    public let documents: [SourceDocument]
    public let index: BookIndex
    /// Resolved body links per document path, in the order they appear.
    public let links: [String: [(link: BodyLink, target: ResolvedLink)]]
    /// Resolves body links, for renderers (which see links the checker does not, like autolinks).
    public let linkResolver: LinkResolver
    /// Paths of the non-document files under the content folder.
    public let assets: Set<String>
    /// What a rebuild after an edit needs to know to redo only what the edit affects.
    let upkeep: Upkeep
    var orderedKeys: [Kind: [EntityKey]] { upkeep.orderedKeys }

    struct Upkeep: Sendable {
        /// Each kind's keys in the order of `all`.
        var orderedKeys: [Kind: [EntityKey]]
        /// The keys of every document, also of those too broken to become entities.
        var documentKeys: Set<EntityKey>
        /// Keys that more than one document has.
        var duplicateKeys: Set<EntityKey>
        /// Documents (by path) with a link that leads nowhere, with a reference to nothing, and
        /// that are no entity.
        var brokenLinks: Set<String>
        var unresolvedReferences: Set<String>
        var withoutEntity: Set<String>
    }

    init(config: BookConfig, entities: [EntityKey: Entity], documents: [SourceDocument], index: BookIndex,
         links: [String: [(link: BodyLink, target: ResolvedLink)]], linkResolver: LinkResolver, assets: Set<String>,
         upkeep: Upkeep) {
        self.linkResolver = linkResolver
        self.assets = assets
        self.config = config
        self.entities = entities
        self.documents = documents
        self.index = index
        self.links = links
        self.upkeep = upkeep
    }

    /// Each kind's keys in the order of `all`: by id, pages by `order` then id.
    static func order(_ entities: [EntityKey: Entity]) -> [Kind: [EntityKey]] {
        var ordered: [Kind: [EntityKey]] = [:]
        for kind in Kind.allCases {
            var keys = entities.keys.filter { $0.kind == kind }
            if kind == .page {
                keys.sort { a, b in
                    let oa = entities[a]?.page?.order ?? Int.max, ob = entities[b]?.page?.order ?? Int.max
                    return oa != ob ? oa < ob : a.id < b.id
                }
            } else {
                keys.sort()
            }
            ordered[kind] = keys
        }
        return ordered
    }

    public subscript(key: EntityKey) -> Entity? { entities[key] }

    public func entity(_ kind: Kind, _ id: String) -> Entity? { entities[EntityKey(kind, id)] }

    /// The entities of one kind, by id (pages by `order`, then id).
    public func all(_ kind: Kind) -> [Entity] { (orderedKeys[kind] ?? []).compactMap { entities[$0] } }

    /// Whether an entity of another kind names `entity` in its front-matter field `field`
    /// (a script "used" by a step or situation, a situation "listed" by a step, ...).
    public func isReferenced(_ entity: Entity, byField field: String) -> Bool {
        (index.backlinks[entity.key] ?? []).contains { $0.field == field && $0.from.kind != entity.kind }
    }

    /// The entity a reference points at, if it exists and is of `kind`.
    public func resolve(_ reference: Reference?, as kind: Kind) -> Entity? {
        reference.flatMap { entities[EntityKey(kind, $0.id)] }
    }
}

extension RandomAccessCollection where Index == Int {
    /// The first index whose element satisfies `predicate`, which must be false then true along
    /// the collection (a binary search).
    public func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
        var low = startIndex, high = endIndex
        while low < high {
            let mid = low + (high - low) / 2
            if predicate(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
