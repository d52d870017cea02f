import BookModel

/// The book-level rules of `servicebook check`: what makes a book incomplete or inconsistent
/// beyond its individual fields (those are reported while the model is built).
public enum Rules {
    /// Runs every rule. `today` decides which `reviewed` dates are past the review interval.
    public static func run(_ book: Book, today: Day) -> [Diagnostic] {
        Kind.allCases.flatMap { book.all($0) }.parallelMap { check($0, in: book, today: today) }.flatMap { $0 }
    }

    /// The rules about one entity. Each problem is reported in the entity's own file, so that
    /// `serve`, after an edit that leaves the book's references as they were, checks the edited
    /// entities again and keeps the rest.
    public static func check(_ entity: Entity, in book: Book, today: Day) -> [Diagnostic] {
        var out: [Diagnostic] = []
        if let journey = entity.journey { out += self.journey(journey) }
        out += usage(entity, book)
        if entity.kind == .standard, entity.standard?.checks.isEmpty != false {
            out.append(Diagnostic(.standardWithoutChecks, at: wholeFile(entity),
                "standard \"\(entity.id)\" has no checks a mystery shopper could tick",
                suggestion: "add \"checks:\" with observable criteria, e.g. \"greets the customer within 30 seconds\""))
        }
        if entity.source.markdown.isBlank {
            out.append(Diagnostic(.emptyBody, at: SourceLocation(file: entity.source.displayPath, line: entity.source.bodyLine),
                                  "\(entity.kind.rawValue) \"\(entity.id)\" has no text after its front matter"))
        }
        if let interval = book.config.reviewIntervalDays, let reviewed = entity.reviewed, let at = entity.reviewedLocation {
            // Documents reviewed longer ago than the book's review interval.
            let age = today.ordinal - reviewed.ordinal
            if age > interval {
                out.append(Diagnostic(.reviewOverdue, at: at.withLength(10),
                    "last reviewed on \(reviewed), \(age) days ago: past the review interval of \(interval) days",
                    suggestion: "review the document and set \"reviewed\" to the date of the review"))
            }
        }
        return out
    }

    static func wholeFile(_ entity: Entity) -> SourceLocation {
        SourceLocation(file: entity.source.displayPath, line: 1, column: 1, length: 3)
    }

    /// A journey lists each step once and uses each stage id once.
    static func journey(_ journey: Journey) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var stageIDs: [String: Stage] = [:]
        var steps: [String: String] = [:]
        for stage in journey.stages {
            if let first = stageIDs[stage.id] {
                out.append(Diagnostic(.duplicateStage, at: stage.location,
                    "stage id \"\(stage.id)\" is used twice in this journey (first on line \(first.location.line))",
                    suggestion: "give each stage its own id"))
            } else {
                stageIDs[stage.id] = stage
            }
            for ref in stage.steps {
                if let firstStage = steps[ref.id] {
                    let place = firstStage == stage.id ? "this stage" : "stage \"\(firstStage)\""
                    out.append(Diagnostic(.duplicateStep, at: ref.location.withLength(ref.id.count),
                        "step \"\(ref.id)\" is listed twice in this journey (already in \(place))",
                        suggestion: "a step happens once in a journey: remove one of the two"))
                } else {
                    steps[ref.id] = stage.id
                }
            }
        }
        return out
    }

    /// Steps belong to a journey; scripts, situations and standards are used; roles own something.
    static func usage(_ entity: Entity, _ book: Book) -> [Diagnostic] {
        switch entity.kind {
        case .step where (book.index.placements[entity.id] ?? []).isEmpty:
            return [Diagnostic(.orphanStep, at: wholeFile(entity), "step \"\(entity.id)\" is not part of any journey",
                               suggestion: "list it in the steps of a journey's stage, or delete it")]
        case .script where !book.isReferenced(entity, byField: "script"):
            return [Diagnostic(.unusedScript, at: wholeFile(entity), "script \"\(entity.id)\" is not used by any step or situation",
                               suggestion: "name it in the \"script\" field of a step or situation")]
        case .situation where !book.isReferenced(entity, byField: "situations"):
            return [Diagnostic(.unusedSituation, at: wholeFile(entity),
                               "situation \"\(entity.id)\" is not listed by any step",
                               suggestion: "add it to the \"situations\" of the steps where it can arise")]
        case .standard where !book.isReferenced(entity, byField: "standards"):
            return [Diagnostic(.unusedStandard, at: wholeFile(entity),
                               "standard \"\(entity.id)\" is not referred to by any step or situation",
                               suggestion: "add it to the \"standards\" of the steps or situations it governs")]
        case .role where book.index.roles[entity.id]?.isResponsibleForSomething != true:
            return [Diagnostic(.idleRole, at: wholeFile(entity), "role \"\(entity.id)\" is responsible for no step or situation",
                               suggestion: "make it \"responsible\" for a step or situation, or delete it")]
        default:
            return []
        }
    }
}

extension SourceLocation {
    func withLength(_ length: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column, length: length)
    }
}
