import BookIO
import BookMarkdown
import BookModel
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The content folder after loading: settings, documents, other files, and the problems found.
public struct LoadedContent: Sendable {
    public let root: ContentRoot
    public let config: BookConfig
    /// Every document, sorted by path.
    public let documents: [SourceDocument]
    /// Paths (relative to the content folder) of files that are not documents (images, PDFs, ...).
    public let assets: Set<String>
    /// The audit files (visits, the roster).
    public let audits: AuditSources
    public let diagnostics: [Diagnostic]
    /// The files read as text, for showing source lines (read again when shown).
    public let sources: SourceTexts
}

/// Reads a content folder: finds the files of every kind, decodes them, splits front matter
/// from the body, parses the YAML with positions and reads the Markdown's facts. Files are read
/// and parsed on every core.
///
/// With a `LoadCache` (`serve`), a file whose size, modification time and inode are unchanged
/// is taken from the previous load instead of being read and parsed again; and when the watcher
/// names the files that changed and they are all documents, the folder is not even walked. The
/// result is the same as a load without the cache.
public enum ContentLoader {
    public static func load(_ root: ContentRoot, cache: LoadCache? = nil) -> LoadedContent {
        cache?.begin()
        // The files the watcher named are read again even when their stamp looks the same (two
        // saves within a clock tick, of the same size).
        var named = Set<String>()
        if let cache, let hint = cache.takeHint() {
            if let quick = reload(hint, root: root, cache: cache) { return quick }
            named = Set(hint.filter { $0.hasPrefix(root.path + "/") }.map { String($0.dropFirst(root.path.count + 1)) })
        }
        var diagnostics: [Diagnostic] = []
        var files: [String] = []
        var assets = Set<String>()
        walk(root: root.path, relative: "", files: &files, diagnostics: &diagnostics, prefix: root.prefix)
        files.sort()

        // Classify.
        var jobs: [Job] = []
        var hasBook = false, hasStaff = false
        let folders = Kind.allCases.map { $0.folder + "/" }.joined(separator: ", ")
        for path in files {
            if path == "book.yml" { hasBook = true; continue }
            if path == "staff.yml" { hasStaff = true; continue }
            let parts = path.split(separator: "/")
            if parts.count >= 2, parts[0] == "audits" {
                if path.hasSuffix(".md") { jobs.append(Job(path: path, kind: .visit)); continue }
                if path.lowercased().hasSuffix(".csv") { jobs.append(Job(path: path, kind: .table)); continue }
            }
            let inKindFolder = parts.count >= 2 && Kind(folder: String(parts[0])) != nil
            guard path.hasSuffix(".md") else {
                assets.insert(path)
                if let name = markdownName(path) {
                    diagnostics.append(Diagnostic(.wrongExtension, at: SourceLocation(file: root.display(path)),
                        "\(parts.last!) is not part of the book: only files whose names end in \".md\" are documents",
                        suggestion: inKindFolder ? "rename it to \(name).md" : "rename it to \(name).md and move it into one of \(folders)"))
                }
                continue
            }
            if inKindFolder {
                jobs.append(Job(path: path, kind: .document(Kind(folder: String(parts[0]))!)))
            } else {
                diagnostics.append(Diagnostic(.unknownFolder, at: SourceLocation(file: root.display(path)),
                    "\(path) is not in the folder of any kind, so it is not part of the book",
                    suggestion: "move it into one of \(folders), or audits/ for a visit"))
            }
        }

        // Read and parse every document on every core (the cache read without its lock).
        let known = cache?.snapshot()
        let loaded = jobs.parallelMap { job -> (file: LoadedFile, stamp: LoadCache.Stamp?, fresh: Bool) in
            guard let known else { return (load(job, root: root), nil, true) }
            let stamp = LoadCache.Stamp(path: root.file(job.path))
            if let stamp, let cached = known[root.display(job.path)], cached.0 == stamp, !named.contains(job.path) {
                return (cached.1, stamp, false)
            }
            return (load(job, root: root), stamp, true)
        }
        cache?.replaceAll(loaded.compactMap { entry in entry.stamp.map { (root.display(entry.file.path), $0, entry.file, entry.fresh) } })
        var documents: [SourceDocument] = []
        var texts: [String: String] = [:]
        var audits = AuditSources()
        for entry in loaded {
            diagnostics += entry.file.diagnostics
            if let document = entry.file.document { documents.append(document) }
            if let visit = entry.file.visit { audits.visits.append(visit) }
            if let table = entry.file.table { audits.tables.append(table) }
            if entry.file.isText { texts[root.display(entry.file.path)] = entry.file.path }
        }
        let (config, bookDiagnostics, bookText) = bookFile(root, exists: hasBook)
        diagnostics += bookDiagnostics
        if bookText != nil { texts[root.display("book.yml")] = "book.yml" }
        if hasStaff {
            let (staff, found, text) = yamlFile(root, "staff.yml")
            audits.staff = staff
            audits.staffPath = root.display("staff.yml")
            diagnostics += found
            if text != nil { texts[root.display("staff.yml")] = "staff.yml" }
        }
        let content = LoadedContent(root: root, config: config, documents: documents, assets: assets, audits: audits,
                                    diagnostics: diagnostics, sources: SourceTexts(root: root, files: texts))
        cache?.remember(content, files: files)
        return content
    }

    /// The book in files read from elsewhere (an edition at a git revision): book.yml and the
    /// documents of the kinds' folders, parsed as `load` parses a folder's (audits, the roster
    /// and other files are left out). `display` names the content folder in diagnostics.
    /// - Parameter reuse: a document already parsed from the same text at the same path (the
    ///   current edition's, for the files an edition did not change), else nil: parsing is
    ///   what loading costs, and editions share most of their files.
    public static func load(files: [(path: String, bytes: [UInt8])], display: String,
                            reuse: (@Sendable (_ path: String, _ text: String) -> SourceDocument?)? = nil)
        -> (config: BookConfig, documents: [SourceDocument], diagnostics: [Diagnostic]) {
        let prefix = display.hasSuffix("/") ? display : display + "/"
        let jobs = files.sorted { $0.path < $1.path }.compactMap { file -> (String, [UInt8], Kind)? in
            let parts = file.path.split(separator: "/")
            guard parts.count >= 2, file.path.hasSuffix(".md"), let kind = Kind(folder: String(parts[0])) else { return nil }
            return (file.path, file.bytes, kind)
        }
        let loaded = jobs.parallelMap { path, bytes, kind -> LoadedFile in
            if let reuse, case .success(let text) = decode(bytes, display: prefix + path), let known = reuse(path, text),
               known.kind == kind {
                var file = LoadedFile(path: path)
                file.document = known
                return file
            }
            return loadDocument(bytes: bytes, path: path, kind: kind, display: prefix + path)
        }
        var diagnostics: [Diagnostic] = []
        var documents: [SourceDocument] = []
        for file in loaded {
            diagnostics += file.diagnostics
            if let document = file.document { documents.append(document) }
        }
        let book = files.first { $0.path == "book.yml" }
        let (config, found, _) = bookFile(display: prefix + "book.yml", exists: book != nil) { decode(book?.bytes ?? [], display: $0) }
        return (config, documents, diagnostics + found)
    }

    /// Every file of a folder (hidden ones left out, as `load` leaves them), read: an edition
    /// given as a folder, loaded as `load(files:)` loads one from git.
    public static func read(folder: String) -> [(path: String, bytes: [UInt8])] {
        var paths: [String] = [], diagnostics: [Diagnostic] = []
        walk(root: folder, relative: "", files: &paths, diagnostics: &diagnostics, prefix: "")
        return paths.sorted().parallelMap { path in (path, Files.read(folder + "/" + path) ?? []) }
    }

    /// The extensions Markdown files are given besides ".md" (compared in lower case).
    static let markdownExtensions: Set<String> = ["md", "markdown", "mdown", "mkd", "mkdn", "mdwn", "mdtxt", "mdtext"]

    /// For a Markdown file not named `*.md` (`farewell.markdown`, `client.MD`): its name without
    /// the extension.
    static func markdownName(_ path: String) -> String? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex,
              markdownExtensions.contains(name[name.index(after: dot)...].lowercased()) else { return nil }
        return String(name[..<dot])
    }

    /// What the loader does with a file.
    struct Job {
        enum Kind { case document(BookModel.Kind), visit, table }
        let path: String
        let kind: Kind
    }

    static func load(_ job: Job, root: ContentRoot) -> LoadedFile {
        switch job.kind {
        case .document(let kind): return loadDocument(root: root, path: job.path, kind: kind)
        case .visit, .table:
            let display = root.display(job.path)
            guard let bytes = Files.read(root.file(job.path)) else {
                var result = LoadedFile(path: job.path)
                result.diagnostics.append(Diagnostic(.ioError, at: SourceLocation(file: display), "cannot read the file: \(Files.lastError)"))
                return result
            }
            if case .visit = job.kind { return loadVisit(bytes: bytes, path: job.path, display: display) }
            return loadTable(bytes: bytes, path: job.path, display: display)
        }
    }

    /// A YAML file of the content folder (staff.yml): its root node, the problems found, its text.
    static func yamlFile(_ root: ContentRoot, _ name: String) -> (YAMLNode?, [Diagnostic], String?) {
        let display = root.display(name)
        let text: String
        switch readText(root.file(name), display: display) {
        case .failure(let diagnostic): return (nil, [diagnostic], nil)
        case .success(let decoded): text = decoded
        }
        switch FrontMatter.parse(text, firstLine: 1, file: display) {
        case .failure(let f):
            return (nil, [Diagnostic(.invalidYAML, at: SourceLocation(file: display, line: f.line, column: f.column), f.message)], text)
        case .success(let node):
            return (node ?? YAMLNode(.mapping([]), at: SourceLocation(file: display, line: 1, column: 1)), [], text)
        }
    }

    /// book.yml: the settings, the problems found in it, and its text.
    static func bookFile(_ root: ContentRoot, exists: Bool) -> (BookConfig, [Diagnostic], String?) {
        bookFile(display: root.display("book.yml"), exists: exists) { readText(root.file("book.yml"), display: $0) }
    }

    static func bookFile(display: String, exists: Bool, read: (String) -> Result<String, Diagnostic>)
        -> (BookConfig, [Diagnostic], String?) {
        guard exists else {
            return (BookConfig(title: ""), [Diagnostic(.missingBookFile, at: SourceLocation(file: display),
                "the content folder has no book.yml", suggestion: "create it with at least \"title: <the book's title>\"")], nil)
        }
        let text: String
        switch read(display) {
        case .failure(let diagnostic): return (BookConfig(title: ""), [diagnostic], nil)
        case .success(let decoded): text = decoded
        }
        switch FrontMatter.parse(text, firstLine: 1, file: display) {
        case .failure(let f):
            return (BookConfig(title: ""), [Diagnostic(.invalidYAML, at: SourceLocation(file: display, line: f.line, column: f.column), f.message)], text)
        case .success(let node):
            let node = node ?? YAMLNode(.mapping([]), at: SourceLocation(file: display, line: 1, column: 1))
            guard case .mapping = node.value else {
                return (BookConfig(title: ""), [Diagnostic(.frontMatterNotMapping, at: node.location,
                    "book.yml must be a mapping of settings (title: ...), not \(node.shapeName)")], text)
            }
            let (config, found) = Decoding.config(node)
            return (config, found, text)
        }
    }

    /// The quick way for `serve`: when the watcher says that only documents changed, came or
    /// went (not book.yml, no folder, no other file), reads those alone and patches the previous
    /// load. Nil when that does not hold: then the folder is walked as usual.
    static func reload(_ paths: [String], root: ContentRoot, cache: LoadCache) -> LoadedContent? {
        guard let previous = cache.previous, previous.content.root == root else { return nil }
        var changed: [String] = [], added: [String] = [], removed: [String] = []
        var kinds: [String: Kind] = [:]
        for path in Set(paths) {
            // Outside the content folder (a theme file, the folder itself replaced): walk it.
            guard path.hasPrefix(root.path + "/") else { return nil }
            let inside = String(path.dropFirst(root.path.count + 1))
            let parts = inside.split(separator: "/")
            // Hidden files and folders (an editor's swap file) are not part of the book.
            if parts.contains(where: { $0.hasPrefix(".") }) { continue }
            var info = stat()
            let exists = lstat(path, &info) == 0
            let gone = !exists && errno == ENOENT
            let plainFile = exists && info.st_mode & S_IFMT == S_IFREG
            if let document = previous.document(at: inside) {
                if gone { removed.append(inside) } else if plainFile { changed.append(inside) } else { return nil }
                kinds[inside] = document.kind
                continue
            }
            // The file, or a file in the folder, was there (`files` is sorted: look where it would be).
            let at = previous.files.partitioningIndex { $0 >= inside }
            let below = previous.files.partitioningIndex { $0 >= inside + "/" }
            let known = at < previous.files.count && previous.files[at] == inside
                || below < previous.files.count && previous.files[below].hasPrefix(inside + "/")
            // A file that came and went (an editor's temporary file) leaves the book as it was.
            if gone && !known { continue }
            // A new document in a kind's folder; anything else (a folder, another file, a
            // document that did not load) needs the folder walked.
            guard plainFile, !known, inside.hasSuffix(".md"), parts.count >= 2, let kind = Kind(folder: String(parts[0])) else { return nil }
            added.append(inside)
            kinds[inside] = kind
        }
        let read = (changed + added).sorted()
        let loaded = read.parallelMap { path -> (LoadCache.Stamp?, LoadedFile) in
            (LoadCache.Stamp(path: root.file(path)), loadDocument(root: root, path: path, kind: kinds[path]!))
        }
        // A document that no longer loads at all is no document: walk the folder (and leave the
        // cache as it was, so that the walk reads it again).
        guard loaded.allSatisfy({ $0.0 != nil && $0.1.document != nil }) else { return nil }
        var documents = previous.content.documents
        var texts = previous.content.sources.files
        var files = previous.files
        let shown = Set((read + removed).map(root.display))
        var diagnostics = previous.content.diagnostics.filter { !shown.contains($0.location.file) }
        for path in removed {
            documents.remove(at: documents.partitioningIndex { $0.path >= path })
            files.remove(at: files.partitioningIndex { $0 >= path })
            texts[root.display(path)] = nil
            cache.forget(root.display(path))
        }
        let new = Set(added)
        for (path, (stamp, file)) in zip(read, loaded) {
            guard let document = file.document, let stamp else { continue }
            let at = documents.partitioningIndex { $0.path >= path }
            if new.contains(path) {
                documents.insert(document, at: at)
                files.insert(path, at: files.partitioningIndex { $0 >= path })
            } else {
                documents[at] = document
            }
            texts[root.display(path)] = file.isText ? path : nil
            diagnostics += file.diagnostics
            cache.replace(root.display(path), stamp, file)
        }
        let content = LoadedContent(root: root, config: previous.content.config, documents: documents,
                                    assets: previous.content.assets, audits: previous.content.audits, diagnostics: diagnostics,
                                    sources: SourceTexts(root: root, files: texts))
        cache.remember(content, files: files)
        return content
    }

    struct LoadedFile: Sendable {
        let path: String
        var document: SourceDocument?
        /// An audit file: a visit's Markdown file or a CSV file of visits.
        var visit: VisitDocument?
        var table: AuditTable?
        var diagnostics: [Diagnostic] = []
        /// Whether the file was read as text (`SourceTexts` reads it again to show a line).
        var isText = false
    }

    static func loadDocument(root: ContentRoot, path: String, kind: Kind) -> LoadedFile {
        let display = root.display(path)
        guard let bytes = Files.read(root.file(path)) else {
            let reason = Files.lastError
            var result = LoadedFile(path: path)
            result.diagnostics.append(Diagnostic(.ioError, at: SourceLocation(file: display), "cannot read the file: \(reason)"))
            result.document = unread(path: path, kind: kind, display: display)
            return result
        }
        return loadDocument(bytes: bytes, path: path, kind: kind, display: display)
    }

    /// One document from the bytes of its file (no disk access): what `load` does for each file.
    /// `path` is relative to the content folder (`steps/greeting.md`); `display` is shown in
    /// diagnostics. Public for the fuzzer and for tools.
    public static func loadDocument(bytes: [UInt8], path: String, kind: Kind, display: String)
        -> (document: SourceDocument?, diagnostics: [Diagnostic]) {
        let loaded: LoadedFile = loadDocument(bytes: bytes, path: path, kind: kind, display: display)
        return (loaded.document, loaded.diagnostics)
    }

    /// The largest file a page may come from: a bigger one is refused (with a diagnostic) rather
    /// than slowing every build and every reader down.
    public static let maxFileBytes = 4 << 20

    static func loadDocument(bytes: [UInt8], path: String, kind: Kind, display: String) -> LoadedFile {
        var result = LoadedFile(path: path)
        if bytes.count > maxFileBytes {
            let size = String(format: "%.1f", Double(bytes.count) / Double(1 << 20))
            result.diagnostics.append(Diagnostic(.fileTooLarge, at: SourceLocation(file: display),
                "the file is \(size) MB; a page of the book may be at most \(maxFileBytes >> 20) MB",
                suggestion: "split it into several pages, or put the material in a file that a page links to"))
            result.document = unread(path: path, kind: kind, display: display)
            return result
        }
        let text: String
        switch decode(bytes, display: display) {
        case .failure(let diagnostic):
            result.diagnostics.append(diagnostic)
            result.document = unread(path: path, kind: kind, display: display)
            return result
        case .success(let decoded):
            text = decoded
        }
        result.isText = true
        let id = String(path.split(separator: "/").last!.dropLast(3))
        func document(_ frontMatter: YAMLNode?, body: String, bodyLine: Int) -> SourceDocument {
            SourceDocument(kind: kind, id: id, path: path, displayPath: display, frontMatter: frontMatter,
                           body: body, bodyLine: bodyLine,
                           markdown: MarkdownReader.read(body, firstLine: bodyLine))
        }
        if text.isBlankText {
            result.diagnostics.append(Diagnostic(.emptyFile, at: SourceLocation(file: display),
                "the file is empty", suggestion: "start it with front matter: ---, title: ..., ---"))
            result.document = unread(path: path, kind: kind, display: display)
            return result
        }
        switch FrontMatter.split(text) {
        case .failure(.missing):
            result.diagnostics.append(Diagnostic(.missingFrontMatter, at: SourceLocation(file: display, line: 1, column: 1),
                "the file does not start with front matter",
                suggestion: "the first line must be \"---\", followed by the fields (title: ...) and a closing \"---\""))
            result.document = document(nil, body: text, bodyLine: 1)
        case .failure(.unclosed):
            result.diagnostics.append(Diagnostic(.unclosedFrontMatter, at: SourceLocation(file: display, line: 1, column: 1, length: 3),
                "the front matter opened here is never closed", suggestion: "add a line \"---\" after the last field"))
            result.document = document(nil, body: "", bodyLine: 1)
        case .success(let split):
            var frontMatter: YAMLNode?
            switch FrontMatter.fields(split, file: display, example: "title: ...") {
            case .success(let fields): frontMatter = fields
            case .failure(let diagnostic): result.diagnostics.append(diagnostic)
            }
            result.document = document(frontMatter, body: split.body, bodyLine: split.bodyLine)
        }
        return result
    }

    /// The document of a file that could not be read as text (or has none): it has its own
    /// error, and it still owns its id, so that what refers or links to it is not reported too.
    static func unread(path: String, kind: Kind, display: String) -> SourceDocument {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return SourceDocument(kind: kind, id: String(name.dropLast(3)), path: path, displayPath: display, frontMatter: nil,
                              body: "", bodyLine: 1, markdown: MarkdownFacts(), isRead: false)
    }

    /// Reads and decodes one file, or a diagnostic saying why it cannot be.
    static func readText(_ fullPath: String, display: String) -> Result<String, Diagnostic> {
        guard let bytes = Files.read(fullPath) else {
            let reason = Files.lastError
            return .failure(Diagnostic(.ioError, at: SourceLocation(file: display), "cannot read the file: \(reason)"))
        }
        return decode(bytes, display: display)
    }

    /// Decodes a file's bytes (BOM, CRLF, UTF-8), or a diagnostic saying why they are not text.
    static func decode(_ bytes: [UInt8], display: String) -> Result<String, Diagnostic> {
        switch TextDecoding.decode(bytes) {
        case .success(let text):
            return .success(text)
        case .failure(.binary(let line)):
            return .failure(Diagnostic(.binaryFile, at: SourceLocation(file: display, line: line),
                "the file contains NUL bytes: it is not a text file"))
        case .failure(.invalidUTF8(let line, let column)):
            return .failure(Diagnostic(.invalidEncoding, at: SourceLocation(file: display, line: line, column: column),
                "the file is not valid UTF-8", suggestion: "save the file in the UTF-8 encoding"))
        }
    }

    /// Lists the regular files below `root` (relative paths), skipping hidden entries.
    /// Symbolic links to files inside the folder are followed; others are reported.
    static func walk(root: String, relative: String, files: inout [String], diagnostics: inout [Diagnostic], prefix: String) {
        let folder = relative.isEmpty ? root : root + "/" + relative
        guard let dir = opendir(folder) else {
            diagnostics.append(Diagnostic(.ioError, at: SourceLocation(file: prefix + relative),
                "cannot read the folder: \(String(cString: strerror(errno)))"))
            return
        }
        defer { closedir(dir) }
        var entries: [(String, UInt8)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name.hasPrefix(".") { continue }
            entries.append((name, entry.pointee.d_type))
        }
        for (name, type) in entries.sorted(by: { $0.0 < $1.0 }) {
            let path = relative.isEmpty ? name : relative + "/" + name
            let full = root + "/" + path
            var kind = type
            if kind == UInt8(DT_UNKNOWN) || kind == UInt8(DT_LNK) {
                var st = stat()
                if type == UInt8(DT_LNK) {
                    guard let real = realpath(full, nil) else {
                        diagnostics.append(Diagnostic(.ioError, at: SourceLocation(file: prefix + path), "broken symbolic link"))
                        continue
                    }
                    let target = String(cString: real)
                    free(real)
                    guard target.hasPrefix(root + "/"), stat(target, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
                        diagnostics.append(Diagnostic(.ioError, at: SourceLocation(file: prefix + path),
                            "symbolic link to \(target) is not followed: only links to files inside the content folder are"))
                        continue
                    }
                    kind = UInt8(DT_REG)
                } else if stat(full, &st) == 0 {
                    kind = (st.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : (st.st_mode & S_IFMT) == S_IFREG ? UInt8(DT_REG) : 0
                }
            }
            if kind == UInt8(DT_DIR) {
                walk(root: root, relative: path, files: &files, diagnostics: &diagnostics, prefix: prefix)
            } else if kind == UInt8(DT_REG) {
                files.append(path)
            }
        }
    }
}

/// The files of the previous load, for `serve`: each with the size, modification time and inode
/// it had, so that an unchanged file is neither read nor parsed again. A save through a
/// temporary file and a rename changes the inode; any write changes the modification time.
public final class LoadCache: Sendable {
    struct Stamp: Equatable {
        let size: Int64, seconds: Int, nanoseconds: Int, inode: UInt64, device: UInt64

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            size = Int64(info.st_size)
            seconds = info.st_mtim.tv_sec
            nanoseconds = info.st_mtim.tv_nsec
            inode = UInt64(info.st_ino)
            device = UInt64(info.st_dev)
        }
    }

    /// The last load: what it returned, and every file it found (documents, book.yml, other
    /// files), sorted.
    struct Previous {
        let content: LoadedContent
        let files: [String]

        /// The document at `path` (relative to the content folder), if the load had one there.
        func document(at path: String) -> SourceDocument? {
            let documents = content.documents
            let at = documents.partitioningIndex { $0.path >= path }
            return at < documents.count && documents[at].path == path ? documents[at] : nil
        }
    }

    private struct State {
        /// By display path: the stamp, and what was loaded.
        var files: [String: (Stamp, ContentLoader.LoadedFile)] = [:]
        var read = 0, reused = 0
        var hint: [String]?
        var previous: Previous?
    }
    private let state = Mutex(State())

    public init() {}

    /// Files read, and files taken from the cache, by the last load.
    public var read: Int { state.withLock { $0.read } }
    public var reused: Int { state.withLock { $0.reused } }

    /// Tells the next load which files changed (absolute paths, as the watcher reports them).
    /// When they are documents that changed, came or went, the load reads only them; otherwise
    /// (a folder, another file, book.yml, no hint) it walks the folder and compares every file's
    /// size, modification time and inode, reading the named files again whatever their stamp.
    public func hint(changed paths: [String]) { state.withLock { $0.hint = paths } }

    func takeHint() -> [String]? {
        state.withLock { state in
            defer { state.hint = nil }
            return state.hint
        }
    }

    var previous: Previous? { state.withLock { $0.previous } }

    func remember(_ content: LoadedContent, files: [String]) {
        state.withLock { $0.previous = Previous(content: content, files: files) }
    }

    /// A document gone, noticed by the quick way.
    func forget(_ display: String) { state.withLock { _ = $0.files.removeValue(forKey: display) } }

    /// A document read again by the quick way.
    func replace(_ display: String, _ stamp: Stamp, _ file: ContentLoader.LoadedFile) {
        state.withLock {
            $0.files[display] = (stamp, file)
            $0.read += 1
        }
    }

    /// The files of the last load, to look up without the lock.
    func snapshot() -> [String: (Stamp, ContentLoader.LoadedFile)] { state.withLock { $0.files } }

    /// Ends a full load: its files (display path, stamp, what was loaded, whether it was read
    /// now), and no others, are the cache.
    func replaceAll(_ loaded: [(String, Stamp, ContentLoader.LoadedFile, Bool)]) {
        var next: [String: (Stamp, ContentLoader.LoadedFile)] = [:]
        next.reserveCapacity(loaded.count)
        var readNow = 0
        for (key, stamp, file, fresh) in loaded {
            next[key] = (stamp, file)
            if fresh { readNow += 1 }
        }
        state.withLock {
            $0.files = next
            $0.read += readNow
            $0.reused += loaded.count - readNow
        }
    }

    /// Starts counting for a load.
    func begin() { state.withLock { $0.read = 0; $0.reused = 0 } }
}
