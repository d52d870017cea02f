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
    /// The edition to compare with (a git revision, or a folder relative to the folder that
    /// holds the content folder): the handbook then has «Что нового» and change badges.
    public var previousEdition: String?
    /// The company's departments (salons, branches), in the order book.yml lists them.
    public var departments: [Department] = []
    /// How audits are scored and rewarded.
    public var evaluation = Evaluation()

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

/// A department of the company (a salon, a branch): audits are scored per department.
public struct Department: Sendable, Hashable {
    public let id: String
    public let title: String

    public init(id: String, title: String) {
        self.id = id
        self.title = title
    }
}

/// A band of the incentive scheme: from a score (percent) up, a bonus or a penalty.
public struct Band: Sendable, Hashable {
    public let from: Double
    public let title: String
    public let location: SourceLocation?

    public init(from: Double, title: String, location: SourceLocation? = nil) {
        self.from = from
        self.title = title
        self.location = location
    }

    /// A percentage as people write it: `95`, `87.5`.
    public static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}

/// book.yml's `evaluation`: the score to reach, the fewest NPS answers that make a figure, and
/// the incentive bands from the highest down.
public struct Evaluation: Sendable, Hashable {
    public var target: Double?
    public var minAnswers = 10
    public var bands: [Band] = []

    public init() {}

    /// The band a score falls in.
    public func band(for score: Double) -> Band? { bands.first { score >= $0.from } }
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
    /// Standards that name the role in `applies_to`, or are referred to by its steps and
    /// situations. (Those that apply to everyone are `BookIndex.generalStandards`.)
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

/// A reference of a document that leads to no entity of the kind its field names: to nothing,
/// or to an entity of another kind (`actual`).
public struct UnresolvedReference: Sendable {
    /// The entity whose front matter has the reference.
    public let entity: EntityKey
    public let field: String
    /// The kind the field must point at.
    public let kind: Kind
    public let reference: Reference
    /// The kind of an entity that has the id, when it is another kind.
    public let actual: Kind?
}

/// A document left out of the book because an earlier one (by path) has its kind and id.
public struct DuplicateDocument: Sendable {
    public let document: SourceDocument
    /// The display path of the document that has the id.
    public let firstPath: String
}

/// What does not fit together in a book, as the model found it: the check says what it means
/// and how bad it is. (Broken and unsafe body links are in `Book.links`.)
public struct Findings: Sendable {
    public var duplicates: [DuplicateDocument] = []
    public var unresolved: [UnresolvedReference] = []
    /// The documents (indexes in `Book.documents`) whose file name is not a valid id, or is
    /// reserved.
    public var invalidIDs: [Int32] = []
    /// The documents with a body link that leads nowhere or could run code (`Book.linkLists`).
    public var suspectLinks: [Int32] = []
    /// The body links between documents (not to other sites), and how many of them resolve.
    public var internalLinks = 0, resolvingLinks = 0
    /// The files (not documents) the bodies link to, relative to the content folder, sorted.
    public var linkedAssets: [String] = []
}

/// The backlinks of a book, compact: for each document (by its index in `Book.documents`), the
/// entities that refer or link to it, as document indexes with a field code, sorted as
/// `Backlink`s sort. Turned into `Backlink`s when asked for.
struct Backlinks: Sendable {
    /// The backlinks of document `i` are `entries[starts[i]..<starts[i + 1]]`.
    let starts: [Int32]
    let entries: [(from: Int32, field: UInt8)]

    static let empty = Backlinks(starts: [], entries: [])

    func of(_ document: Int32) -> ArraySlice<(from: Int32, field: UInt8)> {
        guard Int(document) + 1 < starts.count else { return [] }
        return entries[Int(starts[Int(document)])..<Int(starts[Int(document) + 1])]
    }
}

/// The derived indexes the checker and the renderer need.
public struct BookIndex: Sendable {
    public let placements: [String: [StepPlacement]]
    public let roles: [String: RoleDuties]
    /// Every step id in journey order (journeys by id, stages and steps in order), then the
    /// steps that no journey lists, by id.
    public let stepOrder: [String]
    /// The standards that name no role in `applies_to`: they apply to every role.
    public let generalStandards: [String]
    let compact: Backlinks
    let documents: [SourceDocument]

    /// Every entity's backlinks, sorted (made when asked for: `Book.backlinks(to:)` gives one
    /// entity's).
    public var backlinks: [EntityKey: [Backlink]] {
        var out: [EntityKey: [Backlink]] = [:]
        for (i, doc) in documents.enumerated() {
            let list = compact.of(Int32(i))
            if !list.isEmpty { out[doc.key] = list.map { Backlink(from: documents[Int($0.from)].key, field: Field.names[Int($0.field)]) } }
        }
        return out
    }
}

/// The front-matter fields that refer to entities, and body links ("link"), by code: codes are
/// in the order of the names, so that sorting by code sorts by name.
enum Field {
    static let names = ["applies_to", "escalation", "link", "owner", "participants", "reports_to", "responsible", "script",
                        "situations", "standards", "steps"]
    static let codes: [String: UInt8] = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, UInt8($0)) })
    static let link = codes["link"]!
}

/// A whole service book: settings, typed entities with resolved references, derived indexes.
/// Immutable; a class so that the stages share one copy (and the cores do not count references
/// to each of its parts as they pass it around).
public final class Book: Sendable {
    public let config: BookConfig
    /// Every document that was loaded, including those too broken to become entities, by path.
    public let documents: [SourceDocument]
    public let index: BookIndex
    /// Resolves body links, for renderers (which see links the checker does not, like autolinks).
    public let linkResolver: LinkResolver
    /// Paths of the non-document files under the content folder.
    public let assets: Set<String>
    public let findings: Findings
    let listing: Listing
    /// The entity of each document (nil for a duplicate, or a document whose front matter is
    /// too broken).
    let slots: [Entity?]
    /// Each kind's entities in the order of `all`.
    let ordered: [Kind: [Entity]]
    /// Each document's body links, resolved, in the order they appear (empty for duplicates),
    /// aligned with `documents`.
    public let linkLists: [[(link: BodyLink, target: ResolvedLink)]]

    init(config: BookConfig, documents: [SourceDocument], listing: Listing, slots: [Entity?], ordered: [Kind: [Entity]],
         index: BookIndex, linkLists: [[(link: BodyLink, target: ResolvedLink)]], linkResolver: LinkResolver,
         assets: Set<String>, findings: Findings) {
        self.config = config
        self.documents = documents
        self.listing = listing
        self.slots = slots
        self.ordered = ordered
        self.index = index
        self.linkLists = linkLists
        self.linkResolver = linkResolver
        self.assets = assets
        self.findings = findings
    }

    public subscript(key: EntityKey) -> Entity? { listing.index[key].flatMap { slots[Int($0)] } }

    /// The entity of the document at `index` in `documents`, if it has one.
    public func entity(at index: Int) -> Entity? { slots[index] }

    public func entity(_ kind: Kind, _ id: String) -> Entity? { self[EntityKey(kind, id)] }

    /// The entities of one kind, by id (pages by `order`, then id).
    public func all(_ kind: Kind) -> [Entity] { ordered[kind] ?? [] }

    /// The keys of one kind's entities, in the order of `all`.
    public func keys(_ kind: Kind) -> [EntityKey] { all(kind).map(\.key) }

    /// How many entities the book has.
    public var entityCount: Int { ordered.values.reduce(0) { $0 + $1.count } }

    /// Every entity by key (made when asked for).
    public var entities: [EntityKey: Entity] {
        var out: [EntityKey: Entity] = [:]
        for list in ordered.values { for entity in list { out[entity.key] = entity } }
        return out
    }

    /// Whether some document (an entity or not) has this key.
    public func hasDocument(_ key: EntityKey) -> Bool { listing.index[key] != nil }

    /// The body links of `document` (one of `documents`), resolved, in the order they appear.
    public func links(of document: SourceDocument) -> [(link: BodyLink, target: ResolvedLink)] {
        guard let i = listing.byPath[document.path], documents[Int(i)] === document else { return [] }
        return linkLists[Int(i)]
    }

    /// Every document's resolved body links, by path (made when asked for).
    public var links: [String: [(link: BodyLink, target: ResolvedLink)]] {
        var out: [String: [(link: BodyLink, target: ResolvedLink)]] = [:]
        for (i, doc) in documents.enumerated() where listing.unique[i] { out[doc.path] = linkLists[i] }
        return out
    }

    /// The entities that refer or link to `key`, sorted by key, then field.
    public func backlinks(to key: EntityKey) -> [Backlink] {
        guard let i = listing.index[key] else { return [] }
        return index.compact.of(i).map { Backlink(from: documents[Int($0.from)].key, field: Field.names[Int($0.field)]) }
    }

    /// Whether an entity of another kind names `entity` in its front-matter field `field`
    /// (a script "used" by a step or situation, a situation "listed" by a step, ...).
    public func isReferenced(_ entity: Entity, byField field: String) -> Bool {
        guard let i = listing.index[entity.key], let code = Field.codes[field] else { return false }
        return index.compact.of(i).contains { $0.field == code && documents[Int($0.from)].kind != entity.kind }
    }

    /// The entity a reference points at, if it exists and is of `kind`.
    public func resolve(_ reference: Reference?, as kind: Kind) -> Entity? {
        reference.flatMap { self[EntityKey(kind, $0.id)] }
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
