import BookCheck
import BookLoad
import BookModel
import BookSearch

/// What the fuzzer runs on one input: the bytes as a file of every kind, in a small valid book,
/// through load → model → check (rules and completeness), plus the search tokenizer over the
/// body and its readable text. It must never crash or hang; the diagnostics themselves are
/// judged by the other tests.
public enum FuzzHarness {
    /// A small book the fuzzed file joins, so that its references have something to resolve to.
    static let book: [(path: String, kind: Kind, text: String)] = [
        ("roles/manager.md", .role, "---\ntitle: Менеджер\nsummary: Отвечает за продажи.\n---\nТекст.\n"),
        ("scripts/call.md", .script, "---\ntitle: Скрипт\nphrases:\n  - avoid: Не знаю\n    say: Уточню\n---\n## Начало\n"),
        ("standards/phone.md", .standard, "---\ntitle: Телефон\nchecks:\n  - text: Представился\n    weight: 2\n---\nТекст.\n"),
        ("journeys/sale.md", .journey, "---\ntitle: Покупка\nstages:\n  - id: first\n    title: Контакт\n    steps: [fuzz, call]\n---\nПуть.\n"),
        ("steps/call.md", .step, "---\ntitle: Звонок\nresponsible: manager\nscript: call\nstandards: [phone]\n---\nСм. [скрипт](../scripts/call.md#начало).\n"),
        ("glossary/lead.md", .term, "---\ntitle: Лид\naliases: [заявка]\n---\nОбращение.\n"),
    ]

    static let fixed: [SourceDocument] = book.compactMap {
        ContentLoader.loadDocument(bytes: Array($0.text.utf8), path: $0.path, kind: $0.kind, display: "content/" + $0.path).document
    }

    static let today = Day(year: 2026, month: 11, day: 22)!

    /// Runs one input. Returns the number of diagnostics (so that the work is not optimised away).
    @discardableResult
    public static func run(_ bytes: [UInt8]) -> Int {
        var count = 0
        for kind in Kind.allCases {
            let path = kind.folder + "/fuzz.md"
            let (document, diagnostics) = ContentLoader.loadDocument(bytes: bytes, path: path, kind: kind, display: "content/" + path)
            count += diagnostics.count
            var documents = fixed
            if let document { documents.append(document) }
            let (model, found) = ModelBuilder.build(config: BookConfig(title: "Книга"), documents: documents)
            count += found.count + Rules.run(model, today: today).count
            count += Completeness.report(model, today: today).count
            if let document, kind == .page {
                count += SearchText.words(document.body).count
                count += SearchText.words(document.markdown.text).count
            }
        }
        return count
    }
}
