import BookModel
import Foundation
import Mustache
import Synchronization

/// What `serve` keeps from one build to the next: each entity body's HTML with a fingerprint of
/// what it was rendered from (its Markdown, where its links lead, the glossary), the theme and
/// its compiled templates, the glossary's matcher, and the sort keys of titles. Pages themselves
/// are rendered when asked for (`LazySite`); a body whose fingerprint is unchanged is taken as
/// it was. The result equals a full build (a test compares them).
public final class RenderCache: Sendable {
    private struct State {
        var bodies: [EntityKey: (Fingerprint, [String])] = [:]
        var collations: [Language: CollationCache] = [:]
        var rendered = 0, reused = 0
        var compiled: (files: [String: [UInt8]], language: String, strings: [String: String], library: MustacheLibrary)?
        var glossary: (Fingerprint, TermMatcher)?
        var lastTheme: Theme?
    }
    private let state = Mutex(State())

    public init() {}

    /// Bodies rendered, and taken from the cache, since the cache was made.
    public var rendered: Int { state.withLock { $0.rendered } }
    public var reused: Int { state.withLock { $0.reused } }

    func body(_ key: EntityKey, _ fingerprint: Fingerprint, render: () -> [String]) -> [String] {
        let known = state.withLock { state -> [String]? in
            guard let known = state.bodies[key], known.0 == fingerprint else { return nil }
            state.reused += 1
            return known.1
        }
        if let known { return known }
        let html = render()
        state.withLock {
            $0.bodies[key] = (fingerprint, html)
            $0.rendered += 1
        }
        return html
    }

    /// The theme of `folder` over the default one; its templates are checked again only if a
    /// file changed.
    public func theme(_ folder: String?) throws -> Theme {
        let theme = try Theme(overrides: folder, known: state.withLock { $0.lastTheme })
        state.withLock { $0.lastTheme = theme }
        return theme
    }

    /// The interface strings of `language`, as the last build had them if the theme is the same.
    func strings(_ theme: Theme, _ language: String) throws -> [String: String] {
        if let known = state.withLock({ $0.compiled }), known.language == language, known.files == theme.files { return known.strings }
        return try theme.strings(language)
    }

    /// The templates compiled with `strings`, as the last build had them if nothing changed.
    func library(_ theme: Theme, _ language: String, strings: [String: String]) throws -> MustacheLibrary {
        if let known = state.withLock({ $0.compiled }), known.language == language, known.strings == strings, known.files == theme.files {
            return known.library
        }
        let library = try theme.library(strings: strings)
        state.withLock { $0.compiled = (theme.files, language, strings, library) }
        return library
    }

    /// The glossary's matcher, as the last build had it if no term changed (`glossary` is
    /// `Fingerprint.glossary(book)`).
    func terms(_ book: Book, glossary fingerprint: Fingerprint) -> TermMatcher {
        if let known = state.withLock({ $0.glossary }), known.0 == fingerprint { return known.1 }
        let made = TermMatcher(book: book)
        state.withLock { $0.glossary = (fingerprint, made) }
        return made
    }

    func collation(_ language: Language) -> CollationCache {
        state.withLock { state in
            if let known = state.collations[language] { return known }
            let made = CollationCache(language: language)
            state.collations[language] = made
            return made
        }
    }
}

/// Sort keys of titles, computed once per title and kept.
final class CollationCache: Sendable {
    let language: Language
    private let known = Mutex<[String: Collation.Key]>([:])

    init(language: Language) { self.language = language }

    func key(_ title: String) -> Collation.Key { keys([title])[0] }

    func keys(_ titles: [String]) -> [Collation.Key] {
        var found = known.withLock { known in titles.map { known[$0] } }
        let missing = found.indices.filter { found[$0] == nil }
        guard !missing.isEmpty else { return found.map { $0! } }
        let computed = missing.parallelMap { Collation.key(titles[$0], language: language) }
        known.withLock { known in
            for (i, key) in zip(missing, computed) { known[titles[i]] = key; found[i] = key }
        }
        return found.map { $0! }
    }
}

/// Entity bodies as HTML, each rendered once, when first asked for: for its own page, for the
/// print page, and (scripts) for the pages that embed it.
final class BodyStore: Sendable {
    /// What a body is rendered for: its own page, a printable part, or (a script's) inside
    /// another page.
    enum Use: Int {
        case page = 0, print = 1, embedded = 2
    }

    private let renderer: BodyRenderer
    private let cache: RenderCache?
    /// Each entity's body in each style, until it is used (in `build`) or for good (`serve`).
    private let done = Mutex<[EntityKey: [String?]]>([:])
    private let glossary: Fingerprint
    /// Whether a style is forgotten once used (`build`: each page is rendered once, and a body
    /// is used by its own page and its printable part; a script's embedded style is kept).
    private let forgets: Bool

    /// - Parameter glossary: `Fingerprint.glossary(book)`, when there is a cache.
    init(renderer: BodyRenderer, cache: RenderCache?, glossary: Fingerprint = Fingerprint()) {
        self.renderer = renderer
        self.cache = cache
        self.glossary = glossary
        forgets = cache == nil
    }

    /// The entity's body for `use`. All its styles come from one parse: the others are kept
    /// until they are used.
    func html(_ entity: Entity, _ use: Use) -> String {
        let style = entity.kind == .script || use != .embedded ? use.rawValue : Use.page.rawValue
        let forget = forgets && use != .embedded
        let known = done.withLock { done -> String? in
            guard let html = done[entity.key]?[style] else { return nil }
            if forget { done[entity.key]![style] = nil }
            return html
        }
        if let known { return known }
        let made = make(entity)
        done.withLock { done in
            var kept = done[entity.key] ?? made.map { _ in nil }
            for (i, html) in made.enumerated() where kept[i] == nil && !(forget && i == style) { kept[i] = html }
            done[entity.key] = kept
        }
        return made[style]
    }

    /// Renders every body not rendered yet, on every core.
    func renderAll(_ entities: [Entity]) {
        let missing = done.withLock { done in entities.filter { done[$0.key] == nil } }
        let made = missing.parallelMap(make)
        done.withLock { done in for (entity, html) in zip(missing, made) where done[entity.key] == nil { done[entity.key] = html } }
    }

    private func make(_ entity: Entity) -> [String] {
        func render() -> [String] {
            // Its own page; a printable part (print/…, linking to the pages); inside a step's page.
            var styles = [BodyStyle.ownPage, BodyStyle(links: .pages(depth: 1), idPrefix: Paths.printAnchor(entity.key) + "--", headingShift: 2,
                                                              termTitles: false)]
            if entity.kind == .script {
                styles.append(BodyStyle(links: .pages(depth: 1), idPrefix: Paths.printAnchor(entity.key) + "--", headingShift: 1,
                                        linksTerms: false))
            }
            return renderer.render(entity, styles: styles)
        }
        guard let cache else { return render() }
        return cache.body(entity.key, fingerprint(entity), render: render)
    }

    /// What an entity's body HTML depends on: its Markdown, where its links lead, the glossary.
    private func fingerprint(_ entity: Entity) -> Fingerprint {
        var fingerprint = glossary
        fingerprint.add(entity.key.description)
        fingerprint.add(entity.source.body)
        for link in entity.source.markdown.links {
            fingerprint.add(link.destination)
            fingerprint.add(String(describing: renderer.book.linkResolver.resolve(link.destination, from: entity.source)))
        }
        return fingerprint
    }
}

/// 128 bits of hash over values of template contexts. Texts are hashed as their UTF-8 bytes
/// (not as Swift strings, which compare canonically equivalent texts as equal).
struct Fingerprint: Hashable, Sendable {
    /// What every body's term links depend on: each term's id, title, aliases and summary.
    static func glossary(_ book: Book) -> Fingerprint {
        var fingerprint = Fingerprint()
        for term in book.all(.term) {
            fingerprint.add(term.id); fingerprint.add(term.title); fingerprint.add(term.summary ?? "")
            fingerprint.add(any: term.term?.aliases ?? [])
        }
        return fingerprint
    }

    private var a = Hasher(), b = Hasher()

    init() {
        b.combine(0x5EED as UInt16)
    }

    mutating func add(_ text: String) {
        var copy = text
        copy.withUTF8 { bytes in
            a.combine(bytes.count); a.combine(bytes: UnsafeRawBufferPointer(bytes))
            b.combine(bytes.count); b.combine(bytes: UnsafeRawBufferPointer(bytes))
        }
    }

    mutating func add(_ number: Int) { a.combine(number); b.combine(number) }

    /// Any value of a context: texts, numbers, flags, lists, dictionaries (keys in order).
    mutating func add(any value: Any) {
        switch value {
        case let text as String: add(1); add(text)
        case let number as Int: add(2); add(number)
        case let flag as Bool: add(3); add(flag ? 1 : 0)
        case let number as Double: add(4); add(Int(truncatingIfNeeded: Int64(bitPattern: number.bitPattern)))
        case let dictionary as [String: Any]:
            add(5); add(dictionary.count)
            for key in dictionary.keys.sorted() { add(key); add(any: dictionary[key]!) }
        case let list as [Any]:
            add(6); add(list.count)
            for item in list { add(any: item) }
        case let text as Text: add(7); add(text.renderText)
        default: add(8); add(String(reflecting: value))
        }
    }

    var value: (Int, Int) { (a.finalize(), b.finalize()) }

    static func == (x: Fingerprint, y: Fingerprint) -> Bool { x.value == y.value }
    func hash(into hasher: inout Hasher) { hasher.combine(value.0); hasher.combine(value.1) }
}
