import BookCheck
import BookModel
import BookSite
import Foundation
import Testing

/// A service book written into a temporary folder, for tests.
final class TestBook {
    let root: URL
    var content: String { root.appendingPathComponent("content").path }

    /// The project's folder (for the sample book and shared test data).
    static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A small, complete book that passes `check --strict`: every kind, every link resolved.
    static let validFiles: [String: String] = [
        "book.yml": "title: Тестовая книга\nlanguage: ru\nreview_interval_days: 365\n",
        "journeys/purchase.md": """
        ---
        title: Покупка
        summary: Путь клиента от звонка до выдачи.
        stages:
          - id: contact
            title: Первый контакт
            steps: [incoming-call]
          - id: visit
            title: Визит
            steps:
              - greeting
              - farewell
        ---
        Путь клиента от первого звонка до выдачи автомобиля.
        """,
        "steps/incoming-call.md": """
        ---
        title: Входящий звонок
        summary: Ответить на звонок.
        responsible: operator
        script: call-script
        standards: phone
        situations: [missed-call]
        channel: phone
        ---
        ## Что делать
        Ответить до третьего гудка по [скрипту](../scripts/call-script.md#что-говорить).
        """,
        "steps/sales/greeting.md": """
        ---
        title: Приветствие
        summary: Встретить клиента.
        responsible: manager
        participants: [operator]
        script: [call-script]
        standards: [phone]
        reviewed: 2026-10-01
        ---
        Встретить клиента у входа. См. [обязанности](../../roles/manager.md#обязанности).
        """,
        "steps/sales/farewell.md": """
        ---
        title: Прощание
        responsible: manager
        script: call-script
        ---
        Проводить клиента.
        """,
        "situations/missed-call.md": """
        ---
        title: Пропущенный звонок
        responsible: operator
        escalation: manager
        script: call-script
        severity: high
        standards: [phone]
        ---
        Перезвонить в течение 15 минут.
        """,
        "roles/manager.md": """
        ---
        title: Менеджер
        ---
        ## Обязанности
        Продавать.
        """,
        "roles/operator.md": """
        ---
        title: Оператор
        reports_to: manager
        ---
        ## Обязанности
        Отвечать на звонки.
        """,
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
        ---
        Стандарт телефонных переговоров.
        """,
        "scripts/call-script.md": """
        ---
        title: Скрипт звонка
        channel: phone
        phrases:
          - avoid: Я не знаю
            say: Разрешите, я уточню
        ---
        ## Что говорить
        «Автодом, меня зовут Анна».
        ## Чего не говорить
        «Алло».
        """,
        "glossary/nps.md": """
        ---
        title: NPS
        aliases: [индекс лояльности]
        ---
        Индекс готовности рекомендовать.
        """,
        "pages/intro.md": """
        ---
        title: Введение
        order: 1
        ---
        О книге.
        """,
    ]

    /// - Parameter reversed: write the files in reverse path order (the order a folder lists
    ///   them in may follow the order they were created in).
    init(_ files: [String: String] = TestBook.validFiles, overriding: [String: String?] = [:], reversed: Bool = false) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("servicebook-test-\(UUID().uuidString)")
        var all = files
        for (path, text) in overriding { all[path] = text }
        for (path, text) in all.sorted(by: { reversed ? $0.key > $1.key : $0.key < $1.key }) {
            try write(path, text)
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Every file under the content folder with its bytes (to tell whether an edit changed anything).
    func snapshot() -> [String: Data] {
        let base = root.appendingPathComponent("content")
        var out: [String: Data] = [:]
        for case let path as String in FileManager.default.enumerator(atPath: base.path)?.allObjects ?? [] {
            out[path] = FileManager.default.contents(atPath: base.appendingPathComponent(path).path)
        }
        return out
    }

    func url(_ path: String) -> URL { root.appendingPathComponent("content").appendingPathComponent(path) }

    func write(_ path: String, _ text: String) throws {
        try write(path, bytes: Array(text.utf8))
    }

    func write(_ path: String, bytes: [UInt8]) throws {
        let url = url(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func remove(_ path: String) throws { try FileManager.default.removeItem(at: url(path)) }

    /// Runs load → model → check with a fixed "today"; diagnostics name files `content/...`.
    func check(today: Day = Day(year: 2026, month: 11, day: 22)!, strict: Bool = false) throws -> Pipeline.Checked {
        try Pipeline.check(content: content, display: "content", strict: strict, today: today)
    }
}

extension Pipeline.Checked {
    var diagnostics: [Diagnostic] { report.diagnostics }
    var codes: [DiagnosticCode] { report.diagnostics.map(\.code) }

    /// The only diagnostic with `code`; records an issue when there is not exactly one.
    func only(_ code: DiagnosticCode, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Diagnostic? {
        let found = report.diagnostics.filter { $0.code == code }
        #expect(found.count == 1, "expected one \(code.rawValue), got \(report.diagnostics.map { "\($0.location) \($0.code.rawValue): \($0.message)" })",
                sourceLocation: sourceLocation)
        return found.first
    }
}


/// The `servicebook` executable built beside the tests.
enum Executable {
    static var url: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("servicebook")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        // Fall back to the package's debug build folder.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/servicebook")
    }

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The day the tests' books are judged on (review dates), whatever the calendar says.
    static let testDay = String(Day(year: 2026, month: 11, day: 22)!.ordinal * 86_400)

    static func run(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> Run {
        try runTool(url.path, arguments, in: folder, environment: ["SOURCE_DATE_EPOCH": testDay].merging(environment) { $1 })
    }

    /// Runs any program and collects its output.
    static func runTool(_ path: String, _ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self))
    }
}

extension Site {
    /// Every file of the site, by path, rendered now.
    func allFiles() throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for path in try paths() { files[path] = try #require(try file(path)) }
        return files
    }
}
