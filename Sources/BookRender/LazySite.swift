import BookModel
import Foundation
import Synchronization

/// The pages of one build (and the theme's assets), each rendered when it is asked for, by the
/// same code whoever asks: `build` asks for every page once and writes it, `serve` asks for the
/// pages a reader opens and keeps them until the next rebuild.
public final class LazySite: Sendable {
    private let renderer: SiteRenderer
    private let assets: [String: [UInt8]]
    /// The pages that are not an entity's own, by path (entity pages are found from the path).
    private let fixed: [String: PagePlan]
    /// Pages rendered, kept when `keepsPages` (serve); nil otherwise.
    private let rendered: Mutex<[String: [UInt8]]>?

    /// - Parameter keepsPages: whether a page rendered once is kept (for `serve`, where a page
    ///   is asked for again on every reload), or made anew each time (for `build`, which asks
    ///   once and writes it).
    public init(_ renderer: SiteRenderer, keepsPages: Bool) {
        self.renderer = renderer
        var assets: [String: [UInt8]] = [:]
        for asset in renderer.theme.assets { assets[asset.path] = asset.bytes }
        self.assets = assets
        fixed = Dictionary(renderer.fixedPlans().map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        rendered = keepsPages ? Mutex([:]) : nil
    }

    private func plan(for path: String) -> PagePlan? { renderer.entityPlan(at: path) ?? fixed[path] }

    /// Every path of the site (pages and theme assets), sorted.
    /// - Throws: `ServicebookError` when two of them are the same.
    public func paths() throws -> [String] {
        let all = (renderer.plans().map(\.path) + assets.keys).sorted()
        if let clash = zip(all, all.dropFirst()).first(where: { $0 == $1 }) {
            throw ServicebookError(.render, path: clash.0, "two pages would be written to \(clash.0)")
        }
        return all
    }

    public func contains(_ path: String) -> Bool { assets[path] != nil || plan(for: path) != nil }

    /// The file at `path`, rendered now if it is a page not rendered yet; nil if there is none.
    /// - Throws: `ServicebookError` when the theme cannot render the page.
    public func file(_ path: String) throws -> [UInt8]? {
        if let known = rendered?.withLock({ $0[path] }) { return known }
        guard let plan = plan(for: path) else { return assets[path] }
        let bytes = try renderer.renderPage(plan).get()
        rendered?.withLock { $0[path] = bytes }
        return bytes
    }

    /// `paths` in the order a build renders them: each printable part, then its entities' own
    /// pages, then the rest. A body's styles are made together and each is forgotten once used,
    /// so the bodies waiting for their other page stay few (at 100,000 entities, holding every
    /// body until the end took 800 MB).
    public func renderOrder(_ paths: [String]) -> [String] {
        let present = Set(paths)
        var first: [String] = [], placed = Set<String>()
        for part in renderer.printParts() where present.contains(part.path) {
            first.append(part.path)
            placed.insert(part.path)
            for entity in renderer.printEntities(part.source)[part.range] {
                let page = Paths.page(entity.key)
                if present.contains(page), placed.insert(page).inserted { first.append(page) }
            }
        }
        return first + paths.filter { !placed.contains($0) }
    }
}
