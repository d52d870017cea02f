import BookModel
import BookRender
import FlyingFox
import FlyingSocks
import Foundation
import Synchronization

/// `servicebook serve`'s HTTP side: the session's site on 127.0.0.1, every page with the
/// theme's live-reload script (`serve/live.js`, served from the same origin at
/// `/__servicebook/live.js`, so that the pages' Content-Security-Policy allows it), and the
/// event stream it listens to (`/__servicebook/events`, `LiveReload`).
public final class PreviewServer: Sendable {
    public let session: PreviewSession
    public let port: UInt16
    private let server = Mutex<HTTPServer?>(nil)

    public init(session: PreviewSession, port: UInt16 = 8000) {
        self.session = session
        self.port = port
    }

    static let liveScriptPath = "/__servicebook/live.js"
    static let liveScriptTag = Array("<script src=\"\(liveScriptPath)\" defer></script>\n</head>".utf8)
    /// The script every served page loads (no inline script: the pages' CSP forbids it).
    static let liveScript = Theme.builtInFiles["serve/live.js"] ?? []

    /// Binds 127.0.0.1:port and serves until `stop`. Throws when the port cannot be had.
    /// `onListening` gets the port listened on (the one the system chose for `--port 0`).
    public func start(onListening: @escaping @Sendable (UInt16) -> Void = { _ in }) async throws {
        let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: port), timeout: 30, logger: .disabled)
        await server.appendRoute(HTTPRoute("GET \(PreviewServer.liveScriptPath)")) { request in
            PreviewServer.ok(PreviewServer.liveScript, type: "text/javascript; charset=utf-8", ifNoneMatch: request.headers[.ifNoneMatch])
        }
        await server.appendRoute("GET /__servicebook/events") { [self] _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                         body: HTTPBodySequence(from: EventBytes(stream: session.live.subscribe())))
        }
        await server.appendRoute("GET *") { [self] request in
            response(for: request.target.path(percentEncoded: false), ifNoneMatch: request.headers[.ifNoneMatch])
        }
        await server.appendRoute("HEAD *") { [self] request in
            let full = response(for: request.target.path(percentEncoded: false))
            return HTTPResponse(statusCode: full.statusCode, headers: full.headers, body: Data())
        }
        self.server.withLock { $0 = server }
        let failure = Mutex<Error?>(nil)
        let task = Task {
            do { try await server.run() } catch { failure.withLock { $0 = error }; throw error }
        }
        // Listening, or failing to (a port in use), whichever comes first.
        var listening = false
        for _ in 0..<500 {
            if await server.isListening { listening = true; break }
            if let error = failure.withLock({ $0 }) { throw error }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        guard listening else {
            task.cancel()
            throw failure.withLock { $0 } ?? CancellationError()
        }
        if case .ip4(_, let port)? = await server.listeningAddress { onListening(port) } else { onListening(port) }
        Task {
            // A comment every 15 s keeps proxies from closing the event streams, and finds dead ones.
            while true {
                try await Task.sleep(nanoseconds: 15_000_000_000)
                session.live.ping()
            }
        }
        do {
            try await task.value
        } catch is CancellationError {}
    }

    public func stop() async {
        session.live.finish()
        await server.withLock({ $0 })?.stop(timeout: 1)
    }

    /// The page with the live-reload script before `</head>`.
    static func injectLiveScript(_ page: [UInt8]) -> [UInt8] {
        let head = Array("</head>".utf8)
        guard let at = page.indices.dropLast(head.count - 1).first(where: { page[$0..<($0 + head.count)].elementsEqual(head) }) else {
            return page
        }
        return Array(page[..<at]) + liveScriptTag + Array(page[(at + head.count)...])
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
        let site = session.site
        var path = rawPath.split(separator: "/").joined(separator: "/")
        let isFile = !path.isEmpty && site?.contains(path) == true
        let isFolder = path.isEmpty || !isFile && site?.contains(path + "/index.html") == true
        if isFolder && !path.isEmpty && !rawPath.hasSuffix("/") {
            // A folder's address ends with "/", so that its page's relative links work.
            return HTTPResponse(statusCode: .movedPermanently, headers: [.location: "/" + path + "/"], body: Data())
        }
        if isFolder { path += path.isEmpty ? "index.html" : "/index.html" }
        // A file's address with a "/" after it is no address (its relative links would break).
        let refused = path.split(separator: "/").contains("..") || (isFile && rawPath.hasSuffix("/"))
        let found: Result<[UInt8]?, Error>? = refused ? nil : site.map { site in Result { try site.file(path) } }
        switch found {
        case .success(let bytes?)?:
            let served = path.hasSuffix(".html") ? PreviewServer.injectLiveScript(bytes) : bytes
            return PreviewServer.ok(served, type: PreviewServer.contentType(path), ifNoneMatch: ifNoneMatch)
        case .failure(let error)?:
            let page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Cannot render</title></head>"
                + "<body><p>The theme cannot render /\(SiteRenderer.escape(path)): \(SiteRenderer.escape("\(error)"))</p></body></html>"
            return HTTPResponse(statusCode: .internalServerError, headers: [.contentType: "text/html; charset=utf-8"],
                                body: Data(PreviewServer.injectLiveScript(Array(page.utf8))))
        case .success(nil)?, nil:
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
