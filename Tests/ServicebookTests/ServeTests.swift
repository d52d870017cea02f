import BookSite
import Foundation
import Testing

/// `servicebook serve` as a user runs it: a process on a free port, fetched over HTTP (curl),
/// its event stream read while files are edited, added, deleted and renamed.
@Suite("servicebook serve", .serialized)
struct ServeTests {
    /// A free TCP port on 127.0.0.1.
    static func freePort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return UInt16(bigEndian: address.sin_port)
    }

    final class Served {
        let book: TestBook
        let port: UInt16
        let process = Process()
        let log: URL
        let events: URL
        let listener = Process()

        init(_ book: TestBook, arguments: [String] = []) throws {
            self.book = book
            port = ServeTests.freePort()
            log = book.root.appendingPathComponent("serve.log")
            events = book.root.appendingPathComponent("events.txt")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            process.executableURL = Executable.url
            process.arguments = ["serve", "--content", "content", "--port", String(port)] + arguments
            process.currentDirectoryURL = book.root
            process.environment = ProcessInfo.processInfo.environment.merging(["SOURCE_DATE_EPOCH": Executable.testDay]) { $1 }
            process.standardOutput = try FileHandle(forWritingTo: log)
            process.standardError = process.standardOutput
            try process.run()
            try wait("the server to listen", timeout: 40) { (try? self.get("index.html"))?.status == 200 }
            // The event stream, read by curl into a file for the whole test.
            FileManager.default.createFile(atPath: events.path, contents: nil)
            listener.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            listener.arguments = ["-s", "-N", "--max-time", "600", "http://127.0.0.1:\(port)/__servicebook/events"]
            listener.standardOutput = try FileHandle(forWritingTo: events)
            try listener.run()
            try wait("the event stream", timeout: 5) { self.eventText.contains("retry:") }
        }

        deinit {
            if listener.isRunning { listener.terminate() }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }

        var eventText: String { (try? String(contentsOf: events, encoding: .utf8)) ?? "" }
        var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        func get(_ path: String) throws -> (status: Int, body: String) {
            let run = try Executable.runTool("/usr/bin/curl", ["-s", "--max-time", "10", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)/\(path)"],
                                             in: book.root)
            guard let cut = run.stdout.lastIndex(of: "\n") else { return (0, "") }
            return (Int(run.stdout[run.stdout.index(after: cut)...]) ?? 0, String(run.stdout[..<cut]))
        }

        /// The status and entity tag of `path`, asked with `If-None-Match: tag` when given.
        func tag(_ path: String, ifNoneMatch: String? = nil) throws -> (status: Int, tag: String?) {
            let header = ifNoneMatch.map { ["-H", "If-None-Match: \($0)"] } ?? []
            let run = try Executable.runTool("/usr/bin/curl", ["-s", "--max-time", "10", "-o", "/dev/null", "-D", "-"] + header
                                             + ["http://127.0.0.1:\(port)/\(path)"], in: book.root)
            let lines = run.stdout.split(whereSeparator: \.isNewline)
            let status = lines.first.flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Int($0) } ?? 0
            let tag = lines.first { $0.lowercased().hasPrefix("etag:") }.map { String($0.dropFirst(5)).trimmingCharacters(in: .whitespaces) }
            return (status, tag)
        }

        func wait(_ what: String, timeout: TimeInterval, _ condition: () throws -> Bool) throws {
            let end = Date().addingTimeInterval(timeout)
            while Date() < end {
                if try condition() { return }
                Thread.sleep(forTimeInterval: 0.05)
            }
            Issue.record("timed out waiting for \(what); log:\n\(logText)\nevents:\n\(eventText)")
            throw CancellationError()
        }

        func count(_ event: String) -> Int { eventText.components(separatedBy: "event: \(event)\n").count - 1 }
    }

    @Test("edits, new, deleted and renamed files and folders are served after a reload event; errors go to an overlay and the last good site stays; the result equals a full build")
    func liveLoop() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"))
        let book = try TestBook()
        let served = try Served(book)
        #expect(try served.get("glossary/nps.html").body.contains("/__servicebook/live.js"))
        #expect(try served.get("__servicebook/live.js").body.contains("EventSource"))
        #expect(try served.get("nowhere.html").status == 404)
        #expect(try served.get("glossary").status == 301)                  // to glossary/
        #expect(try served.get("glossary/").status == 200)
        #expect(try served.get("glossary/nps.html/").status == 404)
        #expect(try served.get("glossary/%2e%2e/%2e%2e/etc/passwd").status == 404)
        #expect(try served.get("index.html?q=x").status == 200)
        let head = try Executable.runTool("/usr/bin/curl", ["-s", "-I", "--max-time", "10", "http://127.0.0.1:\(served.port)/glossary/nps.html"],
                                          in: book.root)
        #expect(head.stdout.hasPrefix("HTTP/1.1 200") && head.stdout.lowercased().contains("content-type: text/html"), "\(head.stdout)")
        // A symbolic link to a folder outside (or back into) the book is not followed by the watcher.
        try FileManager.default.createSymbolicLink(atPath: book.url("pages/loop").path, withDestinationPath: "..")
        try FileManager.default.removeItem(atPath: book.url("pages/loop").path)

        // An edit.
        var reloads = served.count("reload")
        try book.write("glossary/nps.md", "---\ntitle: NPS изменён\nsummary: Индекс.\n---\nИндекс готовности рекомендовать.\n")
        try served.wait("the edit", timeout: 30) { try served.get("glossary/nps.html").body.contains("NPS изменён") }
        try served.wait("a reload event", timeout: 5) { served.count("reload") > reloads }

        // An editor's save: a temporary file renamed over the page.
        let temporary = book.url("glossary/.nps.md.tmp")
        try "---\ntitle: NPS сохранён\nsummary: Индекс.\n---\nТекст.\n".write(to: temporary, atomically: false, encoding: .utf8)
        #expect(rename(temporary.path, book.url("glossary/nps.md").path) == 0)
        try served.wait("a save through a rename", timeout: 30) { try served.get("glossary/nps.html").body.contains("NPS сохранён") }

        // A new file in a new folder, then a renamed file, then a deleted one.
        try book.write("pages/more/extra.md", "---\ntitle: Дополнение\norder: 3\n---\nТекст.\n")
        try served.wait("the new page", timeout: 30) { try served.get("pages/extra.html").status == 200 }
        #expect(rename(book.url("pages/more/extra.md").path, book.url("pages/more/added.md").path) == 0)
        try served.wait("the renamed page", timeout: 30) {
            try served.get("pages/added.html").status == 200 && served.get("pages/extra.html").status == 404
        }
        try book.remove("pages/more/added.md")
        try served.wait("the deleted page", timeout: 30) { try served.get("pages/added.html").status == 404 }

        // A folder moved out of the book is forgotten; moved back, it is watched again.
        try book.write("pages/more/back.md", "---\ntitle: Возврат папки\norder: 4\n---\nТекст.\n")
        try served.wait("the page in the folder", timeout: 30) { try served.get("pages/back.html").status == 200 }
        let away = book.root.appendingPathComponent("away")
        #expect(rename(book.url("pages/more").path, away.path) == 0)
        try served.wait("the folder moved out", timeout: 30) { try served.get("pages/back.html").status == 404 }
        #expect(rename(away.path, book.url("pages/more").path) == 0)
        try served.wait("the folder moved back", timeout: 30) { try served.get("pages/back.html").status == 200 }
        try "---\ntitle: Папка вернулась\norder: 4\n---\nТекст.\n".write(to: book.url("pages/more/back.md"), atomically: false, encoding: .utf8)
        try served.wait("an edit in the folder moved back", timeout: 30) { try served.get("pages/back.html").body.contains("Папка вернулась") }
        try FileManager.default.removeItem(at: book.url("pages/more"))
        try served.wait("the folder deleted", timeout: 30) { try served.get("pages/back.html").status == 404 }

        // A broken file: the errors are sent, the last good page stays served.
        let good = try served.get("glossary/nps.html").body
        let problems = served.count("problems")
        try book.write("glossary/nps.md", "---\ntitle: [не закрыто\n---\nТекст.\n")
        try served.wait("the problems event", timeout: 30) { served.count("problems") > problems }
        #expect(served.eventText.contains("\"file\":\"content\\/glossary\\/nps.md\"") && served.eventText.contains("\"code\":\"invalid-yaml\""))
        #expect(served.eventText.contains("\"line\":"))
        #expect(try served.get("glossary/nps.html").body == good)
        try served.wait("the error in the terminal", timeout: 5) { served.logText.contains("still serving the last good site") }
        #expect(served.logText.contains("content/glossary/nps.md:"))

        // The fix: a reload, and the site equals what a full build writes.
        reloads = served.count("reload")
        try book.write("glossary/nps.md", "---\ntitle: NPS\naliases: [индекс лояльности]\n---\nИндекс готовности рекомендовать.\n")
        try served.wait("the fix", timeout: 30) { served.count("reload") > reloads }
        let full = book.root.appendingPathComponent("full")
        #expect(try Executable.run(["build", "--quiet", "--content", "content", "--output", full.path], in: book.root).status == 0)
        let fullSite = try tree(full)
        // The search index follows the pages: wait for it, then compare every file.
        let fullIndex = String(decoding: try #require(fullSite["/search/index.js"]), as: UTF8.self)
        try served.wait("the search index", timeout: 30) { try served.get("search/index.js").body == fullIndex }
        var compared = 0
        for (path, data) in fullSite where !path.hasSuffix("/.servicebook-output") {
            var expected = String(decoding: data, as: UTF8.self)
            if path.hasSuffix(".html") {
                expected = expected.replacingOccurrences(of: "</head>", with: "<script src=\"/__servicebook/live.js\" defer></script>\n</head>")
            }
            #expect(try served.get(String(path.dropFirst())).body == expected, "\(path)")
            compared += 1
        }
        #expect(compared > 60)

        // A second server on the same port says so; Ctrl-C stops the first one cleanly.
        let second = try Executable.runTool("/usr/bin/timeout", ["30", Executable.url.path, "serve", "--content", "content",
                                                                 "--port", String(served.port)], in: book.root)
        #expect(second.status == 2)
        #expect(second.stderr.contains("port \(served.port) on 127.0.0.1 is already in use"))
        kill(served.process.processIdentifier, SIGINT)
        served.process.waitUntilExit()
        #expect(served.process.terminationStatus == 0)
        #expect(served.logText.contains("Stopped serving."))
    }

    @Test("files carry entity tags: an unchanged file is answered 304, an edited page gets another tag")
    func entityTags() throws {
        let book = try TestBook()
        let served = try Served(book)
        let css = try served.tag("assets/style.css")
        let cssTag = try #require(css.tag)
        #expect(css.status == 200)
        #expect(try served.tag("assets/style.css", ifNoneMatch: cssTag).status == 304)
        #expect(try served.tag("assets/style.css", ifNoneMatch: "\"other\"").status == 200)
        let page = try #require(try served.tag("glossary/nps.html").tag)
        #expect(try served.tag("glossary/nps.html", ifNoneMatch: page).status == 304)
        try book.write("glossary/nps.md", "---\ntitle: NPS после правки\n---\nИндекс.\n")
        try served.wait("the edited page", timeout: 30) { try served.get("glossary/nps.html").body.contains("NPS после правки") }
        let edited = try served.tag("glossary/nps.html", ifNoneMatch: page)
        #expect(edited.status == 200 && edited.tag != page)
        #expect(try served.tag("assets/style.css", ifNoneMatch: cssTag).status == 304)
    }

    @Test("--port 0 serves on a free port and says which")
    func anyPort() throws {
        let book = try TestBook()
        let log = book.root.appendingPathComponent("serve.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = Executable.url
        process.arguments = ["serve", "--quiet", "--content", "content", "--port", "0"]
        process.currentDirectoryURL = book.root
        process.standardOutput = try FileHandle(forWritingTo: log)
        try process.run()
        defer { kill(process.processIdentifier, SIGKILL) }
        var port: String?
        for _ in 0..<600 where port == nil {
            Thread.sleep(forTimeInterval: 0.05)
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            port = BuiltSite.matches(#"http://127\.0\.0\.1:([0-9]+)/"#, in: text).first
        }
        let found = try #require(port)
        #expect(found != "0")
        let page = try Executable.runTool("/usr/bin/curl", ["-s", "--max-time", "10", "http://127.0.0.1:\(found)/index.html"], in: book.root)
        #expect(page.stdout.contains("<!DOCTYPE html>"))
    }

    @Test("a change to the theme folder is served after a reload")
    func themeChanges() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"))
        let book = try TestBook()
        let theme = book.root.appendingPathComponent("theme/assets")
        try FileManager.default.createDirectory(at: theme, withIntermediateDirectories: true)
        try "body { color: red; }\n".write(to: theme.appendingPathComponent("style.css"), atomically: false, encoding: .utf8)
        let served = try Served(book, arguments: ["--theme", "theme"])
        #expect(try served.get("assets/style.css").body.contains("color: red"))
        try "body { color: blue; }\n".write(to: theme.appendingPathComponent("style.css"), atomically: false, encoding: .utf8)
        try served.wait("the new style", timeout: 30) { try served.get("assets/style.css").body.contains("color: blue") }
    }
}
