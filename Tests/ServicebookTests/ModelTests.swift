import BookModel
import Foundation
import Testing

@Suite("Front matter and references")
struct ModelTests {
    @Test("a list field also takes a single value")
    func singleValueAsList() throws {
        let result = try TestBook().check()
        let step = try #require(result.book.entity(.step, "incoming-call")?.step)
        #expect(step.scripts.map(\.id) == ["call-script"])
        #expect(step.standards.map(\.id) == ["phone"])
        let standard = try #require(result.book.entity(.standard, "phone")?.standard)
        #expect(standard.appliesTo.map(\.id) == ["operator"])
        #expect(standard.checks.map(\.weight) == [1, 2])
        #expect(standard.checks.map(\.critical) == [false, true])
    }

    @Test("a missing required field points at the front matter")
    func missingField() throws {
        let book = try TestBook(overriding: ["steps/sales/farewell.md": "---\ntitle: Прощание\nresponsible: manager\n---\nТекст.\n"])
        let d = try #require(try book.check().only(.missingField))
        #expect(d.location.file == "content/steps/sales/farewell.md")
        #expect(d.location.line == 1)
        #expect(d.message == "missing required field \"script\"")
    }

    @Test("an empty required field points at the field")
    func emptyField() throws {
        let book = try TestBook(overriding: ["pages/intro.md": "---\ntitle:\norder: 1\n---\nТекст.\n"])
        let d = try #require(try book.check().only(.missingField))
        #expect(d.location.line == 2)
    }

    @Test("wrong types are reported at the value")
    func wrongTypes() throws {
        let book = try TestBook(overriding: [
            "pages/intro.md": "---\ntitle: [a, b]\norder: первый\n---\nТекст.\n",
        ])
        let result = try book.check()
        let types = result.diagnostics.filter { $0.code == .wrongType }
        #expect(types.map(\.location.line) == [2, 3])
        #expect(types.first?.message == "\"title\" must be a text, not a list")
    }

    @Test("responsible takes exactly one role")
    func oneResponsible() throws {
        let book = try TestBook(overriding: [
            "steps/sales/farewell.md": "---\ntitle: Прощание\nresponsible: [manager, operator]\nscript: call-script\n---\nТекст.\n",
        ])
        let d = try #require(try book.check().only(.wrongType))
        #expect(d.location.line == 3)
        #expect(d.message.contains("exactly one"))
    }

    @Test("invalid values: a date, a severity, a language")
    func invalidValues() throws {
        let book = try TestBook(overriding: [
            "book.yml": "title: Книга\nlanguage: de\n",
            "situations/missed-call.md": "---\ntitle: Пропущенный звонок\nresponsible: operator\nescalation: manager\nscript: call-script\nseverity: hihg\nstandards: phone\nreviewed: 2026-02-30\n---\nТекст.\n",
        ])
        let result = try book.check()
        let invalid = result.diagnostics.filter { $0.code == .invalidValue }
        #expect(invalid.map(\.location.file) == ["content/book.yml", "content/situations/missed-call.md", "content/situations/missed-call.md"])
        #expect(invalid.map(\.location.line) == [2, 6, 8])
        #expect(invalid[1].suggestion == "did you mean \"high\"?")
    }

    @Test("an unknown field is a warning with a suggestion")
    func unknownField() throws {
        let book = try TestBook(overriding: [
            "roles/manager.md": "---\ntitle: Менеджер\nreport_to: operator\n---\n## Обязанности\n",
        ])
        let result = try book.check()
        let d = try #require(result.only(.unknownField))
        #expect(d.location.line == 3)
        #expect(d.location.column == 1)
        #expect(d.suggestion == "did you mean \"reports_to\"?")
        #expect(result.report.exitCode == 0)
        #expect(try book.check(strict: true).report.exitCode == 1)
    }

    @Test("an unknown reference gets a did-you-mean at the exact column")
    func unknownReference() throws {
        let book = try TestBook(overriding: [
            "steps/sales/farewell.md": "---\ntitle: Прощание\nresponsible: manger\nscript: call-script\n---\nТекст.\n",
        ])
        let d = try #require(try book.check().only(.unknownReference))
        #expect(d.location.line == 3)
        #expect(d.location.column == 14)
        #expect(d.location.length == 6)
        #expect(d.message == "responsible \"manger\" is not a role")
        #expect(d.suggestion == "did you mean \"manager\"?")
    }

    @Test("a reference to an entity of another kind")
    func wrongKind() throws {
        let book = try TestBook(overriding: [
            "steps/sales/farewell.md": "---\ntitle: Прощание\nresponsible: manager\nscript: greeting\n---\nТекст.\n",
        ])
        let d = try #require(try book.check().only(.wrongKindReference))
        #expect(d.location.line == 4)
        #expect(d.message == "script \"greeting\" is a step, not a script")
    }

    @Test("references in every field are resolved: journeys, participants, escalation, applies_to, owner")
    func everyReferenceField() throws {
        let book = try TestBook(overriding: [
            "journeys/purchase.md": "---\ntitle: П\nowner: boss\nstages:\n  - id: a\n    title: А\n    steps: [incoming-call, greetng, farewell]\n---\nТекст.\n",
            "situations/missed-call.md": "---\ntitle: С\nresponsible: operator\nescalation: managr\nscript: call-script\nstandards: phon\n---\nТекст.\n",
        ])
        let result = try book.check()
        let unknown = result.diagnostics.filter { $0.code == .unknownReference }
        #expect(unknown.map(\.message) == [
            "owner \"boss\" is not a role",
            "steps \"greetng\" is not a step",
            "escalation \"managr\" is not a role",
            "standards \"phon\" is not a standard",
        ])
    }

    @Test("two files of one kind with the same id, in different sub-folders")
    func duplicateID() throws {
        let book = try TestBook(overriding: ["steps/other/farewell.md": "---\ntitle: Ещё прощание\nresponsible: manager\nscript: call-script\n---\nТекст.\n"])
        let d = try #require(try book.check().only(.duplicateID))
        #expect(d.location.file == "content/steps/sales/farewell.md")
        #expect(d.message.contains("content/steps/other/farewell.md"))
    }

    @Test("the same id in two kinds is fine")
    func sameIDOtherKind() throws {
        let book = try TestBook(overriding: ["glossary/manager.md": "---\ntitle: Менеджер\n---\nТекст.\n"])
        #expect(try book.check().diagnostics.isEmpty)
    }

    @Test("derived: step placement, previous and next across stages")
    func placements() throws {
        let book = try TestBook().check().book
        #expect(book.index.stepOrder == ["incoming-call", "greeting", "farewell"])
        let greeting = try #require(book.index.placements["greeting"]?.first)
        #expect(greeting.journey == "purchase")
        #expect(greeting.stage == "visit")
        #expect(greeting.previous == "incoming-call")
        #expect(greeting.next == "farewell")
        #expect(book.index.placements["incoming-call"]?.first?.previous == nil)
    }

    @Test("derived: what each role is responsible for, takes part in, and needs")
    func roleDuties() throws {
        let book = try TestBook().check().book
        let manager = try #require(book.index.roles["manager"])
        #expect(manager.responsibleSteps == ["greeting", "farewell"])
        #expect(manager.escalationSituations == ["missed-call"])
        #expect(manager.scripts == ["call-script"])
        let op = try #require(book.index.roles["operator"])
        #expect(op.responsibleSteps == ["incoming-call"])
        #expect(op.participantSteps == ["greeting"])
        #expect(op.responsibleSituations == ["missed-call"])
        #expect(op.standards == ["phone"])
    }

    @Test("derived: backlinks from fields and from body links")
    func backlinks() throws {
        let book = try TestBook().check().book
        let script = book.index.backlinks[EntityKey(.script, "call-script")] ?? []
        #expect(script.contains(Backlink(from: EntityKey(.step, "incoming-call"), field: "script")))
        #expect(script.contains(Backlink(from: EntityKey(.step, "incoming-call"), field: "link")))
        #expect(script.contains(Backlink(from: EntityKey(.situation, "missed-call"), field: "script")))
        let manager = book.index.backlinks[EntityKey(.role, "manager")] ?? []
        #expect(manager.contains(Backlink(from: EntityKey(.step, "greeting"), field: "link")))
        #expect(manager.contains(Backlink(from: EntityKey(.role, "operator"), field: "reports_to")))
    }

    @Test("Day parses only real dates")
    func days() {
        #expect(Day("2024-02-29") != nil)
        #expect(Day("2023-02-29") == nil)
        #expect(Day("2024-2-9") == nil)
        #expect(Day("2024-13-01") == nil)
        #expect(Day("1970-01-02")?.ordinal == 1)
    }

    @Test("suggestions come only for plausible typos")
    func suggestions() {
        #expect(Suggest.closest(to: "sales-manger", in: ["sales-manager", "administrator"]) == "sales-manager")
        #expect(Suggest.closest(to: "chanel", in: ["channel", "timing"]) == "channel")
        #expect(Suggest.closest(to: "xyz", in: ["channel", "timing"]) == nil)
    }
}
