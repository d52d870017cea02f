import BookLoad
import BookModel
import BookSite
import Foundation
import Testing

/// Random edits, hundreds in a row, each followed by a check that reuses the last one (as
/// `serve` does) and a check from scratch: they must agree on everything. The edits are drawn
/// so that they collide: a small pool of ids per kind, references to ids that may or may not
/// exist (or are of another kind), links to headings that come and go, broken YAML, binary
/// files, files added and deleted, and now and then two files with the same id.
@Suite("Random edits against builds from scratch")
struct IncrementalRandomTests {
    /// SplitMix64: the same seed gives the same edits.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
        mutating func pick<T>(_ list: [T]) -> T { list[below(list.count)] }
    }

    static let ids = ["a", "b", "c", "d"]
    static let headings = ["Порядок", "Что говорить", "Советы"]
    static let anchors = ["порядок", "что-говорить", "советы", "нет-такого"]
    static let kinds: [Kind] = [.journey, .step, .situation, .role, .standard, .script, .term, .page]

    /// A document of `kind`, its fields and body drawn at random.
    static func document(_ kind: Kind, _ r: inout Random, path: String) -> String {
        func id() -> String { r.pick(ids) }
        func list() -> String { "[" + (0..<r.below(3)).map { _ in id() }.joined(separator: ", ") + "]" }
        var fields = ["title: \(r.pick(["Раз", "Два", "Три"])) \(r.below(5))"]
        if r.chance(60) { fields.append("summary: Кратко \(r.below(3)).") }
        if r.chance(30) { fields.append("reviewed: 20\(r.pick(["20", "26"]))-01-0\(1 + r.below(9))") }
        if r.chance(20) { fields.append("owner: \(id())") }
        switch kind {
        case .journey:
            fields.append("stages:")
            for stage in 0..<(1 + r.below(2)) {
                fields += ["  - id: s\(stage < 1 || r.chance(80) ? stage : 0)", "    title: Этап \(stage)", "    steps: \(list())"]
            }
        case .step:
            fields.append("responsible: \(id())")
            if r.chance(50) { fields.append("participants: \(list())") }
            fields.append("script: \(list())")
            if r.chance(50) { fields.append("standards: \(list())") }
            if r.chance(40) { fields.append("situations: \(list())") }
        case .situation:
            fields.append("responsible: \(id())")
            if r.chance(60) { fields.append("escalation: \(id())") }
            fields.append("script: \(list())")
        case .role:
            if r.chance(40) { fields.append("reports_to: \(id())") }
        case .standard:
            if r.chance(60) { fields.append("applies_to: \(list())") }
            if r.chance(80) { fields += ["checks:", "  - Проверка \(r.below(3))"] }
        case .script:
            if r.chance(60) { fields += ["phrases:", "  - avoid: Нет", "    say: Да"] }
        case .term:
            if r.chance(50) { fields.append("aliases: [слово \(r.below(3))]") }
        case .page:
            fields.append("order: \(r.below(3))")
        }
        var body: [String] = []
        for _ in 0..<r.below(3) { body += ["## \(r.pick(headings))", "Текст \(r.below(9))."] }
        for _ in 0..<r.below(3) {
            let target = r.pick(kinds)
            let anchor = r.chance(50) ? "#" + r.pick(anchors) : ""
            let up = String(repeating: "../", count: path.split(separator: "/").count - 1)
            body.append("См. [ссылку](\(up)\(target.folder)/\(id()).md\(anchor)).")
        }
        if r.chance(15) { body.append("См. [раздел](#\(r.pick(anchors))).") }
        return "---\n" + fields.joined(separator: "\n") + "\n---\n" + body.joined(separator: "\n") + "\n"
    }

    static func path(_ kind: Kind, _ id: String, _ r: inout Random) -> String {
        // Now and then in a subfolder: the same id twice makes a duplicate.
        r.chance(8) ? "\(kind.folder)/sub/\(id).md" : "\(kind.folder)/\(id).md"
    }

    func described(_ checked: Pipeline.Checked) -> [String] {
        checked.report.diagnostics.map { "\($0.location) \($0.code.rawValue) \($0.message) \($0.suggestion ?? "")" }
    }

    @Test("300 random edits: after each, the reused check equals a check from scratch (and every 20th, the pages and the search index)",
          arguments: [1 as UInt64, 2, 3])
    func randomEdits(seed: UInt64) throws {
        var r = Random(state: seed)
        var files: [String: String] = ["book.yml": "title: Случайная книга\nlanguage: ru\nreview_interval_days: 365\n"]
        for kind in Self.kinds {
            for id in Self.ids where r.chance(70) {
                let path = "\(kind.folder)/\(id).md"
                files[path] = Self.document(kind, &r, path: path)
            }
        }
        let book = try TestBook(files)
        let cache = BuildCache()
        let today = Day(year: 2026, month: 11, day: 22)!
        _ = try Pipeline.check(content: book.content, display: "content", today: today, cache: cache)
        var present = Set(files.keys.filter { $0 != "book.yml" })
        var readOnlyTouched = 0
        for step in 0..<300 {
            var touched: [String] = []
            for _ in 0..<(1 + (r.chance(20) ? 1 : 0)) {
                let kind = r.pick(Self.kinds)
                let path = Self.path(kind, r.pick(Self.ids), &r)
                switch r.below(100) {
                case 0..<55:
                    try book.write(path, Self.document(kind, &r, path: path))
                    present.insert(path)
                case 55..<75:
                    if present.contains(path) { try book.remove(path); present.remove(path) }
                case 75..<85:
                    try book.write(path, "---\ntitle: [\n---\n## \(r.pick(Self.headings))\n")
                    present.insert(path)
                case 85..<90:
                    try book.write(path, bytes: [0x2D, 0x2D, 0x2D, 0x0A, 0x00, UInt8(r.below(200))])
                    present.insert(path)
                default:
                    // An editor's temporary file that comes and goes.
                    let temporary = book.url(path + ".tmp\(step)")
                    try FileManager.default.createDirectory(at: temporary.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try Self.document(kind, &r, path: path).write(to: temporary, atomically: false, encoding: .utf8)
                    #expect(rename(temporary.path, book.url(path).path) == 0)
                    touched.append(path + ".tmp\(step)")
                    present.insert(path)
                }
                touched.append(path)
            }
            if r.chance(85) { cache.load.hint(changed: touched.map { book.url($0).standardizedFileURL.path }) }
            let incremental = try Pipeline.check(content: book.content, display: "content", today: today, cache: cache)
            if cache.load.read <= touched.count && cache.model.decoded <= cache.load.read { readOnlyTouched += 1 }
            let full = try Pipeline.check(content: book.content, display: "content", today: today)
            let context = "seed \(seed), step \(step): \(touched)"
            #expect(described(incremental) == described(full), "\(context)")
            #expect(incremental.report.completeness == full.report.completeness, "\(context)")
            #expect(incremental.book.index.backlinks == full.book.index.backlinks, "\(context): backlinks")
            #expect(incremental.book.index.placements == full.book.index.placements, "\(context): places in journeys")
            #expect(incremental.book.index.roles == full.book.index.roles, "\(context): roles' duties")
            #expect(incremental.book.index.stepOrder == full.book.index.stepOrder, "\(context): step order")
            #expect(incremental.book.links.mapValues { $0.map(\.target) } == full.book.links.mapValues { $0.map(\.target) },
                    "\(context): links")
            #expect(Kind.allCases.map { incremental.book.all($0).map(\.key) } == Kind.allCases.map { full.book.all($0).map(\.key) },
                    "\(context): entities")
            if step % 20 == 19 {
                // Every page and search file too (pages render whatever the errors).
                let site = try Pipeline.site(incremental, search: false, cache: cache)
                let expected = try Pipeline.site(full, search: false)
                #expect(try site.paths() == expected.paths(), "\(context): pages")
                for path in try expected.paths() where try site.file(path) != expected.file(path) {
                    Issue.record("\(context): \(path) differs")
                }
                #expect(Pipeline.searchFiles(incremental, cache: cache) == Pipeline.searchFiles(full),
                        "\(context): the search index")
            }
            let a = Set(described(incremental)), b = Set(described(full))
            let la = incremental.book.links.mapValues { $0.map(\.target) }, lb = full.book.links.mapValues { $0.map(\.target) }
            if a != b || la != lb || incremental.book.index.backlinks != full.book.index.backlinks {
                let paths = Set(la.keys).union(lb.keys).filter { la[$0] != lb[$0] }.sorted()
                Issue.record("\(context)\nonly reused: \(a.subtracting(b).sorted())\nonly from scratch: \(b.subtracting(a).sorted())\nlinks differ: \(paths.map { "\($0): \(la[$0].map { "\($0)" } ?? "-") vs \(lb[$0].map { "\($0)" } ?? "-")" })")
                break
            }
        }
        #expect(readOnlyTouched > 250, "most edits read and decode again only the files they touched (\(readOnlyTouched) of 300)")
    }
}
