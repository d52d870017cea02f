import BookModel
import Foundation
import Testing

@Suite("Check rules")
struct RuleTests {
    @Test("a journey that lists a step twice")
    func duplicateStep() throws {
        let book = try TestBook(overriding: [
            "journeys/purchase.md": "---\ntitle: П\nstages:\n  - id: a\n    title: А\n    steps: [incoming-call, greeting]\n  - id: b\n    title: Б\n    steps:\n      - farewell\n      - greeting\n---\nТекст.\n",
        ])
        let d = try #require(try book.check().only(.duplicateStep))
        #expect(d.location.line == 11)
        #expect(d.location.column == 9)
    }

    @Test("a journey that repeats a stage id")
    func duplicateStage() throws {
        let book = try TestBook(overriding: [
            "journeys/purchase.md": "---\ntitle: П\nstages:\n  - id: a\n    title: А\n    steps: [incoming-call, greeting]\n  - id: a\n    title: Б\n    steps: farewell\n---\nТекст.\n",
        ])
        let d = try #require(try book.check().only(.duplicateStage))
        #expect(d.location.line == 7)
    }

    @Test("a stage without steps, or with an invalid id")
    func badStage() throws {
        let book = try TestBook(overriding: [
            "journeys/purchase.md": "---\ntitle: П\nstages:\n  - id: Визит\n    title: А\n    steps: [incoming-call, greeting, farewell]\n  - id: b\n    title: Б\n---\nТекст.\n",
        ])
        let result = try book.check()
        #expect(result.only(.invalidID)?.location.line == 4)
        #expect(result.only(.missingField)?.message == "stage \"b\": missing required field \"steps\"")
    }

    @Test("an orphan step")
    func orphanStep() throws {
        let book = try TestBook(overriding: ["steps/lonely.md": "---\ntitle: Один\nresponsible: manager\nscript: call-script\n---\nТекст.\n"])
        let d = try #require(try book.check().only(.orphanStep))
        #expect(d.location.file == "content/steps/lonely.md")
    }

    @Test("an unused script, situation and standard")
    func unused() throws {
        let book = try TestBook(overriding: [
            "scripts/spare.md": "---\ntitle: Запасной\n---\nТекст.\n",
            "situations/spare.md": "---\ntitle: Запасная\nresponsible: manager\nscript: spare\nstandards: spare\n---\nТекст.\n",
            "standards/spare.md": "---\ntitle: Запасной\nchecks: [Улыбается]\n---\nТекст.\n",
        ])
        let result = try book.check()
        #expect(result.codes == [.unusedSituation])
        let book2 = try TestBook(overriding: [
            "scripts/spare.md": "---\ntitle: Запасной\n---\nТекст.\n",
            "standards/spare.md": "---\ntitle: Запасной\nchecks: [Улыбается]\n---\nСм. [скрипт](../scripts/spare.md).\n",
        ])
        #expect(try book2.check().codes == [.unusedScript, .unusedStandard])
    }

    @Test("a role responsible for nothing")
    func idleRole() throws {
        let book = try TestBook(overriding: ["roles/director.md": "---\ntitle: Директор\n---\n## Обязанности\n"])
        let d = try #require(try book.check().only(.idleRole))
        #expect(d.location.file == "content/roles/director.md")
    }

    @Test("a standard without checks")
    func noChecks() throws {
        let book = try TestBook(overriding: ["standards/phone.md": "---\ntitle: Телефон\n---\nТекст.\n"])
        #expect(try book.check().codes == [.standardWithoutChecks])
    }

    @Test("malformed checks and phrases")
    func malformedChecks() throws {
        let book = try TestBook(overriding: [
            "standards/phone.md": "---\ntitle: Телефон\nchecks:\n  - text: Улыбается\n    weight: много\n  - [a]\n  - weigth: 2\n---\nТекст.\n",
            "scripts/call-script.md": "---\ntitle: Скрипт\nphrases:\n  - avoid: Не знаю\n  - Просто текст\n---\nТекст.\n",
        ])
        let result = try book.check()
        #expect(result.codes.filter { $0 == .wrongType }.count == 3)
        #expect(result.codes.filter { $0 == .missingField }.count == 2)
        #expect(result.codes.contains(.unknownField))
    }

    @Test("an empty body")
    func emptyBody() throws {
        let book = try TestBook(overriding: ["glossary/nps.md": "---\ntitle: NPS\n---\n\n   \n"])
        let d = try #require(try book.check().only(.emptyBody))
        #expect(d.location.line == 4)
    }

    @Test("a document past its review interval")
    func reviewOverdue() throws {
        let book = try TestBook()
        let fresh = try book.check(today: Day(year: 2027, month: 10, day: 1)!)
        #expect(fresh.diagnostics.isEmpty)
        let late = try book.check(today: Day(year: 2027, month: 10, day: 2)!)
        let d = try #require(late.only(.reviewOverdue))
        #expect(d.location.file == "content/steps/sales/greeting.md")
        #expect(d.location.line == 8)
        #expect(d.location.column == 11)
    }

    @Test("broken links and anchors, with suggestions")
    func brokenLinks() throws {
        let book = try TestBook(overriding: [
            "pages/intro.md": """
            ---
            title: Введение
            order: 1
            ---
            ## Разделы
            [a](../scripts/call-script.md#что-говорит) [b](../scripts/cal-script.md) [c](call-script.md)
            [d](#разделы) [e](#нет) [f](https://example.com) [g](/abs.md) [h](../../outside.md)
            [i](../scripts/call-script.md#%D1%87%D1%82%D0%BE-%D0%B3%D0%BE%D0%B2%D0%BE%D1%80%D0%B8%D1%82%D1%8C)
            """,
        ])
        let result = try book.check()
        let found = result.diagnostics.map { "\($0.location.line):\($0.location.column) \($0.code.rawValue)" }
        #expect(found == ["6:5 broken-anchor", "6:48 broken-link", "6:78 broken-link",
                          "7:19 broken-anchor", "7:54 broken-link", "7:67 broken-link"])
        #expect(result.diagnostics[0].suggestion == "did you mean \"../scripts/call-script.md#что-говорить\"?")
        #expect(result.diagnostics[1].suggestion == "did you mean \"../scripts/call-script.md\"?")
        #expect(result.diagnostics[2].suggestion == "did you mean \"../scripts/call-script.md\"?")
    }

    @Test("links to images and other files in the content folder")
    func assets() throws {
        let book = try TestBook(overriding: [
            "pages/intro.md": "---\ntitle: Введение\n---\n![схема](img/plan.png) [pdf](files/form.pdf)\n",
            "pages/img/plan.png": "png",
        ])
        let d = try #require(try book.check().only(.brokenLink))
        #expect(d.message.contains("files/form.pdf"))
    }

    @Test("heading anchors: GitHub style, Cyrillic kept, duplicates numbered")
    func anchors() {
        #expect(Anchor.slug("Что говорить") == "что-говорить")
        #expect(Anchor.slug("Шаг 1. Приветствие!") == "шаг-1-приветствие")
        #expect(Anchor.slug("NPS и CSI: «индексы»") == "nps-и-csi-индексы")
        #expect(Anchor.slug("Ещё раз") == "ещё-раз")
        #expect(Anchor.unique(["Итоги", "Итоги", "Итоги-1", "Итоги"]) == ["итоги", "итоги-1", "итоги-1-1", "итоги-2"])
    }

    @Test("the completeness report counts what is satisfied")
    func completeness() throws {
        let book = try TestBook(overriding: [
            "standards/phone.md": "---\ntitle: Телефон\n---\nТекст.\n",
            "standards/dress.md": "---\ntitle: Одежда\nchecks: [Форма]\n---\nТекст.\n",
        ])
        let items = try book.check().report.completeness
        let checks = try #require(items.first { $0.id == "standards-with-checks" })
        #expect((checks.satisfied, checks.total) == (1, 2))
        let used = try #require(items.first { $0.id == "standards-in-use" })
        #expect((used.satisfied, used.total) == (1, 2))
    }

    @Test("every problem of a book is reported in one run")
    func allAtOnce() throws {
        let book = try TestBook(overriding: [
            "steps/sales/farewell.md": "---\ntitle: Прощание\nresponsible: nobody\n---\n",
            "roles/manager.md": "---\ntitle: [x\n---\n",
            "glossary/nps.md": "",
        ])
        let codes = Set(try book.check().codes)
        #expect(codes.isSuperset(of: [.missingField, .unknownReference, .invalidYAML, .emptyFile, .emptyBody]))
    }
}

@Suite("Regressions and documentation")
struct RegressionTests {
    @Test("a reference to a file that failed to load is not reported again as unknown")
    func referenceToBrokenFile() throws {
        let book = try TestBook(overriding: ["scripts/call-script.md": "---\ntitle: [не закрыто\n---\n## Что говорить\nТекст.\n"])
        let result = try book.check()
        #expect(result.codes == [.invalidYAML], "\(result.diagnostics)")
    }

    @Test("the README lists every diagnostic code with its severity")
    func readmeListsCodes() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        for code in DiagnosticCode.allCases {
            #expect(text.contains("| `\(code.rawValue)` | \(code.severity.rawValue) |"), "README misses \(code.rawValue)")
        }
    }
}
