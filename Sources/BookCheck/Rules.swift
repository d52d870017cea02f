import BookModel

/// The rules of `servicebook check` beyond each field's own (those are reported while front
/// matter is decoded): what the model found that does not fit together (ids, references, body
/// links), and what makes a book incomplete. The model records the facts; the rules say what
/// they mean and how bad they are. Every problem is reported in the file it is about.
public enum Rules {
    /// Runs every rule. `today` decides which `reviewed` dates are past the review interval.
    public static func run(_ book: Book, today: Day) -> [Diagnostic] {
        Checker.run(book, today: today).diagnostics
    }

    /// Every rule, with the facts of each document's entity (aligned with `book.documents`,
    /// nil where there is no entity) found already.
    /// - Parameter cache: each entity's diagnostics from an earlier check (`serve`), taken again
    ///   when the entity and its facts are the same.
    static func run(_ book: Book, facts: [Facts?], today: Day, cache: CheckCache?) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for i in book.findings.invalidIDs { out += ids(book.documents[Int(i)]) }
        out += book.findings.duplicates.map(duplicate)
        out += book.findings.unresolved.map { reference($0, book) }
        for i in book.findings.suspectLinks { out += links(book.documents[Int(i)], book.linkLists[Int(i)], book) }
        out += cycles(book)
        let interval = book.config.reviewIntervalDays
        let known = cache?.begin(book, today: today, interval: interval)
        let perEntity = Parallel.chunks(of: facts.count, size: 256) { range in
            range.map { i -> [Diagnostic] in
                guard let facts = facts[i], let entity = book.entity(at: i) else { return [] }
                if let known = known?(i, entity), known.facts == facts { return known.diagnostics }
                return check(entity, facts: facts, interval: interval, today: today)
            }
        }.flatMap { $0 }
        cache?.end(book, facts: facts, diagnostics: perEntity, today: today, interval: interval)
        for list in perEntity where !list.isEmpty { out += list }
        return out
    }

    // MARK: - What the model found

    /// An invalid or reserved id.
    static func ids(_ doc: SourceDocument) -> [Diagnostic] {
        var out: [Diagnostic] = []
        if !Identifier.isValid(doc.id) {
            let hint = Identifier.suggestion(for: doc.id).map { "rename the file to \"\($0).md\"" }
            out.append(Diagnostic(.invalidID, at: SourceLocation(file: doc.displayPath),
                "\"\(doc.id)\" is not a valid id: a file name must be lower-case Latin letters, digits and hyphens",
                suggestion: hint))
        }
        if doc.id == "index" {
            out.append(Diagnostic(.invalidID, at: SourceLocation(file: doc.displayPath),
                "\"index\" is reserved: it names the list page of the \(doc.kind.folder) folder in the handbook",
                suggestion: "rename the file, e.g. to \"\(doc.kind.rawValue)-index.md\""))
        }
        return out
    }

    static func duplicate(_ duplicate: DuplicateDocument) -> Diagnostic {
        let doc = duplicate.document
        return Diagnostic(.duplicateID, at: SourceLocation(file: doc.displayPath),
                          "\(doc.kind.rawValue) id \"\(doc.id)\" is already used by \(duplicate.firstPath)",
                          suggestion: "ids are file names and must be unique within a kind: rename one of the files")
    }

    /// A reference to nothing, or to an entity of another kind.
    static func reference(_ unresolved: UnresolvedReference, _ book: Book) -> Diagnostic {
        let ref = unresolved.reference
        let hint = Suggest.closest(to: ref.id, in: book.all(unresolved.kind).map(\.id)).map { "did you mean \"\($0)\"?" }
        let at = ref.location.spanning(ref.id)
        if let other = unresolved.actual {
            return Diagnostic(.wrongKindReference, at: at,
                              "\(unresolved.field) \"\(ref.id)\" is \(other.withArticle), not \(unresolved.kind.withArticle)",
                              suggestion: hint)
        }
        return Diagnostic(.unknownReference, at: at, "\(unresolved.field) \"\(ref.id)\" is not \(unresolved.kind.withArticle)",
                          suggestion: hint)
    }

    /// Broken and unsafe body links of a document.
    static func links(_ doc: SourceDocument, _ links: [(link: BodyLink, target: ResolvedLink)], _ book: Book) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (link, target) in links {
            let at = SourceLocation(file: doc.displayPath, line: link.line, column: link.column, length: link.length)
            switch target {
            case .broken(let reason):
                let code: DiagnosticCode = reason.hasPrefix("#") ? .brokenAnchor : .brokenLink
                out.append(Diagnostic(code, at: at, reason, suggestion: book.linkResolver.suggestion(for: link.destination, from: doc)))
            case .external where LinkResolver.isUnsafe(link.destination):
                let scheme = link.destination.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
                out.append(Diagnostic(.unsafeLink, at: at,
                    "the \(link.isImage ? "image" : "link") \"\(scheme.trimmingCharacters(in: .whitespaces)):…\" could run code in a reader's browser: the handbook keeps its text and drops the \(link.isImage ? "image" : "link")",
                    suggestion: "link to a page of the book (../steps/id.md) or to an https:// address"))
            case .external, .asset, .sameDocument, .document:
                break
            }
        }
        return out
    }

    /// Roles whose `reports_to` lead round in a circle: an error at each one's `reports_to`,
    /// naming the circle from that role.
    static func cycles(_ book: Book) -> [Diagnostic] {
        let roles = book.all(.role)
        let number = Dictionary(uniqueKeysWithValues: roles.enumerated().map { ($1.id, $0) })
        // Each role's boss, when that is a role of the book.
        let boss = roles.map { $0.role?.reportsTo.flatMap { number[$0.id] } }
        var state = [UInt8](repeating: 0, count: roles.count)          // 0 not seen, 1 on the walk, 2 done
        var inCycle = [Bool](repeating: false, count: roles.count)
        for start in roles.indices where state[start] == 0 {
            var walk: [Int] = []
            var at: Int? = start
            while let i = at, state[i] == 0 {
                state[i] = 1
                walk.append(i)
                at = boss[i]
            }
            if let i = at, state[i] == 1, let first = walk.firstIndex(of: i) {
                for member in walk[first...] { inCycle[member] = true }
            }
            for i in walk { state[i] = 2 }
        }
        var out: [Diagnostic] = []
        for i in roles.indices where inCycle[i] {
            guard let ref = roles[i].role?.reportsTo else { continue }
            var names = [roles[i].id]
            var j = boss[i]!
            while j != i {
                names.append(roles[j].id)
                j = boss[j]!
            }
            let message = names.count == 1 ? "role \"\(roles[i].id)\" reports to itself"
                : "reports_to makes a cycle: " + (names + [roles[i].id]).joined(separator: " → ")
            out.append(Diagnostic(.cyclicReportsTo, at: ref.location.spanning(ref.id), message,
                                  suggestion: "a role reports to the role above it: end the chain at a role that reports to no one"))
        }
        return out
    }

    // MARK: - Each entity

    /// The rules about one entity, each reported in the entity's own file.
    static func check(_ entity: Entity, facts: Facts, interval: Int?, today: Day) -> [Diagnostic] {
        var out: [Diagnostic] = []
        if let journey = entity.journey { out += self.journey(journey) }
        if !facts.contains(.used), let usage = UsageTest.of(entity.kind) {
            out.append(Diagnostic(usage.code, at: wholeFile(entity), usage.message(entity), suggestion: usage.suggestion))
        }
        if entity.kind == .standard, !facts.contains(.checked) {
            out.append(Diagnostic(.standardWithoutChecks, at: wholeFile(entity),
                "standard \"\(entity.id)\" has no checks a mystery shopper could tick",
                suggestion: "add \"checks:\" with observable criteria, e.g. \"greets the customer within 30 seconds\""))
        }
        if !facts.contains(.hasBody) {
            out.append(Diagnostic(.emptyBody, at: SourceLocation(file: entity.source.displayPath, line: entity.source.bodyLine),
                                  "\(entity.kind.rawValue) \"\(entity.id)\" has no text after its front matter"))
        }
        if facts.contains(.overdue), let (age, interval) = Review.overdue(entity, interval: interval, today: today),
           let reviewed = entity.reviewed, let at = entity.reviewedLocation {
            out.append(Diagnostic(.reviewOverdue, at: at.withLength(10),
                "last reviewed on \(reviewed), \(age) days ago: past the review interval of \(interval) days",
                suggestion: "review the document and set \"reviewed\" to the date of the review"))
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
}

extension SourceLocation {
    func withLength(_ length: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column, length: length)
    }
}
