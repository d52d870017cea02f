extension Book {
    /// The documents of a role's handbook, in the handbook's order: the role itself, the
    /// journeys its steps are in, its steps (responsible, then taking part), its situations
    /// (responsible, then escalated to it), the standards that apply to it (its own, then those
    /// for everyone) and its scripts.
    /// What changed for the role, and what its familiarisation sheet lists.
    public func handbook(of role: String) -> [EntityKey] {
        guard entity(.role, role) != nil else { return [] }
        let duties = index.roles[role] ?? RoleDuties()
        let steps = duties.responsibleSteps + duties.participantSteps
        // The journeys its steps stand in, from the steps' placements (not a walk of every
        // journey's steps for every role).
        let inJourneys = Set(steps.flatMap { index.placements[$0]?.map(\.journey) ?? [] })
        let journeys = all(.journey).filter { inJourneys.contains($0.id) }
        var out = [EntityKey(.role, role)] + journeys.map(\.key)
        out += steps.map { EntityKey(.step, $0) }
        out += (duties.responsibleSituations + duties.escalationSituations).map { EntityKey(.situation, $0) }
        out += (duties.standards + index.generalStandards).map { EntityKey(.standard, $0) }
        out += duties.scripts.map { EntityKey(.script, $0) }
        var seen = Set<EntityKey>()
        return out.filter { seen.insert($0).inserted && self[$0] != nil }
    }
}
