import BookCheck
import BookLoad
import BookModel
import BookRender
import BookSearch
import Foundation

/// The build pipeline, stage by stage: load → model → check (→ render → search → write, later).
public enum Pipeline {
    /// The result of loading, modelling and checking a book.
    public struct Checked: Sendable {
        public let book: Book
        public let report: CheckReport
        /// Source text by display path, for formatters that show source lines.
        public let sources: [String: String]
        /// How long loading, modelling and checking took.
        public let times: StageTimes
    }

    /// Loads, models and checks the content folder.
    /// - Throws: `ContentLoader.FolderError` when the folder cannot be read at all.
    /// - Parameter cache: what the previous check of the same folder left (`serve`): unchanged
    ///   files are not read again, and when the edits leave the book's references, links and
    ///   indexes as they were, only the edited documents are modelled and checked again.
    public static func check(content folder: String, display: String? = nil, strict: Bool = false,
                             today: Day = Pipeline.today(), cache: BuildCache? = nil) throws -> Checked {
        let start = Date()
        var times = StageTimes()
        let loaded = try ContentLoader.load(folder: folder, display: display, cache: cache?.load)
        times.mark("load")
        let result: BuildCache.Last
        if let cache, let quick = cache.update(loaded, today: today) {
            result = quick
            times.mark("model")
        } else {
            let (book, modelDiagnostics) = ModelBuilder.build(config: loaded.config, documents: loaded.documents, assets: loaded.assets,
                                                              cache: cache?.model)
            times.mark("model")
            result = BuildCache.Last(book: book, model: modelDiagnostics, rules: Rules.run(book, today: today),
                                     completeness: Completeness.report(book, today: today), today: today)
        }
        cache?.remember(result)
        times.mark("check")
        let book = result.book
        let report = CheckReport(diagnostics: loaded.diagnostics + result.model + result.rules, completeness: result.completeness,
                                 files: loaded.sources.count, content: display ?? folder, strict: strict,
                                 seconds: Date().timeIntervalSince(start))
        return Checked(book: book, report: report, sources: loaded.sources, times: times)
    }

    /// Today's date in the local time zone, or the date of `SOURCE_DATE_EPOCH` (seconds since
    /// 1970, the reproducible-builds convention) when it is set: review dates then judge the book
    /// as of a fixed day.
    public static func today() -> Day {
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap({ Int($0) }),
           (0...253_402_300_799).contains(epoch) {                  // up to 9999-12-31
            var utc = Calendar(identifier: .gregorian)
            utc.timeZone = TimeZone(identifier: "UTC")!
            let parts = utc.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(epoch)))
            if let year = parts.year, let month = parts.month, let day = parts.day, let date = Day(year: year, month: month, day: day) {
                return date
            }
        }
        let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return Day(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}

/// What `serve` keeps from one build to the next, so that a rebuild redoes only what an edit
/// affects: the files read (`LoadCache`), the entities and links made of them (`ModelCache`),
/// the last book with its diagnostics, the bodies
/// rendered (`RenderCache`) and the parts of the search index (`SearchCache`).
public final class BuildCache: @unchecked Sendable {
    public let load = LoadCache()
    public let model = ModelCache()
    public let render = RenderCache()
    public let search = SearchCache()
    private let lock = NSLock()
    private var last: Last?
    /// How many checks took the quick way (edited documents only) and the whole way.
    public private(set) var quick = 0, whole = 0

    /// The last check: its book, the model's and the rules' diagnostics, the completeness report.
    struct Last {
        let book: Book
        let model: [Diagnostic]
        let rules: [Diagnostic]
        let completeness: [CompletenessItem]
        let today: Day
    }

    public init() {}

    /// The book, its model and rule diagnostics, and its completeness after the edits `loaded`
    /// reports, from the last book; nil when the edits change more than the edited documents'
    /// fields and references (then the whole book is modelled and checked again).
    func update(_ loaded: LoadedContent, today: Day) -> Last? {
        func whole() -> Last? {
            lock.withLock { self.whole += 1 }
            return nil
        }
        guard let last = lock.withLock({ last }), let delta = loaded.delta, last.today == today,
              loaded.config == last.book.config, loaded.assets == last.book.assets,
              let update = ModelBuilder.update(last.book, documents: loaded.documents, changed: delta.changed,
                                               added: delta.added, removed: delta.removed) else { return whole() }
        let book = update.book
        // Every diagnostic is in the file of the document it is about: the model diagnostics of
        // the documents modelled again (or gone) and the rule diagnostics of the affected entities
        // are made again, the rest kept.
        let modelled = Set((update.documents + update.gone).map(\.displayPath))
        let reviewed = update.affected.compactMap { book[$0] }
        let files = Set(reviewed.map(\.source.displayPath) + update.affected.compactMap { last.book[$0]?.source.displayPath })
            .union(update.gone.map(\.displayPath))
        let model = last.model.filter { !modelled.contains($0.location.file) } + update.diagnostics
        let rules = last.rules.filter { !files.contains($0.location.file) } + reviewed.flatMap { Rules.check($0, in: book, today: today) }
        let completeness = Completeness.update(last.completeness, from: last.book, to: book, entities: update.affected,
                                               documents: (update.documents + update.gone).map(\.path), today: today)
        lock.withLock { quick += 1 }
        return Last(book: book, model: model, rules: rules, completeness: completeness, today: today)
    }

    func remember(_ checked: Last) {
        lock.withLock { last = checked }
    }
}
