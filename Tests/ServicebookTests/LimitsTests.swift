import BookModel
import BookSite
import Foundation
import Testing

/// Limits and the file system: huge and deeply nested input, unreadable files, an output that
/// cannot be written, a full disk, a build killed at any moment. Each gets a clear diagnostic or
/// a working site, and the previous site stays as it was.
@Suite("Limits and the file system")
struct LimitsTests {
    /// A book with a built site; returns the site's files, to compare after a failed build.
    func builtBook(_ overriding: [String: String?] = [:]) throws -> (TestBook, [String: Data]) {
        let book = try TestBook(overriding: overriding)
        let built = try build(book)
        #expect(built.checked.report.errors == 0)
        return (book, try tree(book.root.appendingPathComponent("site")))
    }

    @Test("a 10 MB page is refused with file-too-large; the previous site stays")
    func hugeFile() throws {
        let (book, before) = try builtBook()
        try book.write("pages/huge.md", "---\ntitle: Огромная\n---\n" + String(repeating: "Очень длинный текст. ", count: 280_000))
        let built = try build(book)
        let errors = built.checked.report.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.code) == [.fileTooLarge], "\(errors)")
        #expect(errors.first?.location.file == "content/pages/huge.md")
        #expect(errors.first?.message.contains("MB") == true)
        #expect(built.pages == 0)
        #expect(try tree(book.root.appendingPathComponent("site")) == before)
    }

    @Test("100,000 list items, a list nested 1,400 deep and a quote nested 50,000 deep build")
    func bigAndDeepBodies() throws {
        let items = (0..<100_000).map { "- пункт \($0)\n" }.joined()
        let nested = (0..<1_400).map { String(repeating: "  ", count: $0) + "- уровень\n" }.joined()
        let quote = String(repeating: "> ", count: 50_000) + "цитата\n"
        let book = try TestBook(overriding: [
            "pages/items.md": "---\ntitle: Список\n---\n" + items,
            "pages/nested.md": "---\ntitle: Вложенность\n---\n" + nested,
            "pages/quote.md": "---\ntitle: Цитата\n---\n" + quote,
        ])
        let built = try build(book)
        #expect(built.checked.report.errors == 0)
        let site = try BuiltSite(book.root.appendingPathComponent("site"))
        #expect(site.files["pages/items.html"]?.components(separatedBy: "<li>пункт ").count == 100_001)
        #expect(site.files["pages/nested.html"]?.contains("уровень") == true)
        #expect(site.files["pages/quote.html"]?.contains("цитата") == true)
    }

    @Test("YAML nested 100,000 deep (flow) or 1,500 deep (blocks) is invalid-yaml at its line; the previous site stays")
    func deepYAML() throws {
        let (book, before) = try builtBook()
        try book.write("pages/flow.md", "---\ntitle: x\ntags: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n---\nТекст\n")
        try book.write("pages/block.md", "---\ntitle: x\nx:\n" + (0..<1_500).map { String(repeating: " ", count: $0 + 1) + "- \n" }.joined() + "---\nТекст\n")
        let built = try build(book)
        let errors = built.checked.report.diagnostics.filter { $0.severity == .error }
        #expect(Set(errors.map(\.code)) == [.invalidYAML], "\(errors)")
        #expect(Set(errors.map(\.location.file)) == ["content/pages/flow.md", "content/pages/block.md"])
        #expect(errors.allSatisfy { $0.location.line >= 3 && $0.message.contains("nesting") })
        #expect(try tree(book.root.appendingPathComponent("site")) == before)
    }

    @Test("a symbolic link in content/ that points outside it is refused; the previous site stays")
    func symlinkOutside() throws {
        let (book, before) = try builtBook()
        let outside = book.root.appendingPathComponent("secret.md")
        try "---\ntitle: Секрет\n---\nТекст\n".write(to: outside, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: book.url("pages/secret.md"), withDestinationURL: outside)
        let built = try build(book)
        let errors = built.checked.report.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1 && errors.first?.location.file == "content/pages/secret.md", "\(errors)")
        #expect(errors.first?.message.contains("not followed: only links to files inside the content folder are") == true)
        #expect(try tree(book.root.appendingPathComponent("site")) == before)
    }

    // MARK: - Permissions (as an unprivileged user: root reads and writes everything)

    /// Runs the servicebook executable as the user `nobody` when the tests run as root (the
    /// book's folder is handed to nobody first), else as the current user.
    func runUnprivileged(_ book: TestBook, _ arguments: [String]) throws -> Executable.Run {
        guard getuid() == 0 else { return try Executable.run(arguments, in: book.root) }
        // A copy of the executable nobody can reach (the build folder may sit in a private folder).
        let tool = book.root.appendingPathComponent("servicebook-bin")
        if !FileManager.default.fileExists(atPath: tool.path) {
            try FileManager.default.copyItem(at: Executable.url, to: tool)
        }
        _ = try Executable.runTool("/bin/chown", ["-R", "65534:65534", book.root.path], in: book.root)
        _ = try Executable.runTool("/bin/chmod", ["755", book.root.path], in: book.root)
        return try Executable.runTool("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", tool.path] + arguments,
                                      in: book.root, environment: ["SOURCE_DATE_EPOCH": Executable.testDay])
    }

    @Test("a file nobody may read is an io-error naming it; the previous site stays")
    func unreadableFile() throws {
        let book = try TestBook()
        let first = try runUnprivileged(book, ["build", "--quiet", "--content", "content", "--output", "site"])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try tree(book.root.appendingPathComponent("site"))
        #expect(chmod(book.url("glossary/nps.md").path, 0) == 0)
        let run = try runUnprivileged(book, ["build", "--content", "content", "--output", "site"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("content/glossary/nps.md") && run.stdout.contains("io-error")
                && run.stdout.contains("Permission denied"), "\(run.stdout)")
        #expect(try tree(book.root.appendingPathComponent("site")) == before)
    }

    @Test("an output folder that cannot be written is a clear error; the previous site stays")
    func readOnlyOutput() throws {
        let book = try TestBook()
        let first = try runUnprivileged(book, ["build", "--quiet", "--content", "content", "--output", "out/site"])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try tree(book.root.appendingPathComponent("out/site"))
        try book.write("glossary/nps.md", "---\ntitle: NPS, новая версия\nsummary: Индекс.\n---\nИндекс.\n")
        #expect(chmod(book.root.appendingPathComponent("out").path, 0o555) == 0)
        defer { chmod(book.root.appendingPathComponent("out").path, 0o755) }
        let run = try runUnprivileged(book, ["build", "--content", "content", "--output", "out/site"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("Permission denied"), "\(run.stderr)")
        #expect(try tree(book.root.appendingPathComponent("out/site")) == before)
    }

    /// Whether this machine lets the tests mount a small tmpfs (root with CAP_SYS_ADMIN).
    static let canMount: Bool = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("servicebook-mount-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        guard let run = try? Executable.runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", folder.path], in: folder),
              run.status == 0 else { return false }
        _ = try? Executable.runTool("/bin/umount", [folder.path], in: folder)
        return true
    }()

    @Test("a full disk is a clear error; the previous site stays (on a small tmpfs)", .enabled(if: LimitsTests.canMount))
    func fullDisk() throws {
        let book = try TestBook()
        let disk = book.root.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        let mount = try Executable.runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", disk.path], in: book.root)
        try #require(mount.status == 0, "\(mount.stderr)")
        defer { _ = try? Executable.runTool("/bin/umount", [disk.path], in: book.root) }
        let site = disk.appendingPathComponent("site")
        #expect(try Executable.run(["build", "--quiet", "--content", "content", "--output", site.path], in: book.root).status == 0)
        let before = try tree(site)
        // Fill the disk, then change the book's title (every page changes).
        let filler = disk.appendingPathComponent("filler")
        FileManager.default.createFile(atPath: filler.path, contents: nil)
        let handle = try FileHandle(forWritingTo: filler)
        let chunk = Data(count: 64 << 10)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        try? handle.close()
        try book.write("book.yml", "title: Другая книга\nlanguage: ru\nreview_interval_days: 365\n")
        let run = try Executable.run(["build", "--content", "content", "--output", site.path], in: book.root)
        #expect(run.status == 2)
        #expect(run.stderr.contains("No space left on device"), "\(run.stderr)")
        #expect(try tree(site) == before)
        // With room again, the build succeeds.
        try FileManager.default.removeItem(at: filler)
        #expect(try Executable.run(["build", "--quiet", "--content", "content", "--output", site.path], in: book.root).status == 0)
    }

    // MARK: - Killed builds

    @Test("a build killed at random moments leaves the previous site or the new one, whole; the next build works")
    func killedBuilds() throws {
        let book = try TestBook([:])
        let bookgen = Executable.url.deletingLastPathComponent().appendingPathComponent("bookgen")
        try FileManager.default.createDirectory(at: book.root, withIntermediateDirectories: true)
        let generated = try Executable.runTool(bookgen.path, ["300", book.root.appendingPathComponent("content").path], in: book.root)
        try #require(generated.status == 0, "\(generated.stderr)")
        let bookFile = book.url("book.yml")
        let original = try String(contentsOf: bookFile, encoding: .utf8)
        let changed = original.replacingOccurrences(of: "title:", with: "title: Новое издание —")
        func buildSite(_ output: String) throws -> TimeInterval {
            let start = Date()
            let run = try Executable.run(["build", "--quiet", "--content", "content", "--output", output], in: book.root)
            try #require(run.status == 0, "\(run.stdout)\(run.stderr)")
            return Date().timeIntervalSince(start)
        }
        try changed.write(to: bookFile, atomically: false, encoding: .utf8)
        _ = try buildSite("new")
        let newSite = try tree(book.root.appendingPathComponent("new"))
        try original.write(to: bookFile, atomically: false, encoding: .utf8)
        let duration = try buildSite("site")
        let oldSite = try tree(book.root.appendingPathComponent("site"))
        #expect(oldSite != newSite)

        var outcomes: [String] = []
        for round in 0..<8 {
            try original.write(to: bookFile, atomically: false, encoding: .utf8)
            _ = try buildSite("site")
            try changed.write(to: bookFile, atomically: false, encoding: .utf8)
            // Spread the kills over the whole build, plus a few after it may have finished.
            let delay = duration * 1.2 * (Double(round) + Double.random(in: 0..<1)) / 8
            let process = Process()
            process.executableURL = Executable.url
            process.arguments = ["build", "--quiet", "--content", "content", "--output", "site"]
            process.currentDirectoryURL = book.root
            process.environment = ProcessInfo.processInfo.environment.merging(["SOURCE_DATE_EPOCH": Executable.testDay]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let after = try tree(book.root.appendingPathComponent("site"))
            let outcome = after == oldSite ? "previous" : after == newSite ? "new" : "BROKEN"
            outcomes.append(String(format: "%.2fs: %@", delay, outcome))
            #expect(outcome != "BROKEN", "killed after \(delay) s, the site is neither the previous one nor the new one")
        }
        print("killed builds: \(outcomes.joined(separator: ", "))")
        // A killed build leaves no lock and no debris that stops the next one.
        _ = try buildSite("site")
        #expect(try tree(book.root.appendingPathComponent("site")) == newSite, "\(outcomes)")
    }

    // MARK: - Determinism

    @Test("the site does not depend on the order in which the files were created")
    func fileOrder() throws {
        let a = try TestBook(), b = try TestBook(reversed: true)
        try build(a)
        try build(b)
        let siteA = try tree(a.root.appendingPathComponent("site")), siteB = try tree(b.root.appendingPathComponent("site"))
        #expect(siteA.count > 20)
        #expect(siteA == siteB)
    }
}
