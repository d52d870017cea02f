import BookModel
import Foundation
import Mustache

/// A file of the rendered site: its path under the output folder and its bytes.
public struct OutputFile: Sendable {
    public let path: String
    public let bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}

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

/// A text value of a template context (see `SiteRenderer.prepared`).
struct Text: MustacheCustomRenderable {
    let renderText: String
    var isNull: Bool { false }
}

public struct RenderError: Error, CustomStringConvertible {
    public let description: String
}

/// Renders every page of the handbook from the model and the theme.
public struct SiteRenderer {
    let book: Book
    let theme: Theme
    let s: [String: String]
    let completeness: [CompletenessRow]
    let warnings: [WarningRow]
    let bodies: BodyRenderer
    let library: MustacheLibrary
    /// Every entity's title as a sort key of the book's language, computed once.
    let sortKeys: [EntityKey: Collation.Key]

    /// The content folder's name, for paths shown in the site ("content/steps/x.md").
    let contentName: String
    /// Pages and bodies of the previous build, for `serve` (nil: render everything).
    let cache: RenderCache?

    public init(book: Book, theme: Theme, contentName: String = "content", completeness: [CompletenessRow] = [],
                warnings: [WarningRow] = [], cache: RenderCache? = nil) throws {
        self.book = book
        self.cache = cache
        self.contentName = contentName
        self.theme = theme
        s = try theme.strings(book.config.language.rawValue)
        library = try theme.library(strings: s)
        let all = Kind.allCases.flatMap { book.all($0) }
        let language = book.config.language
        sortKeys = Dictionary(uniqueKeysWithValues: zip(all.map(\.key), all.parallelMap { Collation.key($0.title, language: language) }))
        self.completeness = completeness
        self.warnings = warnings
        bodies = BodyRenderer(book: book)
    }

    /// Every page and asset of the site, sorted by path, and how long the stages took.
    public func render() throws -> (files: [OutputFile], times: StageTimes) {
        var times = StageTimes()
        cache?.begin()
        let navs = [navigation(depth: 0), navigation(depth: 1)]
        // Bodies: each entity's own page, plus the print page's version; scripts also embedded.
        let entities = Kind.allCases.flatMap { book.all($0) }
        let glossary = glossaryFingerprint()
        let rendered = entities.parallelMap { entity -> [String] in
            guard let cache else { return renderBody(entity) }
            return cache.body(entity.key, bodyFingerprint(entity, glossary: glossary)) { renderBody(entity) }
        }
        func renderBody(_ entity: Entity) -> [String] {
            var styles = [BodyStyle.ownPage, BodyStyle(links: .onePage, idPrefix: Paths.printAnchor(entity.key) + "--", headingShift: 2)]
            if entity.kind == .script {
                styles.append(BodyStyle(links: .pages(depth: 1), idPrefix: Paths.printAnchor(entity.key) + "--", headingShift: 1,
                                        linksTerms: false))
            }
            return bodies.render(entity, styles: styles)
        }
        times.mark("bodies")
        var html: [EntityKey: [String]] = [:]
        for (entity, versions) in zip(entities, rendered) { html[entity.key] = versions }

        // The largest single pages first, so that they start while the many small ones fill the other cores.
        var pages: [(path: String, depth: Int, template: String, title: String, context: [String: Any])] = []
        pages.append(("print.html", 0, "print", s["print"] ?? "", printPage(html)))
        pages.append(("matrix.html", 0, "matrix", s["matrix"] ?? "", matrix()))
        pages.append(("phrasebook.html", 0, "phrasebook", s["phrasebook"] ?? "", phrasebook()))
        pages.append(("index.html", 0, "home", book.config.title, home()))
        for kind in Kind.allCases {
            pages.append((Paths.index(kind), 1, "list", s["index_\(kind.rawValue)"] ?? kind.folder, index(kind)))
        }
        let contexts = entities.parallelMap { entityContext($0, html) }
        for (entity, context) in zip(entities, contexts) {
            pages.append((Paths.page(entity.key), 1, template(for: entity.kind), entity.title, context))
        }
        for journey in book.all(.journey) {
            pages.append((Paths.checklist(journey.id), 1, "checklist", "\(s["checklist"] ?? "") — \(journey.title)", checklist(journey)))
        }
        pages.append((Paths.checklistIndex, 1, "list", s["checklists"] ?? "", [
            "title": s["checklists"] ?? "",
            "groups": [["items": book.all(.journey).map { item(Paths.relative(Paths.checklist($0.id), depth: 1), $0.title) }]],
        ]))
        pages.append(("completeness.html", 0, "completeness", s["completeness"] ?? "", completenessPage()))
        pages.append(("search.html", 0, "search", s["search"] ?? "", [:]))

        times.mark("contexts")
        // Mustache looks values up by casting to [String: Any]: hand it one that is already of that
        // type (casting a [String: String] copies the whole dictionary on every lookup).
        let strings: [String: Any] = s
        let bookInfo: [String: Any] = bookContext()
        var shared = Fingerprint()
        if cache != nil {
            for path in theme.files.keys.sorted() { shared.add(path); shared.add(any: String(decoding: theme.files[path]!, as: UTF8.self)) }
            shared.add(any: navs)
            shared.add(any: strings)
            shared.add(any: bookInfo)
            shared.add(book.config.language.rawValue)
        }
        let outputs = try pages.parallelMap { page -> Result<OutputFile, RenderError> in
            func renderPage() -> Result<[UInt8], RenderError> {
                var context = SiteRenderer.prepared(page.context)
                context["s"] = strings
                context["root"] = Paths.relative("", depth: page.depth)
                context["book"] = bookInfo
                guard let content = library.render(context, withTemplate: page.template) else {
                    return .failure(RenderError(description: "the theme has no template \"\(page.template)\""))
                }
                let nav = SiteRenderer.markCurrent(navs[page.depth], href: Paths.relative(page.path, depth: page.depth))
                let layout: [String: Any] = [
                    "s": strings, "root": Paths.relative("", depth: page.depth), "book": bookInfo,
                    "lang": book.config.language.rawValue, "pageTitle": page.title, "nav": nav, "content": content,
                    "bodyClass": page.template, "description": (page.context["summary"] as? String) ?? book.config.description ?? "",
                ]
                guard let full = library.render(layout, withTemplate: "layout") else {
                    return .failure(RenderError(description: "the theme has no template \"layout\""))
                }
                return .success(Array(full.utf8))
            }
            guard let cache else { return renderPage().map { OutputFile(path: page.path, bytes: $0) } }
            var fingerprint = shared
            fingerprint.add(page.path); fingerprint.add(page.depth); fingerprint.add(page.template); fingerprint.add(page.title)
            fingerprint.add(any: page.context)
            var failure: RenderError?
            let bytes = cache.page(page.path, fingerprint) {
                switch renderPage() {
                case .success(let bytes): return bytes
                case .failure(let error): failure = error; return nil
                }
            }
            if let failure { return .failure(failure) }
            return .success(OutputFile(path: page.path, bytes: bytes ?? []))
        }.map { try $0.get() }
        times.mark("templates")
        cache?.commit()
        let assets = theme.assets.map { OutputFile(path: $0.path, bytes: $0.bytes) }
        let all = (outputs + assets).sorted { $0.path < $1.path }
        if let clash = zip(all, all.dropFirst()).first(where: { $0.path == $1.path }) {
            throw RenderError(description: "two pages would be written to \(clash.0.path)")
        }
        return (all, times)
    }

    // MARK: - Helpers

    /// What every body's term links depend on: each term's id, title, aliases and summary.
    func glossaryFingerprint() -> Fingerprint {
        var fingerprint = Fingerprint()
        for term in book.all(.term) {
            fingerprint.add(term.id); fingerprint.add(term.title); fingerprint.add(term.summary ?? "")
            fingerprint.add(any: term.term?.aliases ?? [])
        }
        return fingerprint
    }

    /// What an entity's body HTML depends on: its Markdown, where its links lead, the glossary.
    func bodyFingerprint(_ entity: Entity, glossary: Fingerprint) -> Fingerprint {
        var fingerprint = glossary
        fingerprint.add(entity.key.description)
        fingerprint.add(entity.source.body)
        for link in entity.source.markdown.links {
            fingerprint.add(link.destination)
            fingerprint.add(String(describing: book.linkResolver.resolve(link.destination, from: entity.source)))
        }
        return fingerprint
    }

    func template(for kind: Kind) -> String {
        switch kind {
        case .journey: "journey"
        case .step: "step"
        case .situation: "situation"
        case .role: "role"
        default: "entity"
        }
    }

    func bookContext() -> [String: Any] {
        var c: [String: Any] = ["title": book.config.title]
        if let v = book.config.organization { c["organization"] = v }
        if let v = book.config.description { c["description"] = v }
        if let v = book.config.edition { c["edition"] = v }
        return c
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

    /// The scripts (in full) and standards (with their checks) shown on a step or situation page.
    func embed(scripts: [Reference], standards: [Reference], html: [EntityKey: [String]], into c: inout [String: Any]) {
        setList(&c, "scripts", scripts.compactMap { book.resolve($0, as: .script) }.map { scriptContext($0.key, html: html) },
                flag: "hasScripts")
        setList(&c, "standards", standards.compactMap { book.resolve($0, as: .standard) }.map { standardContext($0.key) },
                flag: "hasStandards")
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

    func scriptContext(_ key: EntityKey, html: [EntityKey: [String]], depth: Int = 1) -> [String: Any] {
        var c = link(key, depth: depth)
        let list = phrases(book[key]?.script)
        c["phrases"] = list
        c["hasPhrases"] = !list.isEmpty
        c["body"] = html[key]?.last ?? ""
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
        case let dictionary as [String: Any]: prepared(dictionary)
        case let list as [[String: Any]]: list.map(prepared)
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
    func navigation(depth: Int) -> String {
        func a(_ path: String, _ title: String) -> String {
            "<a href=\"\(Paths.relative(path, depth: depth))\">\(SiteRenderer.escape(title))</a>"
        }
        let journeys = book.all(.journey)
        var out = "<h2>\(SiteRenderer.escape(s["journeys"] ?? ""))</h2>\n<ul>\n"
        for journey in journeys.prefix(SiteRenderer.navJourneys) {
            out += "<li>\(a(Paths.page(journey.key), journey.title))</li>\n"
        }
        if journeys.count > SiteRenderer.navJourneys {
            out += "<li>\(a(Paths.index(.journey), "\(s["allJourneys"] ?? "") (\(journeys.count))"))</li>\n"
        }
        out += "</ul>\n<h2>\(SiteRenderer.escape(s["sections"] ?? ""))</h2>\n<ul>\n"
        for kind in [Kind.situation, .role, .standard, .script, .step, .term, .page] where !book.all(kind).isEmpty {
            out += "<li>\(a(Paths.index(kind), s["index_\(kind.rawValue)"] ?? kind.folder))</li>\n"
        }
        out += "</ul>\n<h2>\(SiteRenderer.escape(s["tools"] ?? ""))</h2>\n<ul>\n"
        out += "<li>\(a("matrix.html", s["matrix"] ?? ""))</li>\n"
        out += "<li>\(a("phrasebook.html", s["phrasebook"] ?? ""))</li>\n"
        if journeys.count == 1, let journey = journeys.first {
            out += "<li>\(a(Paths.checklist(journey.id), s["checklist"] ?? ""))</li>\n"
        } else if !journeys.isEmpty {
            out += "<li>\(a(Paths.checklistIndex, s["checklists"] ?? ""))</li>\n"
        }
        out += "<li>\(a("print.html", s["print"] ?? ""))</li>\n"
        out += "<li>\(a("completeness.html", s["completeness"] ?? ""))</li>\n</ul>\n"
        return out
    }

    static let navJourneys = 12

    func sorted(_ entities: [Entity]) -> [Entity] {
        let language = book.config.language
        return entities.map { (sortKeys[$0.key] ?? Collation.key($0.title, language: language), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
