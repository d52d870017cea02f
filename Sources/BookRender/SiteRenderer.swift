import BookAudit
import BookChanges
import BookModel
import Foundation
import Mustache
import Synchronization

/// A line of the completeness report, for the completeness page.
public struct CompletenessRow: Sendable {
    public let rule: String
    public let satisfied: Int
    public let total: Int

    public init(rule: String, satisfied: Int, total: Int) {
        self.rule = rule
        self.satisfied = satisfied
        self.total = total
    }
}

/// A warning of the check, listed on the completeness page.
public struct WarningRow: Sendable {
    public let location: String
    public let code: String
    public let message: String

    public init(location: String, code: String, message: String) {
        self.location = location
        self.code = code
        self.message = message
    }
}

/// The audits scored for the handbook's quality section (nothing when there are no visits).
public struct AuditScores: Sendable {
    let quality: Quality?
}

extension SiteRenderer {
    /// The scores of `audits` for the quality section: the longest part of planning the site
    /// that runs on one core.
    public static func scores(_ audits: Audits, book: Book) -> AuditScores {
        AuditScores(quality: audits.scored.isEmpty ? nil : Quality(audits: audits, book: book))
    }
}

/// A text value of a template context (see `SiteRenderer.prepared`).
/// A parent without children: a name looked up inside a section on a text (`{{#summary}}…{{/summary}}`)
/// goes on to the enclosing values at once, instead of through reflection on the text.
struct Text: MustacheCustomRenderable, MustacheParent {
    let renderText: String
    var isNull: Bool { false }
    func child(named: String) -> Any? { nil }
}

/// A template context's object: its values by name. Mustache asks every object of its context
/// stack for each name, by dynamic casts; a `[String: Any]` conforms to `MustacheParent`
/// conditionally (where Key == String), which the runtime checks on each cast, and a type of
/// our own conforms plainly (a list of ten items of three values each renders in 31 µs instead
/// of 52 µs).
struct Context: MustacheParent {
    let values: [String: Any]
    init(_ values: [String: Any]) { self.values = values }
    func child(named: String) -> Any? { values[named] }
}

/// A page of the site before it is rendered: where it goes, its template, and how to make its
/// context (evaluated only when the page is rendered).
///
/// Sendable: its context closure reads only the renderer, which does not change once made.
struct PagePlan: @unchecked Sendable {
    let path: String
    let depth: Int
    let template: String
    let title: String
    let context: () -> [String: Any]
}

/// Renders the pages of the handbook from the model and the theme: every page at once (`render`,
/// for `build`), or one page when it is asked for (`LazySite`, for `serve`).
///
/// Sendable: nothing in it changes once it is made (its template values are `[String: Any]`
/// only because Mustache wants them so); what it renders on demand (bodies, sort keys) is kept
/// behind locks.
public struct SiteRenderer: @unchecked Sendable {
    let book: Book
    let theme: Theme
    let s: [String: String]
    let completeness: [CompletenessRow]
    /// The warnings of the check, made when the completeness page is rendered.
    let warnings: @Sendable () -> [WarningRow]
    let library: MustacheLibrary
    /// Entity bodies as HTML, rendered when first needed.
    let bodies: BodyStore
    /// Titles as sort keys of the book's language.
    let collation: CollationCache
    /// The sidebar at depth 0 and 1.
    let navs: [String]
    /// Mustache looks values up by casting to [String: Any]: it gets dictionaries that already
    /// are of that type (casting a [String: String] copies the whole dictionary on every lookup).
    let strings: [String: Any]
    let bookInfo: [String: Any]

    /// The content folder's name, for paths shown in the site ("content/steps/x.md").
    let contentName: String
    /// What the audits say, when the book has some.
    let quality: Quality?
    /// The roster's employees (their ids fill the checklist form; names never reach the handbook).
    let roster: [Employee]
    /// Whether the site has a page per employee (the managers' report, not the handbook).
    let staffPages: Bool
    /// What changed since the previous edition, when there is one to compare with.
    let changes: BookChanges?
    /// The standards for every role as list items of a role's page, made once for all roles.
    let generalStandardItems: [(id: String, html: String)]
    /// Parts of pages that many pages repeat (a standard with its checks, a script in full),
    /// rendered once.
    let fragments = Fragments()
    /// The layout split at what differs from page to page, made once per depth and kind.
    let layouts = LayoutSplices()
    /// What the layout is given that is the same for every page at a depth.
    let layoutConstants: [[String: Any]]

    /// - Parameter cache: what an earlier build of the same book rendered (`serve`): bodies whose
    ///   Markdown, link targets and glossary are unchanged are taken from it.
    /// - Parameter audits: the book's mystery-shopper visits: with some, the handbook has a
    ///   quality section, and pass rates on standard, step and checklist pages.
    /// - Parameter scores: `SiteRenderer.scores(audits, book:)` computed beforehand (a build
    ///   computes them beside the search index); nil computes them here.
    public init(book: Book, theme: Theme, contentName: String = "content", completeness: [CompletenessRow] = [],
                warnings: @escaping @Sendable () -> [WarningRow] = { [] }, audits: Audits = .empty, scores: AuditScores? = nil,
                staffPages: Bool = false, changes: BookChanges? = nil, cache: RenderCache? = nil) throws {
        self.staffPages = staffPages
        self.changes = changes
        generalStandardItems = book.index.generalStandards.compactMap { id in
            guard let standard = book.entity(.standard, id) else { return nil }
            let url = Paths.relative(Paths.page(standard.key), depth: 1)
            return (id, "<li><a href=\"\(url)\">\(SiteRenderer.escape(standard.title))</a></li>")
        }
        self.book = book
        quality = (scores ?? SiteRenderer.scores(audits, book: book)).quality
        roster = audits.roster
        self.contentName = contentName
        self.theme = theme
        let language = book.config.language.rawValue
        s = try cache?.strings(theme, language) ?? theme.strings(language)
        library = try cache?.library(theme, language, strings: s) ?? theme.library(strings: s)
        collation = cache?.collation(book.config.language) ?? CollationCache(language: book.config.language)
        self.completeness = completeness
        self.warnings = warnings
        if let cache {
            let glossary = Fingerprint.glossary(book)
            bodies = BodyStore(renderer: BodyRenderer(book: book, terms: cache.terms(book, glossary: glossary)), cache: cache, glossary: glossary)
        } else {
            bodies = BodyStore(renderer: BodyRenderer(book: book, terms: TermMatcher(book: book)), cache: nil)
        }
        strings = s
        var info: [String: Any] = ["title": book.config.title]
        if let v = book.config.organization { info["organization"] = v }
        if let v = book.config.description { info["description"] = v }
        if let v = book.config.edition { info["edition"] = v }
        bookInfo = info
        let hasQuality = !audits.scored.isEmpty, strings = s
        let edition = book.config.edition
        let whatsNew: String? = changes == nil ? nil
            : (strings["whatsNew"] ?? "") + (edition.map { " " + (strings["inEdition"] ?? "") + " " + $0 } ?? "")
        navs = (0...2).map { SiteRenderer.navigation(book: book, s: strings, depth: $0, quality: hasQuality, whatsNew: whatsNew) }
        let lang = book.config.language.rawValue, stringContext = self.strings
        layoutConstants = (0...2).map { depth in
            ["s": stringContext, "root": Paths.relative("", depth: depth), "book": info, "lang": lang]
        }
    }

    /// Every page of the site, the largest first (so that in a full build they start while the
    /// many small ones fill the other cores).
    func plans() -> [PagePlan] {
        fixedPlans() + Kind.allCases.flatMap { book.all($0) }.map(entityPlan)
    }

    /// The page of an entity.
    func entityPlan(_ entity: Entity) -> PagePlan {
        PagePlan(path: Paths.page(entity.key), depth: 1, template: template(for: entity.kind), title: entity.title) {
            entityContext(entity)
        }
    }

    /// The page of the entity at `path` (`steps/greeting.html`), if there is one.
    func entityPlan(at path: String) -> PagePlan? {
        let parts = path.split(separator: "/")
        guard parts.count == 2, parts[1] != "index.html", parts[1].hasSuffix(".html"), let kind = Kind(folder: String(parts[0])),
              let entity = book.entity(kind, String(parts[1].dropLast(5))) else { return nil }
        return entityPlan(entity)
    }

    /// The pages that are not an entity's own.
    func fixedPlans() -> [PagePlan] {
        var pages: [PagePlan] = []
        func add(_ path: String, _ depth: Int, _ template: String, _ title: String, _ context: @escaping () -> [String: Any]) {
            pages.append(PagePlan(path: path, depth: depth, template: template, title: title, context: context))
        }
        add("print.html", 0, "print", s["print"] ?? "") { printIndex() }
        for part in printParts() {
            add(part.path, 1, "print-part", "\(s["print"] ?? "") — \(part.title)") { printPart(part) }
        }
        add("matrix.html", 0, "matrix", s["matrix"] ?? "") { matrixIndex() }
        for journey in book.all(.journey) {
            add(Paths.matrix(journey.id), 1, "matrix-journey", "\(s["matrix"] ?? "") — \(journey.title)") { matrix(journey) }
        }
        add("phrasebook.html", 0, "phrasebook", s["phrasebook"] ?? "") { phrasebook() }
        add("index.html", 0, "home", book.config.title) { home() }
        for kind in Kind.allCases {
            add(Paths.index(kind), 1, "list", s["index_\(kind.rawValue)"] ?? kind.folder) { index(kind) }
        }
        for journey in book.all(.journey) {
            add(Paths.checklist(journey.id), 1, "checklist", "\(s["checklist"] ?? "") — \(journey.title)") { checklist(journey) }
        }
        add(Paths.checklistIndex, 1, "list", s["checklists"] ?? "") { [
            "title": s["checklists"] ?? "",
            "groups": [["items": book.all(.journey).map { item(Paths.relative(Paths.checklist($0.id), depth: 1), $0.title) }]],
        ] }
        add("completeness.html", 0, "completeness", s["completeness"] ?? "") { completenessPage() }
        add("search.html", 0, "search", s["search"] ?? "") { [:] }
        return pages + qualityPlans() + staffPlans() + editionPlans()
    }

    /// One page: its template inside the layout.
    func renderPage(_ page: PagePlan) -> Result<[UInt8], ServicebookError> {
        let pageContext = page.context()
        var context = SiteRenderer.prepared(pageContext)
        context["s"] = strings
        context["root"] = Paths.relative("", depth: page.depth)
        context["book"] = bookInfo
        guard let content = library.render(Context(context), withTemplate: page.template) else {
            return .failure(ServicebookError(.render, path: page.path, "the theme has no template \"\(page.template)\""))
        }
        let nav = SiteRenderer.markCurrent(navs[page.depth], href: Paths.relative(page.path, depth: page.depth))
        let values = LayoutValues(pageTitle: page.title, content: content, bodyClass: page.template,
                                  description: (pageContext["summary"] as? String) ?? book.config.description ?? "",
                                  nav: nav, pageScript: pageContext["script"] as? String)
        let render = { (values: LayoutValues) -> String? in
            self.library.render(Context(values.context(self.layoutConstants[page.depth])), withTemplate: "layout")
        }
        guard let full = layouts.render(values, depth: page.depth, with: render) else {
            return .failure(ServicebookError(.render, path: page.path, "the theme has no template \"layout\""))
        }
        return .success(full)
    }

    // MARK: - Helpers

    func template(for kind: Kind) -> String {
        switch kind {
        case .journey: "journey"
        case .step: "step"
        case .situation: "situation"
        case .role: "role"
        default: "entity"
        }
    }

    func kindLabel(_ kind: Kind) -> String { s["kind_\(kind.rawValue)"] ?? kind.rawValue }

    /// A channel in the interface's words (`phone` → «телефон»); free-text channels stay as written.
    func channel(_ value: String?) -> String? { value.map { s["channel_\($0)"] ?? $0 } }

    /// `{url, title, summary}` of an entity, seen from a page `depth` folders down.
    /// Templates write generated URLs unescaped (`{{{url}}}`): they are made of ids
    /// (`[a-z0-9-]`), heading anchors (letters, digits, `-`, `_`) and percent-encoded paths.
    func link(_ key: EntityKey, depth: Int = 1) -> [String: Any] {
        guard let entity = book[key] else { return [:] }
        let url = Paths.relative(Paths.page(key), depth: depth)
        var c: [String: Any] = ["url": url, "title": entity.title, "id": key.id,
                                // The link as HTML (`{{{a}}}`): one lookup instead of two in list-heavy pages.
                                "a": "<a href=\"\(url)\">\(SiteRenderer.escape(entity.title))</a>"]
        if let summary = entity.summary, !summary.isEmpty { c["summary"] = summary }
        return c
    }

    /// `{url, title, a}` for a link that is not to an entity.
    func item(_ url: String, _ title: String) -> [String: Any] {
        ["url": url, "title": title, "a": "<a href=\"\(url)\">\(SiteRenderer.escape(title))</a>"]
    }

    func links(_ refs: [Reference], _ kind: Kind, depth: Int = 1) -> [[String: Any]] {
        var seen = Set<String>()
        let keys = refs.map { EntityKey(kind, $0.id) }.filter { book[$0] != nil && seen.insert($0.id).inserted }
        return keys.enumerated().map { i, key in
            var c = link(key, depth: depth)
            c["last"] = i == keys.count - 1
            return c
        }
    }

    func fact(_ label: String, links: [[String: Any]]) -> [String: Any]? {
        links.isEmpty ? nil : ["label": s[label] ?? label, "links": links]
    }

    func fact(_ label: String, text: String?) -> [String: Any]? {
        guard let text, !text.isEmpty else { return nil }
        return ["label": s[label] ?? label, "text": text]
    }

    /// Sets a list and the flag that says whether it has items (`{{#hasScripts}}`).
    func setList(_ context: inout [String: Any], _ key: String, _ items: [[String: Any]], flag: String) {
        context[key] = items
        context[flag] = !items.isEmpty
    }

    /// A step's or situation's scripts in full and standards with their checks, as HTML: the
    /// same script or standard is embedded in many pages, so each is rendered once.
    func embed(scripts: [Reference], standards: [Reference], into c: inout [String: Any]) {
        var seen = Set<String>()
        let scripts = scripts.compactMap { book.resolve($0, as: .script) }.filter { seen.insert($0.id).inserted }
        seen = []
        let standards = standards.compactMap { book.resolve($0, as: .standard) }.filter { seen.insert($0.id).inserted }
        c["scripts"] = scripts.map { embeddedScript($0) }.joined()
        c["hasScripts"] = !scripts.isEmpty
        c["standards"] = standards.map { embeddedStandard($0.key) }.joined()
        c["hasStandards"] = !standards.isEmpty
    }

    /// A standard with its checks (`partials/embedded-standard`), rendered once per build.
    func embeddedStandard(_ key: EntityKey) -> String {
        fragments.html("standard:" + key.id) { fragment(standardContext(key), "partials/embedded-standard") }
    }

    /// A script in full (`partials/embedded-script`), rendered once per build.
    func embeddedScript(_ script: Entity) -> String {
        fragments.html("script:" + script.id) { fragment(scriptContext(script), "partials/embedded-script") }
    }

    /// A script's phrases on a role's page (`partials/role-script`), rendered once per build.
    func roleScript(_ key: EntityKey) -> String {
        fragments.html("role-script:" + key.id) {
            var l = link(key)
            let list = phrases(book[key]?.script)
            l["phrases"] = list
            l["hasPhrases"] = !list.isEmpty
            return fragment(l, "partials/role-script")
        }
    }

    /// A partial rendered on its own with the interface strings.
    func fragment(_ context: [String: Any], _ template: String) -> String {
        var c = SiteRenderer.prepared(context)
        c["s"] = strings
        return library.render(Context(c), withTemplate: template) ?? ""
    }

    func withFacts(_ context: inout [String: Any], _ facts: [[String: Any]?]) {
        let list = facts.compactMap { $0 }
        context["facts"] = list
        context["hasFacts"] = !list.isEmpty
    }

    func number(_ weight: Double) -> String {
        weight == weight.rounded() ? String(Int(weight)) : String(format: "%.1f", weight)
    }

    func checks(_ standard: Standard) -> [[String: Any]] {
        standard.checks.map { check in
            ["text": check.text, "weight": number(check.weight), "critical": check.critical, "showWeight": check.weight != 1]
        }
    }

    func standardContext(_ key: EntityKey, depth: Int = 1) -> [String: Any] {
        var c = link(key, depth: depth)
        let list = book[key]?.standard.map(checks) ?? []
        c["checks"] = list
        c["hasChecks"] = !list.isEmpty
        return c
    }

    func phrases(_ script: Script?) -> [[String: Any]] {
        (script?.phrases ?? []).map { ["avoid": $0.avoid, "say": $0.say] }
    }

    func scriptContext(_ script: Entity, depth: Int = 1) -> [String: Any] {
        var c = link(script.key, depth: depth)
        let list = phrases(script.script)
        c["phrases"] = list
        c["hasPhrases"] = !list.isEmpty
        c["body"] = bodies.html(script, .embedded)
        return c
    }

    /// The sidebar with `aria-current="page"` on the link to the page itself (byte-level: this
    /// runs once per page).
    static func markCurrent(_ nav: String, href: String) -> String {
        let needle = Array("href=\"\(href)\"".utf8)
        let bytes = Array(nav.utf8)
        guard needle.count <= bytes.count else { return nav }
        for i in 0...(bytes.count - needle.count) where bytes[i] == needle[0] && bytes[i..<(i + needle.count)].elementsEqual(needle) {
            var out = Array(bytes[..<(i + needle.count)])
            out += " aria-current=\"page\"".utf8
            out += bytes[(i + needle.count)...]
            return String(decoding: out, as: UTF8.self)
        }
        return nav
    }

    /// A context with every text wrapped as `Text`: Mustache renders a `MustacheCustomRenderable`
    /// directly, where a plain `String` goes through several dynamic casts and
    /// `String(describing:)` for each `{{value}}`.
    static func prepared(_ context: [String: Any]) -> [String: Any] {
        context.mapValues(prepared)
    }

    static func prepared(_ value: Any) -> Any {
        switch value {
        case let text as String: Text(renderText: text)
        case let dictionary as [String: Any]: Context(prepared(dictionary))
        case let list as [[String: Any]]: list.map { Context(prepared($0)) }
        case let list as [String]: list.map { Text(renderText: $0) }
        default: value
        }
    }

    /// HTML escaping of text: `& < > " '` (the same as swift-mustache's), on bytes.
    public static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case 0x26: out.append(contentsOf: "&amp;".utf8)
            case 0x3C: out.append(contentsOf: "&lt;".utf8)
            case 0x3E: out.append(contentsOf: "&gt;".utf8)
            case 0x22: out.append(contentsOf: "&quot;".utf8)
            case 0x27: out.append(contentsOf: "&#39;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The sidebar, rendered once per depth (pages differ only by which link is current).
    /// It stays small however large the book: at most `navJourneys` journeys, then a link to all.
    static func navigation(book: Book, s: [String: String], depth: Int, quality: Bool, whatsNew: String? = nil) -> String {
        func a(_ path: String, _ title: String) -> String {
            "<a href=\"\(Paths.relative(path, depth: depth))\">\(SiteRenderer.escape(title))</a>"
        }
        let journeys = book.all(.journey)
        var out = ""
        // No heading over nothing: a book without journeys starts with its sections.
        if !journeys.isEmpty {
            out += "<h2>\(SiteRenderer.escape(s["journeys"] ?? ""))</h2>\n<ul>\n"
            for journey in journeys.prefix(navJourneys) {
                out += "<li>\(a(Paths.page(journey.key), journey.title))</li>\n"
            }
            if journeys.count > navJourneys {
                out += "<li>\(a(Paths.index(.journey), "\(s["allJourneys"] ?? "") (\(journeys.count))"))</li>\n"
            }
            out += "</ul>\n"
        }
        out += "<h2>\(SiteRenderer.escape(s["sections"] ?? ""))</h2>\n<ul>\n"
        for kind in [Kind.situation, .role, .standard, .script, .step, .term, .page] where !book.all(kind).isEmpty {
            out += "<li>\(a(Paths.index(kind), s["index_\(kind.rawValue)"] ?? kind.folder))</li>\n"
        }
        out += "</ul>\n<h2>\(SiteRenderer.escape(s["tools"] ?? ""))</h2>\n<ul>\n"
        if let whatsNew { out += "<li>\(a(EditionPaths.whatsNew, whatsNew))</li>\n" }
        out += "<li>\(a("matrix.html", s["matrix"] ?? ""))</li>\n"
        out += "<li>\(a("phrasebook.html", s["phrasebook"] ?? ""))</li>\n"
        if journeys.count == 1, let journey = journeys.first {
            out += "<li>\(a(Paths.checklist(journey.id), s["checklist"] ?? ""))</li>\n"
        } else if !journeys.isEmpty {
            out += "<li>\(a(Paths.checklistIndex, s["checklists"] ?? ""))</li>\n"
        }
        out += "<li>\(a("print.html", s["print"] ?? ""))</li>\n"
        if quality { out += "<li>\(a(QualityPaths.index, s["quality"] ?? ""))</li>\n" }
        if !book.all(.role).isEmpty { out += "<li>\(a(EditionPaths.sheets, s["sheets"] ?? ""))</li>\n" }
        out += "<li>\(a("completeness.html", s["completeness"] ?? ""))</li>\n</ul>\n"
        return out
    }

    static let navJourneys = 12

    func sorted(_ entities: [Entity]) -> [Entity] {
        collation.keys(entities.map(\.title)).enumerated().sorted { $0.element < $1.element }.map { entities[$0.offset] }
    }
}

/// HTML made once and reused, by key; safe to use from every core (a fragment made twice at
/// once is the same HTML).
final class Fragments: Sendable {
    private let made = Mutex<[String: String]>([:])

    func html(_ key: String, make: () -> String) -> String {
        if let known = made.withLock({ $0[key] }) { return known }
        let html = make()
        made.withLock { $0[key] = html }
        return html
    }
}
