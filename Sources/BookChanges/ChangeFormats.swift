import BookModel
import Foundation

/// The formats of `servicebook changes`: for a terminal (`human`), for tools (`json`, the shape
/// SPEC §11 documents) and for a release note (`markdown`, in the book's language).
public enum ChangeFormat: String, CaseIterable, Sendable {
    case human, json, markdown

    public func render(_ changes: BookChanges, language: Language, color: Bool) -> String {
        switch self {
        case .human: ChangeHumanFormatter(changes: changes, color: color).format()
        case .json: ChangeJSONFormatter.format(changes)
        case .markdown: ChangeMarkdownFormatter(changes: changes, words: ChangeWords(language)).format()
        }
    }
}

/// `--format json`: `since`, `added` and `removed` (`{kind, id}`), `renamed` (`{kind, from, to}`),
/// `changed` (`{kind, id, fields, body, sections}`) and `roles` (role id → `[{kind, id}]`);
/// kinds are folder names. Entities also carry their `title`.
public enum ChangeJSONFormatter {
    public static func format(_ c: BookChanges) -> String {
        func item(_ key: EntityKey) -> [String: Any] {
            ["kind": key.kind.folder, "id": key.id, "title": c.titles[key] as Any]
        }
        let document: [String: Any] = [
            "version": 1,
            "since": c.since,
            "edition": c.edition as Any,
            "previous_edition": c.previousEdition as Any,
            "added": c.added.map(item),
            "removed": c.removed.map(item),
            "renamed": c.renamed.map { ["kind": $0.kind.folder, "from": $0.from, "to": $0.to, "title": c.titles[$0.new] as Any] },
            "changed": c.changed.map { change -> [String: Any] in
                ["kind": change.key.kind.folder, "id": change.key.id, "title": c.titles[change.key] as Any,
                 "fields": change.fields.map(\.field), "body": change.body, "sections": change.sections]
            },
            "roles": Dictionary(c.roles.map { ($0.role, $0.changes.map { ["kind": $0.kind.folder, "id": $0.id] }) },
                                uniquingKeysWith: { a, _ in a }),
        ]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// What a field's change says, in English for the terminal.
enum NoteText {
    static func english(_ note: Note) -> String {
        func q(_ s: String?) -> String { s.map { "«\($0)»" } ?? "none" }
        switch (note.verb, note.aspect) {
        case (.changed, nil): return "\(note.from ?? "none") → \(note.to ?? "none")"
        case (.changed, "text"): return "check text \(q(note.from)) → \(q(note.to))"
        case (.changed, "weight"): return "weight \(note.from ?? "1") → \(note.to ?? "1") of \(q(note.subject))"
        case (.changed, "critical"): return (note.to == "true" ? "now critical: " : "no longer critical: ") + q(note.subject)
        case (.changed, "id"): return "check id \(note.from ?? "none") → \(note.to ?? "none") of \(q(note.subject))"
        case (.changed, "say"): return "what to say instead of \(q(note.subject)): \(q(note.from)) → \(q(note.to))"
        case (.changed, "title"): return "stage \(note.subject) renamed \(q(note.from)) → \(q(note.to))"
        case (.added, "stage"): return "stage \(q(note.subject)) added"
        case (.removed, "stage"): return "stage \(q(note.subject)) removed"
        case (.reordered, "stage"): return "stages reordered"
        case (.added, "step"): return "step \(note.subject) added to \(q(note.to))"
        case (.removed, "step"): return "step \(note.subject) removed from \(q(note.from))"
        case (.moved, "step"): return "step \(note.subject) moved from \(q(note.from)) to \(q(note.to))"
        case (.reordered, "step"): return "steps of \(q(note.subject)) reordered"
        case (.added, _):
            var text = "+ " + (note.to == nil ? note.subject : "\(q(note.subject)) → \(q(note.to))")
            if let weight = note.weight { text += " (weight \(Band.format(weight))\(note.critical ? ", critical" : ""))" }
            return text
        case (.removed, _): return "− " + note.subject
        case (.reordered, _): return "reordered"
        default: return note.verb.rawValue + " " + note.subject
        }
    }
}

/// For a terminal: what was added, removed, renamed and changed (with each field's notes and
/// the changed sections), grouped by kind; then per role.
struct ChangeHumanFormatter {
    let changes: BookChanges
    let color: Bool

    func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    func label(_ key: EntityKey) -> String {
        "\(key.kind.folder)/\(key.id)" + (changes.titles[key].map { "  «\($0)»" } ?? "")
    }

    func format() -> String {
        let c = changes
        var out = "Changes since \(c.since)"
        if c.previousEdition != nil || c.edition != nil { out += " (edition \(c.previousEdition ?? "?") → \(c.edition ?? "?"))" }
        out += ": \(c.added.count) added, \(c.removed.count) removed, \(c.renamed.count) renamed, \(c.changed.count) changed\n"
        if c.isEmpty { return out + "\nNothing changed.\n" }
        if !c.added.isEmpty {
            out += "\n" + paint("Added", "1;32") + "\n"
            for key in c.added { out += "  + \(label(key))\n" }
        }
        if !c.removed.isEmpty {
            out += "\n" + paint("Removed", "1;31") + "\n"
            for key in c.removed { out += "  − \(label(key))\n" }
        }
        if !c.renamed.isEmpty {
            out += "\n" + paint("Renamed", "1;36") + "\n"
            for r in c.renamed { out += "  \(r.kind.folder)/\(r.from) → \(r.to)" + (c.titles[r.new].map { "  «\($0)»" } ?? "") + "\n" }
        }
        if !c.changed.isEmpty {
            out += "\n" + paint("Changed", "1;33") + "\n"
            for change in c.changed {
                out += "  ~ \(label(change.key))\n"
                for field in change.fields {
                    out += "      \(paint(field.field, "1")): " + field.notes.map(NoteText.english).joined(separator: "; ") + "\n"
                }
                if change.body {
                    let sections = change.sections.map { $0.isEmpty ? "(before the first heading)" : "«\($0)»" }
                    out += "      \(paint("body", "1")): " + (sections.isEmpty ? "changed" : "sections " + sections.joined(separator: ", ")) + "\n"
                }
            }
        }
        if !c.roles.isEmpty {
            out += "\n" + paint("By role", "1") + "\n"
            let removed = Set(c.removed), added = Set(c.added), renamed = Set(c.renamed.map(\.new))
            for role in c.roles {
                out += "  \(role.title) (\(role.role)): \(role.changes.count)\n"
                for key in role.changes {
                    let what = added.contains(key) ? "added" : removed.contains(key) ? "removed"
                        : renamed.contains(key) ? "renamed" : (c.change(of: key).map { change in
                            (change.fields.map(\.field) + (change.body ? ["body"] : [])).joined(separator: ", ")
                        } ?? "changed")
                    out += "    \(label(key))  — \(what)\n"
                }
            }
        }
        return out
    }
}

/// The words of a release note (and of the handbook's «Что нового»), in the book's language.
public struct ChangeWords: Sendable {
    let language: Language
    public init(_ language: Language) { self.language = language }
    var ru: Bool { language == .ru }

    public func kind(_ kind: Kind) -> String {
        switch kind {
        case .journey: ru ? "Путь клиента" : "Journey"
        case .step: ru ? "Шаг" : "Step"
        case .situation: ru ? "Ситуация" : "Situation"
        case .role: ru ? "Роль" : "Role"
        case .standard: ru ? "Стандарт" : "Standard"
        case .script: ru ? "Скрипт" : "Script"
        case .term: ru ? "Термин" : "Term"
        case .page: ru ? "Глава" : "Chapter"
        }
    }

    public func field(_ name: String) -> String {
        guard ru else { return name.replacingOccurrences(of: "_", with: " ") }
        return [
            "title": "название", "summary": "краткое описание", "tags": "метки", "owner": "владелец",
            "reviewed": "дата проверки", "stages": "этапы", "responsible": "ответственный", "participants": "участники",
            "script": "скрипты", "standards": "стандарты", "situations": "ситуации", "channel": "канал",
            "timing": "сроки", "escalation": "эскалация", "severity": "важность", "reports_to": "подчиняется",
            "category": "категория", "applies_to": "для ролей", "checks": "пункты проверки", "phrases": "фразы",
            "aliases": "синонимы", "order": "порядок",
        ][name] ?? name
    }

    /// A note with the ids it names shown as the entities' titles.
    public func note(_ note: Note, titles: [EntityKey: String]) -> String {
        guard let kind = note.kind else { return self.note(note) }
        func title(_ id: String?) -> String? { id.map { titles[EntityKey(kind, $0)] ?? $0 } }
        let named = Note(note.verb, title(note.subject) ?? "", aspect: note.aspect,
                         from: note.aspect == "step" ? note.from : title(note.from),
                         to: note.aspect == "step" ? note.to : title(note.to), weight: note.weight, critical: note.critical)
        return self.note(named)
    }

    func note(_ note: Note) -> String {
        func q(_ s: String?) -> String { s.map { "«\($0)»" } ?? (ru ? "не задано" : "none") }
        guard ru else { return NoteText.english(note) }
        switch (note.verb, note.aspect) {
        case (.changed, nil): return "\(q(note.from)) → \(q(note.to))"
        case (.changed, "text"): return "изменена формулировка: \(q(note.from)) → \(q(note.to))"
        case (.changed, "weight"): return "вес пункта \(q(note.subject)): \(note.from ?? "1") → \(note.to ?? "1")"
        case (.changed, "critical"): return (note.to == "true" ? "пункт стал критичным: " : "пункт больше не критичный: ") + q(note.subject)
        case (.changed, "id"): return "код пункта \(q(note.subject)): \(note.from ?? "—") → \(note.to ?? "—")"
        case (.changed, "say"): return "вместо \(q(note.subject)) теперь говорим \(q(note.to))"
        case (.changed, "title"): return "этап переименован: \(q(note.from)) → \(q(note.to))"
        case (.added, "stage"): return "добавлен этап \(q(note.subject))"
        case (.removed, "stage"): return "убран этап \(q(note.subject))"
        case (.reordered, "stage"): return "изменён порядок этапов"
        case (.added, "step"): return "шаг \(q(note.subject)) добавлен в этап \(q(note.to))"
        case (.removed, "step"): return "шаг \(q(note.subject)) убран из этапа \(q(note.from))"
        case (.moved, "step"): return "шаг \(q(note.subject)) перенесён из этапа \(q(note.from)) в \(q(note.to))"
        case (.reordered, "step"): return "изменён порядок шагов этапа \(q(note.subject))"
        case (.added, _):
            var text = "добавлено: " + (note.to == nil ? q(note.subject) : "\(q(note.subject)) → \(q(note.to))")
            if let weight = note.weight { text += " (вес \(Band.format(weight))\(note.critical ? ", критичный" : ""))" }
            return text
        case (.removed, _): return "убрано: " + q(note.subject)
        case (.reordered, _): return "изменён порядок"
        default: return note.subject
        }
    }

    public var body: String { ru ? "текст" : "text" }
    var beforeFirstHeading: String { ru ? "вступление" : "introduction" }
    public func sections(_ list: [String]) -> String {
        let names = list.map { $0.isEmpty ? beforeFirstHeading : "«\($0)»" }
        return (ru ? (list.count == 1 ? "раздел " : "разделы ") : (list.count == 1 ? "section " : "sections ")) + names.joined(separator: ", ")
    }
}

/// `--format markdown`: a release note to paste, in the book's language.
struct ChangeMarkdownFormatter {
    let changes: BookChanges
    let words: ChangeWords

    func name(_ key: EntityKey) -> String {
        "\(words.kind(key.kind)) «\(changes.titles[key] ?? key.id)» (`\(key.kind.folder)/\(key.id)`)"
    }

    func describe(_ change: EntityChange) -> String {
        var parts = change.fields.map { field in
            "\(words.field(field.field)): " + field.notes.map { words.note($0, titles: changes.titles) }.joined(separator: "; ")
        }
        if change.body { parts.append(words.body + (change.sections.isEmpty ? "" : ", " + words.sections(change.sections))) }
        return parts.joined(separator: "; ")
    }

    func format() -> String {
        let c = changes, ru = words.ru
        var out = "# " + (ru ? "Что нового" : "What's new") + (c.edition.map { ru ? " в редакции \($0)" : " in edition \($0)" } ?? "") + "\n\n"
        let since = c.previousEdition.map { ru ? "с редакции \($0)" : "since edition \($0)" } ?? (ru ? "с \(c.since)" : "since \(c.since)")
        out += ru
            ? "Изменения \(since): добавлено — \(c.added.count), удалено — \(c.removed.count), переименовано — \(c.renamed.count), изменено — \(c.changed.count).\n"
            : "Changes \(since): \(c.added.count) added, \(c.removed.count) removed, \(c.renamed.count) renamed, \(c.changed.count) changed.\n"
        if !c.added.isEmpty {
            out += "\n## " + (ru ? "Добавлено" : "Added") + "\n\n" + c.added.map { "- \(name($0))\n" }.joined()
        }
        if !c.changed.isEmpty {
            out += "\n## " + (ru ? "Изменено" : "Changed") + "\n\n"
            out += c.changed.map { "- \(name($0.key)): \(describe($0))\n" }.joined()
        }
        if !c.renamed.isEmpty {
            out += "\n## " + (ru ? "Переименовано" : "Renamed") + "\n\n"
            out += c.renamed.map { "- \(name($0.new)): " + (ru ? "прежний код" : "was") + " `\($0.from)`\n" }.joined()
        }
        if !c.removed.isEmpty {
            out += "\n## " + (ru ? "Удалено" : "Removed") + "\n\n" + c.removed.map { "- \(name($0))\n" }.joined()
        }
        if !c.roles.isEmpty {
            out += "\n## " + (ru ? "По ролям" : "By role") + "\n"
            for role in c.roles {
                out += "\n### \(role.title)\n\n" + role.changes.map { "- \(name($0))\n" }.joined()
            }
        }
        return out
    }
}
