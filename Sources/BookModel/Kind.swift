/// The kinds of document a service book is made of. The kind comes from the folder.
public enum Kind: String, CaseIterable, Sendable, Codable, Comparable {
    case journey, step, situation, role, standard, script, term, page

    /// The folder under `content/` that holds documents of this kind.
    public var folder: String {
        switch self {
        case .journey: "journeys"
        case .step: "steps"
        case .situation: "situations"
        case .role: "roles"
        case .standard: "standards"
        case .script: "scripts"
        case .term: "glossary"
        case .page: "pages"
        }
    }

    /// The kind whose folder is `folder`, if any.
    public init?(folder: String) {
        guard let kind = Kind.allCases.first(where: { $0.folder == folder }) else { return nil }
        self = kind
    }

    /// "a role", "an entity" — for messages.
    public var withArticle: String {
        switch self {
        case .journey, .step, .situation, .role, .standard, .script, .term, .page: "a \(rawValue)"
        }
    }

    /// The kind's place in `allCases`.
    public var index: Int {
        switch self {
        case .journey: 0
        case .step: 1
        case .situation: 2
        case .role: 3
        case .standard: 4
        case .script: 5
        case .term: 6
        case .page: 7
        }
    }

    public static func < (a: Kind, b: Kind) -> Bool { a.index < b.index }
}

/// Identifies one entity of the book: its kind and its id.
public struct EntityKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let kind: Kind
    public let id: String

    public init(_ kind: Kind, _ id: String) {
        self.kind = kind
        self.id = id
    }

    public var description: String { "\(kind.rawValue):\(id)" }

    /// The entity's page in the handbook, relative to the site's root (`steps/greeting.html`).
    public var pagePath: String { "\(kind.folder)/\(id).html" }

    public static func < (a: EntityKey, b: EntityKey) -> Bool {
        a.kind != b.kind ? a.kind < b.kind : a.id < b.id
    }
}
