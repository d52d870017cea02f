import Foundation
import Testing

/// `servicebook changes`, «Что нового» and the familiarisation sheets (SPEC §11), on a git
/// repository with two editions of the test book.
@Suite("Editions")
struct EditionTests {
    /// The second edition: every kind of edit the spec names.
    static let edits: [String: String?] = [
        // Field changes: another responsible role and channel; the renamed script's new id, and
        // a body link updated for it (neither is a change of its own).
        "steps/incoming-call.md": """
        ---
        title: Входящий звонок
        summary: Ответить на звонок.
        responsible: manager
        script: phone-script
        standards: phone
        situations: [missed-call]
        channel: messenger
        ---
        ## Что делать
        Ответить до третьего гудка по [скрипту](../scripts/phone-script.md#что-говорить).
        """,
        "steps/sales/greeting.md": """
        ---
        title: Приветствие
        summary: Встретить клиента.
        responsible: manager
        participants: [operator]
        script: [phone-script]
        standards: [phone]
        reviewed: 2026-10-01
        ---
        Встретить клиента у входа. См. [обязанности](../../roles/manager.md#обязанности).
        """,
        "steps/sales/farewell.md": """
        ---
        title: Прощание
        responsible: manager
        script: phone-script
        ---
        Проводить клиента.
        """,
        "situations/missed-call.md": """
        ---
        title: Пропущенный звонок
        responsible: operator
        escalation: manager
        script: phone-script
        severity: high
        standards: [phone]
        ---
        Перезвонить в течение 15 минут.
        """,
        // The script renamed: the same file under a new name.
        "scripts/call-script.md": nil,
        "scripts/phone-script.md": TestBook.validFiles["scripts/call-script.md"]!,
        // A check added with a weight.
        "standards/phone.md": """
        ---
        title: Телефон
        category: communication
        applies_to: operator
        checks:
          - Отвечает до третьего гудка
          - text: Называет имя
            weight: 2
            critical: true
          - text: Предлагает перезвонить, если вопрос требует времени
            weight: 3
        ---
        Стандарт телефонных переговоров.
        """,
        // A body edit under one heading.
        "roles/operator.md": """
        ---
        title: Оператор
        reports_to: manager
        ---
        ## Обязанности
        Отвечать на звонки и сообщения в мессенджерах.
        """,
        // A term removed.
        "glossary/nps.md": nil,
        // The journey's stages reordered.
        "journeys/purchase.md": """
        ---
        title: Покупка
        summary: Путь клиента от звонка до выдачи.
        stages:
          - id: visit
            title: Визит
            steps:
              - greeting
              - farewell
          - id: contact
            title: Первый контакт
            steps: [incoming-call]
        ---
        Путь клиента от первого звонка до выдачи автомобиля.
        """,
        // Only the review date: a change in `changes`, but not news in the handbook.
        "pages/intro.md": """
        ---
        title: Введение
        order: 1
        reviewed: 2026-11-01
        ---
        О книге.
        """,
    ]

    /// A git repository whose first commit (tagged `edition-1`) is the test book and whose
    /// second has `edits`.
    static func repository() throws -> TestBook {
        let book = try TestBook()
        try git(["init", "-q"], in: book.root)
        try git(["add", "-A"], in: book.root)
        try git(["commit", "-q", "-m", "edition 1"], in: book.root)
        try git(["tag", "edition-1"], in: book.root)
        for (path, text) in edits {
            if let text { try book.write(path, text) } else { try book.remove(path) }
        }
        try git(["add", "-A"], in: book.root)
        try git(["commit", "-q", "-m", "edition 2"], in: book.root)
        return book
    }

    @discardableResult
    static func git(_ arguments: [String], in folder: URL) throws -> Executable.Run {
        let run = try Executable.runTool("/usr/bin/git", ["-c", "user.name=Test", "-c", "user.email=test@example.com",
                                                          "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"] + arguments,
                                         in: folder)
        #expect(run.status == 0, "git \(arguments): \(run.stderr)")
        return run
    }

    static func json(_ run: Executable.Run) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout) \(run.stderr)")
    }

    static func keys(_ list: Any?) -> [String] {
        ((list as? [[String: Any]]) ?? []).map { "\($0["kind"] as? String ?? "?")/\($0["id"] as? String ?? "?")" }
    }

    @Test("changes --since a tag finds every edit: fields, a check with its weight, a rename as a rename, a body section, a removed term, reordered stages; per role")
    func everyEdit() throws {
        let book = try Self.repository()
        let run = try Executable.run(["changes", "--since", "edition-1", "--format", "json"], in: book.root)
        #expect(run.status == 0, "\(run.stderr)")
        let d = try Self.json(run)
        #expect(d["since"] as? String == "edition-1")
        #expect(Self.keys(d["added"]) == [])
        #expect(Self.keys(d["removed"]) == ["glossary/nps"])
        let renamed = try #require(d["renamed"] as? [[String: Any]])
        #expect(renamed.count == 1)
        #expect(renamed.first?["kind"] as? String == "scripts" && renamed.first?["from"] as? String == "call-script"
                && renamed.first?["to"] as? String == "phone-script")
        let changed = try #require(d["changed"] as? [[String: Any]])
        var byKey: [String: [String: Any]] = [:]
        for c in changed { byKey["\(c["kind"]!)/\(c["id"]!)"] = c }
        // Reference updates for the rename (the other steps, the situation) are not changes.
        #expect(byKey.keys.sorted() == ["journeys/purchase", "pages/intro", "roles/operator", "standards/phone", "steps/incoming-call"])
        #expect(byKey["journeys/purchase"]?["fields"] as? [String] == ["stages"])
        #expect(byKey["journeys/purchase"]?["body"] as? Bool == false)
        #expect(byKey["steps/incoming-call"]?["fields"] as? [String] == ["responsible", "channel"])
        #expect(byKey["steps/incoming-call"]?["body"] as? Bool == false, "a link updated for a rename is not a body change")
        #expect(byKey["roles/operator"]?["fields"] as? [String] == [])
        #expect(byKey["roles/operator"]?["body"] as? Bool == true)
        #expect(byKey["roles/operator"]?["sections"] as? [String] == ["Обязанности"])
        #expect(byKey["standards/phone"]?["fields"] as? [String] == ["checks"])
        #expect(byKey["pages/intro"]?["fields"] as? [String] == ["reviewed"])
        // Per role: the manager now answers the calls; the operator did; both hear of it.
        let roles = try #require(d["roles"] as? [String: Any])
        #expect(Self.keys(roles["manager"]) == ["journeys/purchase", "steps/incoming-call", "standards/phone", "scripts/phone-script"])
        #expect(Self.keys(roles["operator"]) == ["journeys/purchase", "steps/incoming-call", "roles/operator", "standards/phone",
                                                 "scripts/phone-script"])

        let human = try Executable.run(["changes", "--since", "edition-1"], in: book.root)
        #expect(human.status == 0)
        for line in ["1 removed, 1 renamed, 5 changed", "scripts/call-script → phone-script", "responsible: operator → manager",
                     "channel: phone → messenger", "+ Предлагает перезвонить, если вопрос требует времени (weight 3)",
                     "stages reordered", "body: sections «Обязанности»", "− glossary/nps", "Оператор (operator): 5"] {
            #expect(human.stdout.contains(line), "\(line) in \(human.stdout)")
        }
        let markdown = try Executable.run(["changes", "--since", "edition-1", "--format", "markdown"], in: book.root)
        #expect(markdown.status == 0)
        for line in ["# Что нового", "## Изменено", "## Переименовано", "## Удалено", "### Оператор",
                     "- Шаг «Входящий звонок» (`steps/incoming-call`): ответственный: «Оператор» → «Менеджер»",
                     "добавлено: «Предлагает перезвонить, если вопрос требует времени» (вес 3)", "изменён порядок этапов",
                     "текст, раздел «Обязанности»", "- Термин «NPS» (`glossary/nps`)"] {
            #expect(markdown.stdout.contains(line), "\(line) in \(markdown.stdout)")
        }
    }

    @Test("a folder is an edition too, and gives the same changes as the revision")
    func folder() throws {
        let book = try Self.repository()
        let previous = try TestBook()
        let fromGit = try Self.json(try Executable.run(["changes", "--since", "edition-1", "--format", "json"], in: book.root))
        let run = try Executable.run(["changes", "--since", previous.root.path, "--format", "json"], in: book.root)
        #expect(run.status == 0, "\(run.stderr)")
        var fromFolder = try Self.json(run)
        fromFolder["since"] = "edition-1"
        #expect(NSDictionary(dictionary: fromFolder).isEqual(to: fromGit), "\(run.stdout)")
    }

    @Test("a revision that does not exist, a folder that is not a book, no repository, no book at the revision, no git: exit 2 and a clear message")
    func errors() throws {
        let book = try Self.repository()
        let unknown = try Executable.run(["changes", "--since", "edition-0"], in: book.root)
        #expect(unknown.status == 2 && unknown.stderr.contains("\"edition-0\" is neither a folder nor a revision"), "\(unknown.stderr)")
        let empty = book.root.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let notBook = try Executable.run(["changes", "--since", "empty"], in: book.root)
        #expect(notBook.status == 2 && notBook.stderr.contains("is a folder but not a book"), "\(notBook.stderr)")
        let noGit = try Executable.run(["changes", "--since", "edition-1"], in: book.root, environment: ["PATH": "/nonexistent"])
        #expect(noGit.status == 2 && noGit.stderr.contains("git is not installed"), "\(noGit.stderr)")
        let outside = try TestBook()
        let noRepository = try Executable.run(["changes", "--since", "edition-1"], in: outside.root)
        #expect(noRepository.status == 2 && noRepository.stderr.contains("not in a git repository"), "\(noRepository.stderr)")
        let noEdition = try Executable.run(["changes"], in: outside.root)
        #expect(noEdition.status == 2 && noEdition.stderr.contains("no edition to compare with"), "\(noEdition.stderr)")
        // A revision from before the book existed.
        let late = try TestBook()
        try FileManager.default.moveItem(at: late.root.appendingPathComponent("content"), to: late.root.appendingPathComponent("later"))
        try "notes\n".write(to: late.root.appendingPathComponent("README"), atomically: true, encoding: .utf8)
        try Self.git(["init", "-q"], in: late.root)
        try Self.git(["add", "README"], in: late.root)
        try Self.git(["commit", "-q", "-m", "before"], in: late.root)
        try FileManager.default.moveItem(at: late.root.appendingPathComponent("later"), to: late.root.appendingPathComponent("content"))
        let before = try Executable.run(["changes", "--since", "HEAD"], in: late.root)
        #expect(before.status == 2 && before.stderr.contains("the book did not exist at HEAD"), "\(before.stderr)")
        // A build with a previous_edition that is not there fails the same way, and writes nothing.
        try book.write("book.yml", "title: Тестовая книга\nlanguage: ru\nprevious_edition: edition-0\n")
        let build = try Executable.run(["build", "--quiet"], in: book.root)
        #expect(build.status == 2 && build.stderr.contains("edition-0"), "\(build.stderr)")
        #expect(!FileManager.default.fileExists(atPath: book.root.appendingPathComponent("_site").path))
    }

    @Test("the handbook: «Что нового» book-wide and per role, badges on changed pages only, a familiarisation sheet per role and one of the changes")
    func handbook() throws {
        let book = try Self.repository()
        try book.write("book.yml", "title: Тестовая книга\nlanguage: ru\nedition: \"2\"\nprevious_edition: edition-1\n")
        let run = try Executable.run(["build", "--quiet"], in: book.root)
        #expect(run.status == 0, "\(run.stderr)")
        let site = try BuiltSite(book.root.appendingPathComponent("_site"))
        let news = try #require(site.files["changes.html"])
        #expect(news.contains("Что нового в редакции 2"))
        #expect(news.contains("id=\"role-operator\"") && news.contains("id=\"role-manager\""))
        #expect(news.contains("Ответственный: «Оператор» → «Менеджер»"), "\(news)")
        #expect(news.contains("NPS") && news.contains("исключён из книги"))
        #expect(!news.contains("Введение"), "a new review date alone is not news")
        #expect(site.files["steps/incoming-call.html"]?.contains("class=\"change-badge\"") == true)
        #expect(site.files["steps/incoming-call.html"]?.contains("изменено в редакции 2") == true)
        #expect(site.files["steps/greeting.html"]?.contains("change-badge") == false, "only a reference updated for a rename")
        #expect(site.files["pages/intro.html"]?.contains("change-badge") == false)
        #expect(site.files["scripts/phone-script.html"]?.contains("change-badge") == true, "renamed")
        #expect(site.files["index.html"]?.contains("changes.html") == true)
        let role = try #require(site.files["roles/operator.html"])
        #expect(role.contains("../sheets/operator.html") && role.contains("../sheets/changes/operator.html")
                && role.contains("../changes.html#role-operator"))
        let sheet = try #require(site.files["sheets/operator.html"])
        for text in ["Лист ознакомления", "Оператор", "Приветствие", "Пропущенный звонок", "Телефон", "Скрипт звонка", "Фамилия, имя, отчество", "Подпись"] {
            #expect(sheet.contains(text), "\(text)")
        }
        #expect(sheet.components(separatedBy: "<td></td><td></td><td></td><td></td>").count - 1 >= 12, "rows to sign")
        let changesSheet = try #require(site.files["sheets/changes/operator.html"])
        #expect(changesSheet.contains("Входящий звонок") && !changesSheet.contains("Пропущенный звонок"))
        #expect(site.files["sheets/index.html"]?.contains("operator.html") == true)
        #expect(site.brokenLinks().isEmpty, "\(site.brokenLinks())")
    }
}
