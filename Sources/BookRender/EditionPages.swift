import BookChanges
import BookModel

/// The edition pages: «Что нового» (what changed since the previous edition, book-wide and per
/// role), the familiarisation sheets («лист ознакомления») of each role, and the badges on
/// changed pages. A change of nothing but the `reviewed` date is not news here.
enum EditionPaths {
    static let whatsNew = "changes.html"
    static let sheets = "sheets/index.html"
    static func sheet(_ role: String) -> String { "sheets/\(role).html" }
    /// The sheet of the standards for every role: signed once by everyone, not repeated on
    /// every role's sheet.
    static let everyoneSheet = "sheets/everyone.html"
    static func changesSheet(_ role: String) -> String { "sheets/changes/\(role).html" }
}

extension SiteRenderer {
    func editionPlans() -> [PagePlan] {
        var plans: [PagePlan] = []
        if let changes {
            plans.append(PagePlan(path: EditionPaths.whatsNew, depth: 0, template: "changes", title: whatsNewTitle) {
                whatsNew(changes)
            })
        }
        let roles = book.all(.role)
        guard !roles.isEmpty else { return plans }
        plans.append(PagePlan(path: EditionPaths.sheets, depth: 1, template: "list", title: s["sheets"] ?? "") {
            sheetIndex()
        })
        if !book.index.generalStandards.isEmpty {
            plans.append(PagePlan(path: EditionPaths.everyoneSheet, depth: 1, template: "sheet",
                                  title: "\(s["sheet"] ?? "") — \(s["generalStandards"] ?? "")") { everyoneSheet() })
        }
        for role in roles {
            plans.append(PagePlan(path: EditionPaths.sheet(role.id), depth: 1, template: "sheet",
                                  title: "\(s["sheet"] ?? "") — \(role.title)") { sheet(role, changedOnly: false) })
            if let changes, roleNews(role.id, changes) != nil {
                plans.append(PagePlan(path: EditionPaths.changesSheet(role.id), depth: 2, template: "sheet",
                                      title: "\(s["changesSheet"] ?? "") — \(role.title)") { sheet(role, changedOnly: true) })
            }
        }
        return plans
    }

    var whatsNewTitle: String {
        (s["whatsNew"] ?? "What's new") + (book.config.edition.map { " " + (s["inEdition"] ?? "in edition") + " " + $0 } ?? "")
    }

    /// The badge of a changed page: «новое в редакции 2026.2», «изменено в редакции 2026.2».
    func changeBadge(_ key: EntityKey) -> String? {
        guard let changes, changes.isNews(key) else { return nil }
        let word = changes.added.contains(key) ? (s["badgeNew"] ?? "new") : (s["badgeChanged"] ?? "changed")
        return word + " " + (book.config.edition.map { (s["inEdition"] ?? "in edition") + " " + $0 } ?? (s["inThisEdition"] ?? "in this edition"))
    }

    /// A role's changes that are news, and those removed from its handbook; nil for none.
    func roleNews(_ role: String, _ changes: BookChanges) -> [EntityKey]? {
        guard let entry = changes.roles.first(where: { $0.role == role }) else { return nil }
        let removed = Set(changes.removed), news = changes.newsKeys
        let keys = entry.changes.filter { news.contains($0) || removed.contains($0) }
        return keys.isEmpty ? nil : keys
    }

    /// One line of «Что нового»: the entity (linked unless removed), its kind, and what changed.
    func changeItem(_ key: EntityKey, _ changes: BookChanges, depth: Int, words: ChangeWords) -> [String: Any] {
        var c: [String: Any] = ["kindLabel": words.kind(key.kind)]
        if book[key] != nil {
            c.merge(link(key, depth: depth)) { _, b in b }
        } else {
            let title = changes.titles[key] ?? key.id
            c["title"] = title
            c["a"] = SiteRenderer.escape(title)
        }
        if changes.added.contains(key) {
            c["what"] = s["changeAdded"] ?? "new"
        } else if changes.removed.contains(key) {
            c["what"] = s["changeRemoved"] ?? "removed"
        } else if let rename = changes.renamed.first(where: { $0.new == key }), changes.change(of: key) == nil {
            c["what"] = (s["changeRenamed"] ?? "renamed, was") + " " + rename.from
        } else if let change = changes.change(of: key) {
            var notes = change.fields.filter { $0.field != "reviewed" }.map { field in
                words.field(field.field).capitalizedFirst + ": " + field.notes.map { words.note($0, titles: changes.titles) }.joined(separator: "; ")
            }
            if change.body {
                notes.append(words.body.capitalizedFirst + (change.sections.isEmpty ? "" : ": " + words.sections(change.sections)))
            }
            if let rename = changes.renamed.first(where: { $0.new == key }) {
                notes.insert((s["changeRenamed"] ?? "renamed, was") + " " + rename.from, at: 0)
            }
            c["notes"] = notes
            c["what"] = s["changeChanged"] ?? "changed"
        }
        return c
    }

    func whatsNew(_ changes: BookChanges) -> [String: Any] {
        let words = ChangeWords(book.config.language)
        let news = changes.newsKeys
        let changed = changes.changed.map(\.key).filter { news.contains($0) }
        let renamedOnly = changes.renamed.map(\.new).filter { changes.change(of: $0) == nil }
        func group(_ title: String?, _ keys: [EntityKey]) -> [String: Any]? {
            guard !keys.isEmpty else { return nil }
            return ["title": title ?? "", "items": keys.map { changeItem($0, changes, depth: 0, words: words) }]
        }
        let groups = [
            group(s["changesAdded"], changes.added), group(s["changesChanged"], changed),
            group(s["changesRenamed"], renamedOnly), group(s["changesRemoved"], changes.removed),
        ].compactMap { $0 }
        let roles: [[String: Any]] = changes.roles.compactMap { entry in
            guard let keys = roleNews(entry.role, changes) else { return nil }
            var c: [String: Any] = ["id": entry.role, "title": entry.title, "count": keys.count,
                                    "items": keys.map { changeItem($0, changes, depth: 0, words: words) }]
            if book.entity(.role, entry.role) != nil {
                c["url"] = Paths.page(EntityKey(.role, entry.role))
                c["sheetURL"] = EditionPaths.changesSheet(entry.role)
            }
            return c
        }
        let since = changes.previousEdition.map { (s["sinceEdition"] ?? "since edition") + " " + $0 } ?? ((s["since"] ?? "since") + " " + changes.since)
        let total = changes.added.count + changed.count + renamedOnly.count + changes.removed.count
        return [
            "title": whatsNewTitle,
            "intro": (s["whatsNewIntro"] ?? "%1: %2 documents.")
                .replacingOccurrences(of: "%1", with: since.capitalizedFirst).replacingOccurrences(of: "%2", with: String(total)),
            "groups": groups, "hasGroups": !groups.isEmpty,
            "roles": roles, "hasRoles": !roles.isEmpty,
        ]
    }

    func sheetIndex() -> [String: Any] {
        var items = sorted(book.all(.role)).map { item(Paths.relative(EditionPaths.sheet($0.id), depth: 1), $0.title) }
        if !book.index.generalStandards.isEmpty {
            items.insert(item(Paths.relative(EditionPaths.everyoneSheet, depth: 1), s["generalStandards"] ?? ""), at: 0)
        }
        if let changes {
            let changed = sorted(book.all(.role)).filter { roleNews($0.id, changes) != nil }
            if !changed.isEmpty {
                return ["title": s["sheets"] ?? "", "intro": s["sheetsIntro"] ?? "",
                        "groups": [["heading": s["sheetsFull"] ?? "", "items": items],
                                   ["heading": (s["changesSheets"] ?? "") + (book.config.edition.map { " " + $0 } ?? ""),
                                    "items": changed.map { item(Paths.relative(EditionPaths.changesSheet($0.id), depth: 1), $0.title) }]]]
            }
        }
        items = items.isEmpty ? [] : items
        return ["title": s["sheets"] ?? "", "intro": s["sheetsIntro"] ?? "", "groups": [["items": items]]]
    }

    /// A familiarisation sheet: the documents of the role's handbook (or those changed in this
    /// edition), then a table to sign.
    func sheet(_ role: Entity, changedOnly: Bool) -> [String: Any] {
        let depth = changedOnly ? 2 : 1
        let words = ChangeWords(book.config.language)
        var keys = book.handbook(of: role.id)
        let general = Set(book.index.generalStandards.map { EntityKey(.standard, $0) })
        if changedOnly, let changes {
            keys = roleNews(role.id, changes) ?? []
        } else {
            keys = keys.filter { !general.contains($0) }
        }
        let edition = book.config.edition ?? "—"
        let documents = sheetRows(keys, depth: depth, edition: edition, words: words, markChanged: !changedOnly)
        let staff = roster.filter { $0.role?.id == role.id }.count
        let rows = max(12, staff + 4)
        var c: [String: Any] = [:]
        if !changedOnly, !general.isEmpty {
            c["everyone"] = ["url": Paths.relative(EditionPaths.everyoneSheet, depth: depth), "count": general.count]
        }
        let title = changedOnly ? (s["changesSheet"] ?? "") : (s["sheet"] ?? "")
        let statement = (changedOnly ? s["changesSheetStatement"] : s["sheetStatement"]) ?? ""
        if changedOnly, let previous = changes?.previousEdition { c["previousEdition"] = previous }
        return c.merging([
            "title": title, "role": role.title, "organization": book.config.organization ?? book.config.title,
            "bookTitle": book.config.title, "edition": edition,
            "statement": statement.replacingOccurrences(of: "%1", with: edition),
            "documents": documents, "count": keys.count,
            "rows": signatureRows(rows),
            "roleURL": Paths.relative(Paths.page(role.key), depth: depth),
        ]) { _, b in b }
    }
}

extension SiteRenderer {
    /// The sheet of the standards for every role.
    func everyoneSheet() -> [String: Any] {
        let words = ChangeWords(book.config.language)
        let edition = book.config.edition ?? "—"
        let keys = book.index.generalStandards.map { EntityKey(.standard, $0) }
        return [
            "title": s["sheet"] ?? "", "role": s["allStaff"] ?? "", "organization": book.config.organization ?? book.config.title,
            "bookTitle": book.config.title, "edition": edition,
            "statement": (s["sheetStatement"] ?? "").replacingOccurrences(of: "%1", with: edition),
            "documents": sheetRows(keys, depth: 1, edition: edition, words: words, markChanged: true), "count": keys.count,
            "rows": signatureRows(max(12, roster.count + 4)),
        ]
    }

    /// The rows of a sheet's table of documents: №, title (linked), kind, edition, review date.
    /// Written here, not by the template: a sheet lists hundreds of documents.
    func sheetRows(_ keys: [EntityKey], depth: Int, edition: String, words: ChangeWords, markChanged: Bool) -> String {
        let changedMark = " <span class=\"change-mark\">\(SiteRenderer.escape(s["changedMark"] ?? "changed"))</span>"
        let removed = " <span class=\"muted\">(\(SiteRenderer.escape(s["sheetRemoved"] ?? "withdrawn")))</span>"
        var out = ""
        for (i, key) in keys.enumerated() {
            var title: String, reviewed = ""
            if let entity = book[key] {
                title = "<a href=\"\(Paths.relative(Paths.page(key), depth: depth))\">\(SiteRenderer.escape(entity.title))</a>"
                reviewed = entity.reviewed?.description ?? ""
            } else {
                title = SiteRenderer.escape(changes?.titles[key] ?? key.id) + removed
            }
            if markChanged, let changes, changes.isNews(key) { title += changedMark }
            out += "<tr><td>\(i + 1)</td><td>\(title)</td><td>\(SiteRenderer.escape(words.kind(key.kind)))</td>"
                + "<td>\(SiteRenderer.escape(edition))</td><td>\(reviewed)</td></tr>\n"
        }
        return out
    }

    /// The empty rows of a sheet's table to sign.
    func signatureRows(_ count: Int) -> String {
        (1...count).map { "<tr><td>\($0)</td><td></td><td></td><td></td><td></td></tr>\n" }.joined()
    }
}

extension String {
    /// The text with its first letter in upper case.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
