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

    /// Renders every entity's body now, on every core: for a build, which asks for every page
    /// (pages embed other entities' bodies).
    public func renderBodies() {
        renderer.bodies.renderAll(Kind.allCases.flatMap { renderer.book.all($0) })
    }
}
