import BookIO
import BookLoad
import BookModel
import Foundation

/// `servicebook new` and `servicebook init`: files that authors start from.
public enum Scaffold {
    /// The kind named on the command line: `step`, or its folder, `steps`.
    public static func kind(named name: String) -> Kind? {
        Kind(rawValue: name) ?? Kind(folder: name) ?? Kind.allCases.first { $0.rawValue + "s" == name }
    }

    /// Creates `content/<folder>/ID.md` with every required field filled so that the book still
    /// checks (references point at the book's first entity of the right kind) and the optional
    /// fields as comments. Returns the path written.
    @discardableResult
    public static func newDocument(kind: Kind, id: String, content folder: String) throws -> String {
        guard Identifier.isValid(id) else {
            let hint = Identifier.suggestion(for: id).map { " (try \"\($0)\")" } ?? ""
            throw ServicebookError(.scaffold, path: id, "\"\(id)\" is not a valid id: use lower-case Latin letters, digits and hyphens\(hint)")
        }
        let loaded = ContentLoader.load(try ContentRoot(folder: folder))
        if let existing = loaded.documents.first(where: { $0.kind == kind && $0.id == id }) {
            throw ServicebookError(.scaffold, path: existing.path, "\(kind.rawValue) \"\(id)\" already exists: \(folder)/\(existing.path)")
        }
        func first(_ kind: Kind) -> String {
            loaded.documents.filter { $0.kind == kind && Identifier.isValid($0.id) }.map(\.id).sorted().first ?? "TODO-\(kind.rawValue)"
        }
        let ru = loaded.config.language == .ru
        let text = template(kind: kind, id: id, ru: ru, role: first(.role), script: first(.script), step: first(.step))
        let path = (folder.hasSuffix("/") ? folder : folder + "/") + "\(kind.folder)/\(id).md"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // O_EXCL: never replace a file, not even one that could not be loaded as a document.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ServicebookError(.scaffold, path: path, errno == EEXIST ? "\(path) already exists" : "cannot write \(path): \(Files.lastError)")
        }
        let written = Files.write(fd, Array(text.utf8))
        close(fd)
        guard written else { throw ServicebookError(.scaffold, path: path, "cannot write \(path)") }
        return path
    }

    static func template(kind: Kind, id: String, ru: Bool, role: String, script: String, step: String) -> String {
        let label = ru
            ? ["journey": "Путь клиента", "step": "Шаг", "situation": "Ситуация", "role": "Роль", "standard": "Стандарт",
               "script": "Скрипт", "term": "Термин", "page": "Глава"][kind.rawValue]!
            : kind.rawValue.capitalized
        let today = Pipeline.today()
        var yaml = "title: \"\(label) \(id)\"\n"
        yaml += ru ? "summary: \"Одно предложение: о чём этот документ.\"\n" : "summary: \"One sentence: what this document is about.\"\n"
        let comment = { (ruText: String, enText: String) in "# " + (ru ? ruText : enText) + "\n" }
        yaml += comment("tags: [метка]", "tags: [tag]")
        yaml += "# owner: \(role)\n"
        yaml += "reviewed: \(today)\n"
        switch kind {
        case .journey:
            yaml += "stages:\n  - id: first-stage\n    title: \"\(ru ? "Первый этап" : "First stage")\"\n    steps: [\(step)]\n"
        case .step:
            yaml += "responsible: \(role)\n" + comment("participants: [роль]", "participants: [role]")
            yaml += "script: \(script)\n" + comment("standards: [стандарт]", "standards: [standard]")
            yaml += comment("situations: [ситуация]", "situations: [situation]")
            yaml += comment("channel: in-person   # phone, chat, email, messenger, web", "channel: in-person   # phone, chat, email, messenger, web")
            yaml += comment("timing: в течение 15 минут", "timing: within 15 minutes")
        case .situation:
            yaml += "responsible: \(role)\nscript: \(script)\n" + comment("escalation: роль", "escalation: role")
            yaml += comment("severity: medium   # low, medium, high, critical", "severity: medium   # low, medium, high, critical")
            yaml += comment("channel: in-person", "channel: in-person") + comment("standards: [стандарт]", "standards: [standard]")
        case .role:
            yaml += comment("reports_to: роль", "reports_to: role")
        case .standard:
            yaml += comment("category: communication", "category: communication")
            yaml += comment("applies_to: [роль]   # пусто — для всех", "applies_to: [role]   # empty: every role")
            yaml += "checks:\n  - \"\(ru ? "Наблюдаемый критерий, который отметит тайный покупатель" : "An observable criterion a mystery shopper can tick")\"\n"
            yaml += comment("  - {text: \"Критичный пункт\", weight: 2, critical: true}", "  - {text: \"A critical item\", weight: 2, critical: true}")
        case .script:
            yaml += comment("channel: phone", "channel: phone")
            yaml += "phrases:\n  - avoid: \"\(ru ? "Я не знаю" : "I don't know")\"\n    say: \"\(ru ? "Разрешите, я уточню" : "Let me find out for you")\"\n"
        case .term:
            yaml += comment("aliases: [другие формы термина]", "aliases: [other forms of the term]")
        case .page:
            yaml += "order: 10\n"
        }
        let body: String
        switch kind {
        case .role: body = ru ? "## Обязанности\n\n- \n" : "## Duties\n\n- \n"
        case .script: body = ru ? "## Что говорить\n\n1. \n\n## Чего не говорить\n\n- \n" : "## What to say\n\n1. \n\n## What never to say\n\n- \n"
        case .step, .situation: body = ru ? "## Порядок действий\n\n1. \n" : "## What to do\n\n1. \n"
        default: body = ru ? "Текст документа.\n" : "The text of the document.\n"
        }
        return "---\n\(yaml)---\n\n\(body)"
    }
}
