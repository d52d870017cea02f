import BookAudit
import BookCheck
import BookLoad
import BookModel
import BookRender
import BookSearch
import Foundation

/// The pipeline, stage by stage: load → model → check (`check`), then render → search (`site`),
/// then write (`build`). `build` and `serve` go through the same functions; `serve` passes a
/// `BuildCache`, whose stages take what an earlier run made of the same input.
public enum Pipeline {
    /// The result of loading, modelling and checking a book.
    public struct Checked: Sendable {
        public let root: ContentRoot
        public let book: Book
        /// The mystery-shopper visits, checked against the book.
        public let audits: Audits
        public let report: CheckReport
        /// Source text by display path, for formatters that show source lines.
        public let sources: SourceTexts
        /// The theme folder over the default theme: `--theme`, else book.yml's `theme` (relative
        /// to the folder that holds the content folder); nil for the default theme alone.
        public let theme: String?
        /// How long loading, modelling and checking took.
        public let times: StageTimes
    }

    /// Loads, models and checks the content folder.
    /// - Parameters:
    ///   - display: how diagnostics name the content folder (default: as given).
    ///   - theme: a theme folder that overrides book.yml's `theme`.
    ///   - cache: what the previous run over the same folder made (`serve`).
    /// - Throws: `ServicebookError` when the folder cannot be read at all.
    public static func check(content folder: String, display: String? = nil, theme: String? = nil, strict: Bool = false,
                             today: Day = Pipeline.today(), cache: BuildCache? = nil) throws -> Checked {
        check(try ContentRoot(folder: folder, display: display), theme: theme, strict: strict, today: today, cache: cache)
    }

    public static func check(_ root: ContentRoot, theme: String? = nil, strict: Bool = false, today: Day = Pipeline.today(),
                             cache: BuildCache? = nil) -> Checked {
        let start = Date()
        var times = StageTimes()
        let loaded = ContentLoader.load(root, cache: cache?.load)
        times.mark("load")
        let (book, decoding) = ModelBuilder.build(config: loaded.config, documents: loaded.documents, assets: loaded.assets,
                                                  cache: cache?.model)
        times.mark("model")
        let (audits, auditDecoding) = AuditModel.build(loaded.audits, book: book)
        let (rules, completeness) = Checker.run(book, audits: audits, today: today, cache: cache?.check)
        var report = CheckReport(diagnostics: loaded.diagnostics + decoding + auditDecoding + rules, completeness: completeness,
                                 files: loaded.sources.count,
                                 content: root.named, strict: strict)
        report.seconds = Date().timeIntervalSince(start)
        times.mark("check")
        return Checked(root: root, book: book, audits: audits, report: report, sources: loaded.sources,
                       theme: theme ?? root.theme(book.config.theme), times: times)
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

/// What `serve` keeps from one run of the pipeline to the next, a cache per stage, each used by
/// its stage alone and each keyed by what the stage reads: the files (`LoadCache`, by size,
/// modification time and inode), each document's entity and resolved links (`ModelCache`, by
/// the document's load; and what spans documents, by a hash of what it is made from), each
/// entity's diagnostics (`CheckCache`, by the facts they are made from), the bodies' HTML and
/// the theme (`RenderCache`, by a fingerprint of what a body is rendered from), and the search
/// index's page files (`SearchCache`). What a cache does not have is computed again, so a run
/// with the cache equals a run without it.
public final class BuildCache: Sendable {
    public let load = LoadCache()
    public let model = ModelCache()
    public let check = CheckCache()
    public let render = RenderCache()
    public let search = SearchCache()
    /// The previous edition (book.yml's `previous_edition`), read once.
    public let edition = EditionCache()

    public init() {}
}
