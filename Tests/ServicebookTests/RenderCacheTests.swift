import BookLoad
import BookModel
import BookRender
import BookSite
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// `serve` redoes only what an edit affects (pages are rendered when asked for). After every kind of edit the site
/// must equal a build from scratch, byte for byte.
@Suite("Rebuilds that reuse the previous build")
struct RenderCacheTests {
    let today = Day(year: 2026, month: 11, day: 22)!

    /// The full build's files, without the search index (serve builds it apart).
    func fullSite(_ book: TestBook) throws -> [String: [UInt8]] {
        let checked = try Pipeline.check(content: book.content, display: "content", today: today)
        try #require(checked.report.errors == 0, "\(checked.report.diagnostics)")
        return try Pipeline.site(checked, search: false).allFiles()
    }

    /// Every page of the site as serve renders it, a page at a time, reusing `cache`'s rendering.
    func servedSite(_ book: TestBook, cache: BuildCache) throws -> [String: [UInt8]] {
        let checked = try Pipeline.check(content: book.content, display: "content", today: today)
        try #require(checked.report.errors == 0, "\(checked.report.diagnostics)")
        return try Pipeline.site(checked, search: false, cache: cache).allFiles()
    }

    @Test("pages rendered one at a time, after edits that reach other pages (a term, a title, the book's title, a new or deleted page), equal a full build")
    func equalsFullBuild() throws {
        let book = try TestBook()
        let build = BuildCache()
        let cache = build.render
        let first = try servedSite(book, cache: build)
        #expect(first == (try fullSite(book)))
        #expect(cache.rendered > 10 && cache.reused == 0)

        let edits: [(String, () throws -> Void)] = [
            ("nothing", {}),
            ("a term's summary (tooltips in other pages)", {
                try book.write("glossary/nps.md", "---\ntitle: NPS\nsummary: Новая подсказка.\naliases: [индекс лояльности]\n---\nИндекс.\n")
            }),
            ("a step's title (journey, role handbooks, matrix, neighbours)", {
                try book.write("steps/sales/farewell.md", "---\ntitle: Прощание с клиентом\nresponsible: manager\nscript: call-script\n---\nПроводить клиента.\n")
            }),
            ("a new term used in other bodies", {
                try book.write("glossary/client.md", "---\ntitle: Клиент\nsummary: Тот, кого обслуживают.\n---\nОпределение.\n")
            }),
            ("a new page and a link to it", {
                try book.write("pages/extra.md", "---\ntitle: Дополнение\norder: 2\n---\nСм. [введение](intro.md).\n")
            }),
            ("a deleted page", { try book.remove("pages/extra.md") }),
            ("the book's title (every page)", {
                try book.write("book.yml", "title: Другая книга\nlanguage: ru\nreview_interval_days: 365\n")
            }),
        ]
        for (what, edit) in edits {
            try edit()
            let before = (cache.rendered, cache.reused)
            let incremental = try servedSite(book, cache: build)
            let full = try fullSite(book)
            #expect(incremental.keys.sorted() == full.keys.sorted(), "\(what)")
            let differing = full.keys.filter { incremental[$0] != full[$0] }.sorted()
            #expect(differing.isEmpty, "after \(what): \(differing)")
            if what == "nothing" { #expect(cache.rendered == before.0 && cache.reused > before.1, "an unchanged book renders no body again") }
            if what.hasPrefix("a step's title") { #expect(cache.rendered <= before.0 + 1, "only the step's own body is rendered again") }
        }
    }

    @Test("a load that reuses the previous load reads only changed, new or renamed files, and gives the same book")
    func loadCache() throws {
        let book = try TestBook()
        let build = BuildCache()
        let cache = build.load
        func checked(_ cache: LoadCache?) throws -> Pipeline.Checked {
            try Pipeline.check(content: book.content, display: "content", today: Day(year: 2026, month: 11, day: 22)!,
                               cache: cache == nil ? nil : build)
        }
        _ = try checked(cache)
        let files = cache.read
        #expect(files > 5 && cache.reused == 0)
        _ = try checked(cache)
        #expect(cache.read == 0 && cache.reused == files)
        // An edit, a save through a rename, a new file.
        try book.write("glossary/nps.md", "---\ntitle: NPS после правки\n---\nИндекс.\n")
        let temporary = book.url("pages/.intro.tmp")
        try "---\ntitle: Введение, новое\norder: 1\n---\nО книге.\n".write(to: temporary, atomically: false, encoding: .utf8)
        #expect(rename(temporary.path, book.url("pages/intro.md").path) == 0)
        try book.write("pages/more.md", "---\ntitle: Ещё\norder: 2\n---\nТекст.\n")
        let incremental = try checked(cache)
        #expect(cache.read == 3 && cache.reused == files - 2)
        let full = try checked(nil)
        #expect(incremental.sources == full.sources)
        #expect(incremental.report.diagnostics.map { "\($0.location) \($0.code) \($0.message)" } == full.report.diagnostics.map { "\($0.location) \($0.code) \($0.message)" })
        let a = try Pipeline.site(incremental).allFiles()
        let b = try Pipeline.site(full).allFiles()
        #expect(a.keys.sorted() == b.keys.sorted() && a == b)
        #expect(incremental.book[EntityKey(.term, "nps")]?.title == "NPS после правки")
    }

    func described(_ checked: Pipeline.Checked) -> [String] {
        checked.report.diagnostics.map { "\($0.location) \($0.code.rawValue) \($0.message) \($0.suggestion ?? "")" }
    }

    @Test("after each kind of edit, a check that reuses the last one equals a check from scratch (and so do the pages and the search index); it reads and decodes again only the files the edit touched or the watcher named, with the watcher's hint or without")
    func incrementalCheck() throws {
        let book = try TestBook()
        let cache = BuildCache()
        _ = try Pipeline.check(content: book.content, display: "content", today: today, cache: cache)
        let greeting = TestBook.validFiles["steps/sales/greeting.md"]!
        let farewell = TestBook.validFiles["steps/sales/farewell.md"]!
        // (what, edit, the paths the watcher reports (nil: no hint))
        let edits: [(String, () throws -> Void, [String]?)] = [
            ("a body, with a hint", { try book.write("steps/sales/greeting.md", greeting + "\nЕщё абзац.\n") }, ["steps/sales/greeting.md"]),
            ("a body, without a hint", { try book.write("steps/sales/greeting.md", greeting + "\nДругой абзац.\n") }, nil),
            ("a longer summary (lines below it move) and an old review date (a warning)", {
                try book.write("steps/sales/greeting.md", greeting
                    .replacingOccurrences(of: "summary: Встретить клиента.", with: "summary: >\n  Встретить клиента\n  у входа.")
                    .replacingOccurrences(of: "reviewed: 2026-10-01", with: "reviewed: 2020-01-01"))
            }, ["steps/sales/greeting.md"]),
            ("a title", { try book.write("steps/sales/farewell.md", farewell.replacingOccurrences(of: "Прощание", with: "Прощание с клиентом")) },
             ["steps/sales/farewell.md"]),
            ("an emptied body (a warning, the completeness report)", {
                try book.write("steps/sales/farewell.md", farewell.replacingOccurrences(of: "Проводить клиента.", with: ""))
            }, ["steps/sales/farewell.md"]),
            ("two files at once", {
                try book.write("steps/sales/farewell.md", farewell)
                try book.write("roles/manager.md", TestBook.validFiles["roles/manager.md"]! + "\nИ ещё.\n")
            }, ["steps/sales/farewell.md", "roles/manager.md"]),
            ("a save through a temporary file and a rename", {
                let temporary = book.url("steps/sales/sedX1b2c3")
                try (greeting + "\nСохранено через переименование.\n").write(to: temporary, atomically: false, encoding: .utf8)
                #expect(rename(temporary.path, book.url("steps/sales/greeting.md").path) == 0)
            }, ["steps/sales/sedX1b2c3", "steps/sales/greeting.md"]),
            ("an editor's swap file", { try book.write("steps/sales/.greeting.md.swp", "swap") }, ["steps/sales/.greeting.md.swp"]),
            // Not part of the book: the folder is walked (the hint names a new file), the model stays.
            ("a new file in an unknown folder (a warning)", { try book.write("notes/draft.md", "Черновик.") }, ["notes/draft.md"]),
            ("that file gone", { try book.remove("notes/draft.md") }, ["notes/draft.md"]),
            // References: backlinks, places in journeys and roles' duties follow.
            ("a new reference", {
                try book.write("steps/sales/farewell.md", farewell.replacingOccurrences(of: "script: call-script", with: "script: call-script\nparticipants: [operator]"))
            }, ["steps/sales/farewell.md"]),
            ("a reference to nothing (an error)", {
                try book.write("steps/sales/farewell.md", farewell.replacingOccurrences(of: "responsible: manager", with: "responsible: manger"))
            }, ["steps/sales/farewell.md"]),
            ("a reference to another kind (an error)", {
                try book.write("steps/sales/farewell.md", farewell.replacingOccurrences(of: "script: call-script", with: "script: manager"))
            }, ["steps/sales/farewell.md"]),
            ("the references fixed", { try book.write("steps/sales/farewell.md", farewell) }, ["steps/sales/farewell.md"]),
            ("stages reordered (the steps' neighbours)", {
                try book.write("journeys/purchase.md", TestBook.validFiles["journeys/purchase.md"]!.replacingOccurrences(of: "      - greeting\n      - farewell", with: "      - farewell\n      - greeting"))
            }, ["journeys/purchase.md"]),
            ("a step taken out of its journey (a warning)", {
                try book.write("journeys/purchase.md", TestBook.validFiles["journeys/purchase.md"]!.replacingOccurrences(of: "      - greeting\n", with: ""))
            }, ["journeys/purchase.md"]),
            ("a role left with nothing to do (a warning)", {
                try book.write("situations/missed-call.md", TestBook.validFiles["situations/missed-call.md"]!.replacingOccurrences(of: "responsible: operator", with: "responsible: manager"))
                try book.write("steps/incoming-call.md", TestBook.validFiles["steps/incoming-call.md"]!.replacingOccurrences(of: "responsible: operator", with: "responsible: manager"))
            }, ["situations/missed-call.md", "steps/incoming-call.md"]),
            ("a standard for everyone", {
                try book.write("standards/phone.md", TestBook.validFiles["standards/phone.md"]!.replacingOccurrences(of: "applies_to: operator\n", with: ""))
            }, ["standards/phone.md"]),
            ("the journey, situation, step and standard back", {
                for path in ["journeys/purchase.md", "situations/missed-call.md", "steps/incoming-call.md", "standards/phone.md"] {
                    try book.write(path, TestBook.validFiles[path]!)
                }
            }, ["journeys/purchase.md", "situations/missed-call.md", "steps/incoming-call.md", "standards/phone.md"]),
            ("a renamed heading another page links to (an error)", {
                try book.write("scripts/call-script.md", TestBook.validFiles["scripts/call-script.md"]!.replacingOccurrences(of: "## Что говорить", with: "## Что сказать"))
            }, ["scripts/call-script.md"]),
            ("the heading back", { try book.write("scripts/call-script.md", TestBook.validFiles["scripts/call-script.md"]!) },
             ["scripts/call-script.md"]),
            ("a new link (a backlink)", {
                try book.write("steps/sales/farewell.md", farewell + "\nСм. [скрипт](../../scripts/call-script.md) и [введение](../../pages/intro.md).\n")
            }, ["steps/sales/farewell.md"]),
            ("a link to a heading that is not there (an error)", {
                try book.write("steps/sales/farewell.md", farewell + "\nСм. [скрипт](../../scripts/call-script.md#нет-такого).\n")
            }, ["steps/sales/farewell.md"]),
            ("the heading made", {
                try book.write("scripts/call-script.md", TestBook.validFiles["scripts/call-script.md"]! + "## Нет такого\nТеперь есть.\n")
            }, ["scripts/call-script.md"]),
            ("the link and the heading gone", {
                try book.write("steps/sales/farewell.md", farewell)
                try book.write("scripts/call-script.md", TestBook.validFiles["scripts/call-script.md"]!)
            }, ["steps/sales/farewell.md", "scripts/call-script.md"]),
            ("broken YAML (an error)", { try book.write("steps/sales/greeting.md", "---\ntitle: [\n---\nТекст.\n") }, ["steps/sales/greeting.md"]),
            ("the YAML fixed", { try book.write("steps/sales/greeting.md", greeting) }, ["steps/sales/greeting.md"]),
            ("the same file again", { try book.write("steps/sales/greeting.md", greeting + "\nАбзац.\n") }, ["steps/sales/greeting.md"]),
            ("a new file", { try book.write("glossary/client.md", "---\ntitle: Клиент\nsummary: Тот, кого обслуживают.\n---\nОпределение.\n") },
             ["glossary/client.md"]),
            ("a deleted file", { try book.remove("glossary/client.md") }, ["glossary/client.md"]),
            ("a new step in a journey, two files at once", {
                try book.write("steps/sales/handover.md", "---\ntitle: Передача\nresponsible: operator\nscript: call-script\n---\nПередать ключи.\n")
                try book.write("journeys/purchase.md", TestBook.validFiles["journeys/purchase.md"]!.replacingOccurrences(of: "      - farewell", with: "      - handover\n      - farewell"))
            }, ["steps/sales/handover.md", "journeys/purchase.md"]),
            ("a script used by steps, deleted (errors)", { try book.remove("scripts/call-script.md") }, ["scripts/call-script.md"]),
            ("the script back", { try book.write("scripts/call-script.md", TestBook.validFiles["scripts/call-script.md"]!) }, ["scripts/call-script.md"]),
            ("a role made unreadable, then the rest of the book refers to nothing there (an error)", {
                try book.write("roles/operator.md", "---\ntitle: [\n---\n")
            }, ["roles/operator.md"]),
            ("a script's front matter broken, its body kept (an error)", {
                try book.write("scripts/call-script.md", TestBook.validFiles["scripts/call-script.md"]!.replacingOccurrences(of: "title: Скрипт звонка", with: "title: ["))
            }, ["scripts/call-script.md"]),
            ("while it is broken, the heading a step links to renamed (errors)", {
                try book.write("scripts/call-script.md", TestBook.validFiles["scripts/call-script.md"]!
                    .replacingOccurrences(of: "title: Скрипт звонка", with: "title: [").replacingOccurrences(of: "## Что говорить", with: "## Что сказать"))
            }, ["scripts/call-script.md"]),
            ("the script mended", { try book.write("scripts/call-script.md", TestBook.validFiles["scripts/call-script.md"]!) },
             ["scripts/call-script.md"]),
            ("two files at once, one of them now binary (an error)", {
                // The new term comes first in path order; the binary file after it.
                try book.write("glossary/nps.md", TestBook.validFiles["glossary/nps.md"]!.replacingOccurrences(of: "title: NPS", with: "title: NPS (индекс)"))
                try book.write("steps/sales/greeting.md", bytes: [0x2D, 0x2D, 0x2D, 0x0A, 0x00, 0x01, 0x02])
            }, ["steps/sales/greeting.md", "glossary/nps.md"]),
            ("the binary file mended", { try book.write("steps/sales/greeting.md", greeting) }, ["steps/sales/greeting.md"]),
            ("the role back", { try book.write("roles/operator.md", TestBook.validFiles["roles/operator.md"]!) }, ["roles/operator.md"]),
            ("a page renamed (a link to it breaks: an error)", {
                #expect(rename(book.url("pages/intro.md").path, book.url("pages/introduction.md").path) == 0)
                try book.write("pages/extra.md", "---\ntitle: Ещё\norder: 2\n---\nСм. [введение](intro.md).\n")
            }, ["pages/intro.md", "pages/introduction.md", "pages/extra.md"]),
            ("the link mended", {
                try book.write("pages/extra.md", "---\ntitle: Ещё\norder: 2\n---\nСм. [введение](introduction.md#нет).\n")
            }, ["pages/extra.md"]),
            ("the page named back and its heading made", {
                #expect(rename(book.url("pages/introduction.md").path, book.url("pages/intro.md").path) == 0)
                try book.write("pages/extra.md", "---\ntitle: Ещё\norder: 0\n---\nСм. [введение](intro.md#нет).\n")
            }, ["pages/intro.md", "pages/introduction.md", "pages/extra.md"]),
            ("a folder of documents moved out (errors)", {
                #expect(rename(book.url("steps/sales").path, book.root.appendingPathComponent("sales-away").path) == 0)
            }, ["steps/sales"]),
            ("the folder moved back", {
                #expect(rename(book.root.appendingPathComponent("sales-away").path, book.url("steps/sales").path) == 0)
            }, ["steps/sales"]),
            ("a second file with an id that is taken (an error)", {
                try book.write("steps/other/farewell.md", farewell)
            }, ["steps/other/farewell.md"]),
            ("that file gone again", { try book.remove("steps/other/farewell.md"); try book.remove("pages/extra.md") },
             ["steps/other/farewell.md", "pages/extra.md"]),
            ("a theme file (outside the content folder)", {}, ["../theme/layout.mustache"]),
            ("book.yml", { try book.write("book.yml", "title: Другая книга\nlanguage: ru\nreview_interval_days: 365\n") }, ["book.yml"]),
            ("a folder's worth of events (the watcher lost count)", {}, ["."]),
        ]
        for (what, edit, hint) in edits {
            let files = book.snapshot()
            try edit()
            #expect(book.snapshot() != files || hint?.first?.hasPrefix(".") == true || what.contains("theme") || what.contains("lost count"),
                    "\(what): the edit changed no file")
            if let hint { cache.load.hint(changed: hint.map { book.url($0).standardizedFileURL.path }) }
            let after = book.snapshot()
            let touched = Set(after.keys).union(files.keys).filter { after[$0] != files[$0] }.count + (hint?.count ?? 0)
            let incremental = try Pipeline.check(content: book.content, display: "content", today: today, cache: cache)
            let full = try Pipeline.check(content: book.content, display: "content", today: today)
            #expect(described(incremental) == described(full), "\(what)")
            #expect(incremental.report.completeness == full.report.completeness, "\(what)")
            #expect(incremental.sources == full.sources, "\(what)")
            #expect(incremental.book.index.backlinks == full.book.index.backlinks, "\(what): backlinks")
            #expect(incremental.book.index.placements == full.book.index.placements, "\(what): places in journeys")
            #expect(incremental.book.index.roles == full.book.index.roles, "\(what): roles' duties")
            #expect(incremental.book.index.stepOrder == full.book.index.stepOrder, "\(what): step order")
            #expect(incremental.book.links.mapValues { $0.map(\.target) } == full.book.links.mapValues { $0.map(\.target) }, "\(what): links")
            #expect(cache.load.read <= touched, "\(what): \(cache.load.read) files read, \(touched) touched")
            #expect(cache.model.decoded <= cache.load.read, "\(what): \(cache.model.decoded) documents decoded again")
            if what.hasSuffix("(a warning)") || what.hasSuffix("(an error)") || what.hasSuffix("(errors)") || what.hasSuffix("(a warning, the completeness report)") {
                #expect(!full.report.diagnostics.isEmpty, "\(what): the edit should have been reported")
            }
            if full.report.errors == 0 {
                let site = try Pipeline.site(incremental, search: false, cache: cache)
                let expected = try Pipeline.site(full, search: false)
                #expect(try site.paths() == expected.paths())
                for path in try expected.paths() { #expect(try site.file(path) == expected.file(path), "\(what): \(path)") }
                let search = Pipeline.searchFiles(incremental, cache: cache)
                let fullSearch = Pipeline.searchFiles(full)
                #expect(search.keys.sorted() == fullSearch.keys.sorted(), "\(what)")
                #expect(search == fullSearch, "\(what): the search index")
                if what == "a body, without a hint" { #expect(cache.search.reused > cache.search.made, "\(what): \(cache.search.made) search parts made") }
            }
        }
        #expect(cache.load.read == 0, "the last checks read nothing")
    }

    @Test("a file the watcher names is read again even when its size, modification time and inode look unchanged")
    func namedFilesAreReadAgain() throws {
        let book = try TestBook()
        let cache = BuildCache()
        _ = try Pipeline.check(content: book.content, display: "content", today: today, cache: cache)
        let url = book.url("glossary/nps.md")
        var before = stat()
        #expect(stat(url.path, &before) == 0)
        // Two saves within one tick of the clock, of the same size: the stamp cannot tell them apart.
        let text = TestBook.validFiles["glossary/nps.md"]!.replacingOccurrences(of: "title: NPS", with: "title: SPN")
        try text.write(to: url, atomically: false, encoding: .utf8)
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, url.path, &times, 0) == 0)
        var after = stat()
        #expect(stat(url.path, &after) == 0)
        #expect(after.st_size == before.st_size && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec && after.st_ino == before.st_ino)
        // With a file that does not load in the same burst, the loader walks the folder.
        try book.write("pages/broken.md", bytes: [0x2D, 0x00])
        cache.load.hint(changed: [url.path, book.url("pages/broken.md").path])
        let incremental = try Pipeline.check(content: book.content, display: "content", today: today, cache: cache)
        #expect(incremental.book[EntityKey(.term, "nps")]?.title == "SPN")
        let full = try Pipeline.check(content: book.content, display: "content", today: today)
        #expect(described(incremental) == described(full))
    }
}
