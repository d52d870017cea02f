import BookCheck
import BookModel
import Foundation

extension Pipeline {
    /// What `build` did.
    public struct Built: Sendable {
        public let checked: Checked
        /// Pages and other files written; 0 when the check found errors and nothing was written.
        public let pages: Int
        public let files: Int
        public let seconds: Double
        /// How long each stage took (load, model, check, search, bodies, pages).
        public let times: StageTimes
    }

    /// load → model → check → render → search → write. With errors in the book nothing is
    /// written and the previous output stays as it was.
    /// - Parameters:
    ///   - theme: a theme folder that overrides the default theme; nil takes book.yml's `theme`
    ///     (relative to the folder that holds the content folder), else the default theme alone.
    ///   - progress: called with short messages about long stages.
    /// - Throws: `ServicebookError` when the content folder or the theme cannot be read, or the
    ///   output cannot be written.
    /// - Parameter since: the previous edition to compare with (a git revision, or a folder
    ///   relative to the current folder); nil takes book.yml's `previous_edition`.
    /// - Parameter staff: the managers' report (`servicebook report`): the handbook with a page
    ///   per employee.
    public static func build(content folder: String, display: String? = nil, output: String, theme: String? = nil,
                             staff: Bool = false, since: String? = nil, today: Day = Pipeline.today(),
                             progress: (String) -> Void = { _ in }) throws -> Built {
        let start = Date()
        progress("checking")
        let checked = try check(content: folder, display: display, theme: theme, today: today)
        guard checked.report.errors == 0 else {
            return Built(checked: checked, pages: 0, files: 0, seconds: Date().timeIntervalSince(start), times: checked.times)
        }
        var times = checked.times
        progress("indexing")
        let site = try self.site(checked, staff: staff, since: since)
        times.mark("search")
        progress("rendering")
        let paths = try site.paths()
        try OutputWriter.write(site, paths: site.renderOrder(paths), to: output)
        times.mark("pages")
        return Built(checked: checked, pages: paths.filter { $0.hasSuffix(".html") }.count, files: paths.count,
                     seconds: Date().timeIntervalSince(start), times: times)
    }
}
