import BookCheck
import BookLoad
import BookModel
import BookRender
import BookSearch
import Foundation

extension Pipeline {
    /// What `build` did.
    public struct Built: Sendable {
        public let checked: Checked
        /// Pages and other files written; 0 when the check found errors and nothing was written.
        public let pages: Int
        public let files: Int
        public let seconds: Double
        /// How long each stage took (load, model, check, bodies, pages, search, write).
        public let times: StageTimes
    }

    public struct BuildError: Error, CustomStringConvertible {
        public let description: String
    }

    /// load → model → check → render → search → write. With errors in the book nothing is written and the
    /// previous output stays as it was.
    /// - Parameters:
    ///   - theme: a theme folder that overrides the default theme; nil takes book.yml's `theme`
    ///     (relative to the folder that holds the content folder), else the default theme alone.
    ///   - progress: called with short messages about long stages.
    public static func build(content folder: String, display: String? = nil, output: String, theme: String? = nil,
                             today: Day = Pipeline.today(), progress: (String) -> Void = { _ in }) throws -> Built {
        let start = Date()
        progress("checking")
        let checked = try check(content: folder, display: display, today: today)
        guard checked.report.errors == 0 else {
            return Built(checked: checked, pages: 0, files: 0, seconds: Date().timeIntervalSince(start), times: checked.times)
        }
        let (files, siteTimes) = try site(checked, content: folder, display: display, theme: theme, progress: progress)
        var times = siteTimes
        let pages = files.filter { $0.path.hasSuffix(".html") }.count
        progress("writing")
        do {
            try OutputWriter.write(files, to: output)
        } catch {
            throw BuildError(description: "\(error)")
        }
        times.mark("write")
        return Built(checked: checked, pages: pages, files: files.count, seconds: Date().timeIntervalSince(start), times: times)
    }

    /// The theme folder `book.yml` names, relative to the folder that holds the content folder.
    public static func bookTheme(_ checked: Checked, content folder: String) -> String? {
        guard let named = checked.book.config.theme, !named.isEmpty else { return nil }
        let base = URL(fileURLWithPath: folder).standardizedFileURL.deletingLastPathComponent()
        return named.hasPrefix("/") ? named : base.appendingPathComponent(named).path
    }

    /// The search stage alone: the index files of a checked book.
    /// - Parameter cache: the parts of an earlier index of the same book (`serve`).
    public static func searchFiles(_ checked: Checked, cache: SearchCache? = nil) -> [(path: String, bytes: [UInt8])] {
        SearchIndex.build(checked.book, cache: cache).map { (path: $0.path, bytes: $0.bytes) }
    }

    /// render → search for a checked book without errors: every file of the site, by path (in
    /// memory; `build` writes them), and the stages' times.
    public static func site(_ checked: Checked, content folder: String, display: String? = nil, theme: String? = nil,
                            search: Bool = true, progress: (String) -> Void = { _ in }) throws -> (files: [(path: String, bytes: [UInt8])], times: StageTimes) {
        let renderer = try self.renderer(checked, content: folder, display: display, theme: theme, cache: nil)
        progress("rendering")
        var times = checked.times
        let rendered = try renderer.render()
        times.append(rendered.times)
        var files = rendered.files.map { (path: $0.path, bytes: $0.bytes) }
        if search {
            progress("indexing")
            files += searchFiles(checked)
            times.mark("search")
        }
        for asset in linkedAssets(checked) {
            let source = URL(fileURLWithPath: folder).appendingPathComponent(asset).path
            guard let bytes = ContentLoader.readBytes(source) else {
                throw BuildError(description: "cannot read \(source)")
            }
            files.append((path: "files/" + asset, bytes: bytes))
        }
        return (files, times)
    }

    /// The site of a checked book without errors, rendered a page at a time when asked for
    /// (`serve`); bodies unchanged since the build that filled `cache` are reused.
    public static func lazySite(_ checked: Checked, content folder: String, display: String? = nil, theme: String? = nil,
                                cache: RenderCache?) throws -> LazySite {
        LazySite(try renderer(checked, content: folder, display: display, theme: theme, cache: cache))
    }

    /// The files the bodies link to (images, PDFs), relative to the content folder: they go to
    /// `files/`; files nothing links to stay private.
    public static func linkedAssets(_ checked: Checked) -> [String] {
        var linked = Set<String>()
        for resolved in checked.book.links.values {
            for case (_, .asset(let path)) in resolved { linked.insert(path) }
        }
        return linked.sorted()
    }

    static func renderer(_ checked: Checked, content folder: String, display: String?, theme: String?,
                         cache: RenderCache?) throws -> SiteRenderer {
        let loadedTheme: Theme
        do {
            let folder = theme ?? bookTheme(checked, content: folder)
            loadedTheme = try cache?.theme(folder) ?? Theme(overrides: folder)
        } catch {
            throw BuildError(description: "\(error)")
        }
        // Paths in the site (edit links, warnings) are "content/steps/x.md" however --content was
        // typed, so that the same book gives the same site on every machine.
        let contentName = URL(fileURLWithPath: folder).standardizedFileURL.lastPathComponent
        let shown = display ?? folder
        let prefix = shown.hasSuffix("/") ? shown : shown + "/"
        do {
            return try SiteRenderer(
                book: checked.book, theme: loadedTheme, contentName: contentName,
                completeness: checked.report.completeness.map { CompletenessRow(rule: $0.rule, satisfied: $0.satisfied, total: $0.total) },
                warnings: checked.report.diagnostics.filter { $0.severity == .warning }.map { d in
                    var location = d.location
                    if location.file.hasPrefix(prefix) { location.file = contentName + "/" + location.file.dropFirst(prefix.count) }
                    return WarningRow(location: location.description, code: d.code.rawValue, message: d.message)
                }, cache: cache)
        } catch let error as BuildError {
            throw error
        } catch {
            throw BuildError(description: "\(error)")
        }
    }
}
