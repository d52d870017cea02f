/// The indexes derived from the entities: where each step stands in its journeys, the order of
/// steps, and everything each role is responsible for or takes part in.
enum Indexes {
    typealias Derived = (placements: [String: [StepPlacement]], stepOrder: [String], roles: [String: RoleDuties],
                         generalStandards: [String])

    /// The kinds whose entities `derive` reads.
    static let kinds: [Kind] = [.journey, .step, .situation, .role, .standard, .script]

    /// A hash of what `derive` reads of an entity (besides which entities there are): a
    /// journey's stages and their steps, the references of steps, situations and standards.
    static func shape(_ entity: Entity) -> Int {
        var hasher = Hasher()
        switch entity.details {
        case .journey(let journey):
            for stage in journey.stages {
                hasher.combine(stage.id)
                hasher.combine(stage.steps.count)
                for step in stage.steps { hasher.combine(step.id) }
            }
        case .step, .situation, .standard:
            for (field, _, reference) in entity.references where field != "owner" {
                hasher.combine(field)
                hasher.combine(reference.id)
            }
        default:
            return 0
        }
        return hasher.finalize()
    }

    /// - Parameters:
    ///   - entity: the entity of a key, if there is one.
    ///   - ordered: each kind's entities in order.
    static func derive(_ entity: (EntityKey) -> Entity?, ordered: [Kind: [Entity]]) -> Derived {
        func exists(_ kind: Kind, _ ref: Reference?) -> String? {
            guard let ref, entity(EntityKey(kind, ref.id)) != nil else { return nil }
            return ref.id
        }
        // Step placements and journey order.
        var placements: [String: [StepPlacement]] = [:]
        var stepOrder: [String] = []
        var seen = Set<String>()
        for journeyEntity in ordered[.journey] ?? [] {
            let key = journeyEntity.key
            guard let journey = journeyEntity.journey else { continue }
            var sequence: [(stageIndex: Int, stage: String, position: Int, step: String)] = []
            var inJourney = Set<String>()
            for (stageIndex, stage) in journey.stages.enumerated() {
                for (position, ref) in stage.steps.enumerated() {
                    guard let id = exists(.step, ref), inJourney.insert(id).inserted else { continue }
                    sequence.append((stageIndex, stage.id, position, id))
                }
            }
            for (i, item) in sequence.enumerated() {
                placements[item.step, default: []].append(StepPlacement(
                    journey: key.id, stageIndex: item.stageIndex, stage: item.stage, position: item.position,
                    previous: i > 0 ? sequence[i - 1].step : nil,
                    next: i + 1 < sequence.count ? sequence[i + 1].step : nil))
                if seen.insert(item.step).inserted { stepOrder.append(item.step) }
            }
        }
        stepOrder += (ordered[.step] ?? []).filter { !seen.contains($0.id) }.map(\.id)

        // Role duties: lists in journey order, each item once. Scripts and standards are
        // numbered (their place in `ordered`), and each role marks the ones its lists have.
        let scriptNumbers = Dictionary(uniqueKeysWithValues: (ordered[.script] ?? []).enumerated().map { ($1.id, $0) })
        let standardNumbers = Dictionary(uniqueKeysWithValues: (ordered[.standard] ?? []).enumerated().map { ($1.id, $0) })
        struct Duties {
            var duties = RoleDuties()
            var participantSteps = Set<String>()
            var scripts: [Int] = [], standards: [Int] = []
            var hasScript: [Bool], hasStandard: [Bool]

            init(scripts: Int, standards: Int) {
                hasScript = [Bool](repeating: false, count: scripts)
                hasStandard = [Bool](repeating: false, count: standards)
            }

            mutating func add(scripts items: [Int]) {
                for item in items where !hasScript[item] { hasScript[item] = true; scripts.append(item) }
            }
            mutating func add(standards items: [Int]) {
                for item in items where !hasStandard[item] { hasStandard[item] = true; standards.append(item) }
            }
        }
        let roleNumbers = Dictionary(uniqueKeysWithValues: (ordered[.role] ?? []).enumerated().map { ($1.id, $0) })
        var roles = [Duties](repeating: Duties(scripts: scriptNumbers.count, standards: standardNumbers.count),
                             count: roleNumbers.count)
        func role(_ ref: Reference?) -> Int? { ref.flatMap { roleNumbers[$0.id] } }
        for stepID in stepOrder {
            guard let step = entity(EntityKey(.step, stepID))?.step else { continue }
            let scripts = step.scripts.compactMap { scriptNumbers[$0.id] }
            let standards = step.standards.compactMap { standardNumbers[$0.id] }
            let responsible = role(step.responsible)
            if let r = responsible {
                roles[r].duties.responsibleSteps.append(stepID)
                roles[r].add(scripts: scripts)
                roles[r].add(standards: standards)
            }
            for r in step.participants.compactMap(role) where r != responsible {
                if roles[r].participantSteps.insert(stepID).inserted { roles[r].duties.participantSteps.append(stepID) }
                roles[r].add(scripts: scripts)
                roles[r].add(standards: standards)
            }
        }
        for situationEntity in ordered[.situation] ?? [] {
            let key = situationEntity.key
            guard let situation = situationEntity.situation else { continue }
            let scripts = situation.scripts.compactMap { scriptNumbers[$0.id] }
            let standards = situation.standards.compactMap { standardNumbers[$0.id] }
            let responsible = role(situation.responsible)
            if let r = responsible {
                roles[r].duties.responsibleSituations.append(key.id)
                roles[r].add(scripts: scripts)
                roles[r].add(standards: standards)
            }
            if let r = role(situation.escalation), r != responsible {
                roles[r].duties.escalationSituations.append(key.id)
                roles[r].add(standards: standards)
            }
        }
        // A standard that names no role applies to everyone: it is listed once for the book
        // (`generalStandards`), not once per role.
        var general: [String] = []
        for (number, standardEntity) in (ordered[.standard] ?? []).enumerated() {
            guard let standard = standardEntity.standard else { continue }
            if standard.appliesTo.isEmpty { general.append(standardEntity.id); continue }
            for r in standard.appliesTo.compactMap(role) where !roles[r].hasStandard[number] {
                roles[r].hasStandard[number] = true
                roles[r].standards.append(number)
            }
        }
        let scriptIDs = (ordered[.script] ?? []).map(\.id), standardIDs = (ordered[.standard] ?? []).map(\.id)
        var duties: [String: RoleDuties] = [:]
        for (id, r) in roleNumbers {
            var made = roles[r].duties
            made.scripts = roles[r].scripts.map { scriptIDs[$0] }
            made.standards = roles[r].standards.map { standardIDs[$0] }
            duties[id] = made
        }
        return (placements, stepOrder, duties, general)
    }
}
