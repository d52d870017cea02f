/// The fields each kind of document may have (SPEC §2), and those of book.yml and of the
/// mappings inside documents. A field not listed is an unknown field.
public enum Schema {
    /// The fields of every kind.
    public static let commonFields = ["title", "summary", "tags", "owner", "reviewed"]

    public static func fields(of kind: Kind) -> [String] {
        let own: [String] = switch kind {
        case .journey: ["stages"]
        case .step: ["responsible", "participants", "script", "standards", "situations", "channel", "timing"]
        case .situation: ["responsible", "script", "escalation", "channel", "severity", "standards"]
        case .role: ["reports_to"]
        case .standard: ["category", "applies_to", "checks"]
        case .script: ["channel", "phrases"]
        case .term: ["aliases"]
        case .page: ["order"]
        }
        return commonFields + own
    }

    public static let bookFields = ["title", "organization", "language", "description", "edition",
                                    "review_interval_days", "edit_url", "theme", "departments", "evaluation",
                                    "previous_edition"]
    static let evaluationFields = ["target", "min_answers", "bands"]
    static let bandFields = ["from", "title"]
    static let stageFields = ["id", "title", "summary", "steps"]
    static let checkFields = ["id", "text", "weight", "critical"]
    static let phraseFields = ["avoid", "say"]
}
