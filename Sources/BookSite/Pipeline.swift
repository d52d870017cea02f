import BookCheck
import BookLoad
import BookModel
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
    /// - Parameter cache: the files of an earlier load (`serve`): unchanged files are not read again.
    public static func check(content folder: String, display: String? = nil, strict: Bool = false,
                             today: Day = Pipeline.today(), cache: LoadCache? = nil) throws -> Checked {
        let start = Date()
        var times = StageTimes()
        let loaded = try ContentLoader.load(folder: folder, display: display, cache: cache)
        times.mark("load")
        let (book, modelDiagnostics) = ModelBuilder.build(config: loaded.config, documents: loaded.documents,
                                                          assets: loaded.assets)
        times.mark("model")
        let diagnostics = loaded.diagnostics + modelDiagnostics + Rules.run(book, today: today)
        Probe.mark("rules")
        let completeness = Completeness.report(book, today: today)
        times.mark("check")
        Probe.mark("completeness")
        let report = CheckReport(diagnostics: diagnostics, completeness: completeness,
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
