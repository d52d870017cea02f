import BookModel

/// What changed between two editions of a book, entity by entity, in terms of the book
/// (SPEC §11): what was added, removed or renamed, and for each changed entity which fields
/// changed (and how) and which sections of its body.
public struct BookChanges: Sendable {
    /// The revision or folder compared with (as the user gave it).
    public let since: String
    /// The `edition` of book.yml then and now.
    public let previousEdition: String?
    public let edition: String?
    public let added: [EntityKey]
    public let removed: [EntityKey]
    public let renamed: [Rename]
    public let changed: [EntityChange]
    /// Each role's changes: every added, removed, renamed (by its new key) or changed entity
    /// that is in the role's handbook before or after the change, in the handbook's kind order.
    /// Roles without a change are left out.
    public let roles: [(role: String, title: String, changes: [EntityKey])]
    /// The titles of the entities named above, and of those the notes name (the new title; a
    /// removed entity's old one).
    public let titles: [EntityKey: String]

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && renamed.isEmpty && changed.isEmpty }

    /// The change of `key` (a new key), if it changed.
    public func change(of key: EntityKey) -> EntityChange? { changed.first { $0.key == key } }

    /// Whether the entity at `key` (a key of the new edition) is new or different in a way a
    /// reader would want to know: added, renamed, or changed in more than its `reviewed` date.
    public func isNews(_ key: EntityKey) -> Bool { newsKeys.contains(key) }

    /// The keys of the new edition that `isNews` holds for.
    public var newsKeys: Set<EntityKey> {
        Set(added + renamed.map(\.new) + changed.filter(\.isSubstantive).map(\.key))
    }

    public init(since: String, previousEdition: String?, edition: String?, added: [EntityKey], removed: [EntityKey],
                renamed: [Rename], changed: [EntityChange], roles: [(role: String, title: String, changes: [EntityKey])],
                titles: [EntityKey: String]) {
        self.since = since
        self.previousEdition = previousEdition
        self.edition = edition
        self.added = added
        self.removed = removed
        self.renamed = renamed
        self.changed = changed
        self.roles = roles
        self.titles = titles
    }
}

/// An entity under a new id, the same otherwise (or nearly: a renamed entity may also have
/// changed, then it is in `changed` under its new key).
public struct Rename: Sendable, Hashable {
    public let kind: Kind
    public let from: String
    public let to: String

    public var old: EntityKey { EntityKey(kind, from) }
    public var new: EntityKey { EntityKey(kind, to) }
}

/// What changed in one entity present in both editions.
public struct EntityChange: Sendable {
    /// Its key in the new edition.
    public let key: EntityKey
    /// The front-matter fields that changed, in the order of the kind's fields, each with
    /// what changed in it.
    public let fields: [FieldChange]
    /// Whether the Markdown body changed, and the headings of the sections that did ("" for
    /// the text before the first heading).
    public let body: Bool
    public let sections: [String]

    /// More than the `reviewed` date changed.
    public var isSubstantive: Bool { body || fields.contains { $0.field != "reviewed" } }
}

/// One field's change, as notes a person reads: "added «…»", "sales-manager → administrator".
public struct FieldChange: Sendable, Hashable {
    public let field: String
    public let notes: [Note]
}

/// One thing that changed in a field.
public struct Note: Sendable, Hashable {
    public enum Verb: String, Sendable {
        /// A value replaced (`from` → `to`; nil is "none").
        case changed
        /// An element of a list added or removed (`subject`).
        case added, removed
        /// A step moved to another stage (`from` → `to` are the stages' titles).
        case moved
        /// The same elements in another order.
        case reordered
    }

    public let verb: Verb
    /// What the note is about: a list's element, a check's text, a stage's title; "" for the
    /// field's own value.
    public let subject: String
    /// Which part of the subject changed, for fields of several parts: a check's `text`,
    /// `weight` or `critical`, a phrase's `say`, a stage's `title`; `stage` and `step` for a
    /// journey's stages and steps; nil for the whole.
    public let aspect: String?
    /// The kind of entity `subject`, `from` and `to` name, when they are ids (a reference
    /// field's values, a journey's steps): formatters may show the entities' titles.
    public let kind: Kind?
    public let from: String?
    public let to: String?
    /// For an added check: its weight and whether it is critical, as data for the formatters.
    public let weight: Double?
    public let critical: Bool

    public init(_ verb: Verb, _ subject: String = "", aspect: String? = nil, from: String? = nil, to: String? = nil,
                weight: Double? = nil, critical: Bool = false, kind: Kind? = nil) {
        self.verb = verb
        self.subject = subject
        self.aspect = aspect
        self.kind = kind
        self.from = from
        self.to = to
        self.weight = weight
        self.critical = critical
    }
}
