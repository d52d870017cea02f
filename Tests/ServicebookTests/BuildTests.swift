import BookModel
import BookSite
import Foundation
import Testing

/// Reads a built site back: files, links and ids.
struct BuiltSite {
    let root: URL
    let files: [String: String]

    init(_ root: URL) throws {
        self.root = root
        var files: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        for case let url as URL in enumerator where url.pathExtension == "html" || url.pathExtension == "css" {
            let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            files[relative] = try String(contentsOf: url, encoding: .utf8)
        }
        self.files = files
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    func ids(_ path: String) -> Set<String> { Set(BuiltSite.matches(#"\sid="([^"]*)""#, in: files[path] ?? "")) }

    /// Every relative href and src of every page that does not resolve to a file and an id.
    func brokenLinks() -> [String] {
        var broken: [String] = []
        for (path, html) in files where path.hasSuffix(".html") {
            for href in BuiltSite.matches(#"(?:href|src)="([^"]*)""#, in: html) {
                if href.hasPrefix("http://") || href.hasPrefix("https://") || href.hasPrefix("mailto:") || href.hasPrefix("tel:") { continue }
                let decoded = href.replacingOccurrences(of: "&amp;", with: "&").removingPercentEncoding ?? href
                let parts = decoded.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                let filePart = String(parts[0])
                let fragment = parts.count > 1 ? String(parts[1]) : nil
                var target = path
                if !filePart.isEmpty {
                    let base = URL(fileURLWithPath: "/" + path).deletingLastPathComponent()
                    target = String(base.appendingPathComponent(filePart).standardizedFileURL.path.dropFirst())
                }
                guard FileManager.default.fileExists(atPath: root.appendingPathComponent(target).path) else {
                    broken.append("\(path): \(href) (no file \(target))")
                    continue
                }
                if let fragment, !fragment.isEmpty, target.hasSuffix(".html"), !ids(target).contains(fragment) {
                    broken.append("\(path): \(href) (no id \(fragment) in \(target))")
                }
            }
        }
        return broken.sorted()
    }
}

@discardableResult
func build(_ book: TestBook, output: String = "site", theme: String? = nil) throws -> Pipeline.Built {
    try Pipeline.build(content: book.content, display: "content", output: book.root.appendingPathComponent(output).path,
                       theme: theme, today: Day(year: 2026, month: 11, day: 22)!)
}

func tree(_ root: URL) throws -> [String: Data] {
    var out: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])!
    for case let url as URL in enumerator where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
        out[String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count))] = try Data(contentsOf: url)
    }
    return out
}

@Suite("servicebook build")
struct BuildTests {
    @Test("every entity has a page, and the site's pages are all there")
    func everyEntity() throws {
        let book = try TestBook()
        let built = try build(book)
        #expect(built.pages > 0)
        let site = try BuiltSite(book.root.appendingPathComponent("site"))
        for kind in Kind.allCases {
            for entity in built.checked.book.all(kind) {
                #expect(site.files["\(kind.folder)/\(entity.id).html"] != nil, "no page for \(entity.key)")
            }
            #expect(site.files["\(kind.folder)/index.html"] != nil)
        }
        let home = try #require(site.files["index.html"])
        for link in ["journeys/purchase.html#sb:stage-contact", "journeys/purchase.html#sb:stage-visit", "roles/manager.html",
                     "matrix.html", "phrasebook.html", "checklists/purchase.html", "print.html", "completeness.html", "glossary/index.html"] {
            #expect(home.contains("href=\"\(link)\""), "home page lacks a link to \(link)")
        }
        for page in ["index.html", "matrix.html", "phrasebook.html", "completeness.html", "print.html",
                     "checklists/purchase.html", "assets/style.css"] {
            #expect(site.files[page] != nil, "no \(page)")
        }
    }

    @Test("every internal link and anchor of the sample book's handbook resolves")
    func sampleLinks() throws {
        let repo = TestBook.projectRoot
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("servicebook-sample-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let built = try Pipeline.build(content: repo.appendingPathComponent("content").path, display: "content", output: out.path)
        #expect(built.checked.report.errors == 0)
        let site = try BuiltSite(out)
        #expect(site.files.count > 150)
        #expect(site.brokenLinks() == [])
        // Nothing is loaded from another host.
        for (path, html) in site.files where path.hasSuffix(".html") {
            #expect(!html.contains("src=\"http"), "\(path) loads from another host")
        }
    }

    @Test("every internal link and anchor of a small book resolves, including body links, terms and assets")
    func smallLinks() throws {
        let book = try TestBook(overriding: [
            "pages/intro.md": "---\ntitle: Введение\norder: 1\n---\n## Раздел\nСм. [звонок](../steps/incoming-call.md#что-делать), [тут](#раздел), ![схема](img/plan.png). NPS важен.\n",
            "pages/img/plan.png": "png",
        ])
        try build(book)
        let site = try BuiltSite(book.root.appendingPathComponent("site"))
        #expect(site.brokenLinks() == [])
        let intro = try #require(site.files["pages/intro.html"])
        #expect(intro.contains("href=\"../steps/incoming-call.html#что-делать\"") || intro.contains("href=\"../steps/incoming-call.html#%D1%87"))
        #expect(intro.contains("<h2 id=\"раздел\">"))
        #expect(intro.contains("src=\"../files/pages/img/plan.png\""))
        #expect(intro.contains("<a href=\"../glossary/nps.html\">NPS</a>"))
        #expect(FileManager.default.fileExists(atPath: book.root.appendingPathComponent("site/files/pages/img/plan.png").path))
    }

    @Test("hostile text in front matter and bodies comes out escaped or neutralised")
    func hostile() throws {
        let evil = "<script>alert(1)</script>\\\" onmouseover=\\\"alert(2)' x='1 & ё"
        let book = try TestBook(overriding: [
            "book.yml": "title: \"\(evil)\"\norganization: \"\(evil)\"\ndescription: \"\(evil)\"\nedit_url: \"javascript:alert(3)//{path}\"\n",
            "steps/sales/farewell.md": """
            ---
            title: "\(evil)"
            summary: "\(evil)"
            responsible: manager
            script: call-script
            channel: "\(evil)"
            timing: "\(evil)"
            tags: ["\(evil)"]
            ---
            <script>alert(4)</script> <img src=x onerror=alert(5)> [x](javascript:alert(6)) [y](data:text/html,hi)
            """,
            "standards/phone.md": "---\ntitle: Телефон\nchecks: [\"\(evil)\"]\n---\nТекст.\n",
            "scripts/call-script.md": "---\ntitle: Скрипт\nphrases:\n  - avoid: \"\(evil)\"\n    say: \"\(evil)\"\n---\n## Что говорить\nТекст.\n",
            "glossary/nps.md": "---\ntitle: NPS\nsummary: \"\(evil)\"\n---\nИндекс.\n",
        ])
        try build(book)
        let site = try BuiltSite(book.root.appendingPathComponent("site"))
        for (path, html) in site.files where path.hasSuffix(".html") {
            // The only scripts are the theme's own files (no inline script, nothing of the author's).
            let scripts = BuiltSite.matches(#"(<script[^>]*>[^<]*</script>)"#, in: html.lowercased())
            #expect(html.lowercased().components(separatedBy: "<script").count - 1 == scripts.count, "\(path)")
            #expect(scripts.allSatisfy { BuiltSite.matches(#"^<script src="((?:\.\./)?assets/(?:search|search-core|checklist)\.js)" defer></script>$"#, in: $0).count == 1 },
                    "\(path) has a script element of the author's: \(scripts)")
            #expect(!html.contains("\" onmouseover="), "\(path) has a broken attribute")
            #expect(!html.contains("onerror="), "\(path) has an event handler")
            #expect(!html.lowercased().contains("href=\"javascript:"), "\(path) has a javascript: link")
            #expect(!html.lowercased().contains("href=\"data:"), "\(path) has a data: link")
        }
        #expect(site.files["steps/farewell.html"]?.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;alert(2)&#39; x=&#39;1 &amp; ё") == true)
    }

    @Test("javascript:, vbscript:, file: and data: links and images are dropped, their text kept, with a warning")
    func unsafeLinks() throws {
        let book = try TestBook(overriding: [
            "glossary/nps.md": """
            ---
            title: NPS
            ---
            Индекс [ссылка](javascript:alert(1)) и ![картинка](javascript:alert(2)), [файл](file:///etc/passwd),
            [данные](data:text/html,x) и ![пиксель](data:image/png;base64,iVBORw0KGgo=) [код](&#106;avascript:alert(3)).
            """,
        ])
        let built = try build(book)
        let warnings = built.checked.report.diagnostics.filter { $0.code == .unsafeLink }
        #expect(warnings.count == 5)
        #expect(warnings.allSatisfy { $0.location.line == 4 || $0.location.line == 5 })
        let site = try BuiltSite(book.root.appendingPathComponent("site"))
        let html = try #require(site.files["glossary/nps.html"])
        #expect(html.contains("ссылка") && html.contains("картинка") && html.contains("файл") && html.contains("данные") && html.contains("код"))
        #expect(!html.contains("href=\"\"") && !html.contains("src=\"\""))
        #expect(!html.lowercased().contains("javascript:") && !html.contains("file:///"))
        #expect(html.contains("src=\"data:image/png;base64,iVBORw0KGgo=\""))   // cmark-gfm's safe images stay
    }

    @Test("two builds of the same input are byte-identical")
    func deterministic() throws {
        let book = try TestBook()
        try build(book, output: "a")
        try build(book, output: "b")
        let a = try tree(book.root.appendingPathComponent("a")), b = try tree(book.root.appendingPathComponent("b"))
        #expect(a.count > 20)
        #expect(a == b)
    }

    @Test("a book with errors writes nothing and keeps the previous output")
    func failedBuildKeepsOutput() throws {
        let book = try TestBook()
        try build(book)
        let before = try tree(book.root.appendingPathComponent("site"))
        try book.write("steps/sales/farewell.md", "---\ntitle: Прощание\nresponsible: nobody\nscript: call-script\n---\nТекст.\n")
        let built = try build(book)
        #expect(built.pages == 0)
        #expect(built.checked.report.errors == 1)
        #expect(try tree(book.root.appendingPathComponent("site")) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: book.root.path).filter { $0.contains(".tmp-") }.isEmpty)
    }

    @Test("rebuilds replace the output exactly, reusing the previous output kept as .site.spare")
    func rebuildReplaces() throws {
        let book = try TestBook()
        let site = book.root.appendingPathComponent("site")
        try build(book)
        try book.remove("glossary/nps.md")
        try build(book)
        #expect(!FileManager.default.fileExists(atPath: site.appendingPathComponent("glossary/nps.html").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: book.root.path).filter { $0.hasPrefix(".site") }.sorted() == [".site.lock", ".site.spare"])
        // The third build writes into the spare (which still has nps.html) and must drop it,
        // with whatever else is there that the site does not have: a stray file, a tree, a
        // folder where a page goes, a link where a folder goes (the link goes, not its target).
        let spare = book.root.appendingPathComponent(".site.spare")
        let elsewhere = book.root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try "keep".write(to: elsewhere.appendingPathComponent("keep.txt"), atomically: false, encoding: .utf8)
        try "x".write(to: spare.appendingPathComponent("steps/stray.html"), atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(at: spare.appendingPathComponent("junk/deep"), withIntermediateDirectories: true)
        try "x".write(to: spare.appendingPathComponent("junk/deep/a.txt"), atomically: false, encoding: .utf8)
        try FileManager.default.removeItem(at: spare.appendingPathComponent("index.html"))
        try FileManager.default.createDirectory(at: spare.appendingPathComponent("index.html/inside"), withIntermediateDirectories: true)
        try FileManager.default.removeItem(at: spare.appendingPathComponent("roles"))
        try FileManager.default.createSymbolicLink(at: spare.appendingPathComponent("roles"), withDestinationURL: elsewhere)
        try book.remove("pages/intro.md")
        try build(book, output: "site")
        #expect(!FileManager.default.fileExists(atPath: site.appendingPathComponent("glossary/nps.html").path))
        #expect(!FileManager.default.fileExists(atPath: site.appendingPathComponent("pages/intro.html").path))
        // The result equals a build into a fresh folder.
        try build(book, output: "fresh")
        #expect(try tree(site) == tree(book.root.appendingPathComponent("fresh")))
        #expect(try String(contentsOf: elsewhere.appendingPathComponent("keep.txt"), encoding: .utf8) == "keep")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path) == ["keep.txt"])
    }

    @Test("files that did not change are not rewritten (their inode and time stay)")
    func unchangedFilesKept() throws {
        let book = try TestBook()
        let index = book.root.appendingPathComponent("site/index.html").path
        try build(book)
        let first = try FileManager.default.attributesOfItem(atPath: index)
        try build(book)
        try build(book)
        // The third build wrote into the first build's folder (kept as the spare) and swapped it in.
        let third = try FileManager.default.attributesOfItem(atPath: index)
        #expect(third[.systemFileNumber] as? Int == first[.systemFileNumber] as? Int)
        #expect(third[.modificationDate] as? Date == first[.modificationDate] as? Date)
    }

    @Test("a .spare folder servicebook did not write is left alone")
    func foreignSpare() throws {
        let book = try TestBook()
        try build(book)
        let spare = book.root.appendingPathComponent(".site.spare")
        try FileManager.default.createDirectory(at: spare, withIntermediateDirectories: true)
        try "mine".write(to: spare.appendingPathComponent("note.txt"), atomically: false, encoding: .utf8)
        try build(book)
        #expect(try String(contentsOf: spare.appendingPathComponent("note.txt"), encoding: .utf8) == "mine")
        #expect(try FileManager.default.contentsOfDirectory(atPath: book.root.path).filter { $0.hasPrefix(".site") }.sorted() == [".site.lock", ".site.spare"])
    }

    @Test("an output folder that servicebook did not write is never replaced")
    func foreignOutput() throws {
        let book = try TestBook()
        let foreign = book.root.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        try "keep me".write(to: foreign.appendingPathComponent("thesis.txt"), atomically: false, encoding: .utf8)
        #expect(throws: (any Error).self) { try build(book) }
        #expect(try String(contentsOf: foreign.appendingPathComponent("thesis.txt"), encoding: .utf8) == "keep me")
    }

    @Test("a custom theme overrides single templates and assets and falls back to the default")
    func themeFallback() throws {
        let book = try TestBook()
        let theme = book.root.appendingPathComponent("mytheme")
        try FileManager.default.createDirectory(at: theme.appendingPathComponent("templates"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: theme.appendingPathComponent("assets"), withIntermediateDirectories: true)
        try "<p class=\"custom-phrasebook\">{{s.phrasebook}}</p>".write(to: theme.appendingPathComponent("templates/phrasebook.mustache"), atomically: false, encoding: .utf8)
        try "body{color:red}".write(to: theme.appendingPathComponent("assets/extra.css"), atomically: false, encoding: .utf8)
        try build(book, theme: theme.path)
        let site = try BuiltSite(book.root.appendingPathComponent("site"))
        #expect(site.files["phrasebook.html"]?.contains("<p class=\"custom-phrasebook\">Разговорник</p>") == true)
        #expect(site.files["matrix/purchase.html"]?.contains("class=\"matrix\"") == true)
        #expect(site.files["assets/extra.css"] == "body{color:red}")
        #expect(site.files["assets/style.css"]?.isEmpty == false)
    }

    @Test("a theme's layout may do more with a page's values than show them: every page still gets its own")
    func layoutTransforms() throws {
        let book = try TestBook(overriding: [
            "steps/sales/farewell.md": "---\ntitle: Прощание & <всё>\nsummary: До встречи.\nresponsible: manager\nscript: call-script\n---\nТекст.\n",
        ])
        let theme = book.root.appendingPathComponent("mytheme")
        try FileManager.default.createDirectory(at: theme.appendingPathComponent("templates"), withIntermediateDirectories: true)
        try """
        <!DOCTYPE html><html lang="{{lang}}"><head><title>{{uppercased(pageTitle)}}</title>
        {{#description}}<meta name="description" content="{{.}}">{{/description}}</head>
        <body class="{{bodyClass}}" data-title="{{pageTitle}}">{{{nav}}}<main>{{{content}}}</main></body></html>
        """.write(to: theme.appendingPathComponent("templates/layout.mustache"), atomically: false, encoding: .utf8)
        try build(book, theme: theme.path)
        let site = try BuiltSite(book.root.appendingPathComponent("site"))
        for (path, title) in [("steps/greeting.html", "ПРИВЕТСТВИЕ"), ("steps/farewell.html", "ПРОЩАНИЕ &amp; &lt;ВСЁ&gt;"),
                              ("steps/incoming-call.html", "ВХОДЯЩИЙ ЗВОНОК")] {
            let page = try #require(site.files[path], "\(path)")
            #expect(page.contains("<title>\(title)</title>"), "\(path)")
            #expect(page.contains("<body class=\"entity\"") || page.contains("<body class=\"step\""), "\(path)")
        }
        #expect(site.files["steps/farewell.html"]?.contains("data-title=\"Прощание &amp; &lt;всё&gt;\"") == true)
        #expect(site.files["steps/farewell.html"]?.contains("content=\"До встречи.\"") == true)
    }

    @Test("book.yml's theme is found beside the content folder; a broken template is a clear error")
    func bookTheme() throws {
        let book = try TestBook(overriding: ["book.yml": "title: Книга\ntheme: mytheme\n"])
        let theme = book.root.appendingPathComponent("mytheme/templates")
        try FileManager.default.createDirectory(at: theme, withIntermediateDirectories: true)
        try "{{#broken}}".write(to: theme.appendingPathComponent("matrix.mustache"), atomically: false, encoding: .utf8)
        #expect {
            try build(book)
        } throws: { error in
            "\(error)".contains("matrix.mustache")
        }
    }

    @Test("the interface speaks the book's language")
    func english() throws {
        let book = try TestBook(overriding: ["book.yml": "title: Service book\nlanguage: en\n"])
        try build(book)
        let site = try BuiltSite(book.root.appendingPathComponent("site"))
        #expect(site.files["index.html"]?.contains("<html lang=\"en\">") == true)
        #expect(site.files["matrix.html"]?.contains("Responsibility matrix") == true)
    }

    @Test("the role handbook lists what the role does, in journey order")
    func roleHandbook() throws {
        let book = try TestBook()
        try build(book)
        let html = try #require(try BuiltSite(book.root.appendingPathComponent("site")).files["roles/manager.html"])
        let greeting = try #require(html.range(of: "../steps/greeting.html"))
        let farewell = try #require(html.range(of: "../steps/farewell.html"))
        #expect(greeting.lowerBound < farewell.lowerBound)
        #expect(html.contains("../situations/missed-call.html"))
    }

    @Test("the checklist numbers the checks by stage, with weights, critical items and the formula")
    func checklist() throws {
        let book = try TestBook()
        try build(book)
        let html = try #require(try BuiltSite(book.root.appendingPathComponent("site")).files["checklists/purchase.html"])
        #expect(html.contains("Отвечает до третьего гудка"))
        #expect(html.contains("class=\"critical\""))
        #expect(html.contains("набранные баллы ÷ возможные баллы"))
        // Stage 1 (incoming-call) and stage 2 (greeting) both use the phone standard: it is listed once,
        // under the first (a check is answered once per visit): 1 + 2 points.
        #expect(html.contains("Возможных баллов: 3"))
        #expect(html.components(separatedBy: "Отвечает до третьего гудка").count == 2)
    }

    @Test("the default theme built into the executable is the same as themes/default")
    func embeddedTheme() throws {
        let repo = TestBook.projectRoot
        let folder = repo.appendingPathComponent("themes/default")
        let onDisk = try tree(folder).mapValues { Array($0) }
        let builtIn = try BookRender.Theme.builtIn().files
        #expect(Set(onDisk.keys.map { String($0.dropFirst()) }) == Set(builtIn.keys), "run `make theme`")
        for (path, bytes) in onDisk {
            #expect(builtIn[String(path.dropFirst())] == bytes ? true : false, "\(path) differs: run `make theme`")
        }
    }
}

import BookRender

@Suite("Rendering details")
struct RenderDetailTests {
    @Test("a term is linked at its first use in running text, not in headings, links or code, and once")
    func termLinks() throws {
        let book = try TestBook(overriding: [
            "pages/intro.md": "---\ntitle: Введение\norder: 1\n---\n## Про NPS\n[NPS](../scripts/call-script.md) и `NPS` в коде.\n\nЗдесь индекс лояльности, и снова NPS.\n",
        ])
        try build(book)
        let html = try #require(try BuiltSite(book.root.appendingPathComponent("site")).files["pages/intro.html"])
        let body = try #require(html.range(of: "<h2 id=\"про-nps\">")).lowerBound
        let links = BuiltSite.matches(#"<a href="\.\./glossary/nps\.html"[^>]*>([^<]*)</a>"#, in: String(html[body...]))
        #expect(links == ["индекс лояльности"])
        #expect(html.contains("<h2 id=\"про-nps\">Про NPS</h2>"))
        #expect(html.contains("<code>NPS</code>"))
    }

    @Test("terms match whole words as Swift compares them: case, ё as е, composed or decomposed letters, the separators as written")
    func termMatching() throws {
        let book = try TestBook(overriding: [
            "glossary/cafe.md": "---\ntitle: Café crème\nsummary: Кофе.\n---\nКофе со сливками.\n",
            "glossary/tree.md": "---\ntitle: Ёлка\nsummary: Дерево.\n---\nЕль.\n",
            "glossary/km.md": "---\ntitle: Клиент-менеджер\nsummary: Роль.\n---\nМенеджер.\n",
            "glossary/nps2.md": "---\ntitle: Ω-код\nsummary: Код.\n---\nКод.\n",
            "glossary/call.md": "---\ntitle: Гостевой звонок\naliases: [звонок ёлке]\nsummary: Звонок.\n---\nЗвонок.\n",
            "pages/intro.md": "---\ntitle: Введение\norder: 1\n---\n"
                + "Клиент менеджер не термин, а клиент-менеджер термин. Подаём cafe\u{301} cre\u{300}me 🙂 и ЕЛКА🙂. "
                + "Ёлкаа и подcafé не слова термина; ω-код — да. Гостевои\u{306} звонок, набранный на Mac.\n",
        ])
        try build(book)
        let html = try #require(try BuiltSite(book.root.appendingPathComponent("site")).files["pages/intro.html"])
        let links = BuiltSite.matches(#"<a href="\.\./glossary/(?:cafe|tree|km|nps2|call)\.html"[^>]*>([^<]*)</a>"#, in: html)
        #expect(links == ["клиент-менеджер", "cafe\u{301} cre\u{300}me", "ЕЛКА", "ω-код", "Гостевои\u{306} звонок"])
    }

    @Test("the glossary follows Russian collation: case-insensitive, ё sorted with е")
    func collation() throws {
        var files = TestBook.validFiles
        for (id, title) in [("yablonya", "Яблоко"), ("yel", "Ель"), ("yolka", "Ёлка"), ("avto", "авто"), ("b", "Бюджет")] {
            files["glossary/\(id).md"] = "---\ntitle: \(title)\n---\nТекст.\n"
        }
        let book = try TestBook(files)
        try build(book)
        let html = try #require(try BuiltSite(book.root.appendingPathComponent("site")).files["glossary/index.html"])
        let start = try #require(html.range(of: "<main")).lowerBound
        let main = String(html[start...])
        let order = BuiltSite.matches(#"<li><a href="[^"]*">([^<]*)</a>"#, in: main)
        // As ICU's Russian collation: Cyrillic before Latin.
        #expect(order == ["авто", "Бюджет", "Ёлка", "Ель", "Яблоко", "NPS"])
    }
}

@Suite("Review findings")
struct ReviewFindingTests {
    @Test("\"index\" is a reserved id (it would overwrite the kind's list page)")
    func reservedIndex() throws {
        let book = try TestBook(overriding: ["pages/index.md": "---\ntitle: Оглавление\n---\nТекст.\n"])
        let d = try #require(try book.check().only(.invalidID))
        #expect(d.location.file == "content/pages/index.md")
        #expect(try build(book).pages == 0)
    }

    @Test("a link to \"#\" is the page itself, not a broken anchor")
    func emptyFragment() throws {
        let book = try TestBook(overriding: ["pages/intro.md": "---\ntitle: Введение\n---\n[Наверх](#)\n"])
        #expect(try book.check().diagnostics.isEmpty)
        try build(book)
        #expect(try BuiltSite(book.root.appendingPathComponent("site")).files["pages/intro.html"]?.contains("<a href=\"#\">Наверх</a>") == true)
    }

    @Test("only the files that bodies link to are published")
    func onlyLinkedAssets() throws {
        let book = try TestBook(overriding: [
            "pages/intro.md": "---\ntitle: Введение\n---\n![план](plan.png)\n",
            "pages/plan.png": "png", "drafts-notes.txt": "private",
        ])
        try build(book)
        let files = book.root.appendingPathComponent("site/files")
        #expect(FileManager.default.fileExists(atPath: files.appendingPathComponent("pages/plan.png").path))
        #expect(!FileManager.default.fileExists(atPath: files.appendingPathComponent("drafts-notes.txt").path))
    }

    @Test("edit links and warning locations do not depend on how the content folder was named")
    func machineIndependentPaths() throws {
        let book = try TestBook(overriding: ["book.yml": "title: Книга\nedit_url: \"https://git.example.com/edit/main/{path}\"\n",
                                             "roles/spare.md": "---\ntitle: Запасная роль\n---\nТекст.\n"])
        _ = try Pipeline.build(content: book.content, output: book.root.appendingPathComponent("site").path,
                               today: Day(year: 2026, month: 11, day: 22)!)
        let site = try BuiltSite(book.root.appendingPathComponent("site"))
        #expect(site.files["roles/manager.html"]?.contains("href=\"https://git.example.com/edit/main/content/roles/manager.md\"") == true)
        #expect(site.files["completeness.html"]?.contains("<code>content/roles/spare.md:1:1</code>") == true)
    }

    @Test("a symbolic link as the output folder stays a link; the swap happens where it points")
    func symlinkedOutput() throws {
        let book = try TestBook()
        let real = book.root.appendingPathComponent("www/book")
        try FileManager.default.createDirectory(at: real.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: book.root.appendingPathComponent("site"), withDestinationURL: real)
        try build(book)
        try build(book)
        let link = book.root.appendingPathComponent("site").path
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == real.path)
        #expect(FileManager.default.fileExists(atPath: real.appendingPathComponent("index.html").path))
    }

    @Test("author headings never take the ids of the theme")
    func themeIDs() throws {
        let book = try TestBook(overriding: ["pages/intro.md": "---\ntitle: Введение\n---\n# Main\n## Backlinks title\n"])
        try build(book)
        let html = try #require(try BuiltSite(book.root.appendingPathComponent("site")).files["pages/intro.html"])
        let ids = BuiltSite.matches(#"\sid="([^"]*)""#, in: html)
        #expect(Set(ids).count == ids.count, "\(ids)")
    }
}

@Suite("new never overwrites")
struct NewOverwriteTests {
    @Test("a file that exists but cannot be loaded is not replaced")
    func unreadable() throws {
        let book = try TestBook()
        try book.write("steps/legacy.md", bytes: [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2])   // CP1251
        let run = try Executable.run(["new", "step", "legacy"], in: book.root)
        #expect(run.status == 2)
        #expect(try Data(contentsOf: book.url("steps/legacy.md")) == Data([0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2]))
    }

    @Test("an out-of-range SOURCE_DATE_EPOCH is ignored, not a crash")
    func hugeEpoch() throws {
        let book = try TestBook()
        let run = try Executable.run(["check"], in: book.root, environment: ["SOURCE_DATE_EPOCH": "400000000000"])
        #expect(run.status == 0)
    }
}

@Suite("Determinism")
struct DeterminismTests {
    @Test("the same book gives the same site under another locale and time zone")
    func localeAndTimeZone() throws {
        let book = try TestBook()
        let a = try Executable.run(["build", "--output", "a"], in: book.root, environment: ["TZ": "UTC", "LANG": "C", "LC_ALL": "C"])
        let b = try Executable.run(["build", "--output", "b"], in: book.root,
                                   environment: ["TZ": "Asia/Kamchatka", "LANG": "ru_RU.UTF-8", "LC_ALL": "ru_RU.UTF-8"])
        #expect(a.status == 0 && b.status == 0)
        let treeA = try tree(book.root.appendingPathComponent("a")), treeB = try tree(book.root.appendingPathComponent("b"))
        #expect(treeA.count > 20)
        #expect(treeA == treeB)
    }
}
