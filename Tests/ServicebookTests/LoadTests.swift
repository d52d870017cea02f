import BookLoad
import BookMarkdown
import BookModel
import Foundation
import Testing

@Suite("Loading files")
struct LoadTests {
    @Test("the valid test book passes --strict with nothing to say")
    func validBook() throws {
        let result = try TestBook().check(strict: true)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.report.exitCode == 0)
        #expect(result.book.all(.step).count == 3)
    }

    @Test("a BOM and CRLF line ends load exactly like plain LF")
    func bomAndCRLF() throws {
        let plain = try TestBook().check()
        let crlf = TestBook.validFiles.mapValues { "\u{FEFF}" + $0.replacingOccurrences(of: "\n", with: "\r\n") }
        let other = try TestBook(crlf).check()
        #expect(other.diagnostics.isEmpty, "\(other.diagnostics)")
        for entity in plain.book.all(.step) {
            let twin = try #require(other.book.entity(.step, entity.id))
            #expect(twin.title == entity.title)
            #expect(twin.source.body == entity.source.body)
            #expect(twin.step == entity.step)
            #expect(twin.source.markdown == entity.source.markdown)
        }
    }

    @Test("errors in a CRLF file point at the right line")
    func crlfLines() throws {
        let book = try TestBook(overriding: ["roles/manager.md": "---\r\ntitle: Менеджер\r\nreports_to: nobody\r\n---\r\n## Обязанности\r\n"])
        let d = try #require(try book.check().only(.unknownReference))
        #expect(d.location.file == "content/roles/manager.md")
        #expect(d.location.line == 3)
        #expect(d.location.column == 13)
    }

    @Test("invalid UTF-8 is reported at its line and column")
    func invalidUTF8() throws {
        let book = try TestBook()
        try book.write("roles/manager.md", bytes: Array("---\ntitle: Мен".utf8) + [0xD0, 0x28] + Array("\n---\nтекст\n".utf8))
        let d = try #require(try book.check().only(.invalidEncoding))
        #expect(d.location.file == "content/roles/manager.md")
        #expect(d.location.line == 2)
        #expect(d.location.column == 11)
    }

    @Test("a file with NUL bytes is a binary file, not a crash")
    func binaryGarbage() throws {
        let book = try TestBook()
        var garbage: [UInt8] = []
        var seed: UInt64 = 42
        for _ in 0..<4096 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            garbage.append(UInt8(truncatingIfNeeded: seed >> 33))
        }
        garbage[100] = 0
        try book.write("scripts/garbage.md", bytes: garbage)
        let result = try book.check()
        let d = try #require(result.diagnostics.first { $0.location.file == "content/scripts/garbage.md" })
        #expect(d.code == .binaryFile || d.code == .invalidEncoding)
        #expect(result.report.exitCode == 1)
    }

    @Test("an empty file is reported")
    func emptyFile() throws {
        let book = try TestBook(overriding: ["glossary/empty.md": ""])
        let d = try #require(try book.check().only(.emptyFile))
        #expect(d.location.file == "content/glossary/empty.md")
    }

    @Test("front matter that opens and never closes")
    func unclosed() throws {
        let book = try TestBook(overriding: ["glossary/open.md": "---\ntitle: Термин\nВсё остальное\n"])
        let d = try #require(try book.check().only(.unclosedFrontMatter))
        #expect(d.location.line == 1)
    }

    @Test("a file without front matter")
    func missingFrontMatter() throws {
        let book = try TestBook(overriding: ["glossary/plain.md": "# Термин\n\nТекст.\n"])
        let d = try #require(try book.check().only(.missingFrontMatter))
        #expect(d.location.line == 1)
    }

    @Test("front matter that is YAML but not a mapping")
    func notMapping() throws {
        let book = try TestBook(overriding: ["glossary/list.md": "---\n- один\n- два\n---\nТекст.\n"])
        let d = try #require(try book.check().only(.frontMatterNotMapping))
        #expect(d.location.line == 2)
    }

    @Test("invalid YAML is reported with its line, offset by the opening ---")
    func invalidYAML() throws {
        let book = try TestBook(overriding: ["glossary/bad.md": "---\ntitle: Термин\nsummary: \"не закрыто\n---\nТекст.\n"])
        let result = try book.check()
        let d = try #require(result.only(.invalidYAML))
        #expect(d.location.file == "content/glossary/bad.md")
        #expect((3...4).contains(d.location.line))
    }

    @Test("a key given twice points at the second one")
    func duplicateKey() throws {
        let book = try TestBook(overriding: ["glossary/twice.md": "---\ntitle: Термин\nsummary: один\nsummary: два\n---\nТекст.\n"])
        let d = try #require(try book.check().only(.invalidYAML))
        #expect(d.location.line == 4)
        #expect(d.message.contains("summary"))
    }

    @Test("a Cyrillic file name gets a transliterated id suggestion")
    func cyrillicFileName() throws {
        let book = try TestBook(overriding: ["glossary/встреча.md": "---\ntitle: Встреча\n---\nТекст.\n"])
        let d = try #require(try book.check().only(.invalidID))
        #expect(d.location.file == "content/glossary/встреча.md")
        #expect(d.suggestion == "rename the file to \"vstrecha.md\"")
    }

    @Test("upper case and underscores are invalid ids too")
    func invalidIDs() throws {
        let book = try TestBook(overriding: ["glossary/Big_Term.md": "---\ntitle: Термин\n---\nТекст.\n"])
        let d = try #require(try book.check().only(.invalidID))
        #expect(d.suggestion == "rename the file to \"big-term.md\"")
    }

    @Test("a Markdown file outside the kinds' folders is a warning")
    func unknownFolder() throws {
        let book = try TestBook(overriding: ["notes/todo.md": "---\ntitle: x\n---\n", "README.md": "# readme\n"])
        let result = try book.check()
        #expect(result.codes == [.unknownFolder, .unknownFolder])
        #expect(result.report.exitCode == 0)
        #expect(try book.check(strict: true).report.exitCode == 1)
    }

    @Test("a missing book.yml is an error")
    func missingBook() throws {
        let book = try TestBook()
        try book.remove("book.yml")
        let d = try #require(try book.check().only(.missingBookFile))
        #expect(d.location.file == "content/book.yml")
    }

    @Test("a content folder that does not exist is an I/O failure, not a diagnostic")
    func missingFolder() throws {
        let book = try TestBook()
        #expect(throws: (any Error).self) {
            try BookSite.Pipeline.check(content: book.content + "-nope")
        }
    }

    @Test("a symbolic link out of the content folder, or to nothing, is refused with a diagnostic")
    func symlinks() throws {
        let book = try TestBook()
        let outside = book.root.appendingPathComponent("secret.md")
        try "---\ntitle: Секрет\n---\nТекст.\n".write(to: outside, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: book.url("glossary/secret.md"), withDestinationURL: outside)
        try FileManager.default.createSymbolicLink(at: book.url("glossary/gone.md"),
                                                   withDestinationURL: book.root.appendingPathComponent("nowhere.md"))
        try FileManager.default.createSymbolicLink(at: book.url("glossary/alias.md"), withDestinationURL: book.url("glossary/nps.md"))
        let result = try book.check()
        #expect(result.codes == [.ioError, .ioError],
                "\(result.diagnostics)")
        #expect(result.diagnostics.filter { $0.code == .ioError }.map(\.location.file)
            == ["content/glossary/gone.md", "content/glossary/secret.md"])
        #expect(result.book.entity(.term, "secret") == nil)
        #expect(result.book.entity(.term, "alias")?.title == "NPS")
    }

    @Test("headings and links keep their file line numbers after the front matter")
    func markdownPositions() throws {
        let result = try TestBook().check()
        let step = try #require(result.book.entity(.step, "incoming-call"))
        let heading = try #require(step.source.markdown.headings.first)
        #expect(heading.line == 10)
        #expect(heading.anchor == "что-делать")
        let link = try #require(step.source.markdown.links.first)
        #expect(link.line == 11)
        #expect(link.destination == "../scripts/call-script.md#что-говорить")
    }

    @Test("headings and links are read on every core at once, tables included, and none is lost")
    func parallelStructure() throws {
        var files = TestBook.validFiles
        for i in 0..<400 {
            files["glossary/t\(i).md"] = "---\ntitle: T\(i)\n---\n## Раздел \(i)\n\n| a | b |\n|---|---|\n| ~~x~~ [n](nps.md) | y |\n---\n\nСм. [intro](../pages/intro.md), https://example.com/\(i).\n"
        }
        let result = try TestBook(files).check()
        #expect(result.diagnostics.isEmpty)
        for i in 0..<400 {
            let term = try #require(result.book.entity(.term, "t\(i)"))
            #expect(term.source.markdown.links.map(\.destination) == ["nps.md", "../pages/intro.md"])
            #expect(term.source.markdown.headings.map(\.anchor) == ["раздел-\(i)"])
        }
    }

    @Test("full GFM parses on many threads never lose inline syntax (they take the lock)")
    func gfmLock() async {
        let pages = (0..<2000).map { "См. https://example.com/\($0) и ~~старое~~ www.example.org/\($0).\n" }
        let results = await withTaskGroup(of: (Int, [String]).self) { group in
            for (i, page) in pages.enumerated() {
                group.addTask { (i, CMark.linkDestinations(page, profile: .gfm)) }
            }
            var all: [Int: [String]] = [:]
            for await (i, links) in group { all[i] = links }
            return all
        }
        for i in 0..<pages.count {
            #expect(results[i] == ["https://example.com/\(i)", "http://www.example.org/\(i)"])
        }
    }
}

import BookSite
