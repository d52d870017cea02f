import BookCheck
import BookLoad
import BookModel
import BookRender
import FlyingFox
import FlyingSocks
import Foundation

/// `servicebook serve`: the site built in memory and served on 127.0.0.1, rebuilt when the
/// content or the theme changes; open pages reload through server-sent events, and show the
/// book's errors in an overlay while the last good site stays served.
///
/// Pages get one extra script, `/__servicebook/live.js` (from the same origin, so the pages'
/// Content-Security-Policy allows it), which listens to `/__servicebook/events`:
/// - `reload` — a new site is served: reload the page;
/// - `problems` — the book has errors (a JSON list of {file, line, column, code, message}): show
///   them over the page; sent on connecting too, while the errors last.
public final class PreviewServer: @unchecked Sendable {
    public struct Options: Sendable {
        public var content: String
        public var theme: String?
        public var port: UInt16

        public init(content: String, theme: String? = nil, port: UInt16 = 8000) {
            self.content = content
            self.theme = theme
            self.port = port
        }
    }

    /// What a (re)build did, for the terminal.
    public struct Outcome: Sendable {
        public let checked: Pipeline.Checked?
        /// The entity pages of the site (rendered when opened).
        public let pages: Int
        public let seconds: Double
        /// A failure that is not the book's (an unreadable folder, a broken theme).
        public let failure: String?
        /// How long each stage took.
        public var times = StageTimes()
        public var errors: Int { checked?.report.errors ?? (failure == nil ? 0 : 1) }
    }

    public let options: Options
    private let lock = NSLock()
    /// The last good build's pages (rendered when asked for), its search index, and the files
    /// its bodies link to (read from the content folder when asked for).
    private var site: LazySite?
    private var search: [String: [UInt8]] = [:]
    /// The checked book served, and the files its bodies link to (found when first asked for).
    private var served: Pipeline.Checked?
    private var linkedFiles: Set<String>?
    private var problems: [[String: Any]] = []
    /// Counts the good builds: a page that reconnects after missing one reloads.
    private var generation = 0
    /// The search index is built on a queue of its own after the pages are served; a newer
    /// build's index replaces an older one that has not finished (it is dropped).
    private let searchQueue = DispatchQueue(label: "servicebook.search")
    private var pendingSearch: DispatchWorkItem?
    /// How long the edits must pause before the search index is built again.
    static let searchDelay: DispatchTimeInterval = .milliseconds(700)
    private var subscribers: [UUID: AsyncStream<[UInt8]>.Continuation] = [:]
    private var server: HTTPServer?
    /// What the previous builds left: a rebuild reads, models and checks again only what
    /// changed, and renders again only the bodies that changed.
    public let cache = BuildCache()
    /// One rebuild at a time (the content's and the theme's watchers each call `rebuild`).
    private let building = NSLock()

    public init(options: Options) {
        self.options = options
    }

    static let liveScriptTag = Array("<script src=\"/__servicebook/live.js\" defer></script>\n</head>".utf8)

    // MARK: - Building

    /// Builds the book into memory. With errors the last good site stays and the open pages are
    /// told; without, the new site is served and the open pages reload. Pages are rendered when
    /// they are asked for (a page the theme cannot render answers with the error).
    /// - Parameter changed: the files the watcher saw change (absolute paths), if it said.
    @discardableResult
    public func rebuild(changed: [String]? = nil) -> Outcome {
        building.lock()
        defer { building.unlock() }
        let start = Date()
        if let changed { cache.load.hint(changed: changed) }
        let outcome: Outcome
        do {
            let checked = try Pipeline.check(content: options.content, cache: cache)
            if checked.report.errors > 0 {
                let list = checked.report.diagnostics.filter { $0.severity == .error }.map { d -> [String: Any] in
                    ["file": d.location.file, "line": d.location.line, "column": d.location.column,
                     "code": d.code.rawValue, "message": d.message]
                }
                publish(problems: list)
                var failed = Outcome(checked: checked, pages: 0, seconds: Date().timeIntervalSince(start), failure: nil)
                failed.times = checked.times
                outcome = failed
            } else {
                var times = checked.times
                let site = try Pipeline.lazySite(checked, content: options.content, theme: options.theme, cache: cache.render)
                times.mark("site")
                let build = publish(site: site, checked: checked)
                // The search index follows once the edits pause (until then the previous one is
                // served, whole): it is the slow part of a build, and only the last one counts.
                let work = DispatchWorkItem { [self] in
                    guard lock.withLock({ build == generation }) else { return }
                    publish(search: Pipeline.searchFiles(checked, cache: cache.search), build: build)
                }
                lock.withLock { pendingSearch?.cancel(); pendingSearch = work }
                if changed == nil {
                    searchQueue.async(execute: work)
                } else {
                    searchQueue.asyncAfter(deadline: .now() + PreviewServer.searchDelay, execute: work)
                }
                var done = Outcome(checked: checked, pages: checked.book.entities.count,
                                   seconds: Date().timeIntervalSince(start), failure: nil)
                done.times = times
                outcome = done
            }
        } catch {
            publish(problems: [["file": options.content, "line": 0, "column": 0, "code": "io-error", "message": "\(error)"]])
            outcome = Outcome(checked: nil, pages: 0, seconds: Date().timeIntervalSince(start), failure: "\(error)")
        }
        return outcome
    }

    /// The page with the live-reload script before `</head>`.
    static func injectLiveScript(_ page: [UInt8]) -> [UInt8] {
        let head = Array("</head>".utf8)
        guard let at = page.indices.dropLast(head.count - 1).first(where: { page[$0..<($0 + head.count)].elementsEqual(head) }) else {
            return page
        }
        return Array(page[..<at]) + liveScriptTag + Array(page[(at + head.count)...])
    }

    /// Serves `site`; the previous search index stays until `publish(search:)`.
    private func publish(site: LazySite, checked: Pipeline.Checked) -> Int {
        lock.lock()
        self.site = site
        served = checked
        linkedFiles = nil
        problems = []
        generation += 1
        let targets = Array(subscribers.values)
        let event = PreviewServer.event("reload", "{\"generation\":\(generation)}")
        for target in targets { target.yield(event) }
        let built = generation
        lock.unlock()
        return built
    }

    /// Replaces the search index (all its files at once), unless a newer build has come.
    private func publish(search files: [(path: String, bytes: [UInt8])], build: Int) {
        lock.lock()
        defer { lock.unlock() }
        guard build == generation else { return }
        search = Dictionary(files.map { ($0.path, $0.bytes) }, uniquingKeysWith: { a, _ in a })
    }

    /// Waits until the search index of the last build is served (for tests and the first build).
    public func waitForSearch() {
        guard let work = lock.withLock({ pendingSearch }) else { return }
        work.wait()
    }

    private func publish(problems list: [[String: Any]]) {
        let event = PreviewServer.event("problems", PreviewServer.json(list))
        lock.lock()
        problems = list
        for target in subscribers.values { target.yield(event) }
        lock.unlock()
    }

    static func json(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    static func event(_ name: String, _ data: String) -> [UInt8] {
        Array("event: \(name)\ndata: \(data)\n\n".utf8)
    }

    // MARK: - Serving

    /// Binds 127.0.0.1:port and serves until `stop`. Throws when the port cannot be had.
    /// `onListening` gets the port listened on (the one the system chose for `--port 0`).
    public func start(onListening: @escaping @Sendable (UInt16) -> Void = { _ in }) async throws {
        let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: options.port), timeout: 30,
                                logger: .disabled)
        await server.appendRoute("GET /__servicebook/live.js") { request in
            PreviewServer.ok(Array(PreviewServer.liveScript.utf8), type: "text/javascript; charset=utf-8",
                             ifNoneMatch: request.headers[.ifNoneMatch])
        }
        await server.appendRoute("GET /__servicebook/events") { [self] _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                         body: HTTPBodySequence(from: EventBytes(stream: subscribe())))
        }
        await server.appendRoute("GET *") { [self] request in
            response(for: request.target.path(percentEncoded: false), ifNoneMatch: request.headers[.ifNoneMatch])
        }
        await server.appendRoute("HEAD *") { [self] request in
            let full = response(for: request.target.path(percentEncoded: false))
            return HTTPResponse(statusCode: full.statusCode, headers: full.headers, body: Data())
        }
        self.server = server
        let failure = FailureBox()
        let task = Task {
            do { try await server.run() } catch { failure.set(error); throw error }
        }
        // Listening, or failing to (a port in use), whichever comes first.
        var listening = false
        for _ in 0..<500 {
            if await server.isListening { listening = true; break }
            if let error = failure.get() { throw error }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        guard listening else {
            task.cancel()
            throw failure.get() ?? CancellationError()
        }
        if case .ip4(_, let port)? = await server.listeningAddress { onListening(port) } else { onListening(options.port) }
        Task {
            // A comment every 15 s keeps proxies from closing the event streams, and finds dead ones.
            while true {
                try await Task.sleep(nanoseconds: 15_000_000_000)
                let targets = lock.withLock { Array(subscribers.values) }
                for target in targets { target.yield(Array(": ping\n\n".utf8)) }
            }
        }
        do {
            try await task.value
        } catch is CancellationError {}
    }

    public func stop() async {
        let targets = lock.withLock { () -> [AsyncStream<[UInt8]>.Continuation] in
            defer { subscribers.removeAll() }
            return Array(subscribers.values)
        }
        for target in targets { target.finish() }
        await server?.stop(timeout: 1)
    }

    private func subscribe() -> AsyncStream<[UInt8]> {
        let id = UUID()
        // A client that stops reading gets the latest events only.
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingNewest(32))
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            self.lock.lock(); self.subscribers[id] = nil; self.lock.unlock()
        }
        lock.lock()
        subscribers[id] = continuation
        continuation.yield(Array("retry: 500\n\n".utf8))
        continuation.yield(PreviewServer.event("hello", "{\"generation\":\(generation)}"))
        if !problems.isEmpty { continuation.yield(PreviewServer.event("problems", PreviewServer.json(problems))) }
        lock.unlock()
        return stream
    }

    /// The file served at `path` (a site path, no leading "/"), if there is one.
    private func file(_ path: String) -> Result<[UInt8], Error>? {
        let (site, search) = lock.withLock { (self.site, self.search) }
        if let bytes = search[path] { return .success(bytes) }
        if path.hasPrefix("files/"), linked().contains(String(path.dropFirst(6))) {
            let source = URL(fileURLWithPath: options.content).appendingPathComponent(String(path.dropFirst(6))).path
            return ContentLoader.readBytes(source).map { .success($0) }
        }
        guard let site, site.contains(path) else { return nil }
        do {
            guard let bytes = try site.file(path) else { return nil }
            return .success(path.hasSuffix(".html") ? PreviewServer.injectLiveScript(bytes) : bytes)
        } catch {
            return .failure(error)
        }
    }

    /// The files the served book's bodies link to (relative to the content folder).
    private func linked() -> Set<String> {
        lock.withLock {
            if let linkedFiles { return linkedFiles }
            let found = served.map { Set(Pipeline.linkedAssets($0)) } ?? []
            linkedFiles = found
            return found
        }
    }

    private func exists(_ path: String) -> Bool {
        let (site, search) = lock.withLock { (self.site, self.search) }
        return search[path] != nil || site?.contains(path) == true
            || path.hasPrefix("files/") && linked().contains(String(path.dropFirst(6)))
    }

    /// A file, with an entity tag: the browser asks again every time (`no-cache`), and an
    /// unchanged file is answered with 304, so that a reload reuses the scripts it has compiled.
    static func ok(_ bytes: [UInt8], type: String, ifNoneMatch: String?) -> HTTPResponse {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325                       // FNV-1a
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let tag = "\"\(String(hash, radix: 16))-\(bytes.count)\""
        if let ifNoneMatch, ifNoneMatch.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == tag }) {
            return HTTPResponse(statusCode: .notModified, headers: [.eTag: tag, .cacheControl: "no-cache"], body: Data())
        }
        return HTTPResponse(statusCode: .ok, headers: [.contentType: type, .cacheControl: "no-cache", .eTag: tag], body: Data(bytes))
    }

    /// `rawPath` is the request's path as sent, percent-decoded once.
    func response(for rawPath: String, ifNoneMatch: String? = nil) -> HTTPResponse {
        var path = rawPath.split(separator: "/").joined(separator: "/")
        let isFile = !path.isEmpty && exists(path)
        let isFolder = path.isEmpty || !isFile && exists(path + "/index.html")
        if isFolder && !path.isEmpty && !rawPath.hasSuffix("/") {
            // A folder's address ends with "/", so that its page's relative links work.
            return HTTPResponse(statusCode: .movedPermanently, headers: [.location: "/" + path + "/"], body: Data())
        }
        if isFolder { path += path.isEmpty ? "index.html" : "/index.html" }
        // A file's address with a "/" after it is no address (its relative links would break).
        let found = path.split(separator: "/").contains("..") || (isFile && rawPath.hasSuffix("/")) ? nil : file(path)
        switch found {
        case .success(let bytes)?:
            return PreviewServer.ok(bytes, type: PreviewServer.contentType(path), ifNoneMatch: ifNoneMatch)
        case .failure(let error)?:
            let page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Cannot render</title></head>"
                + "<body><p>The theme cannot render /\(SiteRenderer.escape(path)): \(SiteRenderer.escape("\(error)"))</p></body></html>"
            return HTTPResponse(statusCode: .internalServerError, headers: [.contentType: "text/html; charset=utf-8"],
                                body: Data(PreviewServer.injectLiveScript(Array(page.utf8))))
        case nil:
            let page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>"
                + "<body><p>No page at /\(SiteRenderer.escape(path)). <a href=\"/index.html\">Home</a></p></body></html>"
            return HTTPResponse(statusCode: .notFound, headers: [.contentType: "text/html; charset=utf-8"],
                                body: Data(PreviewServer.injectLiveScript(Array(page.utf8))))
        }
    }

    static func contentType(_ path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "webp": "image/webp"
        case "pdf": "application/pdf"
        case "json": "application/json"
        default: "application/octet-stream"
        }
    }

    /// The script every served page loads (no inline script: the pages' CSP forbids it).
    static let liveScript = """
    /* servicebook serve: reloads the page when the book is rebuilt, shows the book's errors. */
    (function () {
      'use strict';
      var overlay = null;
      function hide() { if (overlay) { overlay.remove(); overlay = null; } }
      function show(problems) {
        hide();
        overlay = document.createElement('div');
        overlay.id = 'sb:serve-errors';
        overlay.setAttribute('role', 'alert');
        overlay.style.cssText = 'position:fixed;inset:0;z-index:1000;overflow:auto;background:rgba(20,23,28,.94);' +
          'color:#fff;font:15px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:2rem';
        var title = document.createElement('h2');
        title.textContent = problems.length === 1 ? 'The book has an error' : 'The book has ' + problems.length + ' errors';
        title.style.cssText = 'color:#ff8a80;margin:0 0 1rem;font-size:1.3rem';
        overlay.appendChild(title);
        var note = document.createElement('p');
        note.textContent = 'This page is the last good version. Save a fix and it reloads.';
        overlay.appendChild(note);
        var list = document.createElement('ul');
        list.style.cssText = 'padding-left:1.2rem';
        problems.forEach(function (p) {
          var item = document.createElement('li');
          var where = document.createElement('strong');
          where.textContent = p.file + (p.line ? ':' + p.line + (p.column ? ':' + p.column : '') : '');
          item.appendChild(where);
          item.appendChild(document.createTextNode(' ' + p.code + ': ' + p.message));
          item.style.cssText = 'margin:.5rem 0';
          list.appendChild(item);
        });
        overlay.appendChild(list);
        document.body.appendChild(overlay);
      }
      // One stream per visible page: browsers allow few connections per host, so hidden tabs
      // let theirs go and check for a missed rebuild when they come back.
      var events = null, seen = null;
      function connect() {
        if (events) return;
        events = new EventSource('/__servicebook/events');
        events.addEventListener('hello', function (e) {
          var generation = JSON.parse(e.data).generation;
          if (seen !== null && generation !== seen) window.location.reload();
          seen = generation;
          hide();
        });
        events.addEventListener('reload', function () { window.location.reload(); });
        events.addEventListener('problems', function (e) { show(JSON.parse(e.data)); });
      }
      function disconnect() { if (events) { events.close(); events = null; } }
      document.addEventListener('visibilitychange', function () { if (document.hidden) disconnect(); else connect(); });
      window.addEventListener('pagehide', disconnect);
      window.addEventListener('pageshow', function () { if (!document.hidden) connect(); });
      if (!document.hidden) connect();
    })();
    """
}

/// The error that ended the server's task, if one did.
final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?
    func set(_ value: Error) { lock.withLock { error = value } }
    func get() -> Error? { lock.withLock { error } }
}

/// An event stream's bytes, as FlyingFox's body sequences want them (sent chunked).
struct EventBytes: AsyncBufferedSequence, @unchecked Sendable {
    typealias Element = UInt8
    let stream: AsyncStream<[UInt8]>

    func makeAsyncIterator() -> Iterator { Iterator(base: stream.makeAsyncIterator()) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var base: AsyncStream<[UInt8]>.Iterator
        var pending: ArraySlice<UInt8> = []

        mutating func next() async -> UInt8? {
            if pending.isEmpty { guard let chunk = await base.next() else { return nil }; pending = chunk[...] }
            return pending.popFirst()
        }

        mutating func nextBuffer(suggested count: Int) async -> [UInt8]? {
            if pending.isEmpty { guard let chunk = await base.next() else { return nil }; pending = chunk[...] }
            let out = Array(pending.prefix(Swift.max(1, count)))
            pending = pending.dropFirst(out.count)
            return out
        }
    }
}
