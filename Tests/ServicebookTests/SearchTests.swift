@testable import BookSearch
import BookModel
import Foundation
import Testing

/// Reads the search files of a built site: each is `__sb(type, key, data);`, parsed as JSON.
struct SearchFiles {
    let root: URL

    func payload(_ path: String) throws -> (type: String, key: Any, data: [String: Any]) {
        let text = try String(contentsOf: root.appendingPathComponent("search").appendingPathComponent(path), encoding: .utf8)
        #expect(text.hasPrefix("__sb(") && text.hasSuffix(");\n"), "\(path) is one call")
        let json = "[" + text.dropFirst(5).dropLast(3) + "]"
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any])
        let type = try #require(array[0] as? String)
        if type == "d" {
            // A page: its JSON, zlib-compressed, in base64.
            let base64 = try #require(array[2] as? String)
            let packed = try #require(Data(base64Encoded: base64))
            let inflated = try #require(SearchIndex.inflate(Array(packed)))
            return (type, array[1], try #require(try JSONSerialization.jsonObject(with: Data(inflated)) as? [String: Any]))
        }
        return (type, array[1], try #require(array[2] as? [String: Any]))
    }

    func paths(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("search/\(folder)").path).sorted()
    }
}

@Suite("search index")
struct SearchTests {
    @Test("words are split and normalised as the browser splits them (cases shared with node --test)")
    func sharedWordCases() throws {
        let url = TestBook.projectRoot.appendingPathComponent("tests/js/words.json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let cases = try #require(object["cases"] as? [[Any]])
        #expect(cases.count >= 8)
        for item in cases {
            let text = try #require(item[0] as? String), words = try #require(item[1] as? [String])
            #expect(SearchText.words(SearchText.normalize(text)) == words, "\(text)")
        }
    }

    @Test("Snowball stems: Russian forms share a stem, Latin words are stemmed as English, numbers stay")
    func stems() {
        let stemmer = Stemmer()
        #expect(Set(["клиента", "клиентов", "клиенту", "клиент"].map(stemmer.stem)) == ["клиент"])
        #expect(stemmer.stem("отзывы") == stemmer.stem("отзыва"))
        #expect(stemmer.stem("bookings") == "book")
        #expect(stemmer.stem("booking") == "book")
        #expect(stemmer.stem("2026") == "2026")
        #expect(stemmer.stem("тест-драйва") == "тест-драйв")
    }

    @Test("the build writes a manifest, word shards and one file per page, readable as JSON")
    func files() throws {
        let book = try TestBook(overriding: [
            "glossary/booking.md": "---\ntitle: Booking\nsummary: Online bookings and booking rules.\n---\nТекст.\n",
        ])
        let built = try build(book)
        #expect(built.checked.report.errors == 0)
        let search = SearchFiles(root: book.root.appendingPathComponent("site"))
        let manifest = try search.payload("index.js")
        #expect(manifest.type == "m")
        let count = try #require(manifest.data["n"] as? Int)
        #expect(count == built.checked.book.entities.count)
        let runs = BuiltSite.matches("([0-9]+)", in: try #require(manifest.data["kinds"] as? String)).compactMap { Int($0) }
        #expect(runs.reduce(0, +) == count)
        #expect(try search.paths("d") == (0..<count).map { "\($0).js" }.sorted())
        let keys = try #require(manifest.data["shards"] as? String).split(separator: " ").map(String.init)
        #expect(try search.paths("w") == keys.map { SearchText.shardFile($0) + ".js" }.sorted())
        // «booking» and «bookings» are two forms of the stem «book», in the shard «bo».
        let shard = try search.payload("w/\(SearchText.shardFile("bo")).js")
        let groups = try #require(shard.data["g"] as? [[Any]])
        let book_ = try #require(groups.first { $0[0] as? String == "book" })
        #expect(book_[1] as? Int == 1)                                  // one page
        #expect(book_.dropFirst(3).compactMap { $0 as? String } == ["ing", "ings"])
        // A page file says what a result shows.
        let pages = try (0..<count).map { try search.payload("d/\($0).js").data }
        let call = try #require(pages.first { $0["u"] as? String == "steps/incoming-call.html" })
        #expect(call["t"] as? String == "Входящий звонок")
        #expect(call["k"] as? String == "step")
        #expect(call["c"] as? String == "Покупка › Первый контакт")
        #expect((call["r"] as? String)?.isEmpty == false)
        #expect((call["x"] as? String)?.contains("Ответить на звонок.") == true)
    }

    @Test("the index read in batches of pages is the index read at once, byte for byte")
    func batches() throws {
        let book = try TestBook()
        let checked = try book.check()
        let whole = SearchIndex.build(checked.book, batch: Int.max)
        #expect(whole.count > 20)
        for batch in [1, 3, 7, 64] {
            let parts = SearchIndex.build(checked.book, batch: batch)
            #expect(parts.map(\.path) == whole.map(\.path), "batch \(batch)")
            #expect(parts.map(\.bytes) == whole.map(\.bytes), "batch \(batch)")
        }
    }

    @Test("hostile text stays data: search files parse as JSON, give back the text, and hold no markup")
    func hostile() throws {
        let evil = "</script><script>alert(1)</script>\\\" onload=\\\"x\u{202E}\u{2028}&"
        let book = try TestBook(overriding: [
            "glossary/nps.md": "---\ntitle: \"\(evil)\"\nsummary: \"\(evil)\"\naliases: [\"\(evil)\"]\n---\n\(evil) <img src=x onerror=alert(2)>\n",
        ])
        try build(book)
        let root = book.root.appendingPathComponent("site/search")
        let search = SearchFiles(root: book.root.appendingPathComponent("site"))
        for path in try FileManager.default.subpathsOfDirectory(atPath: root.path) where path.hasSuffix(".js") {
            let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            #expect(!text.contains("<") && !text.contains(">") && !text.contains("\u{2028}") && !text.contains("\u{202E}"), "\(path)")
            _ = try search.payload(path)
        }
        let pages = try search.paths("d").map { try search.payload("d/\($0)").data }
        let page = try #require(pages.first { $0["u"] as? String == "glossary/nps.html" })
        #expect(page["t"] as? String == "</script><script>alert(1)</script>\" onload=\"x\u{202E}\u{2028}&")
    }

    @Test("numbers in postings: base-32 digits, the upper half of the alphabet meaning more follow")
    func encoding() {
        var out: [UInt8] = []
        for n in [0, 1, 31, 40, 100_000] { SearchIndex.varint(n, into: &out) }
        #expect(String(decoding: out, as: UTF8.self) == "AB" + "f" + "oB" + "g1hD")   // 100000 = 0 + 32·(21 + 32·(1 + 32·3))
        #expect(SearchIndex.kindRuns([.term, .term, .journey, .step]) == "T2J1S1")
    }

    @Test("a base form that Snowball cuts short joins the stem of its other forms («отзыв» with «отзывы»)")
    func baseForms() throws {
        let book = try TestBook(overriding: [
            "glossary/review.md": "---\ntitle: Отзыв\nsummary: Отзывы и отзыва.\n---\nТекст.\n",
        ])
        try build(book)
        let search = SearchFiles(root: book.root.appendingPathComponent("site"))
        let shard = try search.payload("w/\(SearchText.shardFile("от")).js")
        let groups = try #require(shard.data["g"] as? [[Any]])
        let group = try #require(groups.first { $0[0] as? String == "отзыв" })
        #expect(group.dropFirst(3).compactMap { $0 as? String }.sorted() == ["", "а", "ы"])
        #expect(!groups.contains { $0[0] as? String == "отз" })
    }
}
