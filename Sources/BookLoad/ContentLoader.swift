import BookMarkdown
import BookModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The content folder after loading: settings, documents, other files, and the problems found.
public struct LoadedContent: Sendable {
    public let config: BookConfig
    public let documents: [SourceDocument]
    /// Paths (relative to the content folder) of files that are not documents (images, PDFs, ...).
    public let assets: Set<String>
    public let diagnostics: [Diagnostic]
    /// The decoded text of every file read, by display path, for showing source lines.
    public let sources: [String: String]
    /// With a `LoadCache`: which documents changed since the last load, when nothing else did
    /// (the same other files, the same book.yml); nil when they did, or there was no earlier load.
    public var delta: Delta? = nil

    /// Documents (paths relative to the content folder, sorted) read again, new, and gone.
    public struct Delta: Sendable, Equatable {
        public var changed: [String] = []
        public var added: [String] = []
        public var removed: [String] = []
    }
}

/// Reads a content folder: finds the files of every kind, decodes them, splits front matter
/// from the body, parses the YAML with positions and reads the Markdown's headings and links.
/// Files are read and parsed in parallel, except cmark-gfm, which runs one page at a time.
public enum ContentLoader {
    public struct FolderError: Error, CustomStringConvertible {
        public let description: String
    }

    /// - Parameters:
    ///   - display: the content folder as the user named it, used in diagnostics.
    ///   - cache: the files of an earlier load (for `serve`): a file whose size, modification time
    ///     and inode are unchanged is taken from it instead of being read and parsed again.
    /// - Throws: `FolderError` when the folder itself cannot be read (a usage or I/O failure).
    public static func load(folder: String, display: String? = nil, cache: LoadCache? = nil) throws -> LoadedContent {
        let display = display ?? folder
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FolderError(description: "content folder \"\(display)\" does not exist or is not a folder")
        }
        var diagnostics: [Diagnostic] = []
        cache?.begin()
        let prefix = display.hasSuffix("/") ? display : display + "/"
        let root = URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath().path
        // The files the watcher named are read again even when their stamp looks the same (two
        // saves within a clock tick, of the same size).
        var named = Set<String>()
        if let cache, let hint = cache.takeHint() {
            if let quick = reload(hint, root: root, prefix: prefix, cache: cache) { return quick }
            named = Set(hint.filter { $0.hasPrefix(root + "/") }.map { String($0.dropFirst(root.count + 1)) })
        }

        var files: [String] = []
        var assets = Set<String>()
        walk(root: root, relative: "", files: &files, diagnostics: &diagnostics, prefix: prefix)
        files.sort()

        // Classify.
        struct Job { let path: String; let kind: Kind }
        var jobs: [Job] = []
        var hasBook = false
        for path in files {
            if path == "book.yml" { hasBook = true; continue }
            let parts = path.split(separator: "/")
            guard path.hasSuffix(".md") else { assets.insert(path); continue }
            if parts.count >= 2, let kind = Kind(folder: String(parts[0])) {
                jobs.append(Job(path: path, kind: kind))
            } else {
                let folders = Kind.allCases.map { $0.folder + "/" }.joined(separator: ", ")
                diagnostics.append(Diagnostic(.unknownFolder, at: SourceLocation(file: prefix + path),
                    "\(path) is not in the folder of any kind, so it is not part of the book",
                    suggestion: "move it into one of \(folders)"))
            }
        }

        // Read and parse every document, in parallel (the cache read without its lock).
        let known = cache?.snapshot()
        var results = [LoadedFile?](repeating: nil, count: jobs.count)
        var stamps = [LoadCache.Stamp?](repeating: nil, count: jobs.count)
        var fresh = [Bool](repeating: false, count: jobs.count)
        results.withUnsafeMutableBufferPointer { out in
            stamps.withUnsafeMutableBufferPointer { stampsOut in
                fresh.withUnsafeMutableBufferPointer { freshOut in
                    let base = out.baseAddress!, stampBase = stampsOut.baseAddress!, freshBase = freshOut.baseAddress!
                    DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
                        let job = jobs[i]
                        guard let known else {
                            (base + i).pointee = loadDocument(root: root, path: job.path, kind: job.kind, prefix: prefix)
                            return
                        }
                        let stamp = LoadCache.Stamp(path: root + "/" + job.path)
                        (stampBase + i).pointee = stamp
                        if let stamp, let cached = known[prefix + job.path], cached.0 == stamp, !named.contains(job.path) {
                            (base + i).pointee = cached.1
                        } else {
                            (base + i).pointee = loadDocument(root: root, path: job.path, kind: job.kind, prefix: prefix)
                            (freshBase + i).pointee = true
                        }
                    }
                }
            }
        }
        cache?.replaceAll(zip(jobs, zip(stamps, zip(results, fresh))).compactMap { job, rest in
            guard let stamp = rest.0, let file = rest.1.0 else { return nil }
            return (prefix + job.path, stamp, file, rest.1.1)
        })
        var documents: [SourceDocument] = []
        var sources: [String: String] = [:]
        for case let result? in results {
            diagnostics += result.diagnostics
            if let document = result.document { documents.append(document) }
            if let text = result.text { sources[prefix + result.path] = text }
        }

        // book.yml.
        var config = BookConfig(title: "")
        let bookDisplay = prefix + "book.yml"
        if hasBook {
            switch readText(root + "/book.yml", display: bookDisplay) {
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
            case .success(let text):
                sources[bookDisplay] = text
                switch FrontMatter.parse(text, firstLine: 1, file: bookDisplay) {
                case .failure(let f):
                    diagnostics.append(Diagnostic(.invalidYAML, at: SourceLocation(file: bookDisplay, line: f.line, column: f.column), f.message))
                case .success(let node):
                    let node = node ?? YAMLNode(.mapping([]), at: SourceLocation(file: bookDisplay, line: 1, column: 1))
                    if case .mapping = node.value {
                        let (decoded, found) = ModelBuilder.decodeConfig(node)
                        config = decoded
                        diagnostics += found
                    } else {
                        diagnostics.append(Diagnostic(.frontMatterNotMapping, at: node.location,
                            "book.yml must be a mapping of settings (title: ...), not \(node.shapeName)"))
                    }
                }
            }
        } else {
            diagnostics.append(Diagnostic(.missingBookFile, at: SourceLocation(file: bookDisplay),
                "the content folder has no book.yml", suggestion: "create it with at least \"title: <the book's title>\""))
        }
        var content = LoadedContent(config: config, documents: documents, assets: assets, diagnostics: diagnostics, sources: sources)
        if let cache {
            let listing = jobs.map(\.path)
            let read = zip(jobs, fresh).filter(\.1).map(\.0.path)
            if let previous = cache.previous, previous.content.assets == assets,
               previous.content.sources[bookDisplay] == sources[bookDisplay], previous.prefix == prefix {
                let before = Set(previous.listing), now = Set(listing)
                content.delta = LoadedContent.Delta(changed: read.filter(before.contains), added: listing.filter { !before.contains($0) },
                                                    removed: previous.listing.filter { !now.contains($0) })
            }
            cache.remember(content, listing: listing, files: files, prefix: prefix)
        }
        return content
    }

    /// The quick way for `serve`: when the watcher says that only documents changed, came or
    /// went (not book.yml, no folder, no other file), reads those alone and patches the previous
    /// load. Nil when that does not hold: then the folder is walked as usual.
    static func reload(_ paths: [String], root: String, prefix: String, cache: LoadCache) -> LoadedContent? {
        guard let previous = cache.previous, previous.prefix == prefix else { return nil }
        var delta = LoadedContent.Delta()
        var kinds: [String: Kind] = [:]
        for path in Set(paths) {
            // Outside the content folder (a theme file, the folder itself replaced): walk it.
            guard path.hasPrefix(root + "/") else { return nil }
            let inside = String(path.dropFirst(root.count + 1))
            let parts = inside.split(separator: "/")
            // Hidden files and folders (an editor's swap file) are not part of the book.
            if parts.contains(where: { $0.hasPrefix(".") }) { continue }
            var info = stat()
            let exists = lstat(path, &info) == 0
            let gone = !exists && errno == ENOENT
            let plainFile = exists && info.st_mode & S_IFMT == S_IFREG
            if let at = previous.index[inside] {
                if gone { delta.removed.append(inside) } else if plainFile { delta.changed.append(inside) } else { return nil }
                kinds[inside] = previous.content.documents[at].kind
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
            delta.added.append(inside)
            kinds[inside] = kind
        }
        delta.changed.sort(); delta.added.sort(); delta.removed.sort()
        let read = delta.changed + delta.added
        let loaded = read.parallelMap { path -> (LoadCache.Stamp?, LoadedFile) in
            (LoadCache.Stamp(path: root + "/" + path), loadDocument(root: root, path: path, kind: kinds[path]!, prefix: prefix))
        }
        // A document that no longer loads at all is no document: walk the folder (and leave the
        // cache as it was, so that the walk reads it again).
        guard loaded.allSatisfy({ $0.0 != nil && $0.1.document != nil }) else { return nil }
        var documents = previous.content.documents
        var sources = previous.content.sources
        var listing = previous.listing, files = previous.files
        let shown = Set((read + delta.removed).map { prefix + $0 })
        var diagnostics = previous.content.diagnostics.filter { !shown.contains($0.location.file) }
        for path in delta.removed {
            documents.remove(at: documents.partitioningIndex { $0.path >= path })
            listing.remove(at: listing.partitioningIndex { $0 >= path })
            files.remove(at: files.partitioningIndex { $0 >= path })
            sources[prefix + path] = nil
            cache.forget(prefix + path)
        }
        for (path, (stamp, file)) in zip(read, loaded) {
            guard let document = file.document, let stamp else { continue }
            if delta.added.contains(path) {
                documents.insert(document, at: documents.partitioningIndex { $0.path >= path })
                listing.insert(path, at: listing.partitioningIndex { $0 >= path })
                files.insert(path, at: files.partitioningIndex { $0 >= path })
            } else {
                documents[documents.partitioningIndex { $0.path >= path }] = document
            }
            sources[prefix + path] = file.text
            diagnostics += file.diagnostics
            cache.replace(prefix + path, stamp, file)
        }
        var content = LoadedContent(config: previous.content.config, documents: documents, assets: previous.content.assets,
                                    diagnostics: diagnostics, sources: sources)
        content.delta = delta
        let moved = !delta.added.isEmpty || !delta.removed.isEmpty
        cache.remember(content, listing: listing, files: files, prefix: prefix, index: moved ? nil : previous.index)
        return content
    }

    struct LoadedFile {
        let path: String
        var document: SourceDocument?
        var diagnostics: [Diagnostic] = []
        var text: String?
    }

    static func loadDocument(root: String, path: String, kind: Kind, prefix: String) -> LoadedFile {
        let display = prefix + path
        guard let bytes = readBytes(root + "/" + path) else {
            let reason = String(cString: strerror(errno))
            var result = LoadedFile(path: path)
            result.diagnostics.append(Diagnostic(.ioError, at: SourceLocation(file: display), "cannot read the file: \(reason)"))
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
            // The id exists (references to it are not reported again), with nothing in it.
            let id = String(path.split(separator: "/").last!.dropLast(3))
            result.document = SourceDocument(kind: kind, id: id, path: path, displayPath: display, frontMatter: nil,
                                             body: "", bodyLine: 1, markdown: MarkdownFacts())
            return result
        }
        let text: String
        switch decode(bytes, display: display) {
        case .failure(let diagnostic):
            result.diagnostics.append(diagnostic)
            return result
        case .success(let decoded):
            text = decoded
        }
        result.text = text
        let id = String(path.split(separator: "/").last!.dropLast(3))
        func document(_ frontMatter: YAMLNode?, body: String, bodyLine: Int) -> SourceDocument {
            SourceDocument(kind: kind, id: id, path: path, displayPath: display, frontMatter: frontMatter,
                           body: body, bodyLine: bodyLine,
                           markdown: MarkdownReader.read(body, firstLine: bodyLine))
        }
        if text.isBlankText {
            result.diagnostics.append(Diagnostic(.emptyFile, at: SourceLocation(file: display),
                "the file is empty", suggestion: "start it with front matter: ---, title: ..., ---"))
            result.document = document(nil, body: "", bodyLine: 1)
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
            switch FrontMatter.parse(split.yaml, firstLine: split.yamlLine, file: display) {
            case .failure(let f):
                result.diagnostics.append(Diagnostic(.invalidYAML, at: SourceLocation(file: display, line: f.line, column: f.column),
                                                     "invalid YAML in front matter: \(f.message)"))
            case .success(let node):
                let opening = SourceLocation(file: display, line: 1, column: 1, length: 3)
                guard let node else {
                    frontMatter = YAMLNode(.mapping([]), at: opening)
                    break
                }
                if case .mapping(let pairs) = node.value {
                    // Point "missing field" problems at the opening `---`.
                    frontMatter = YAMLNode(.mapping(pairs), at: opening)
                } else {
                    result.diagnostics.append(Diagnostic(.frontMatterNotMapping, at: node.location,
                        "front matter must be a mapping of fields (title: ...), not \(node.shapeName)"))
                }
            }
            result.document = document(frontMatter, body: split.body, bodyLine: split.bodyLine)
        }
        return result
    }

    /// Reads and decodes one file, or a diagnostic saying why it cannot be.
    static func readText(_ fullPath: String, display: String) -> Result<String, Diagnostic> {
        guard let bytes = readBytes(fullPath) else {
            let reason = String(cString: strerror(errno))
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

    /// The whole file, read with POSIX calls (Foundation's readers are slower here).
    public static func readBytes(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        // Read the size fstat reports, then keep reading in case the file grew meanwhile.
        var bytes = [UInt8](repeating: 0, count: max(0, Int(st.st_size)) + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(4096, bytes.count))) }
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return bytes
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
public final class LoadCache: @unchecked Sendable {
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

    private let lock = NSLock()
    private var files: [String: (Stamp, ContentLoader.LoadedFile)] = [:]
    /// Files read, and files taken from the cache, by the last load.
    public private(set) var read = 0, reused = 0
    /// What the watcher saw change since the last load (absolute paths), if it said.
    private var hint: [String]?

    /// The last load: what it returned, its documents' paths, and where each document is in it.
    struct Previous {
        let content: LoadedContent
        let listing: [String]
        /// Every file found (documents, book.yml, other files).
        let files: [String]
        let prefix: String
        let index: [String: Int]
    }
    private(set) var previous: Previous?

    public init() {}

    /// Tells the next load which files changed (absolute paths, as the watcher reports them).
    /// When they are documents that changed, came or went, the load reads only them; otherwise
    /// (a folder, another file, book.yml, no hint) it walks the folder and compares every file's
    /// size, modification time and inode, reading the named files again whatever their stamp.
    public func hint(changed paths: [String]) { lock.withLock { hint = paths } }

    func takeHint() -> [String]? {
        lock.withLock {
            defer { hint = nil }
            return hint
        }
    }

    func remember(_ content: LoadedContent, listing: [String], files: [String], prefix: String, index known: [String: Int]? = nil) {
        var index = known ?? [:]
        if known == nil {
            for (i, document) in content.documents.enumerated() { index[document.path] = i }
        }
        lock.withLock { previous = Previous(content: content, listing: listing, files: files, prefix: prefix, index: index) }
    }

    /// A file gone, noticed by the quick path of a load.
    func forget(_ key: String) { lock.withLock { files[key] = nil } }

    /// A file read again by the quick path of a load.
    func replace(_ key: String, _ stamp: Stamp, _ file: ContentLoader.LoadedFile) {
        lock.withLock {
            files[key] = (stamp, file)
            read += 1
        }
    }

    /// The files of the last load, to look up without the lock.
    func snapshot() -> [String: (Stamp, ContentLoader.LoadedFile)] { lock.withLock { files } }

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
        lock.withLock {
            files = next
            read += readNow
            reused += loaded.count - readNow
        }
    }

    /// Starts counting for a load.
    func begin() { lock.withLock { read = 0; reused = 0 } }
}
