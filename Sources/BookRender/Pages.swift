import BookAudit
import BookModel
import Foundation

/// The context of each page kind, for its Mustache template.
extension SiteRenderer {
    func home() -> [String: Any] {
        let journeys: [[String: Any]] = book.all(.journey).map { journey in
            var c = link(journey.key, depth: 0)
            c["stages"] = (journey.journey?.stages ?? []).map { stage -> [String: Any] in
                item(Paths.page(journey.key) + "#sb:stage-\(stage.id)", stage.title)
            }
            return c
        }
        let sections: [[String: Any]] = [Kind.situation, .role, .standard, .script, .step, .term].compactMap { kind in
            let count = book.all(kind).count
            guard count > 0 else { return nil }
            var c = item(Paths.index(kind), s["index_\(kind.rawValue)"] ?? "")
            c["count"] = count
            return c
        }
        var tools: [[String: Any]] = [
            item("matrix.html", s["matrix"] ?? ""),
            item("phrasebook.html", s["phrasebook"] ?? ""),
        ]
        tools.append(item(Paths.checklistIndex, s["checklists"] ?? ""))
        tools.append(item("print.html", s["print"] ?? ""))
        if quality != nil { tools.append(item(QualityPaths.index, s["quality"] ?? "")) }
        if !book.all(.role).isEmpty { tools.append(item(EditionPaths.sheets, s["sheets"] ?? "")) }
        tools.append(item("completeness.html", s["completeness"] ?? ""))
        let chapters = book.all(.page).map { link($0.key, depth: 0) }
        var c: [String: Any] = [:]
        if changes != nil { c["whatsNew"] = item(EditionPaths.whatsNew, whatsNewTitle) }
        return c.merging([
            "journeys": journeys,
            "roles": sorted(book.all(.role)).map { link($0.key, depth: 0) },
            "sections": sections, "tools": tools,
            "chapters": ["items": chapters], "hasChapters": !chapters.isEmpty,
        ]) { _, b in b }
    }

    func index(_ kind: Kind) -> [String: Any] {
        let title = s["index_\(kind.rawValue)"] ?? kind.folder
        var groups: [[String: Any]] = []
        switch kind {
        case .step:
            // Steps in journey order, grouped by journey and stage.
            for journey in book.all(.journey) {
                for stage in journey.journey?.stages ?? [] {
                    let items = stage.steps.filter { book.entity(.step, $0.id) != nil }.map { link(EntityKey(.step, $0.id)) }
                    groups.append(["heading": "\(journey.title) › \(stage.title)", "items": items])
                }
            }
            let orphans = book.all(.step).filter { (book.index.placements[$0.id] ?? []).isEmpty }
            if !orphans.isEmpty { groups.append(["heading": s["none"] ?? "", "items": orphans.map { link($0.key) }]) }
        case .term:
            // The glossary: in the book's collation order, under letters.
            var current: String?
            var items: [[String: Any]] = []
            for term in sorted(book.all(.term)) {
                let letter = Collation.initial(term.title)
                if letter != current, let current, !items.isEmpty {
                    groups.append(["heading": current, "id": "sb:letter-\(groups.count)", "items": items])
                    items = []
                }
                current = letter
                items.append(link(term.key))
            }
            if let current, !items.isEmpty { groups.append(["heading": current, "id": "sb:letter-\(groups.count)", "items": items]) }
        case .page:
            groups.append(["items": book.all(.page).map { link($0.key) }])
        default:
            groups.append(["items": sorted(book.all(kind)).map { link($0.key) }])
        }
        return ["title": title, "groups": groups]
    }

    func entityContext(_ entity: Entity) -> [String: Any] {
        var c: [String: Any] = [
            "kind": entity.kind.rawValue, "kindLabel": kindLabel(entity.kind), "title": entity.title,
            "body": bodies.html(entity, .page),
        ]
        if let summary = entity.summary, !summary.isEmpty { c["summary"] = summary }
        if let badge = changeBadge(entity.key) { c["changeBadge"] = badge }

        // Meta: reviewed, owner, tags, edit link.
        var meta: [String: Any] = [:]
        if let reviewed = entity.reviewed { meta["reviewed"] = reviewed.description }
        if let owner = book.resolve(entity.owner, as: .role) { meta["owner"] = link(owner.key) }
        meta["tags"] = entity.tags
        meta["hasTags"] = !entity.tags.isEmpty
        if let pattern = book.config.editURL {
            let url = pattern.replacingOccurrences(of: "{path}", with: contentName + "/" + entity.source.path)
            if url.hasPrefix("https://") || url.hasPrefix("http://") { meta["editURL"] = url }
        }
        if meta.count > 2 || entity.tags.count > 0 { c["meta"] = meta }

        // Backlinks, one per referring entity.
        var seen = Set<EntityKey>()
        let backlinks = (book.backlinks(to: entity.key)).filter { seen.insert($0.from).inserted }
            .compactMap { book[$0.from] }
            .sorted { $0.kind != $1.kind ? $0.kind < $1.kind : collation.key($0.title) < collation.key($1.title) }
            .map { from -> [String: Any] in
                var l = link(from.key)
                l["kind"] = from.kind.rawValue
                l["kindLabel"] = kindLabel(from.kind)
                return l
            }
        setList(&c, "backlinks", backlinks, flag: "hasBacklinks")

        switch entity.details {
        case .step(let step):
            withFacts(&c, [
                fact("responsible", links: links(step.responsible.map { [$0] } ?? [], .role)),
                fact("participants", links: links(step.participants, .role)),
                fact("channel", text: channel(step.channel)), fact("timing", text: step.timing),
            ])
            embed(scripts: step.scripts, standards: step.standards, into: &c)
            setList(&c, "items", links(step.situations, .situation), flag: "hasSituations")
            if let quality, let section = qualitySection(quality.steps[entity.id], months: quality.months,
                                                          title: s["passRateOfStep"] ?? "") {
                c["quality"] = section
            }
            let placements = book.index.placements[entity.id] ?? []
            let crumbs: [[String: Any]] = placements.compactMap { p in
                guard let journey = book.entity(.journey, p.journey),
                      let stage = journey.journey?.stages[p.stageIndex] else { return nil }
                return ["items": [
                    ["url": Paths.relative(Paths.page(journey.key), depth: 1), "title": journey.title],
                    ["url": Paths.relative(Paths.page(journey.key), depth: 1) + "#sb:stage-\(stage.id)", "title": stage.title],
                    ["title": entity.title],
                ]]
            }
            setList(&c, "breadcrumbs", crumbs, flag: "hasBreadcrumbs")
            if let first = placements.first {
                if let previous = first.previous { c["previous"] = link(EntityKey(.step, previous)) }
                if let next = first.next { c["next"] = link(EntityKey(.step, next)) }
                c["hasPrevNext"] = first.previous != nil || first.next != nil
            }
        case .situation(let situation):
            withFacts(&c, [
                fact("responsible", links: links(situation.responsible.map { [$0] } ?? [], .role)),
                fact("escalation", links: links(situation.escalation.map { [$0] } ?? [], .role)),
                fact("severity", text: situation.severity.map { s["severity_\($0.rawValue)"] ?? $0.rawValue }),
                fact("channel", text: channel(situation.channel)),
            ])
            embed(scripts: situation.scripts, standards: situation.standards, into: &c)
        case .role(let role):
            withFacts(&c, [fact("reportsTo", links: links(role.reportsTo.map { [$0] } ?? [], .role))])
            roleHandbook(entity, &c)
            // The role's familiarisation sheets, and what changed for it.
            var edition: [String: Any] = ["sheetURL": Paths.relative(EditionPaths.sheet(entity.id), depth: 1)]
            if let changes, roleNews(entity.id, changes) != nil {
                edition["changesSheetURL"] = Paths.relative(EditionPaths.changesSheet(entity.id), depth: 1)
                edition["whatsNewURL"] = Paths.relative(EditionPaths.whatsNew, depth: 1) + "#role-" + entity.id
            }
            c["edition"] = edition
        case .standard(let standard):
            withFacts(&c, [
                fact("category", text: standard.category),
                standard.appliesTo.isEmpty ? fact("appliesTo", text: s["everyone"]) : fact("appliesTo", links: links(standard.appliesTo, .role)),
            ])
            c["checks"] = checks(standard)
            c["hasChecks"] = !standard.checks.isEmpty
            c["hasCritical"] = standard.checks.contains(where: \.critical)
            if let quality, let section = qualitySection(quality.standards[entity.id], months: quality.months,
                                                          title: s["passRateOfStandard"] ?? "") {
                c["quality"] = section
            }
        case .script(let script):
            withFacts(&c, [fact("channel", text: channel(script.channel))])
            c["phrases"] = phrases(script)
            c["hasPhrases"] = !script.phrases.isEmpty
        case .term(let term):
            withFacts(&c, [fact("aliases", text: term.aliases.isEmpty ? nil : term.aliases.joined(separator: ", "))])
        case .journey(let journey):
            journeyContext(entity, journey, &c)
        case .page:
            withFacts(&c, [])
        }
        return c
    }

    func roleHandbook(_ entity: Entity, _ c: inout [String: Any]) {
        let duties = book.index.roles[entity.id] ?? RoleDuties()
        // The role's steps where they stand in the journeys (journey, stage, position), found
        // from each step's placements: the cost follows the role's steps, not the book's.
        let journeyOrder = Dictionary(book.all(.journey).enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var places: [(journey: Int, stage: Int, position: Int, step: Entity)] = []
        for id in Set(duties.responsibleSteps) {
            guard let step = book.entity(.step, id) else { continue }
            for p in book.index.placements[id] ?? [] {
                if let j = journeyOrder[p.journey] { places.append((j, p.stageIndex, p.position, step)) }
            }
        }
        places.sort { ($0.journey, $0.stage, $0.position) < ($1.journey, $1.stage, $1.position) }
        var journeys: [[String: Any]] = []
        var listed = Set<String>()
        var i = 0
        while i < places.count {
            let number = places[i].journey
            let journey = book.all(.journey)[number]
            let stageTitles = journey.journey?.stages.map(\.title) ?? []
            var stages: [[String: Any]] = []
            while i < places.count, places[i].journey == number {
                let stage = places[i].stage
                var steps: [[String: Any]] = []
                while i < places.count, places[i].journey == number, places[i].stage == stage {
                    let step = places[i].step
                    listed.insert(step.id)
                    var l = link(step.key)
                    let scripts = links(step.step?.scripts ?? [], .script)
                    l["scripts"] = scripts
                    l["hasScripts"] = !scripts.isEmpty
                    if let timing = step.step?.timing { l["timing"] = timing }
                    steps.append(l)
                    i += 1
                }
                stages.append(["title": stage < stageTitles.count ? stageTitles[stage] : "", "steps": steps])
            }
            var j = link(journey.key)
            j["stages"] = stages
            journeys.append(j)
        }
        let others = duties.responsibleSteps.filter { !listed.contains($0) }
        if !others.isEmpty {
            journeys.append(["title": s["none"] ?? "", "url": "#", "a": SiteRenderer.escape(s["none"] ?? ""), "stages": [["title": s["steps"] ?? "", "steps": others.map { link(EntityKey(.step, $0)) }]]])
        }
        setList(&c, "responsible", journeys, flag: "hasResponsible")
        let participant = duties.participantSteps.map { link(EntityKey(.step, $0)) }
        c["participant"] = ["items": participant]
        c["hasParticipant"] = !participant.isEmpty
        let situations = duties.responsibleSituations.map { link(EntityKey(.situation, $0)) }
        c["situations"] = ["items": situations]
        c["hasSituations"] = !situations.isEmpty
        let escalations = duties.escalationSituations.map { link(EntityKey(.situation, $0)) }
        c["escalations"] = ["items": escalations]
        c["hasEscalations"] = !escalations.isEmpty
        c["standards"] = duties.standards.map { embeddedStandard(EntityKey(.standard, $0)) }.joined()
        c["hasStandards"] = !duties.standards.isEmpty
        // The standards for everyone: linked, not repeated on every role's page (their checks
        // are on their own pages).
        let own = Set(duties.standards)
        let general = generalStandardItems.filter { !own.contains($0.id) }.map(\.html)
        c["generalStandards"] = general.joined(separator: "\n")
        c["hasGeneralStandards"] = !general.isEmpty
        c["scripts"] = duties.scripts.map { roleScript(EntityKey(.script, $0)) }.joined()
        c["hasScripts"] = !duties.scripts.isEmpty
    }

    func journeyContext(_ entity: Entity, _ journey: Journey, _ c: inout [String: Any]) {
        var roleOrder: [String] = []
        func note(_ role: String?) { if let role, !roleOrder.contains(role) { roleOrder.append(role) } }
        var stages: [[String: Any]] = []
        for (i, stage) in journey.stages.enumerated() {
            let steps: [[String: Any]] = stage.steps.compactMap { book.entity(.step, $0.id) }.map { step in
                var l = link(step.key)
                if let role = book.resolve(step.step?.responsible, as: .role) {
                    l["responsible"] = role.title
                    note(role.id)
                }
                for participant in step.step?.participants ?? [] where book.resolve(participant, as: .role) != nil { note(participant.id) }
                return l
            }
            var sc: [String: Any] = ["id": stage.id, "title": stage.title, "number": i + 1, "steps": steps]
            if let summary = stage.summary { sc["summary"] = summary }
            stages.append(sc)
        }
        c["stages"] = stages
        c["checklistURL"] = Paths.relative(Paths.checklist(entity.id), depth: 1)
        // The blueprint: a row per role, a cell per stage, step cards in the cells.
        c["blueprintRows"] = roleOrder.compactMap { book.entity(.role, $0) }.map { role -> [String: Any] in
            var row = link(role.key)
            row["cells"] = journey.stages.map { stage -> [String: Any] in
                let cards: [[String: Any]] = stage.steps.compactMap { book.entity(.step, $0.id) }.compactMap { step in
                    guard let details = step.step else { return nil }
                    let responsible = details.responsible?.id == role.id
                    let participant = !responsible && details.participants.contains { $0.id == role.id }
                    guard responsible || participant else { return nil }
                    var card = link(step.key)
                    card["participant"] = participant
                    if let channel = channel(details.channel) { card["channel"] = channel }
                    if let timing = details.timing { card["timing"] = timing }
                    return card
                }
                return ["steps": cards]
            }
            return row
        }
    }

    func checklist(_ journey: Entity) -> [String: Any] {
        var number = 0
        var points = 0.0
        let list = Checklist(journey, in: book)
        let stageTitles = journey.journey?.stages.map(\.title) ?? []
        let stages: [[String: Any]] = list.stages.map { stage in
            var standards: [[String: Any]] = []
            for item in stage.items {
                if standards.isEmpty || (standards.last?["id"] as? String) != item.standard {
                    var l = book.entity(.standard, item.standard).map { link($0.key) } ?? [:]
                    l["checks"] = [[String: Any]]()
                    standards.append(l)
                }
                number += 1
                points += item.check.weight
                var check: [String: Any] = ["number": number, "text": item.check.text, "weight": self.number(item.check.weight),
                                            "critical": item.check.critical, "ref": item.ref,
                                            "answerName": "sb:answer-\(number)"]
                if let score = quality?.checks[item.standard + "/" + String(item.index)], let rate = score.passRate {
                    check["passRate"] = percent(rate)
                }
                var checks = standards[standards.count - 1]["checks"] as? [[String: Any]] ?? []
                checks.append(check)
                standards[standards.count - 1]["checks"] = checks
            }
            return ["number": stage.stage + 1, "title": stage.stage < stageTitles.count ? stageTitles[stage.stage] : "",
                    "standards": standards]
        }
        var c: [String: Any] = ["title": journey.title, "journey": journey.id, "script": "checklist.js",
                                "journeyURL": Paths.relative(Paths.page(journey.key), depth: 1),
                                "stages": stages, "points": self.number(points)]
        if let quality, let group = quality.report.journeys.first(where: { $0.id == journey.id }) {
            let perMonth = Scores.report(quality.report.visits.filter { $0.visit.journey == journey.id },
                                         audits: quality.audits, book: book).months
            let title = s["scoreByMonth"] ?? ""
            c["quality"] = [
                "rate": percent(group.score), "title": title, "url": Paths.relative(QualityPaths.index, depth: 1),
                "spark": Charts.sparkline(title: title, values: perMonth.map(\.score)),
                "months": perMonth.map { ["month": monthTitle($0.id), "rate": percent($0.score)] },
            ] as [String: Any]
            c["hasPassRates"] = true
        }
        // The fillable form's choices: the departments and the roster's employee ids.
        c["departments"] = book.config.departments.map { ["id": $0.id, "title": $0.title] }
        c["hasDepartments"] = !book.config.departments.isEmpty
        c["employees"] = roster.map { ["id": $0.id] }
        c["hasEmployees"] = !roster.isEmpty
        return c
    }

    /// A table per journey: its steps down, the roles involved in it across.
    /// The roles a journey's steps involve (responsible or taking part), sorted.
    func matrixRoles(_ journey: Entity) -> [Entity] {
        var involved = Set<String>()
        for step in (journey.journey?.stages ?? []).flatMap(\.steps).compactMap({ book.entity(.step, $0.id)?.step }) {
            if let r = step.responsible?.id { involved.insert(r) }
            for p in step.participants { involved.insert(p.id) }
        }
        return sorted(involved.compactMap { book.entity(.role, $0) })
    }

    /// matrix.html: every journey with the size of its matrix, each matrix on a page of its own
    /// (one page of every step × every role grows with the square of the book).
    func matrixIndex() -> [String: Any] {
        ["journeys": book.all(.journey).map { journey -> [String: Any] in
            var j = item(Paths.matrix(journey.id), journey.title)
            j["steps"] = Set((journey.journey?.stages ?? []).flatMap(\.steps).map(\.id)).count
            j["roles"] = matrixRoles(journey).count
            return j
        }, "hasJourneys": !book.all(.journey).isEmpty]
    }

    /// matrix/JOURNEY.html: the journey's steps down, the roles it involves across. The cells
    /// are written here, not by the template: they are most of the page.
    func matrix(_ journey: Entity) -> [String: Any] {
        let roles = matrixRoles(journey)
        let span = roles.count + 1
        let responsible = "<td><span class=\"mark mark-r\">\(SiteRenderer.escape(s["markResponsible"] ?? "R"))</span></td>"
        let participant = "<td><span class=\"mark mark-p\">\(SiteRenderer.escape(s["markParticipant"] ?? "P"))</span></td>"
        var j = link(journey.key)
        j["span"] = span
        j["roles"] = roles.map { link($0.key) }
        j["index"] = Paths.relative("matrix.html", depth: 1)
        j["stages"] = (journey.journey?.stages ?? []).map { stage -> [String: Any] in
            let rows: [[String: Any]] = stage.steps.compactMap { book.entity(.step, $0.id) }.map { step in
                var row = link(step.key)
                var cells = ""
                for role in roles {
                    if step.step?.responsible?.id == role.id { cells += responsible }
                    else if step.step?.participants.contains(where: { $0.id == role.id }) ?? false { cells += participant }
                    else { cells += "<td></td>" }
                }
                row["cells"] = cells
                return row
            }
            return ["title": stage.title, "span": span, "rows": rows]
        }
        return j
    }

    func phrasebook() -> [String: Any] {
        let scripts: [[String: Any]] = sorted(book.all(.script)).compactMap { script in
            let list = phrases(script.script)
            guard !list.isEmpty else { return nil }
            var l = link(script.key, depth: 0)
            l["phrases"] = list
            l["hasPhrases"] = true
            return l
        }
        return ["scripts": scripts]
    }

    func completenessPage() -> [String: Any] {
        let items: [[String: Any]] = completeness.map { row in
            let percent = row.total == 0 ? 100 : row.satisfied * 100 / row.total
            return ["rule": row.rule, "satisfied": row.satisfied, "total": row.total, "percent": percent,
                    "complete": row.satisfied == row.total]
        }
        let warnings: [[String: Any]] = self.warnings().map { ["location": $0.location, "code": $0.code, "message": $0.message] }
        return ["items": items, "warnings": warnings, "hasWarnings": !warnings.isEmpty]
    }

    /// A printable part of the book: chapters, a journey with its steps, or a section (of at
    /// most `PrintPart.size` entities: longer sections are split), on a page of its own. Parts
    /// are planned from counts; their entities are listed (and sorted) when the part is rendered.
    struct PrintPart {
        static let size = 400
        enum Source {
            case chapters, journey(Entity), otherSteps, kind(Kind)
        }
        let path: String
        let title: String
        let source: Source
        /// The part's place in its source's list.
        let range: Range<Int>
    }

    /// The steps of a journey, each once, in order.
    func printSteps(_ journey: Entity) -> [Entity] {
        var seen = Set<String>()
        return (journey.journey?.stages ?? []).flatMap(\.steps).compactMap { ref -> Entity? in
            guard seen.insert(ref.id).inserted else { return nil }
            return book.entity(.step, ref.id)
        }
    }

    /// The steps that no journey lists, in the book's step order.
    func printOtherSteps() -> [Entity] {
        let inJourney = Set(book.all(.journey).flatMap { ($0.journey?.stages ?? []).flatMap(\.steps).map(\.id) })
        return book.index.stepOrder.filter { !inJourney.contains($0) }.compactMap { book.entity(.step, $0) }
    }

    func printEntities(_ source: PrintPart.Source) -> [Entity] {
        switch source {
        case .chapters: book.all(.page)
        case .journey(let journey): [journey] + printSteps(journey)
        case .otherSteps: printOtherSteps()
        case .kind(let kind): sorted(book.all(kind))
        }
    }

    /// The parts of the printable book, in the book's order: the chapters, each journey with its
    /// steps, the steps of no journey, then situations, roles, standards, scripts and the glossary.
    func printParts() -> [PrintPart] {
        var parts: [PrintPart] = []
        func add(_ name: String, _ title: String, _ source: PrintPart.Source, count: Int) {
            let chunks = stride(from: 0, to: count, by: PrintPart.size).map { $0..<min($0 + PrintPart.size, count) }
            for (i, range) in chunks.enumerated() {
                let suffix = chunks.count > 1 ? " (\(i + 1)/\(chunks.count))" : ""
                parts.append(PrintPart(path: "print/\(name)\(i == 0 ? "" : ".part\(i + 1)").html", title: title + suffix,
                                       source: source, range: range))
            }
        }
        add("chapters", s["index_page"] ?? "", .chapters, count: book.all(.page).count)
        for journey in book.all(.journey) {
            add("journey-\(journey.id)", journey.title, .journey(journey), count: 1 + printSteps(journey).count)
        }
        add("steps", s["otherSteps"] ?? "", .otherSteps, count: printOtherSteps().count)
        for kind in [Kind.situation, .role, .standard, .script, .term] {
            add(kind.folder, s["index_\(kind.rawValue)"] ?? kind.folder, .kind(kind), count: book.all(kind).count)
        }
        return parts
    }

    /// print.html: the printable parts, each linked with what it holds.
    func printIndex() -> [String: Any] {
        ["parts": printParts().map { part -> [String: Any] in
            ["url": part.path, "title": part.title, "count": part.range.count]
        }]
    }

    /// One printable part: its entities in full.
    func printPart(_ part: PrintPart) -> [String: Any] {
        let entities = Array(printEntities(part.source)[part.range])
        bodies.renderAll(entities)
        return ["title": part.title, "index": Paths.relative("print.html", depth: 1),
                "entities": entities.map { entity -> [String: Any] in
                    var c: [String: Any] = ["anchor": Paths.printAnchor(entity.key), "title": entity.title,
                                            "body": bodies.html(entity, .print)]
                    if let summary = entity.summary, !summary.isEmpty { c["summary"] = summary }
                    switch entity.details {
                    case .step(let step):
                        withFacts(&c, [
                            fact("responsible", text: book.resolve(step.responsible, as: .role)?.title),
                            fact("participants", text: step.participants.compactMap { book.resolve($0, as: .role)?.title }.joined(separator: ", ")),
                            fact("script", text: step.scripts.compactMap { book.resolve($0, as: .script)?.title }.joined(separator: ", ")),
                            fact("channel", text: channel(step.channel)), fact("timing", text: step.timing),
                        ])
                    case .situation(let situation):
                        withFacts(&c, [
                            fact("responsible", text: book.resolve(situation.responsible, as: .role)?.title),
                            fact("escalation", text: book.resolve(situation.escalation, as: .role)?.title),
                            fact("severity", text: situation.severity.map { s["severity_\($0.rawValue)"] ?? $0.rawValue }),
                        ])
                    case .standard(let standard):
                        c["checks"] = checks(standard)
                        c["hasChecks"] = !standard.checks.isEmpty
                    case .script(let script):
                        c["phrases"] = phrases(script)
                        c["hasPhrases"] = !script.phrases.isEmpty
                    default:
                        break
                    }
                    return c
                }]
    }
}
