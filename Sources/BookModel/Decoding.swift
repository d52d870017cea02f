/// Front matter → typed values: each document's entity, and book.yml's settings. Every problem
/// of a field (missing, wrong type, invalid value, unknown) is a diagnostic; decoding goes on.
public enum Decoding {
    public static func entity(_ doc: SourceDocument, _ frontMatter: YAMLNode) -> (Entity?, [Diagnostic]) {
        let r = FieldReader(frontMatter, allowed: Schema.fields(of: doc.kind), subject: doc.kind.withArticle)
        var extra: [Diagnostic] = []
        let title = r.text("title", required: true)
        let summary = r.text("summary")
        let tags = r.texts("tags")
        let owner = r.reference("owner")
        let reviewed = r.day("reviewed")
        let details: Details
        switch doc.kind {
        case .journey:
            var stages: [Stage] = []
            for node in r.items("stages", required: true) {
                let (stage, found) = self.stage(node)
                extra += found
                if let stage { stages.append(stage) }
            }
            details = .journey(Journey(stages: stages))
        case .step:
            details = .step(Step(
                responsible: r.reference("responsible", required: true, one: " (one process, one owner)"),
                participants: r.references("participants"),
                scripts: r.references("script", required: true),
                standards: r.references("standards"),
                situations: r.references("situations"),
                channel: r.text("channel"),
                timing: r.text("timing")))
        case .situation:
            details = .situation(Situation(
                responsible: r.reference("responsible", required: true, one: " (one process, one owner)"),
                scripts: r.references("script", required: true),
                escalation: r.reference("escalation"),
                channel: r.text("channel"),
                severity: r.choice("severity", SituationSeverity.self),
                standards: r.references("standards")))
        case .role:
            details = .role(Role(reportsTo: r.reference("reports_to")))
        case .standard:
            var checks: [Check] = []
            var ids: [String: Int] = [:]
            for node in r.items("checks") {
                let (check, found) = self.check(node)
                extra += found
                guard let check else { continue }
                if let id = check.id {
                    if let first = ids[id] {
                        extra.append(Diagnostic(.duplicateID, at: check.location,
                            "check id \"\(id)\" is already used by check \(first) of this standard",
                            suggestion: "give each check of a standard its own id"))
                    } else {
                        ids[id] = checks.count + 1
                    }
                }
                checks.append(check)
            }
            details = .standard(Standard(category: r.text("category"), appliesTo: r.references("applies_to"), checks: checks))
        case .script:
            var phrases: [Phrase] = []
            for node in r.items("phrases") {
                let (phrase, found) = self.phrase(node)
                extra += found
                if let phrase { phrases.append(phrase) }
            }
            details = .script(Script(channel: r.text("channel"), phrases: phrases))
        case .term:
            details = .term(Term(aliases: r.texts("aliases")))
        case .page:
            details = .page(Page(order: r.integer("order", in: -1_000_000...1_000_000)))
        }
        let diagnostics = r.diagnostics + extra
        guard let title else { return (nil, diagnostics) }
        let entity = Entity(key: doc.key, title: title, summary: summary, tags: tags, owner: owner,
                            reviewed: reviewed?.0, reviewedLocation: reviewed?.1, details: details, source: doc)
        return (entity, diagnostics)
    }

    static func stage(_ node: YAMLNode) -> (Stage?, [Diagnostic]) {
        guard case .mapping = node.value else {
            return (nil, [Diagnostic(.wrongType, at: node.location,
                "each stage must be a mapping with id, title and steps, not \(node.shapeName)")])
        }
        // The stage's id names it in the messages about its other fields.
        var named = ""
        if case .mapping(let pairs) = node.value, let id = pairs.first(where: { $0.key.scalarText == "id" })?.value.scalarText {
            named = "stage \"\(id)\""
        }
        let r = FieldReader(node, allowed: Schema.stageFields, subject: "a stage", context: named)
        let id = r.text("id", required: true)
        let title = r.text("title", required: true)
        let summary = r.text("summary")
        let steps = r.references("steps", required: true)
        var diagnostics = r.diagnostics
        if let id, !Identifier.isValid(id), let value = r.node("id") {
            diagnostics.append(Diagnostic(.invalidID, at: value.location.spanning(id),
                "stage id \"\(id)\" is not a valid id (lower-case Latin letters, digits and hyphens)",
                suggestion: Identifier.suggestion(for: id).map { "use \"\($0)\"" }))
        }
        guard let id, let title else { return (nil, diagnostics) }
        return (Stage(id: id, title: title, summary: summary, steps: steps, location: node.location), diagnostics)
    }

    static func check(_ node: YAMLNode) -> (Check?, [Diagnostic]) {
        switch node.value {
        case .scalar(let text, _) where !node.isNull:
            return (Check(id: nil, text: text, weight: 1, critical: false, location: node.location), [])
        case .mapping:
            let r = FieldReader(node, allowed: Schema.checkFields, subject: "a check")
            var id = r.text("id")
            if let given = id, !Identifier.isValid(given), let value = r.node("id") {
                r.report(.invalidID, at: value.location.spanning(given),
                         "check id \"\(given)\" is not a valid id (lower-case Latin letters, digits and hyphens)",
                         suggestion: Identifier.suggestion(for: given).map { "use \"\($0)\"" })
                id = nil
            }
            let text = r.text("text", required: true)
            let weight = r.number("weight") ?? 1
            let critical = r.boolean("critical") ?? false
            return (text.map { Check(id: id, text: $0, weight: weight, critical: critical, location: node.location) }, r.diagnostics)
        default:
            return (nil, [Diagnostic(.wrongType, at: node.location,
                "each check must be a text or a mapping with id, text, weight and critical, not \(node.shapeName)")])
        }
    }

    static func phrase(_ node: YAMLNode) -> (Phrase?, [Diagnostic]) {
        guard case .mapping = node.value else {
            return (nil, [Diagnostic(.wrongType, at: node.location,
                "each phrase must be a mapping with \"avoid\" and \"say\", not \(node.shapeName)")])
        }
        let r = FieldReader(node, allowed: Schema.phraseFields, subject: "a phrase")
        let avoid = r.text("avoid", required: true)
        let say = r.text("say", required: true)
        guard let avoid, let say else { return (nil, r.diagnostics) }
        return (Phrase(avoid: avoid, say: say, location: node.location), r.diagnostics)
    }

    /// Decodes `book.yml`. With errors the config falls back to defaults so checking can go on.
    public static func config(_ node: YAMLNode) -> (BookConfig, [Diagnostic]) {
        let r = FieldReader(node, allowed: Schema.bookFields, subject: "book.yml")
        var config = BookConfig(title: r.text("title", required: true) ?? "")
        config.organization = r.text("organization")
        config.language = r.choice("language", Language.self) ?? .ru
        config.description = r.text("description")
        config.edition = r.text("edition")
        config.reviewIntervalDays = r.integer("review_interval_days", in: 1...36_500)
        config.editURL = r.text("edit_url")
        config.theme = r.text("theme")
        config.previousEdition = r.text("previous_edition")
        var extra: [Diagnostic] = []
        if let node = r.node("departments") {
            let (departments, found) = self.departments(node)
            config.departments = departments
            extra += found
        }
        if let node = r.node("evaluation") {
            let (evaluation, found) = self.evaluation(node)
            config.evaluation = evaluation
            extra += found
        }
        return (config, r.diagnostics + extra)
    }

    /// `departments`: a mapping from an id to a title (`north: Салон на Северной`).
    static func departments(_ node: YAMLNode) -> ([Department], [Diagnostic]) {
        guard case .mapping(let pairs) = node.value else {
            return ([], [Diagnostic(.wrongType, at: node.location,
                "\"departments\" must be a mapping from an id to a title (north: Салон на Северной), not \(node.shapeName)")])
        }
        var out: [Department] = [], diagnostics: [Diagnostic] = []
        var seen = Set<String>()
        for pair in pairs {
            guard let id = pair.key.scalarText, !pair.key.isNull else { continue }
            guard Identifier.isValid(id) else {
                diagnostics.append(Diagnostic(.invalidID, at: pair.key.location.spanning(id),
                    "department id \"\(id)\" is not a valid id (lower-case Latin letters, digits and hyphens)",
                    suggestion: Identifier.suggestion(for: id).map { "use \"\($0)\"" }))
                continue
            }
            guard let title = pair.value.scalarText, !pair.value.isNull else {
                diagnostics.append(Diagnostic(.wrongType, at: pair.value.location,
                    "the title of department \"\(id)\" must be a text, not \(pair.value.shapeName)"))
                continue
            }
            if seen.insert(id).inserted { out.append(Department(id: id, title: title)) }
        }
        return (out, diagnostics)
    }

    /// `evaluation`: the target score, the fewest NPS answers worth a figure, the bands.
    static func evaluation(_ node: YAMLNode) -> (Evaluation, [Diagnostic]) {
        guard case .mapping = node.value else {
            return (Evaluation(), [Diagnostic(.wrongType, at: node.location,
                "\"evaluation\" must be a mapping with target, min_answers and bands, not \(node.shapeName)")])
        }
        let r = FieldReader(node, allowed: Schema.evaluationFields, subject: "evaluation")
        var evaluation = Evaluation()
        evaluation.target = r.percent("target")
        evaluation.minAnswers = r.integer("min_answers", in: 1...1_000_000) ?? 10
        var extra: [Diagnostic] = []
        for (i, item) in r.items("bands").enumerated() {
            guard case .mapping = item.value else {
                extra.append(Diagnostic(.wrongType, at: item.location,
                    "each band must be a mapping with from and title (from: 95, title: Премия 15 %), not \(item.shapeName)"))
                continue
            }
            let b = FieldReader(item, allowed: Schema.bandFields, subject: "a band")
            let title = b.text("title", required: true)
            let from = b.percent("from")
            extra += b.diagnostics
            guard let title else { continue }
            if from == nil, b.node("from") == nil, i > 0 {
                // The last band may leave "from" out: it takes what is below the others.
                evaluation.bands.append(Band(from: 0, title: title, location: item.location))
            } else if let from {
                if let previous = evaluation.bands.last, from >= previous.from {
                    extra.append(Diagnostic(.invalidValue, at: item.location,
                        "bands go from the highest down: \(Band.format(from)) is not below \(Band.format(previous.from))",
                        suggestion: "list the bands from the highest \"from\" to the lowest"))
                }
                evaluation.bands.append(Band(from: from, title: title, location: item.location))
            } else if b.node("from") == nil {
                extra.append(Diagnostic(.missingField, at: item.location, "a band: missing required field \"from\""))
            }
        }
        return (evaluation, r.diagnostics + extra)
    }
}
