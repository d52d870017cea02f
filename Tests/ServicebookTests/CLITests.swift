import Foundation
import Testing

/// The real executable: formats, exit codes, colour.
@Suite("servicebook check (the executable)")
struct CLITests {
    static let brokenStep = "---\ntitle: Прощание\nresponsible: manger\nscript: call-script\n---\nТекст.\n"

    @Test("a clean book exits 0 and prints the completeness report and a summary")
    func clean() throws {
        let book = try TestBook()
        let run = try Executable.run(["check", "--strict"], in: book.root)
        #expect(run.status == 0)
        #expect(run.stdout.contains("Completeness"))
        #expect(run.stdout.contains("steps with a responsible role and a script"))
        #expect(run.stdout.contains("check passed: 0 errors, 0 warnings"))
    }

    @Test("human format: location, code, source line, caret and help, no colour when piped")
    func human() throws {
        let book = try TestBook(overriding: ["steps/sales/farewell.md": Self.brokenStep])
        let run = try Executable.run(["check"], in: book.root)
        #expect(run.status == 1)
        let expected = """
        content/steps/sales/farewell.md:3:14: error[unknown-reference]: responsible "manger" is not a role
            3 | responsible: manger
              |              ^~~~~~
              = help: did you mean "manager"?
        """
        #expect(run.stdout.contains(expected), "\(run.stdout)")
        #expect(!run.stdout.contains("\u{1B}["))
    }

    @Test("human format of a CRLF file with a BOM: the line the error is on, without its \\r, and the last line too")
    func humanCRLF() throws {
        let step = "\u{FEFF}---\r\ntitle: Прощание\r\nresponsible: manger\r\nscript: call-script\r\nparticipants: [nobody]\r\n---\r\nТекст."
        let book = try TestBook(overriding: ["steps/sales/farewell.md": step])
        let run = try Executable.run(["check"], in: book.root)
        #expect(run.status == 1)
        #expect(run.stdout.contains("    3 | responsible: manger\n      |              ^~~~~~\n"), "\(run.stdout)")
        #expect(run.stdout.contains("    5 | participants: [nobody]\n"), "\(run.stdout)")
        #expect(!run.stdout.contains("\r"))
    }

    @Test("--content names another folder, and paths are shown as given")
    func contentOption() throws {
        let book = try TestBook(overriding: ["steps/sales/farewell.md": Self.brokenStep])
        let run = try Executable.run(["check", "--content", "./content/"], in: book.root)
        #expect(run.status == 1)
        #expect(run.stdout.contains("./content/steps/sales/farewell.md:3:14:"))
    }

    @Test("warnings pass without --strict and fail with it")
    func strict() throws {
        let book = try TestBook(overriding: ["roles/manager.md": "---\ntitle: Менеджер\nreport_to: x\n---\n## Обязанности\n"])
        #expect(try Executable.run(["check"], in: book.root).status == 0)
        let strict = try Executable.run(["check", "--strict"], in: book.root)
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("warning[unknown-field]"))
    }

    @Test("json format: one document of the documented shape")
    func json() throws {
        let book = try TestBook(overriding: ["steps/sales/farewell.md": Self.brokenStep])
        let run = try Executable.run(["check", "--format", "json"], in: book.root)
        #expect(run.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["version"] as? Int == 1)
        #expect(object["passed"] as? Bool == false)
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(summary["errors"] == 1)
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        let d = try #require(diagnostics.first)
        #expect(d["code"] as? String == "unknown-reference")
        #expect(d["severity"] as? String == "error")
        #expect(d["file"] as? String == "content/steps/sales/farewell.md")
        #expect(d["line"] as? Int == 3)
        #expect(d["column"] as? Int == 14)
        #expect(d["endColumn"] as? Int == 20)
        #expect(d["suggestion"] as? String == "did you mean \"manager\"?")
        let completeness = try #require(object["completeness"] as? [[String: Any]])
        #expect(completeness.contains { $0["id"] as? String == "standards-with-checks" && $0["total"] as? Int == 1 })
    }

    @Test("github format: workflow annotations with file, line and column")
    func github() throws {
        let book = try TestBook(overriding: ["steps/sales/farewell.md": Self.brokenStep])
        let run = try Executable.run(["check", "--format", "github"], in: book.root)
        #expect(run.status == 1)
        let line = try #require(run.stdout.split(separator: "\n").first)
        #expect(line == "::error file=content/steps/sales/farewell.md,line=3,col=14,endColumn=20,title=servicebook unknown-reference::responsible \"manger\" is not a role%0Ahelp: did you mean \"manager\"?")
    }

    @Test("colour only on a terminal: never when piped, even with FORCE settings")
    func noColorPiped() throws {
        let book = try TestBook(overriding: ["steps/sales/farewell.md": Self.brokenStep])
        let run = try Executable.run(["check"], in: book.root, environment: ["NO_COLOR": "1", "TERM": "xterm-256color"])
        #expect(!run.stdout.contains("\u{1B}["))
    }

    @Test("usage errors and I/O failures exit with 2")
    func exitTwo() throws {
        let book = try TestBook()
        let badFormat = try Executable.run(["check", "--format", "xml"], in: book.root)
        #expect(badFormat.status == 2)
        #expect(badFormat.stderr.contains("xml"))
        let noFolder = try Executable.run(["check", "--content", "missing"], in: book.root)
        #expect(noFolder.status == 2)
        #expect(noFolder.stderr.contains("missing"))
        let unknown = try Executable.run(["frobnicate"], in: book.root)
        #expect(unknown.status == 2)
    }

    @Test("--help and --version exit 0")
    func help() throws {
        let book = try TestBook()
        let help = try Executable.run(["check", "--help"], in: book.root)
        #expect(help.status == 0)
        #expect(help.stdout.contains("--strict"))
        #expect(try Executable.run(["--version"], in: book.root).status == 0)
    }

    @Test("the sample book passes check --strict")
    func sampleBook() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        // As of a fixed day (Executable.testDay), so that the sample's review dates do not expire under CI.
        let run = try Executable.run(["check", "--strict"], in: repo)
        #expect(run.status == 0, "\(run.stdout)")
        let later = try Executable.run(["check", "--strict", "--quiet"], in: repo,
                                       environment: ["SOURCE_DATE_EPOCH": String(Day(year: 2028, month: 1, day: 1)!.ordinal * 86_400)])
        #expect(later.status == 1)
        #expect(later.stdout.contains("warning[review-overdue]"))
    }
}

@Suite("servicebook build (the executable)")
struct BuildCLITests {
    @Test("build writes _site and ends with a one-line summary")
    func builds() throws {
        let book = try TestBook()
        let run = try Executable.run(["build"], in: book.root)
        #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
        let summary = try #require(run.stdout.split(separator: "\n").last)
        #expect(summary.hasPrefix("Built "))
        #expect(summary.hasSuffix(" s → _site/"))
        #expect(FileManager.default.fileExists(atPath: book.root.appendingPathComponent("_site/index.html").path))
        #expect(!run.stderr.contains("\u{1B}["), "no progress line when not on a terminal")
    }

    @Test("a broken book: diagnostics, exit 1, and the previous site untouched")
    func brokenBook() throws {
        let book = try TestBook()
        #expect(try Executable.run(["build", "--output", "out"], in: book.root).status == 0)
        let index = book.root.appendingPathComponent("out/index.html")
        let before = try Data(contentsOf: index)
        try book.write("roles/manager.md", "---\ntitle: [\n---\n")
        let run = try Executable.run(["build", "--output", "out"], in: book.root)
        #expect(run.status == 1)
        #expect(run.stdout.contains("error[invalid-yaml]"))
        #expect(run.stdout.contains("nothing was written"))
        #expect(try Data(contentsOf: index) == before)
    }

    @Test("a missing content folder or theme folder exits with 2")
    func ioFailures() throws {
        let book = try TestBook()
        #expect(try Executable.run(["build", "--content", "nope"], in: book.root).status == 2)
        let theme = try Executable.run(["build", "--theme", "no-theme"], in: book.root)
        #expect(theme.status == 2)
        #expect(theme.stderr.contains("no-theme"))
    }
}

@Suite("servicebook new and init")
struct ScaffoldTests {
    @Test("init creates a starter book that passes check --strict and builds, with a .gitignore")
    func initBook() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("servicebook-init-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let run = try Executable.run(["init", "book"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let book = folder.appendingPathComponent("book")
        let check = try Executable.run(["check", "--strict"], in: book)
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.contains("check passed: 0 errors, 0 warnings"))
        let build = try Executable.run(["build"], in: book)
        #expect(build.status == 0)
        #expect(try String(contentsOf: book.appendingPathComponent(".gitignore"), encoding: .utf8).contains("/_site/"))
        // The starter has what the issue asks: one journey of two stages, a term, an introduction.
        let built = try Pipeline.check(content: book.appendingPathComponent("content").path)
        #expect(built.book.all(.journey).count == 1)
        #expect(built.book.all(.journey).first?.journey?.stages.count == 2)
        #expect(built.book.all(.term).count == 1)
        #expect(built.book.entity(.page, "introduction") != nil)
        // A second init into the same folder changes nothing.
        let again = try Executable.run(["init", "book"], in: folder)
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists"))
    }

    @Test("new creates a document of every kind that checks, and refuses bad or taken ids")
    func newDocuments() throws {
        let book = try TestBook()
        for kind in Kind.allCases {
            let run = try Executable.run(["new", kind.rawValue, "fresh-\(kind.rawValue)"], in: book.root)
            #expect(run.status == 0, "\(kind): \(run.stderr)")
            #expect(run.stdout.contains("content/\(kind.folder)/fresh-\(kind.rawValue).md"))
        }
        let result = try book.check()
        #expect(result.report.errors == 0, "\(result.diagnostics)")
        #expect(result.book.entity(.step, "fresh-step")?.step?.responsible?.id == "manager")
        #expect(result.book.entity(.script, "fresh-script")?.script?.phrases.count == 1)
        let taken = try Executable.run(["new", "steps", "greeting"], in: book.root)
        #expect(taken.status == 2)
        #expect(taken.stderr.contains("already exists"))
        let invalid = try Executable.run(["new", "term", "Встреча клиента"], in: book.root)
        #expect(invalid.status == 2)
        #expect(invalid.stderr.contains("vstrecha-kliyenta"))
        #expect(try Executable.run(["new", "thing", "x"], in: book.root).status == 2)
    }
}

import BookModel
import BookSite

@Suite("--quiet and --verbose")
struct VerbosityTests {
    @Test("--quiet prints only problems; --verbose adds the stage times on standard error")
    func flags() throws {
        let book = try TestBook()
        let quiet = try Executable.run(["check", "--quiet"], in: book.root)
        #expect(quiet.status == 0)
        #expect(quiet.stdout.isEmpty)
        let quietBuild = try Executable.run(["build", "-q"], in: book.root)
        #expect(quietBuild.status == 0)
        #expect(quietBuild.stdout.isEmpty)
        let verbose = try Executable.run(["build", "--verbose"], in: book.root)
        #expect(verbose.stderr.contains("timings: load "))
        #expect(verbose.stderr.contains("pages ") && verbose.stderr.contains("search "))
        #expect(verbose.stdout.hasPrefix("Built "))
        // The command line's malloc is mimalloc's (a pointer from malloc lies in its heap), not
        // glibc's: linked after the C library, or dropped by the linker, it would not be.
        #expect(verbose.stderr.contains("(allocator: mimalloc "), "\(verbose.stderr)")
        try book.write("roles/manager.md", "---\ntitle: [\n---\n")
        let broken = try Executable.run(["check", "-q"], in: book.root)
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("error[invalid-yaml]"))
        #expect(!broken.stdout.contains("Completeness"))
    }
}

@Suite("Colour")
struct ColourTests {
    /// Runs the executable under a pseudo-terminal (util-linux `script`), as a person would.
    func onTerminal(_ arguments: String, in folder: URL, environment: [String: String] = [:]) throws -> String {
        let command = "\(Executable.url.path) \(arguments)"
        return try Executable.runTool("/usr/bin/script", ["-qec", command, "/dev/null"], in: folder, environment: environment).stdout
    }

    @Test("colour on a terminal, none with NO_COLOR or TERM=dumb", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func terminal() throws {
        let book = try TestBook(overriding: ["steps/sales/farewell.md": CLITests.brokenStep])
        #expect(try onTerminal("check", in: book.root, environment: ["TERM": "xterm", "NO_COLOR": ""]).contains("\u{1B}[1;31merror"))
        #expect(!(try onTerminal("check", in: book.root, environment: ["TERM": "xterm", "NO_COLOR": "1"]).contains("\u{1B}[")))
        #expect(!(try onTerminal("check", in: book.root, environment: ["TERM": "dumb", "NO_COLOR": ""]).contains("\u{1B}[")))
    }
}
