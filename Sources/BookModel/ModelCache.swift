import Synchronization

/// What `ModelBuilder.build` keeps for the next build of the same folder (`serve`): the listing,
/// what it made of each document, and the derived indexes with the hash of what they were
/// derived from.
public final class ModelCache: Sendable {
    private struct State {
        var listing: Listing?
        /// The documents of the last build, and what was made of each (aligned with them).
        var documents: [SourceDocument] = []
        var models: [DocumentModel?] = []
        var derived: (shape: Int, value: Indexes.Derived)?
        var backlinks: (entities: [Bool], edges: [[(target: Int32, field: UInt8)]], value: Backlinks)?
        var decoded = 0
    }
    private let state = Mutex(State())

    public init() {}

    /// How many documents the last build decoded (the others were taken from the cache).
    public var decoded: Int { state.withLock { $0.decoded } }

    func listing(_ digest: Int) -> Listing? {
        state.withLock { $0.listing?.digest == digest ? $0.listing : nil }
    }

    /// What the last build made of each of `documents` that is the same load, aligned with them;
    /// and, when the listing changed, each old document's index in the new one (-1: gone, or no
    /// longer keeps its id).
    func previous(_ documents: [SourceDocument], _ listing: Listing) -> ([DocumentModel?], [Int32]?) {
        let (oldDocuments, models, oldListing) = state.withLock { ($0.documents, $0.models, $0.listing) }
        var out = [DocumentModel?](repeating: nil, count: documents.count)
        var fresh = 0
        var remap: [Int32]?
        if oldListing === listing {
            for i in documents.indices {
                if let model = models[i], model.decoded.document === documents[i] { out[i] = model } else { fresh += 1 }
            }
        } else {
            // Both lists are sorted by path: walk them side by side.
            var moved = [Int32](repeating: -1, count: oldDocuments.count)
            var j = 0
            for (i, doc) in documents.enumerated() {
                while j < oldDocuments.count && oldDocuments[j].path < doc.path { j += 1 }
                if j < oldDocuments.count && oldDocuments[j].path == doc.path {
                    if listing.unique[i] { moved[j] = Int32(i) }
                    if let model = models[j], model.decoded.document === doc { out[i] = model } else { fresh += 1 }
                } else {
                    fresh += 1
                }
            }
            remap = moved
        }
        state.withLock { $0.decoded = fresh }
        return (out, remap)
    }

    func derived(_ shape: Int, _ make: () -> Indexes.Derived) -> Indexes.Derived {
        if let known = state.withLock({ $0.derived }), known.shape == shape { return known.value }
        let value = make()
        state.withLock { $0.derived = (shape, value) }
        return value
    }

    /// The backlinks of the last build if every entity is there as it was and every document's
    /// references and links lead where they did; else `make()`.
    func backlinks(slots: [Entity?], models: [DocumentModel?], _ make: () -> Backlinks) -> Backlinks {
        let entities = slots.map { $0 != nil }
        let known = state.withLock { $0.backlinks }
        if let known, known.entities == entities, known.edges.count == models.count,
           zip(known.edges, models).allSatisfy({ old, model in
               let now = model?.edges ?? []
               return old.count == now.count && zip(old, now).allSatisfy { $0.target == $1.target && $0.field == $1.field }
           }) {
            return known.value
        }
        let value = make()
        state.withLock { $0.backlinks = (entities, models.map { $0?.edges ?? [] }, value) }
        return value
    }

    func remember(_ listing: Listing, documents: [SourceDocument], models: [DocumentModel?]) {
        state.withLock {
            $0.listing = listing
            $0.documents = documents
            $0.models = models
        }
    }
}
