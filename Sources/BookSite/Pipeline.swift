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
    }

    /// Loads, models and checks the content folder.
    /// - Throws: `ContentLoader.FolderError` when the folder cannot be read at all.
    public static func check(content folder: String, display: String? = nil, strict: Bool = false,
                             today: Day = Pipeline.today()) throws -> Checked {
        let start = Date()
        let loaded = try ContentLoader.load(folder: folder, display: display)
        let t1 = Date()
        let (book, modelDiagnostics) = ModelBuilder.build(config: loaded.config, documents: loaded.documents,
                                                          assets: loaded.assets)
        let t2 = Date()
        let diagnostics = loaded.diagnostics + modelDiagnostics + Rules.run(book, today: today)
        let completeness = Completeness.report(book, today: today)
        let t3 = Date()
        if ProcessInfo.processInfo.environment["SERVICEBOOK_TIMINGS"] != nil {
            let ms = { (a: Date, b: Date) in String(format: "%.0f ms", b.timeIntervalSince(a) * 1000) }
            FileHandle.standardError.write(Data("timings: load \(ms(start, t1)), model \(ms(t1, t2)), check \(ms(t2, t3))\n".utf8))
        }
        let report = CheckReport(diagnostics: diagnostics, completeness: completeness,
                                 files: loaded.sources.count, content: display ?? folder, strict: strict,
                                 seconds: Date().timeIntervalSince(start))
        return Checked(book: book, report: report, sources: loaded.sources)
    }

    /// Today's date in the local time zone.
    public static func today() -> Day {
        let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return Day(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}
