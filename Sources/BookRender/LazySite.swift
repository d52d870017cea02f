import BookModel
import Foundation

/// The site of one build, rendered a page at a time when a page is asked for (`serve`): a
/// rebuild costs the model and the check, not the rendering of thousands of pages nobody opens.
/// Each page is rendered once, by the same code as `SiteRenderer.render`, so it is byte for
/// byte the page of a full build.
public final class LazySite: @unchecked Sendable {
    private let renderer: SiteRenderer
    private let plans: [String: PagePlan]
    private let assets: [String: [UInt8]]
    private let lock = NSLock()
    private var rendered: [String: [UInt8]] = [:]

    public init(_ renderer: SiteRenderer) throws {
        self.renderer = renderer
        var plans: [String: PagePlan] = [:]
        for plan in renderer.plans() {
            guard plans.updateValue(plan, forKey: plan.path) == nil else {
                throw RenderError(description: "two pages would be written to \(plan.path)")
            }
        }
        var assets: [String: [UInt8]] = [:]
        for asset in renderer.theme.assets {
            guard plans[asset.path] == nil, assets.updateValue(asset.bytes, forKey: asset.path) == nil else {
                throw RenderError(description: "two pages would be written to \(asset.path)")
            }
        }
        self.plans = plans
        self.assets = assets
        Probe.mark("plans")
    }

    /// Every path of the site (pages and theme assets), sorted.
    public var paths: [String] { (Array(plans.keys) + Array(assets.keys)).sorted() }

    public func contains(_ path: String) -> Bool { plans[path] != nil || assets[path] != nil }

    /// The file at `path`, rendered now if it is a page not rendered yet; nil if there is none.
    /// - Throws: `RenderError` when the theme cannot render the page.
    public func file(_ path: String) throws -> [UInt8]? {
        if let asset = assets[path] { return asset }
        guard let plan = plans[path] else { return nil }
        if let known = lock.withLock({ rendered[path] }) { return known }
        let bytes = try renderer.renderPage(plan).get()
        lock.withLock { rendered[path] = bytes }
        return bytes
    }
}
