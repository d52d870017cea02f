import BookModel

/// The book-level rules of `servicebook check`: what makes a book incomplete or inconsistent
/// beyond its individual fields (those are reported while the model is built).
public enum Rules {
    /// Runs every rule. `today` decides which `reviewed` dates are past the review interval.
    public static func run(_ book: Book, today: Day) -> [Diagnostic] {
        var out: [Diagnostic] = []
        out += journeys(book)
        out += usage(book)
        out += completeness(book)
        out += reviews(book, today: today)
        return out
    }

    static func wholeFile(_ entity: Entity) -> SourceLocation {
        SourceLocation(file: entity.source.displayPath, line: 1, column: 1, length: 3)
    }

    /// A journey lists each step once and uses each stage id once.
    static func journeys(_ book: Book) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for entity in book.all(.journey) {
            guard let journey = entity.journey else { continue }
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
        }
        return out
    }

    /// Steps belong to a journey; scripts, situations and standards are used; roles own something.
    static func usage(_ book: Book) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for step in book.all(.step) where (book.index.placements[step.id] ?? []).isEmpty {
            out.append(Diagnostic(.orphanStep, at: wholeFile(step), "step \"\(step.id)\" is not part of any journey",
                                  suggestion: "list it in the steps of a journey's stage, or delete it"))
        }
        for script in book.all(.script) where !book.isReferenced(script, byField: "script") {
            out.append(Diagnostic(.unusedScript, at: wholeFile(script), "script \"\(script.id)\" is not used by any step or situation",
                                  suggestion: "name it in the \"script\" field of a step or situation"))
        }
        for situation in book.all(.situation) where !book.isReferenced(situation, byField: "situations") {
            out.append(Diagnostic(.unusedSituation, at: wholeFile(situation),
                                  "situation \"\(situation.id)\" is not listed by any step",
                                  suggestion: "add it to the \"situations\" of the steps where it can arise"))
        }
        for standard in book.all(.standard) where !book.isReferenced(standard, byField: "standards") {
            out.append(Diagnostic(.unusedStandard, at: wholeFile(standard),
                                  "standard \"\(standard.id)\" is not referred to by any step or situation",
                                  suggestion: "add it to the \"standards\" of the steps or situations it governs"))
        }
        for role in book.all(.role) where book.index.roles[role.id]?.isResponsibleForSomething != true {
            out.append(Diagnostic(.idleRole, at: wholeFile(role), "role \"\(role.id)\" is responsible for no step or situation",
                                  suggestion: "make it \"responsible\" for a step or situation, or delete it"))
        }
        return out
    }

    /// Standards have checks; documents have bodies.
    static func completeness(_ book: Book) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for standard in book.all(.standard) where standard.standard?.checks.isEmpty != false {
            out.append(Diagnostic(.standardWithoutChecks, at: wholeFile(standard),
                "standard \"\(standard.id)\" has no checks a mystery shopper could tick",
                suggestion: "add \"checks:\" with observable criteria, e.g. \"greets the customer within 30 seconds\""))
        }
        for kind in Kind.allCases {
            for entity in book.all(kind) where entity.source.markdown.isBlank {
                out.append(Diagnostic(.emptyBody, at: SourceLocation(file: entity.source.displayPath, line: entity.source.bodyLine),
                                      "\(kind.rawValue) \"\(entity.id)\" has no text after its front matter"))
            }
        }
        return out
    }

    /// Documents reviewed longer ago than the book's review interval.
    static func reviews(_ book: Book, today: Day) -> [Diagnostic] {
        guard let interval = book.config.reviewIntervalDays else { return [] }
        var out: [Diagnostic] = []
        for kind in Kind.allCases {
            for entity in book.all(kind) {
                guard let reviewed = entity.reviewed, let at = entity.reviewedLocation else { continue }
                let age = today.ordinal - reviewed.ordinal
                if age > interval {
                    out.append(Diagnostic(.reviewOverdue, at: at.withLength(10),
                        "last reviewed on \(reviewed), \(age) days ago: past the review interval of \(interval) days",
                        suggestion: "review the document and set \"reviewed\" to the date of the review"))
                }
            }
        }
        return out
    }
}

extension SourceLocation {
    func withLength(_ length: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column, length: length)
    }
}
