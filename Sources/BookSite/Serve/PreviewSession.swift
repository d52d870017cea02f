import BookCheck
import BookModel
import Foundation
import Synchronization

/// `serve`'s builds: on every change the pipeline that `build` runs, with a cache per stage
/// (`BuildCache`), so that a rebuild reads, decodes and renders again only what changed. The
/// site is kept in memory and its pages are rendered when asked for; the search index follows
/// once the edits pause. With errors in the book the last good site stays, and the open pages
/// are told (`LiveReload`).
public final class PreviewSession: Sendable {
    /// What a (re)build did, for the terminal.
    public struct Outcome: Sendable {
        public let checked: Pipeline.Checked?
        /// The entity pages of the site (rendered when opened).
        public let pages: Int
        public let seconds: Double
        /// A failure that is not the book's (an unreadable folder, a broken theme).
        public let failure: String?
        /// How long each stage took.
        public let times: StageTimes
        public var errors: Int { checked?.report.errors ?? (failure == nil ? 0 : 1) }
    }

    public let content: String
    /// `--theme`, if given (else book.yml's theme, as `Pipeline.check` resolves it).
    public let theme: String?
    /// What the previous builds left, a cache per stage.
    public let cache = BuildCache()
    let live = LiveReload()

    private struct State {
        /// The last good build's site and its generation (counted from 1).
        var site: Site?
        var checked: Pipeline.Checked?
        var generation = 0
        /// The search index waiting for the edits to pause; a newer build's replaces it.
        var pendingSearch: DispatchWorkItem?
    }
    private let state = Mutex(State())
    /// One rebuild at a time (the content's and the theme's watchers each call `rebuild`).
    private let building = Mutex(())
    private let searchQueue = DispatchQueue(label: "servicebook.search")
    /// How long the edits must pause before the search index is built again.
    static let searchDelay: DispatchTimeInterval = .milliseconds(700)

    public init(content: String, theme: String? = nil) {
        self.content = content
        self.theme = theme
    }

    /// The site served now, if a build has been good.
    var site: Site? { state.withLock { $0.site } }
    /// The last good build's checked book.
    public var checked: Pipeline.Checked? { state.withLock { $0.checked } }

    /// Builds the book into memory. With errors the last good site stays and the open pages are
    /// told; without, the new site is served and the open pages reload.
    /// - Parameter changed: the files the watcher saw change (absolute paths), if it said.
    @discardableResult
    public func rebuild(changed: [String]? = nil) -> Outcome {
        building.withLock { _ in
            let start = Date()
            if let changed { cache.load.hint(changed: changed) }
            let checked: Pipeline.Checked
            do {
                checked = try Pipeline.check(content: content, theme: theme, cache: cache)
                guard checked.report.errors == 0 else {
                    live.problems(OverlayFormatter.format(checked.report.diagnostics.filter { $0.severity == .error }))
                    return Outcome(checked: checked, pages: 0, seconds: Date().timeIntervalSince(start), failure: nil, times: checked.times)
                }
                var times = checked.times
                let site = try Pipeline.site(checked, search: false, cache: cache)
                times.mark("site")
                publish(site, checked: checked, later: changed != nil)
                return Outcome(checked: checked, pages: checked.book.entityCount, seconds: Date().timeIntervalSince(start),
                               failure: nil, times: times)
            } catch {
                live.problems(OverlayFormatter.format([Diagnostic(.ioError, at: SourceLocation(file: content), "\(error)")]))
                return Outcome(checked: nil, pages: 0, seconds: Date().timeIntervalSince(start), failure: "\(error)", times: StageTimes())
            }
        }
    }

    /// Serves `site` (with the previous search index until its own is built) and reloads the
    /// open pages; schedules the search index, now or once the edits pause (`later`).
    private func publish(_ site: Site, checked: Pipeline.Checked, later: Bool) {
        let generation = state.withLock { state -> Int in
            state.generation += 1
            state.site = site.with(searchOf: state.site)
            state.checked = checked
            state.pendingSearch?.cancel()
            return state.generation
        }
        let work = DispatchWorkItem { [self] in
            guard isCurrent(generation) else { return }
            let files = Pipeline.searchFiles(checked, cache: cache)
            state.withLock { state in
                if state.generation == generation { state.site = state.site?.with(search: files) }
            }
        }
        state.withLock { $0.pendingSearch = work }
        live.reload(generation: generation)
        if later {
            searchQueue.asyncAfter(deadline: .now() + PreviewSession.searchDelay, execute: work)
        } else {
            searchQueue.async(execute: work)
        }
    }

    private func isCurrent(_ generation: Int) -> Bool { state.withLock { $0.generation == generation } }

    /// Waits until the search index of the last build is served (for tests and the first build).
    public func waitForSearch() {
        state.withLock { $0.pendingSearch }?.wait()
    }
}
