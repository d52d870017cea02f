import BookModel
import Foundation

/// The site of one build, rendered a page at a time when a page is asked for (`serve`): a
/// rebuild costs the model and the check, not the rendering of thousands of pages nobody opens.
/// Each page is rendered once, by the same code as `SiteRenderer.render`, so it is byte for
/// byte the page of a full build.
public final class LazySite: @unchecked Sendable {
    private let renderer: SiteRenderer
    private let assets: [String: [UInt8]]
    /// The pages that are not an entity's own, by path (entity pages are found from the path).
    private let fixed: [String: PagePlan]
    private let lock = NSLock()
    private var rendered: [String: [UInt8]] = [:]

    public init(_ renderer: SiteRenderer) {
        self.renderer = renderer
        var assets: [String: [UInt8]] = [:]
        for asset in renderer.theme.assets { assets[asset.path] = asset.bytes }
        self.assets = assets
        fixed = Dictionary(renderer.fixedPlans().map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private func plan(for path: String) -> PagePlan? { renderer.entityPlan(at: path) ?? fixed[path] }

    /// Every path of the site (pages and theme assets), sorted.
    /// - Throws: `RenderError` when two of them are the same.
    public func paths() throws -> [String] {
        let all = (renderer.plans().map(\.path) + assets.keys).sorted()
        if let clash = zip(all, all.dropFirst()).first(where: { $0 == $1 }) {
            throw RenderError(description: "two pages would be written to \(clash.0)")
        }
        return all
    }

    public func contains(_ path: String) -> Bool { assets[path] != nil || plan(for: path) != nil }

    /// The file at `path`, rendered now if it is a page not rendered yet; nil if there is none.
    /// - Throws: `RenderError` when the theme cannot render the page.
    public func file(_ path: String) throws -> [UInt8]? {
        if let known = lock.withLock({ rendered[path] }) { return known }
        guard let plan = plan(for: path) else { return assets[path] }
        let bytes = try renderer.renderPage(plan).get()
        lock.withLock { rendered[path] = bytes }
        return bytes
    }
}
