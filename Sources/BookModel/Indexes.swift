/// The indexes derived from the entities: where each step stands in its journeys, the order of
/// steps, and everything each role is responsible for or takes part in.
enum Indexes {
    typealias Derived = (placements: [String: [StepPlacement]], stepOrder: [String], roles: [String: RoleDuties])

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

        // Role duties: lists in journey order, each item once (the sets say what a list has).
        struct Duties {
            var duties = RoleDuties()
            var participantSteps = Set<String>(), scripts = Set<String>(), standards = Set<String>()

            mutating func add(scripts items: [String]) {
                for item in items where scripts.insert(item).inserted { duties.scripts.append(item) }
            }
            mutating func add(standards items: [String]) {
                for item in items where standards.insert(item).inserted { duties.standards.append(item) }
            }
        }
        var roles: [String: Duties] = [:]
        for role in ordered[.role] ?? [] { roles[role.id] = Duties() }
        for stepID in stepOrder {
            guard let step = entity(EntityKey(.step, stepID))?.step else { continue }
            let scripts = step.scripts.compactMap { exists(.script, $0) }
            let standards = step.standards.compactMap { exists(.standard, $0) }
            let responsible = exists(.role, step.responsible)
            if let role = responsible {
                roles[role]!.duties.responsibleSteps.append(stepID)
                roles[role]!.add(scripts: scripts)
                roles[role]!.add(standards: standards)
            }
            for role in step.participants.compactMap({ exists(.role, $0) }) where role != responsible {
                if roles[role]!.participantSteps.insert(stepID).inserted { roles[role]!.duties.participantSteps.append(stepID) }
                roles[role]!.add(scripts: scripts)
                roles[role]!.add(standards: standards)
            }
        }
        for situationEntity in ordered[.situation] ?? [] {
            let key = situationEntity.key
            guard let situation = situationEntity.situation else { continue }
            let scripts = situation.scripts.compactMap { exists(.script, $0) }
            let standards = situation.standards.compactMap { exists(.standard, $0) }
            let responsible = exists(.role, situation.responsible)
            if let role = responsible {
                roles[role]!.duties.responsibleSituations.append(key.id)
                roles[role]!.add(scripts: scripts)
                roles[role]!.add(standards: standards)
            }
            if let role = exists(.role, situation.escalation), role != responsible {
                roles[role]!.duties.escalationSituations.append(key.id)
                roles[role]!.add(standards: standards)
            }
        }
        let everyone = Array(roles.keys)
        for standardEntity in ordered[.standard] ?? [] {
            let key = standardEntity.key
            guard let standard = standardEntity.standard else { continue }
            let targets = standard.appliesTo.compactMap { exists(.role, $0) }
            for role in targets.isEmpty ? everyone : targets { roles[role]!.add(standards: [key.id]) }
        }
        return (placements, stepOrder, roles.mapValues(\.duties))
    }
}
