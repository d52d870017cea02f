import BookCheck
import BookModel
import BookSite
import Foundation
import Testing

/// Mistakes authors make that the check missed or reported wrongly (issue 15): each with a book
/// that shows it.
@Suite("Diagnostics: errors that cause no others, ignored files, cycles, reference links, empty bodies")
struct DiagnosticGapTests {
    /// A script whose id a step also has, so that a reference to the script that does not load
    /// could pass for "a step, not a script".
    static let twin = "---\ntitle: Шаг-двойник\nresponsible: manager\nscript: call-script\n---\nТекст.\n"

    @Test("a file that does not load still owns its id: references to it are not errors of their own (every kind of load failure)",
          arguments: [
              ("Windows-1251", [0x2D, 0x2D, 0x2D, 0x0A] + Array("title: ".utf8) + [0xD1, 0xEA, 0xF0, 0xE8, 0xEF, 0xF2] + Array("\n---\nТекст.\n".utf8),
               DiagnosticCode.invalidEncoding),
              ("binary", [0x2D, 0x2D, 0x2D, 0x0A, 0x00, 0x01, 0x02], .binaryFile),
              // (The bodies that are read keep the heading a step links to.)
              ("broken YAML", Array("---\ntitle: [\n---\n## Что говорить\nТекст.\n".utf8), .invalidYAML),
              ("front matter not a mapping", Array("---\n- one\n- two\n---\n## Что говорить\nТекст.\n".utf8), .frontMatterNotMapping),
              ("empty", [], .emptyFile),
              ("no front matter", Array("## Что говорить\nПросто текст.\n".utf8), .missingFrontMatter),
          ] as [(String, [UInt8], DiagnosticCode)])
    func noCascade(_ what: String, _ bytes: [UInt8], _ own: DiagnosticCode) throws {
        let book = try TestBook(overriding: ["steps/call-script.md": Self.twin])
        try book.write("scripts/call-script.md", bytes: bytes)
        let result = try book.check()
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.code) == [own], "\(what): \(errors.map { "\($0.location) \($0.code.rawValue): \($0.message)" })")
        #expect(errors.first?.location.file == "content/scripts/call-script.md")
    }

    @Test("a Markdown file with another extension is not silently left out: a warning says how to name it")
    func otherExtensions() throws {
        let book = try TestBook()
        try book.write("scripts/farewell.markdown", "---\ntitle: Прощание\n---\nТекст.\n")
        try book.write("glossary/client.MD", "---\ntitle: Клиент\n---\nТекст.\n")
        try book.write("notes/draft.mkd", "Черновик.\n")
        try book.write("files/plan.txt", "Не Markdown.\n")
        let result = try book.check()
        let warnings = result.diagnostics.filter { $0.code == .wrongExtension }
        #expect(warnings.map(\.location.file) == ["content/glossary/client.MD", "content/notes/draft.mkd", "content/scripts/farewell.markdown"])
        let farewell = try #require(warnings.last)
        #expect(farewell.severity == .warning)
        #expect(farewell.message.contains("not part of the book"))
        #expect(farewell.suggestion == "rename it to farewell.md")
        #expect(warnings.first?.suggestion == "rename it to client.md")
        #expect(warnings[1].suggestion?.contains("draft.md") == true && warnings[1].suggestion?.contains("steps/") == true)
        #expect(result.report.errors == 0)
    }

    @Test("a role that reports to itself, and roles that report to each other in a cycle: an error at each one's reports_to")
    func cycles() throws {
        let selfish = try TestBook(overriding: ["roles/manager.md": "---\ntitle: Менеджер\nreports_to: manager\n---\nТекст.\n"])
        let one = try #require(try selfish.check().only(.cyclicReportsTo))
        #expect(one.location.file == "content/roles/manager.md" && one.location.line == 3 && one.location.column == 13)
        #expect(one.message == "role \"manager\" reports to itself")

        let pair = try TestBook(overriding: [
            "roles/manager.md": "---\ntitle: Менеджер\nreports_to: operator\n---\nТекст.\n",
            "roles/chief.md": "---\ntitle: Руководитель\nreports_to: manager\n---\nТекст.\n",
        ])
        let found = try pair.check().diagnostics.filter { $0.code == .cyclicReportsTo }
        #expect(found.map(\.location.file) == ["content/roles/manager.md", "content/roles/operator.md"])
        #expect(found.map(\.location.line) == [3, 3])
        #expect(found.first?.message == "reports_to makes a cycle: manager → operator → manager")
        #expect(found.last?.message == "reports_to makes a cycle: operator → manager → operator")
        #expect(found.allSatisfy { $0.severity == .error })
        // A chain into a cycle is no cycle of its own: chief reports to manager, and only the
        // two roles of the cycle are reported.
        let three = try TestBook(overriding: [
            "roles/a.md": "---\ntitle: А\nreports_to: b\n---\nТекст.\n",
            "roles/b.md": "---\ntitle: Б\nreports_to: c\n---\nТекст.\n",
            "roles/c.md": "---\ntitle: В\nreports_to: a\n---\nТекст.\n",
        ])
        let ring = try three.check().diagnostics.filter { $0.code == .cyclicReportsTo }
        #expect(ring.map(\.message) == ["reports_to makes a cycle: a → b → c → a", "reports_to makes a cycle: b → c → a → b",
                                        "reports_to makes a cycle: c → a → b → c"])
    }

    @Test("a broken reference-style link points at its definition, and suggests only targets of its kind with a near name")
    func referenceLinks() throws {
        let book = try TestBook(overriding: [
            "pages/intro.md": "---\ntitle: Введение\norder: 1\n---\nСм. [скрипт][ref] и [правила][rules].\n\nТекст.\n\n[ref]: ../scripts/nope.md\n[rules]: ../scripts/cal-script.md\n",
        ])
        try book.write("glossary/nps.md", "---\ntitle: NPS\n---\nИндекс.\n")
        let broken = try book.check().diagnostics.filter { $0.code == .brokenLink }
        #expect(broken.count == 2)
        let nope = try #require(broken.first { $0.message.contains("nope.md") })
        #expect(nope.location.line == 9, "at the definition's line")
        #expect(nope.location.column == 8 && nope.location.length == "../scripts/nope.md".count)
        #expect(nope.suggestion == nil, "nothing in scripts/ is called anything like «nope»: \(nope.suggestion ?? "")")
        let near = try #require(broken.first { $0.message.contains("cal-script.md") })
        #expect(near.location.line == 10)
        #expect(near.suggestion == "did you mean \"../scripts/call-script.md\"?")
    }

    @Test("a body of only HTML comments and white space is empty", arguments: [
        "<!-- TODO -->\n", "\n  <!-- TODO: написать -->\n\n<!--\nещё\n-->\n  \n",
    ])
    func commentsOnly(_ body: String) throws {
        let book = try TestBook(overriding: ["pages/intro.md": "---\ntitle: Введение\norder: 1\n---\n" + body])
        let d = try #require(try book.check().only(.emptyBody))
        #expect(d.location.file == "content/pages/intro.md")
        // Real text beside a comment is no empty body.
        let full = try TestBook(overriding: ["pages/intro.md": "---\ntitle: Введение\norder: 1\n---\n<!-- TODO -->\nТекст.\n"])
        #expect(try full.check().codes.contains(.emptyBody) == false)
    }
}
