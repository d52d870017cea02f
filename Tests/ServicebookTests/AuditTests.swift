@testable import BookRender
import BookModel
import BookSite
import Foundation
import Testing

/// Mystery-shopper audits (SPEC §10): visits as data, validated by `check`, scored by
/// `servicebook audits`.
@Suite("Audits")
struct AuditTests {
    /// A book with two departments, a roster, a standard per stage of the purchase journey with
    /// weighted and critical checks, and 33 visits in a CSV file (scored by hand: the expected
    /// figures below were computed apart, from the SPEC's formulas).
    static let files: [String: String] = [
        "book.yml": """
        title: Тестовая книга
        language: ru
        review_interval_days: 365
        departments:
          north: Салон на Северной
          south: Салон на Южной
        evaluation:
          target: 70
          min_answers: 10
          bands:
            - {from: 75, title: Премия}
            - {from: 50, title: Без премии}
            - {title: Разбор}
        """,
        "staff.yml": """
        anna: {name: Анна Северова, role: manager, department: north}
        vera: {name: Вера Южанина, role: operator, department: north}
        boris: {name: Борис Полянский, role: operator, department: south}
        """,
        "standards/phone.md": """
        ---
        title: Телефон
        category: communication
        applies_to: operator
        checks:
          - {id: pickup, text: Отвечает до третьего гудка}
          - {id: name, text: Называет имя, weight: 2, critical: true}
          - {id: hold, text: Спрашивает разрешения подождать}
        ---
        Стандарт телефонных переговоров.
        """,
        "standards/visit-rules.md": """
        ---
        title: Визит
        checks:
          - {id: smile, text: Улыбается}
          - {id: offer, text: Предлагает тест-драйв, weight: 3}
        ---
        Правила визита.
        """,
        "steps/sales/greeting.md": """
        ---
        title: Приветствие
        summary: Встретить клиента.
        responsible: manager
        participants: [operator]
        script: [call-script]
        standards: [phone, visit-rules]
        reviewed: 2026-10-01
        ---
        Встретить клиента у входа. См. [обязанности](../../roles/manager.md#обязанности).
        """,
        "audits/agency.csv": """
        visit;date;journey;department;employee;nps;phone/pickup;phone/name;phone/hold;visit-rules/smile;visit-rules/offer
        v00;2026-09-01;purchase;north;anna;0;1;0;1;1;1
        v01;2026-10-08;purchase;north;vera;7;-;-;0;1;1
        v02;2026-11-15;purchase;south;boris;3;1;1;0;1;1
        v03;2026-09-02;purchase;south;boris;10;1;-;-;0;1
        v04;2026-10-09;purchase;north;anna;;1;0;1;0;1
        v05;2026-11-16;purchase;north;vera;2;1;1;-;-;0
        v06;2026-09-03;purchase;north;vera;9;1;1;1;1;0
        v07;2026-10-10;purchase;south;boris;5;-;-;-;-;-
        v08;2026-11-17;purchase;north;anna;1;0;1;1;1;1
        v09;2026-09-04;purchase;north;anna;;0;1;1;1;-
        v10;2026-10-11;purchase;north;vera;4;-;0;1;1;1
        v11;2026-11-18;purchase;south;boris;0;1;1;1;1;1
        v12;2026-09-05;purchase;south;boris;7;-;-;0;1;1
        v13;2026-10-12;purchase;north;anna;3;1;1;0;1;1
        v14;2026-11-19;purchase;north;vera;;1;-;-;0;1
        v15;2026-09-06;purchase;north;vera;6;1;1;1;0;1
        v16;2026-10-13;purchase;south;boris;2;1;1;-;-;0
        v17;2026-11-20;purchase;north;anna;9;1;1;1;1;0
        v18;2026-09-07;purchase;north;anna;5;1;1;1;-;-
        v19;2026-10-14;purchase;north;vera;;0;0;1;1;1
        v20;2026-11-01;purchase;south;boris;8;0;1;1;1;-
        v21;2026-09-08;purchase;south;boris;4;-;0;1;1;1
        v22;2026-10-15;purchase;north;anna;0;1;0;1;1;1
        v23;2026-11-02;purchase;north;vera;7;-;-;0;1;1
        v24;2026-09-09;purchase;north;vera;;1;1;0;1;1
        v25;2026-10-16;purchase;south;boris;10;1;-;-;0;1
        v26;2026-11-03;purchase;north;anna;6;1;1;1;0;1
        v27;2026-09-10;purchase;north;anna;2;1;1;-;-;0
        v28;2026-10-17;purchase;north;vera;9;1;1;1;1;0
        v29;2026-11-04;purchase;south;boris;;1;1;1;-;-
        v30;2026-09-11;purchase;south;boris;1;0;1;1;1;1
        v31;2026-10-18;purchase;north;anna;8;0;1;1;1;-
        v32;2026-11-05;purchase;north;vera;4;-;0;1;1;1
        """,
    ]

    func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }

    @Test("audits --format json gives the hand-computed figures: weights, n.a., critical failures, departments, employees, months, NPS, checks, stages, standards")
    func figures() throws {
        let book = try TestBook(overriding: Self.files)
        let checked = try book.check()
        #expect(checked.report.errors == 0, "\(checked.diagnostics.map { "\($0.location) \($0.code.rawValue): \($0.message)" })")
        let run = try Executable.run(["audits", "--format", "json"], in: book.root)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        func group(_ object: Any?) -> [Double?] {
            let g = object as? [String: Any] ?? [:]
            return [number(g["score"]), number(g["visits"]), number(g["failed"]), number(g["nps"]), number(g["nps_answers"])]
        }
        #expect(group(json["overall"]) == [61.6, 33, 7, -44.4, 27])
        let departments = try #require(json["departments"] as? [[String: Any]])
        #expect(departments.map { $0["id"] as? String } == ["north", "south"])
        #expect(group(departments[0]) == [55.7, 22, 6, -47.1, 17])
        #expect(group(departments[1]) == [74.5, 11, 1, -40.0, 10])
        let employees = try #require(json["employees"] as? [[String: Any]])
        #expect(employees.map { $0["id"] as? String } == ["anna", "vera", "boris"])
        #expect(group(employees[0]) == [57.7, 11, 3, -66.7, 9])
        #expect(group(employees[1]) == [53.6, 11, 3, -25.0, 8])
        #expect(group(employees[2]) == [74.5, 11, 1, -40.0, 10])
        #expect(employees.map { $0["band"] as? String } == ["Без премии", "Без премии", "Без премии"])
        let months = try #require(json["months"] as? [[String: Any]])
        #expect(months.map { $0["id"] as? String } == ["2026-09", "2026-10", "2026-11"])
        #expect(group(months[0]) == [65.0, 11, 2, -44.4, 9])
        #expect(group(months[1]) == [44.0, 11, 4, -33.3, 9])
        #expect(group(months[2]) == [74.1, 11, 1, -55.6, 9])
        #expect(months.map { number($0["change"]) } == [nil, -21.0, 30.1])
        let checks = try #require(json["checks"] as? [[String: Any]])
        let byRef = Dictionary(uniqueKeysWithValues: checks.map { ($0["ref"] as? String ?? "", $0) })
        for (ref, passed, answered, rate) in [("phone/pickup", 20, 26, 76.9), ("phone/name", 19, 26, 73.1), ("phone/hold", 20, 26, 76.9),
                                               ("visit-rules/smile", 21, 27, 77.8), ("visit-rules/offer", 21, 27, 77.8)] {
            let c = byRef[ref] ?? [:]
            #expect([number(c["passed"]), number(c["answered"]), number(c["pass_rate"])] == [Double(passed), Double(answered), rate], "\(ref)")
        }
        let stages = try #require(json["stages"] as? [[String: Any]])
        #expect(stages.map { $0["id"] as? String } == ["purchase/contact", "purchase/visit"])
        #expect(stages.map { number($0["pass_rate"]) } == [75.0, 77.8])
        let standards = try #require(json["standards"] as? [[String: Any]])
        #expect(standards.map { $0["id"] as? String } == ["phone", "visit-rules"])
        #expect(standards.map { number($0["pass_rate"]) } == [75.0, 77.8])
    }

    @Test("--since keeps the later months; --fail-under exits 1 below the latest month's score, 0 at or above it; 2 on a bad month")
    func options() throws {
        let book = try TestBook(overriding: Self.files)
        let since = try Executable.run(["audits", "--format", "json", "--since", "2026-10"], in: book.root)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(since.stdout.utf8)) as? [String: Any])
        #expect(number((json["overall"] as? [String: Any])?["visits"]) == 22)
        #expect((json["months"] as? [[String: Any]])?.count == 2)
        #expect(try Executable.run(["audits", "--fail-under", "80"], in: book.root).status == 1)
        #expect(try Executable.run(["audits", "--fail-under", "74"], in: book.root).status == 0)
        #expect(try Executable.run(["audits", "--since", "2026-13"], in: book.root).status == 2)
        let human = try Executable.run(["audits"], in: book.root)
        #expect(human.status == 0)
        #expect(human.stdout.contains("Анна Северова") && human.stdout.contains("Weakest checks"))
        #expect(!human.stdout.contains("\u{1B}["), "no colour when piped")
        let csv = try Executable.run(["audits", "--format", "csv"], in: book.root)
        #expect(csv.stdout.hasPrefix("group,id,title,score,visits,failed,nps,nps_answers,band,role,department\noverall,"))
        #expect(csv.stdout.contains("employee,boris,Борис Полянский,74.5,11,1,-40.0,10,Без премии,operator,south"))
    }
}

/// `check` on broken audit files: every problem at its file, line and column (a CSV cell's
/// row and column), never a crash.
@Suite("Audits: validation")
struct AuditValidationTests {
    static let header = "visit;date;journey;department;employee;nps;phone/pickup;phone/name;phone/hold;visit-rules/smile;visit-rules/offer\n"

    func book(_ extra: [String: String]) throws -> TestBook {
        var files = AuditTests.files
        files["audits/agency.csv"] = nil
        for (k, v) in extra { files[k] = v }
        return try TestBook(overriding: files)
    }

    func described(_ checked: Pipeline.Checked) -> [String] {
        checked.diagnostics.map { "\($0.location) \($0.code.rawValue)" }
    }

    @Test("a Markdown visit: every problem at its line and column, with did-you-mean")
    func markdownVisit() throws {
        let book = try book(["audits/2026-11/north-1.md": """
        ---
        date: 2026-11-31
        journey: purchse
        department: nort
        employee: [ana, boris]
        nps: 11
        results:
          phone/pickup: может быть
          phone/nam: yes
          phne/hold: no
          phone/2: yes
          visit-rules/smile: н/п
          nonsense: да
          steps/x: нет
        ---
        Всё прошло хорошо.
        """, "audits/2026-11/north-2.md": """
        ---
        date: 2026-11-02
        journey: purchase
        department: north
        employee: boris
        results:
          phone/pickup: yes
          phone/name: no
          visit-rules/offer: yes
        ---
        Текст.
        """])
        let result = try book.check()
        let found = described(result)
        for expected in ["content/audits/2026-11/north-1.md:2:7 invalid-value", "content/audits/2026-11/north-1.md:3:10 unknown-reference",
                         "content/audits/2026-11/north-1.md:4:13 unknown-reference", "content/audits/2026-11/north-1.md:5:12 unknown-reference",
                         "content/audits/2026-11/north-1.md:6:6 invalid-value", "content/audits/2026-11/north-1.md:8:17 invalid-value",
                         "content/audits/2026-11/north-1.md:9:3 unknown-reference", "content/audits/2026-11/north-1.md:10:3 unknown-reference",
                         "content/audits/2026-11/north-1.md:11:3 check-by-number", "content/audits/2026-11/north-1.md:13:3 invalid-value",
                         "content/audits/2026-11/north-1.md:14:3 unknown-reference"] {
            #expect(found.contains(expected), "\(expected) in \(found)")
        }
        let byMessage = result.diagnostics
        #expect(byMessage.first { $0.message.contains("purchse") }?.suggestion == "did you mean \"purchase\"?")
        #expect(byMessage.first { $0.message.contains("\"nort\"") }?.suggestion == "did you mean \"north\"?")
        #expect(byMessage.first { $0.message.contains("\"ana\"") }?.suggestion == "did you mean \"anna\"?")
        #expect(byMessage.first { $0.message.contains("no check \"nam\"") }?.suggestion == "did you mean \"name\"?")
        #expect(byMessage.first { $0.message.contains("\"phne\"") }?.suggestion == "did you mean \"phone\"?")
        #expect(byMessage.first { $0.code == .checkByNumber }?.suggestion == "write phone/name")
        // boris works in the south: a warning; the visit leaves one check unanswered.
        #expect(found.contains("content/audits/2026-11/north-2.md:5:11 department-mismatch"), "\(found)")
        #expect(byMessage.contains { $0.code == .unansweredChecks && $0.message.contains("leaves 2 of the 5 checks") && $0.location.file.hasSuffix("north-2.md") })
        #expect(result.report.exitCode == 1)
    }

    @Test("a visit dated after today, a missing required field, a visit id used twice (in a file and in a CSV row)")
    func datesAndIDs() throws {
        let book = try book([
            "audits/v1.md": "---\ndate: 2026-12-01\njourney: purchase\ndepartment: north\nresults:\n  phone/pickup: yes\n---\n",
            "audits/v2.md": "---\ndate: 2026-11-01\njourney: purchase\ndepartment: north\n---\nБез результатов.\n",
            "audits/more.csv": Self.header + "v1;2026-11-02;purchase;north;anna;9;1;1;1;1;1\n",
        ])
        let found = described(try book.check())
        #expect(found.contains("content/audits/v1.md:2:7 invalid-value"), "\(found)")
        #expect(found.contains("content/audits/v2.md:1:1 missing-field"), "\(found)")
        #expect(found.contains("content/audits/v1.md:1:1 duplicate-id") || found.contains("content/audits/more.csv:2:1 duplicate-id"), "\(found)")
    }

    @Test("broken CSV files: a diagnostic at the row, never a crash", arguments: [
        ("a quote left open", Array((header + "v1;2026-11-02;purchase;north;anna;9;1;1;1;1;1\nv2;\"2026-11-03;purchase;north;anna;9;1;1;1;1;1\n").utf8),
         "content/audits/a.csv:3:1 invalid-csv"),
        ("a ragged row", Array((header + "v1;2026-11-02;purchase;north;anna;9;1;1\n").utf8), "content/audits/a.csv:2:1 invalid-csv"),
        ("Windows-1251 bytes", Array(header.utf8) + Array("v1;2026-11-02;purchase;north;".utf8) + [0xC0, 0xED, 0xED, 0xE0] + Array(";9;1;1;1;1;1\n".utf8),
         "content/audits/a.csv:2:30 invalid-encoding"),
        ("an empty file", [], "content/audits/a.csv:1:1 invalid-csv"),
        ("an answer that is none", Array((header + "v1;2026-11-02;purchase;north;anna;9;1;да;нет;maybe;1\n").utf8),
         "content/audits/a.csv:2:46 invalid-value"),
        ("an answer that is none, after quoted cells in an ASCII row",
         Array((header + "\"v\"\"1\";2026-11-02;purchase;north;anna;9;1;\"1\";1;maybe;1\n").utf8),
         "content/audits/a.csv:2:49 invalid-value"),
        ("an answer that is none, after quoted Cyrillic cells",
         Array((header + "v1;2026-11-02;purchase;north;anna;9;1;\"да\";\"нет\";maybe;1\n").utf8),
         "content/audits/a.csv:2:50 invalid-value"),
        ("an answer that is none, after a letter written as two scalars (columns count characters)",
         Array((header + "v1;2026-11-02;purchase;north;anna;9;1;и\u{0306};1;maybe;1\n").utf8),
         "content/audits/a.csv:2:43 invalid-value"),
        ("an answer that is none, after a quoted cell over two lines",
         Array((header + "v1;2026-11-02;purchase;north;anna;9;1;1;1;1;1\n\"v\n2\";2026-11-02;purchase;north;anna;9;1;1;1;maybe;1\n").utf8),
         "content/audits/a.csv:4:43 invalid-value"),
    ] as [(String, [UInt8], String)])
    func brokenCSV(_ what: String, _ bytes: [UInt8], _ expected: String) throws {
        let book = try book([:])
        try book.write("audits/a.csv", bytes: bytes)
        let found = described(try book.check())
        #expect(found.contains(expected), "\(what): \(found)")
    }

    @Test("a BOM, CRLF line ends, a comma-separated file, quoted cells and an unknown column: read as meant")
    func readableCSV() throws {
        let book = try book([:])
        let text = "visit,date,journey,department,employee,nps,\"phone/pickup\",phone/name,phone/hold,visit-rules/smile,visit-rules/offer,comment\r\n"
            + "v1,2026-11-02,purchase,north,\"anna, vera\",9,1,1,1,1,1,\"хорошо, быстро\"\r\n"
        try book.write("audits/a.csv", bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        let result = try book.check()
        #expect(result.report.errors == 0, "\(described(result))")
        #expect(described(result).contains("content/audits/a.csv:1:117 unknown-column"), "\(described(result))")
        #expect(result.audits.scored.first?.employees == ["anna", "vera"])
        #expect(result.audits.scored.count == 1)
    }
}

/// The audits in the handbook (no employee's name anywhere) and in the managers' report.
@Suite("Audits: handbook and report")
struct AuditSiteTests {
    static var files: [String: String] {
        var files = AuditTests.files
        files["audits/2026-11/walk-in.md"] = """
        ---
        date: 2026-11-12
        journey: purchase
        department: north
        employee: [anna, vera]
        auditor: Агентство «Контроль»
        nps: 9
        results:
          phone/pickup: yes
          phone/name: yes
          phone/hold: na
          visit-rules/smile: yes
          visit-rules/offer: no
        notes:
          visit-rules/offer: Вера Южанина не предложила тест-драйв.
        ---
        Меня встретила Анна Северова, потом подошла Вера. **Кофе** предложили сразу.
        """
        return files
    }

    /// Every file of a built folder, as text (binary files as their bytes' text).
    func everyFile(_ root: URL) throws -> [String: String] {
        var out: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        for case let url as URL in enumerator where !url.hasDirectoryPath {
            let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            out[relative] = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        }
        return out
    }

    @Test("the handbook's quality section: dashboard, departments, months, visits, pass rates on standards, steps and checklists; no roster name in any file")
    func handbook() throws {
        let book = try TestBook(overriding: Self.files)
        let built = try build(book)
        #expect(built.checked.report.errors == 0, "\(built.checked.diagnostics.map { "\($0.location) \($0.code.rawValue)" })")
        let site = try BuiltSite(book.root.appendingPathComponent("site"))
        let dashboard = try #require(site.files["quality/index.html"])
        #expect(dashboard.contains("<svg class=\"chart chart-line\"") && dashboard.contains("role=\"img\""))
        #expect(dashboard.contains("<table class=\"quality-table"))
        #expect(dashboard.contains("heat-"))
        for path in ["quality/departments/north.html", "quality/departments/south.html", "quality/months/2026-09.html",
                     "quality/months/2026-11.html", "quality/visits/v00.html", "quality/visits/walk-in.html"] {
            #expect(site.files[path] != nil, "\(path)")
        }
        let visit = try #require(site.files["quality/visits/walk-in.html"])
        #expect(visit.contains("<strong>Кофе</strong>"), "the account is rendered")
        #expect(visit.contains("[имя скрыто]"))
        // A note shows on its visit's page only (rows without a note are rendered once and reused).
        let noted = site.files.filter { $0.key.hasPrefix("quality/visits/") && $0.value.contains("не предложила тест-драйв") }
        #expect(noted.keys.sorted() == ["quality/visits/walk-in.html"])
        #expect(visit.contains("[имя скрыто] не предложила тест-драйв"))
        let visitPages = site.files.filter { $0.key.hasPrefix("quality/visits/") }
        #expect(visitPages.count == 34)
        #expect(visitPages.values.allSatisfy { $0.contains("<td class=\"answer-") && $0.contains("href=\"../../standards/") })
        // The dashboard lists the latest 30 visits; the month pages list every visit once.
        #expect(dashboard.contains("Показаны последние 30 визитов. Всего визитов: 34"), "\(dashboard)")
        #expect(dashboard.components(separatedBy: "href=\"visits/").count - 1 == 30)
        let listed = site.files.filter { $0.key.hasPrefix("quality/months/") }.values
            .map { $0.components(separatedBy: "href=\"../visits/").count - 1 }.reduce(0, +)
        #expect(listed == 34)
        #expect(site.files["standards/phone.html"]?.contains("class=\"section-quality\"") == true)
        #expect(site.files["steps/sales/greeting.html"]?.contains("class=\"section-quality\"") == true
                || site.files["steps/greeting.html"]?.contains("class=\"section-quality\"") == true)
        let checklist = try #require(site.files["checklists/purchase.html"])
        #expect(checklist.contains("<td class=\"rate\">") && checklist.contains("class=\"visit-form\" hidden"))
        #expect(site.files["index.html"]?.contains("quality/index.html") == true, "linked from the home page")
        #expect(site.brokenLinks().isEmpty, "\(site.brokenLinks())")
        // No employee's name (or a word of it, or the roster's ids in a visit) in any file of the handbook.
        let everything = try everyFile(book.root.appendingPathComponent("site"))
        for name in ["Анна Северова", "Вера Южанина", "Борис Полянский", "Северова", "Южанина", "Полянский"] {
            let found = everything.filter { $0.value.contains(name) }.keys.sorted()
            #expect(found.isEmpty, "\(name) in \(found)")
        }
    }

    @Test("servicebook report: the handbook with a page per employee, their visits, band and the checks they missed")
    func report() throws {
        let book = try TestBook(overriding: Self.files)
        let run = try Executable.run(["report", "--quiet"], in: book.root)
        #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
        let report = try BuiltSite(book.root.appendingPathComponent("_report"))
        let index = try #require(report.files["staff/index.html"])
        for (id, name) in [("anna", "Анна Северова"), ("vera", "Вера Южанина"), ("boris", "Борис Полянский")] {
            #expect(index.contains(name) && index.contains("\(id).html"))
            let page = try #require(report.files["staff/\(id).html"], "\(id)")
            #expect(page.contains(name))
            #expect(page.contains("../roles/"), "links into the role's handbook")
        }
        let vera = try #require(report.files["staff/vera.html"])
        #expect(vera.contains("Предлагает тест-драйв") && vera.contains("../standards/visit-rules.html"))
        #expect(report.files["quality/index.html"] != nil && report.files["index.html"] != nil)
        #expect(report.brokenLinks().isEmpty, "\(report.brokenLinks())")
        // The handbook itself is not touched by the report.
        #expect(!FileManager.default.fileExists(atPath: book.root.appendingPathComponent("_site").path))
    }
}

/// Numbers on the quality pages: one decimal, none when it is zero, written without `String(format:)`
/// (visit pages print thousands), and the same as it would write them.
@Suite("Audits: numbers")
struct AuditNumberTests {
    @Test("percentages and changes are written as %.1f would, without a trailing .0")
    func numbers() {
        func reference(_ value: Double) -> String {
            let rounded = (value * 10).rounded() / 10
            return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
        }
        var values: [Double] = [0, -0.0, 0.04, -0.04, 0.05, -0.05, 0.5, -0.5, 92.44, 92.45, 5.05, 100, -100, 66.66666, 1e6 + 0.25]
        for i in -20_000...20_000 { values.append(Double(i) / 100) }
        for value in values { #expect(Charts.n(value) == reference(value), "\(value)") }
        #expect(Charts.n(92.44) == "92.4")
        #expect(Charts.n(-0.5) == "-0.5")
        #expect(Charts.n(100) == "100")
    }
}
