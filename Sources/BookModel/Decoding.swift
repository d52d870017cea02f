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
            for node in r.items("checks") {
                let (check, found) = self.check(node)
                extra += found
                if let check { checks.append(check) }
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
            return (Check(text: text, weight: 1, critical: false, location: node.location), [])
        case .mapping:
            let r = FieldReader(node, allowed: Schema.checkFields, subject: "a check")
            let text = r.text("text", required: true)
            let weight = r.number("weight") ?? 1
            let critical = r.boolean("critical") ?? false
            return (text.map { Check(text: $0, weight: weight, critical: critical, location: node.location) }, r.diagnostics)
        default:
            return (nil, [Diagnostic(.wrongType, at: node.location,
                "each check must be a text or a mapping with text, weight and critical, not \(node.shapeName)")])
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
        return (config, r.diagnostics)
    }
}
