import BookModel

/// One page of the handbook as search sees it: its four weighted fields, what a result shows
/// (title, kind, breadcrumb, role) and the text snippets are cut from.
struct SearchDocument: Sendable {
    enum Field: Int, CaseIterable {
        case title, headings, summary, body
    }

    let key: EntityKey
    let title: String
    /// Where the page sits: a step's journey and stage.
    let crumb: String
    /// The responsible role of a step or situation.
    let role: String
    /// Text of each `Field`, in order.
    let fields: [String]
    /// What a snippet is cut from: the summary, the body, phrases and checks.
    let text: String

    /// The longest snippet text shipped for one page (a snippet shows about 200 characters).
    static let maxText = 20_000

    init(_ entity: Entity, in book: Book) {
        key = entity.key
        title = entity.title
        let headings = entity.source.markdown.headings.map(\.text), bodyText = entity.source.markdown.text
        var titles = [entity.title]
        var extra: [String] = []
        var extraHeadings: [String] = []
        var crumb = "", role = ""
        switch entity.details {
        case .journey(let journey):
            extraHeadings = journey.stages.map(\.title)
            extra += journey.stages.compactMap(\.summary)
        case .term(let term):
            titles += term.aliases
        case .script(let script):
            for phrase in script.phrases { extra += [phrase.say, phrase.avoid] }
        case .standard(let standard):
            extra += standard.checks.map(\.text)
        case .step(let step):
            if let placement = book.index.placements[entity.id]?.first,
               let journey = book[EntityKey(.journey, placement.journey)] {
                crumb = journey.title
                if let stage = journey.journey?.stages[placement.stageIndex] { crumb += " › " + stage.title }
            }
            role = step.responsible.flatMap { book[EntityKey(.role, $0.id)]?.title } ?? ""
        case .situation(let situation):
            role = situation.responsible.flatMap { book[EntityKey(.role, $0.id)]?.title } ?? ""
        default:
            break
        }
        self.crumb = crumb
        self.role = role
        let summary = ([entity.summary ?? ""] + entity.tags).filter { !$0.isEmpty }.joined(separator: "\n")
        let body = ([bodyText] + extra).filter { !$0.isEmpty }.joined(separator: "\n")
        fields = [titles.joined(separator: "\n"), (extraHeadings + headings).joined(separator: "\n"), summary, body]
        var text = ([entity.summary ?? "", bodyText] + extra).filter { !$0.isEmpty }.joined(separator: "\n")
        if text.utf8.count > Self.maxText, text.count > Self.maxText { text = String(text.prefix(Self.maxText)) }   // bytes ≥ characters
        self.text = text
    }
}
