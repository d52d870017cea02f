// bookgen: writes a synthetic service book of N entities for benchmarks.
//
//   bookgen N OUTPUT_FOLDER [--hugo HUGO_SITE_FOLDER] [--audits VISITS]
//
// With --hugo it also writes the same pages as a Hugo site (content with the same Markdown
// bodies, minimal layouts with a sidebar), so that Debian's `hugo` can build equivalent content.
// The book is valid (every reference resolves, every link and anchor exists, nothing is unused)
// and deterministic for a given N. Bodies are Russian prose of 1.5–4 KB with headings, lists,
// tables and links, like a real service book's.
import Foundation

struct Generator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }

    mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    mutating func pick<T>(_ items: [T]) -> T { items[int(0..<items.count)] }
}

let sentences = [
    "Сотрудник приветствует клиента в течение тридцати секунд после его появления в салоне.",
    "Менеджер представляется, называет свою должность и уточняет, как обращаться к клиенту.",
    "Все договорённости с клиентом фиксируются в CRM в день обращения, без исключений.",
    "Если ответа на вопрос нет, сотрудник говорит «Разрешите, я уточню» и возвращается с ответом в оговорённый срок.",
    "Клиенту предлагают напитки и удобное место ожидания, пока готовятся документы.",
    "Во время тест-драйва менеджер рассказывает о преимуществах автомобиля, не перегружая клиента техническими деталями.",
    "Сроки поставки называются только после подтверждения от логистического отдела.",
    "Жалоба клиента регистрируется сразу, даже если она кажется необоснованной.",
    "Руководитель отдела подключается к разговору, если клиент просит об этом или конфликт не удаётся решить за десять минут.",
    "При выдаче автомобиля специалист проверяет комплектацию вместе с клиентом по чек-листу.",
    "Нельзя спорить с клиентом, перебивать его и обсуждать коллег в его присутствии.",
    "Каждый звонок завершается резюме договорённостей и прощанием по имени.",
    "Тайный покупатель оценивает визит по чек-листу стандарта, критические пункты проверяются отдельно.",
    "Индекс NPS измеряется через три дня после покупки и после каждого визита в сервис.",
    "Ответ на сообщение в мессенджере даётся не позднее чем через пять минут в рабочее время.",
    "Внешний вид сотрудника соответствует стандарту должности: форма чистая, бейдж на левой стороне груди.",
    "Предоплата принимается только по договору, клиент получает кассовый чек и копию договора.",
    "Мастер-консультант согласует дополнительные работы с клиентом до их начала и фиксирует согласие в заказ-наряде.",
    "Клиента информируют о ходе ремонта не реже одного раза в день, даже если новостей нет.",
    "Возражение о цене отрабатывается через ценность предложения, а не через немедленную скидку.",
]
let headings = ["Порядок действий", "Советы", "Типичные ошибки", "Что важно помнить", "Пример"]
let kinds: [(folder: String, share: Int)] = [
    ("roles", 2), ("journeys", 1), ("steps", 40), ("situations", 10), ("standards", 5),
    ("scripts", 20), ("glossary", 15), ("pages", 7),
]

func paragraph(_ g: inout Generator, sentences count: Int) -> String {
    (0..<count).map { _ in g.pick(sentences) }.joined(separator: " ")
}

/// A body of roughly 1.5–4 KB with headings, a list, sometimes a table, and links to `links`.
func body(_ g: inout Generator, links: [String]) -> String {
    var out = paragraph(&g, sentences: g.int(2..<4)) + "\n\n"
    let target = g.int(1500..<4000)
    var sectionIndex = 0
    while out.utf8.count < target {
        out += "## \(headings[sectionIndex % headings.count])\(sectionIndex >= headings.count ? " \(sectionIndex)" : "")\n\n"
        sectionIndex += 1
        switch g.int(0..<3) {
        case 0:
            for i in 1...g.int(3..<6) { out += "\(i). \(g.pick(sentences))\n" }
        case 1:
            out += "| Ситуация | Что делать |\n|---|---|\n"
            for _ in 0..<g.int(2..<4) { out += "| \(g.pick(sentences).prefix(40)) | \(g.pick(sentences)) |\n" }
        default:
            out += paragraph(&g, sentences: g.int(2..<5))
        }
        out += "\n\n"
        if let link = links.isEmpty ? nil : g.pick(links) {
            out += "Подробнее — в разделе [\(link.split(separator: "/").last!)](\(link)).\n\n"
        }
    }
    return out
}

func write(_ path: String, _ text: String) {
    let url = URL(fileURLWithPath: path)
    try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
        FileHandle.standardError.write(Data("bookgen: cannot write \(path)\n".utf8))
        exit(2)
    }
}

var args = CommandLine.arguments
// --audits VISITS: mystery-shopper audits too (a roster, departments, a journey of 60 checks and
// VISITS visits in CSV files), and ids on every check.
var auditVisits = 0
if let at = args.firstIndex(of: "--audits"), at + 1 < args.count, let n = Int(args[at + 1]) {
    auditVisits = n
    args.removeSubrange(at...(at + 1))
}
guard args.count == 3 || (args.count == 5 && args[3] == "--hugo"), let total = Int(args[1]), total >= 20 else {
    FileHandle.standardError.write(Data("usage: bookgen N OUTPUT_FOLDER [--hugo HUGO_FOLDER] [--audits VISITS]   (N >= 20 entities)\n".utf8))
    exit(2)
}
let out = args[2]
let hugo = args.count == 5 ? args[4] : nil

/// Writes a document of the book, and its twin in the Hugo site.
func document(_ folder: String, _ subfolder: String?, _ id: String, frontMatter: String, body: String) {
    let path = [folder, subfolder, id + ".md"].compactMap { $0 }.joined(separator: "/")
    write("\(out)/\(path)", frontMatter + body)
    if let hugo {
        // Hugo reads the same Markdown; only `title` and `summary` matter to its templates.
        let lines = frontMatter.split(separator: "\n").filter { $0.hasPrefix("title:") || $0.hasPrefix("summary:") }
        write("\(hugo)/content/\(folder)/\(id).md", "---\n" + lines.joined(separator: "\n") + "\n---\n" + body)
    }
}
var g = Generator(state: UInt64(total))
let shareSum = kinds.map(\.share).reduce(0, +)
var counts: [String: Int] = [:]
for kind in kinds { counts[kind.folder] = max(2, total * kind.share / shareSum) }
counts["steps"]! += total - counts.values.reduce(0, +)

func ids(_ folder: String, _ prefix: String) -> [String] { (0..<counts[folder]!).map { "\(prefix)-\($0)" } }
let roles = ids("roles", "role"), journeys = ids("journeys", "journey"), steps = ids("steps", "step")
let situations = ids("situations", "situation"), standards = ids("standards", "standard")
let scripts = ids("scripts", "script"), terms = ids("glossary", "term"), pages = ids("pages", "page")
// Links from a body: paths relative to a file one folder deep, with a known anchor sometimes.
let linkTargets = scripts.prefix(50).map { "../scripts/\($0).md#порядок-действий" } + roles.map { "../roles/\($0).md" }
    + terms.prefix(50).map { "../glossary/\($0).md" }

let reviewed = "reviewed: 2026-10-01"
write("\(out)/book.yml", "title: Синтетическая книга стандартов (\(total))\nlanguage: ru\norganization: Бенчмарк\n")

for (i, id) in roles.enumerated() {
    let reports = i == 0 ? "" : "reports_to: \(roles[0])\n"
    document("roles", nil, id, frontMatter: "---\ntitle: Роль \(i)\nsummary: Должность номер \(i).\n\(reports)\(reviewed)\n---\n", body: body(&g, links: linkTargets))
}
// Journeys: steps split evenly, 5–8 stages each.
let perJourney = (steps.count + journeys.count - 1) / journeys.count
for (j, id) in journeys.enumerated() {
    let mine = Array(steps[min(steps.count, j * perJourney)..<min(steps.count, (j + 1) * perJourney)])
    let stageCount = max(1, min(8, mine.count / 4))
    var yaml = "---\ntitle: Путь клиента \(j)\nsummary: Синтетический путь клиента.\nstages:\n"
    let perStage = (mine.count + stageCount - 1) / stageCount
    for s in 0..<stageCount {
        let slice = mine[min(mine.count, s * perStage)..<min(mine.count, (s + 1) * perStage)]
        if slice.isEmpty { continue }
        yaml += "  - id: stage-\(s)\n    title: Этап \(s)\n    steps: [\(slice.joined(separator: ", "))]\n"
    }
    document("journeys", nil, id, frontMatter: yaml + "\(reviewed)\n---\n", body: body(&g, links: linkTargets))
}
for (i, id) in steps.enumerated() {
    let sub = "group-\(i % 10)"
    let links = linkTargets.map { "../" + $0 }
    let yaml = """
    ---
    title: Шаг \(i)
    summary: Что делает сотрудник на шаге \(i).
    responsible: \(roles[i % roles.count])
    participants: [\(roles[(i + 1) % roles.count])]
    script: [\(scripts[i % scripts.count])]
    standards: [\(standards[i % standards.count])]
    situations: [\(situations[i % situations.count])]
    channel: \(["phone", "in-person", "messenger", "email"][i % 4])
    timing: в течение \(5 + i % 30) минут
    \(reviewed)
    ---

    """
    document("steps", sub, id, frontMatter: yaml, body: body(&g, links: links))
}
for (i, id) in situations.enumerated() {
    let yaml = "---\ntitle: Ситуация \(i)\nsummary: Нестандартная ситуация \(i).\nresponsible: \(roles[i % roles.count])\n"
        + "escalation: \(roles[0])\nscript: \(scripts[(i * 7) % scripts.count])\nseverity: \(["low", "medium", "high", "critical"][i % 4])\n"
        + "standards: [\(standards[(i * 3) % standards.count])]\n\(reviewed)\n---\n"
    document("situations", nil, id, frontMatter: yaml, body: body(&g, links: linkTargets))
}
for (i, id) in standards.enumerated() {
    var yaml = "---\ntitle: Стандарт \(i)\nsummary: Правило поведения \(i).\ncategory: communication\napplies_to: [\(roles[i % roles.count])]\nchecks:\n"
    for c in 0..<5 {
        // Without audits the checks stay as they were, so the benchmark book does not change.
        let id = auditVisits > 0 ? "  - id: c\(c + 1)\n    text: " : "  - text: "
        yaml += c == 0 ? "\(id)\"\(g.pick(sentences))\"\n    weight: 2\n    critical: true\n"
            : auditVisits > 0 ? "\(id)\"\(g.pick(sentences))\"\n" : "  - \"\(g.pick(sentences))\"\n"
    }
    document("standards", nil, id, frontMatter: yaml + "\(reviewed)\n---\n", body: body(&g, links: linkTargets))
}
for (i, id) in scripts.enumerated() {
    let yaml = "---\ntitle: Скрипт \(i)\nsummary: Что говорить в разговоре \(i).\nchannel: phone\nphrases:\n"
        + "  - avoid: \"Я не знаю\"\n    say: \"Разрешите, я уточню\"\n  - avoid: \"Это не ко мне\"\n    say: \"Сейчас соединю вас с коллегой\"\n\(reviewed)\n---\n"
    // Every script has the "Порядок действий" heading that links point at.
    document("scripts", nil, id, frontMatter: yaml, body: "## Порядок действий\n\n" + body(&g, links: linkTargets))
}
for (i, id) in terms.enumerated() {
    document("glossary", nil, id, frontMatter: "---\ntitle: Термин \(i)\nsummary: Определение термина \(i).\naliases: [термина \(i)]\n\(reviewed)\n---\n", body: body(&g, links: []))
}
for (i, id) in pages.enumerated() {
    document("pages", nil, id, frontMatter: "---\ntitle: Глава \(i)\nsummary: Глава книги \(i).\norder: \(i)\n\(reviewed)\n---\n", body: body(&g, links: linkTargets))
}
if auditVisits > 0 {
    // Five departments, a roster of 200, a journey of twelve steps whose standards give 60
    // checks, and the visits in CSV files of 1,000 rows.
    let departments = (0..<5).map { "d\($0)" }
    write("\(out)/book.yml", "title: Синтетическая книга стандартов (\(total))\nlanguage: ru\norganization: Бенчмарк\n"
        + "departments:\n" + departments.map { "  \($0): Салон \($0)\n" }.joined()
        + "evaluation:\n  target: 85\n  bands:\n    - {from: 95, title: Премия 15 %}\n    - {from: 85, title: Премия 5 %}\n    - {from: 0, title: Без премии}\n")
    var staff = ""
    for e in 0..<200 { staff += "e\(e): {name: Сотрудник \(e), role: \(roles[e % roles.count]), department: \(departments[e % departments.count])}\n" }
    write("\(out)/staff.yml", staff)
    let audited = Array(steps.prefix(12))
    document("journeys", nil, "journey-audit", frontMatter: "---\ntitle: Путь для проверок\nsummary: Путь, по которому ходит тайный покупатель.\nstages:\n"
        + "  - id: contact\n    title: Контакт\n    steps: [\(audited.prefix(6).joined(separator: ", "))]\n"
        + "  - id: visit\n    title: Визит\n    steps: [\(audited.dropFirst(6).joined(separator: ", "))]\n\(reviewed)\n---\n", body: body(&g, links: []))
    let columns = audited.indices.flatMap { i in (1...5).map { "\(standards[i % standards.count])/c\($0)" } }
    var file = 0, text = ""
    for v in 0..<auditVisits {
        if v % 1000 == 0 {
            if !text.isEmpty { write("\(out)/audits/visits-\(file).csv", text); file += 1 }
            text = "visit;date;journey;department;employee;auditor;nps;" + columns.joined(separator: ";") + "\n"
        }
        let employee = g.int(0..<200)
        let date = String(format: "2026-%02d-%02d", 1 + v % 11, 1 + g.int(0..<28))
        let answers = columns.indices.map { c -> String in
            let roll = g.int(0..<100)
            return c % 5 == 0 ? (roll < 3 ? "0" : "1") : (roll < 15 ? "0" : roll < 25 ? "-" : "1")
        }
        text += "v\(v);\(date);journey-audit;\(departments[employee % departments.count]);e\(employee);ТП-\(g.int(1..<30));\(g.int(0..<11));"
            + answers.joined(separator: ";") + "\n"
    }
    if !text.isEmpty { write("\(out)/audits/visits-\(file).csv", text) }
}
if let hugo {
    write("\(hugo)/config.toml", "baseURL = \"/\"\nlanguageCode = \"ru\"\ntitle = \"Синтетическая книга\"\nrelativeURLs = true\nuglyURLs = true\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\", \"404\"]\n[markup.goldmark.renderer]\nunsafe = false\n")
    write("\(hugo)/layouts/_default/baseof.html", """
    <!DOCTYPE html>
    <html lang="ru"><head><meta charset="utf-8"><title>{{ .Title }} — {{ site.Title }}</title><link rel="stylesheet" href="/style.css"></head>
    <body><nav><ul>{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav>
    <main>{{ block "main" . }}{{ end }}</main></body></html>
    """)
    write("\(hugo)/layouts/_default/single.html", "{{ define \"main\" }}<article><h1>{{ .Title }}</h1><p>{{ .Summary }}</p>{{ .Content }}</article>{{ end }}\n")
    write("\(hugo)/layouts/_default/list.html", "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Params.summary }}</li>{{ end }}</ul>{{ end }}\n")
}
print("bookgen: wrote \(counts.values.reduce(0, +)) entities to \(out)")
