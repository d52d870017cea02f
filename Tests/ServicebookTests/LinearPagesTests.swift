import Foundation
import Testing

/// Pages whose size follows their own content, not the size of the whole book: a role's
/// handbook links the standards for everyone, the matrix is a page per journey, and the
/// printable book is a page per part.
@Suite("Pages that grow with their content")
struct LinearPagesTests {
    @Test("a role's page embeds its own standards with their checks and links the standards for everyone; they have a sheet of their own")
    func roleHandbook() throws {
        let book = try TestBook(overriding: [
            "standards/everyone.md": """
            ---
            title: Общие правила
            summary: Для всех сотрудников.
            checks:
              - Улыбается клиенту
            ---
            Правила для всех.
            """,
        ])
        try build(book)
        let site = try BuiltSite(book.root.appendingPathComponent("site"))
        let operatorPage = try #require(site.files["roles/operator.html"])
        // The operator's own standard, in full.
        #expect(operatorPage.contains("Отвечает до третьего гудка"))
        // The standard for everyone: a link, not its checks.
        #expect(operatorPage.contains("class=\"general-standards\""))
        #expect(operatorPage.contains("<li><a href=\"../standards/everyone.html\">Общие правила</a></li>"))
        #expect(!operatorPage.contains("Улыбается клиенту"))
        #expect(site.files["roles/manager.html"]?.contains("../standards/everyone.html") == true)
        // Signed once by all staff on a sheet of its own, which each role's sheet points to.
        let everyone = try #require(site.files["sheets/everyone.html"])
        #expect(everyone.contains("<a href=\"../standards/everyone.html\">Общие правила</a>"))
        let managerSheet = try #require(site.files["sheets/manager.html"])
        #expect(!managerSheet.contains("Общие правила</a>"))
        #expect(managerSheet.contains("href=\"../sheets/everyone.html\""))
        #expect(site.files["sheets/index.html"]?.contains("href=\"../sheets/everyone.html\"") == true)
        #expect(site.brokenLinks().isEmpty, "\(site.brokenLinks())")
    }

    @Test("the matrix: an index of journeys and a page per journey with its steps × the roles involved")
    func matrix() throws {
        let book = try TestBook()
        try build(book)
        let site = try BuiltSite(book.root.appendingPathComponent("site"))
        let index = try #require(site.files["matrix.html"])
        #expect(index.contains("href=\"matrix/purchase.html\""))
        let page = try #require(site.files["matrix/purchase.html"])
        #expect(page.contains("class=\"matrix\""))
        // Greeting: the manager is responsible, the operator takes part.
        let row = try #require(page.components(separatedBy: "<tr>").first { $0.contains("../steps/greeting.html") })
        #expect(row.contains("mark-r") && row.contains("mark-p"), "\(row)")
        #expect(site.brokenLinks().isEmpty, "\(site.brokenLinks())")
    }

    @Test("a book without journeys: the matrix says so instead of showing an empty table, and the sidebar has no empty «Пути клиента»")
    func matrixWithoutJourneys() throws {
        let book = try TestBook(overriding: ["journeys/purchase.md": nil])
        try build(book)
        let site = try BuiltSite(book.root.appendingPathComponent("site"))
        let index = try #require(site.files["matrix.html"])
        #expect(index.contains("В книге пока нет путей клиента"))
        #expect(!index.contains("<table"))
        for (path, html) in site.files where path.hasSuffix(".html") {
            #expect(!html.contains("<h2>Пути клиента</h2>"), "\(path)")
            #expect(!html.contains("<ul>\n</ul>"), "\(path)")
        }
        let withJourneys = try TestBook()
        try build(withJourneys)
        let built = try BuiltSite(withJourneys.root.appendingPathComponent("site"))
        #expect(try #require(built.files["index.html"]).contains("<h2>Пути клиента</h2>"))
        // An index's list without a heading of its own does not take the page's title as one.
        let roles = try #require(built.files["roles/index.html"])
        #expect(roles.contains("<h1>Роли</h1>"))
        #expect(!roles.contains("<h2>Роли</h2>"))
    }

    @Test("the printable book: an index of parts; chapters, each journey with its steps, each section; long sections split")
    func printParts() throws {
        var files: [String: String?] = [:]
        for i in 0..<401 {
            files["glossary/term-\(i).md"] = "---\ntitle: Термин \(i)\nsummary: Определение \(i).\n---\nТекст термина \(i).\n"
        }
        files["pages/intro.md"] = "---\ntitle: Введение\norder: 1\n---\nЗдесь индекс лояльности.\n"
        files["glossary/nps.md"] = "---\ntitle: NPS\naliases: [индекс лояльности]\nsummary: Готовность рекомендовать.\n---\nИндекс.\n"
        let book = try TestBook(overriding: files)
        try build(book)
        let site = try BuiltSite(book.root.appendingPathComponent("site"))
        let index = try #require(site.files["print.html"])
        // A term links to its page in print too, without the tooltip its own page gives it.
        let chapters = try #require(site.files["print/chapters.html"])
        #expect(chapters.contains("<a href=\"../glossary/nps.html\">индекс лояльности</a>"))
        #expect(site.files["pages/intro.html"]?.contains("<a href=\"../glossary/nps.html\" title=\"Готовность рекомендовать.\">") == true)
        for part in ["print/chapters.html", "print/journey-purchase.html", "print/situations.html", "print/roles.html",
                     "print/standards.html", "print/scripts.html", "print/glossary.html", "print/glossary.part2.html"] {
            #expect(index.contains("href=\"\(part)\""), "\(part)")
            #expect(site.files[part] != nil, "\(part)")
        }
        let journey = try #require(site.files["print/journey-purchase.html"])
        for step in ["Входящий звонок", "Приветствие", "Прощание"] { #expect(journey.contains(step), "\(step)") }
        #expect(!journey.contains("Скрипт звонка</h2>"), "scripts are in their own part")
        // 402 terms (the test book's and 401 more): 400 in the first part, 2 in the second.
        #expect((site.files["print/glossary.html"] ?? "").components(separatedBy: "class=\"print-entity\"").count - 1 == 400)
        #expect((site.files["print/glossary.part2.html"] ?? "").components(separatedBy: "class=\"print-entity\"").count - 1 == 2)
        // Links in the parts lead to the pages (the link in the incoming call's body, to its script).
        #expect(journey.contains("href=\"../scripts/call-script.html#%D1%87"))
        #expect(site.brokenLinks().isEmpty, "\(site.brokenLinks())")
    }
}
