import BookIO
import BookLoad
import BookModel
import BookRender
import BookSearch
import Foundation
import Synchronization

/// A built site: every file of it by path, with its bytes when asked for. The pages and the
/// theme's assets (`LazySite`, rendered on demand), the search index's files, and the files the
/// bodies link to (read from the content folder on demand). `build` writes it; `serve` serves
/// it from memory. The same value for both, so that what serve shows is what build writes.
public struct Site: Sendable {
    let pages: LazySite
    /// The search index's files by path; empty until `serve` has built the index.
    let search: SearchFiles
    /// The files bodies link to: their path in the site (`files/…`) → their path on disk.
    let linked: [String: String]

    init(pages: LazySite, search: [String: [UInt8]], linked: [String: String]) {
        self.init(pages: pages, search: SearchFiles(search), linked: linked)
    }

    init(pages: LazySite, search: SearchFiles, linked: [String: String]) {
        self.pages = pages
        self.search = search
        self.linked = linked
    }

    /// Every path of the site, sorted.
    /// - Throws: `ServicebookError` when two pages would have the same path.
    public func paths() throws -> [String] {
        (try pages.paths() + search.paths + linked.keys).sorted()
    }

    /// `paths` in the order a build renders them (`LazySite.renderOrder`): the search files first.
    public func renderOrder(_ paths: [String]) -> [String] {
        paths.filter(search.paths.contains) + pages.renderOrder(paths.filter { !search.paths.contains($0) })
    }

    public func contains(_ path: String) -> Bool {
        search.paths.contains(path) || linked[path] != nil || pages.contains(path)
    }

    /// The file at `path` (rendered now if it is a page), or nil when the site has none there.
    /// - Parameter once: the caller asks once for each file (`build` writing it): a search
    ///   file is let go once given (at 100,000 pages they are 165 MB).
    /// - Throws: `ServicebookError` when the theme cannot render the page, or a linked file
    ///   cannot be read.
    public func file(_ path: String, once: Bool = false) throws -> [UInt8]? {
        if let bytes = search.bytes(path, forget: once) { return bytes }
        if let source = linked[path] {
            guard let bytes = Files.read(source) else {
                throw ServicebookError(.write, path: source, "cannot read \(source): \(Files.lastError)")
            }
            return bytes
        }
        return try pages.file(path)
    }

    /// The same site with another search index (`serve` builds it after the pages).
    public func with(search files: [String: [UInt8]]) -> Site {
        Site(pages: pages, search: files, linked: linked)
    }

    /// The same site with the search index of `other` (`serve`, until the new one is built).
    func with(searchOf other: Site?) -> Site {
        Site(pages: pages, search: other?.search ?? SearchFiles([:]), linked: linked)
    }
}

/// The search index's files, by path.
final class SearchFiles: Sendable {
    let paths: Set<String>
    private let files: Mutex<[String: [UInt8]]>

    init(_ files: [String: [UInt8]]) {
        paths = Set(files.keys)
        self.files = Mutex(files)
    }

    func bytes(_ path: String, forget: Bool) -> [UInt8]? {
        guard paths.contains(path) else { return nil }
        return files.withLock { files in forget ? files.removeValue(forKey: path) : files[path] }
    }
}

extension Pipeline {
    /// render → search for a checked book without errors: the site, its pages rendered when
    /// asked for.
    /// - Parameters:
    ///   - search: whether to build the search index now (`serve` builds it later, in the
    ///     background: `searchFiles`).
    ///   - cache: what an earlier run rendered and indexed (`serve`); with a cache, pages are
    ///     kept once rendered.
    /// - Throws: `ServicebookError` when the theme cannot be loaded.
    ///   - staff: whether to add a page per employee (the managers' report: `report`).
    /// - Parameter since: the edition to compare with (`build --since`); nil takes book.yml's
    ///   `previous_edition`, if any.
    public static func site(_ checked: Checked, search: Bool = true, staff: Bool = false, since: String? = nil,
                            cache: BuildCache? = nil) throws -> Site {
        // The search index is made on every core; beside it, on one core each: the audits'
        // scores, then the theme, the editions compared and the renderer (which need the
        // scores), so that they fill the index's serial stretches instead of following it.
        let prepared = Mutex<Result<SiteRenderer, Error>?>(nil)
        let preparing = DispatchGroup()
        DispatchQueue.global().async(group: preparing) {
            let scores = checked.audits.scored.isEmpty ? nil : SiteRenderer.scores(checked.audits, book: checked.book)
            let result = Result { () throws -> SiteRenderer in
                let theme = try cache?.render.theme(checked.theme) ?? Theme(overrides: checked.theme)
                let changes = try self.changes(checked, since: since, cache: cache)
                let root = checked.root
                return try SiteRenderer(
                    book: checked.book, theme: theme, contentName: root.name,
                    completeness: checked.report.completeness.map { CompletenessRow(rule: $0.rule, satisfied: $0.satisfied, total: $0.total) },
                    warnings: {
                        checked.report.diagnostics.filter { $0.severity == .warning }.map { d in
                            var location = d.location
                            location.file = root.inSite(location.file)
                            return WarningRow(location: location.description, code: d.code.rawValue, message: d.message)
                        }
                    }, audits: checked.audits, scores: scores, staffPages: staff, changes: changes, cache: cache?.render)
            }
            prepared.withLock { $0 = result }
        }
        let index = search ? searchFiles(checked, cache: cache) : [:]
        preparing.wait()
        let renderer = try prepared.withLock { $0! }.get()
        let root = checked.root
        var linked: [String: String] = [:]
        for asset in linkedAssets(checked.book) { linked["files/" + asset] = root.file(asset) }
        return Site(pages: LazySite(renderer, keepsPages: cache != nil), search: index, linked: linked)
    }

    /// The search stage alone: the index files of a checked book, by path.
    public static func searchFiles(_ checked: Checked, cache: BuildCache? = nil) -> [String: [UInt8]] {
        Dictionary(SearchIndex.build(checked.book, cache: cache?.search).map { ($0.path, $0.bytes) }, uniquingKeysWith: { a, _ in a })
    }

    /// The files the bodies link to (images, PDFs), relative to the content folder: they go to
    /// `files/`; files nothing links to stay private.
    static func linkedAssets(_ book: Book) -> [String] {
        book.findings.linkedAssets               // gathered by the model as each body's links are resolved
    }
}
