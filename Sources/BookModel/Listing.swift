/// What the model takes from the list of documents alone, that is from their paths (a path
/// gives a document's kind and id): which document has each id, which are duplicates, the order
/// of ids. It stays the same from one build to the next while no document comes or goes, and
/// `ModelCache` keeps it so long.
final class Listing: Sendable {
    /// A hash of every document's path, in order: equal listings have equal digests.
    let digest: Int
    let count: Int
    /// The document (its index in the sorted list) that has each key: the first by path.
    let index: [EntityKey: Int32]
    /// The documents that keep their key, by path (links resolve to these).
    let byPath: [String: Int32]
    /// Whether each document keeps its key (false: an earlier document has it).
    let unique: [Bool]
    /// The documents that do not, each with the one that does.
    let duplicates: [(document: Int32, first: Int32)]
    /// Each kind's documents that keep their key, in id order.
    let byKind: [Kind: [Int32]]
    /// Each document's place in the order of keys (kind, then id): backlinks are sorted by it.
    let rank: [Int32]
    /// The documents whose id is not valid or is reserved ("index").
    let invalidIDs: [Int32]

    static func digest(_ documents: [SourceDocument]) -> Int {
        var hasher = Hasher()
        hasher.combine(documents.count)
        for doc in documents { hasher.combine(doc.path) }
        return hasher.finalize()
    }

    init(_ documents: [SourceDocument], digest: Int) {
        self.digest = digest
        count = documents.count
        var index: [EntityKey: Int32] = [:]
        var byPath: [String: Int32] = [:]
        index.reserveCapacity(documents.count)
        byPath.reserveCapacity(documents.count)
        var unique = [Bool](repeating: false, count: documents.count)
        var duplicates: [(document: Int32, first: Int32)] = []
        for (i, doc) in documents.enumerated() {
            if let first = index[doc.key] {
                duplicates.append((Int32(i), first))
                continue
            }
            index[doc.key] = Int32(i)
            byPath[doc.path] = Int32(i)
            unique[i] = true
        }
        self.index = index
        self.byPath = byPath
        self.unique = unique
        self.duplicates = duplicates
        let ordered = documents.indices.filter { unique[$0] }.sorted { documents[$0].key < documents[$1].key }
        var rank = [Int32](repeating: -1, count: documents.count)
        var byKind: [Kind: [Int32]] = [:]
        for kind in Kind.allCases { byKind[kind] = [] }
        for (place, i) in ordered.enumerated() {
            rank[i] = Int32(place)
            byKind[documents[i].kind]!.append(Int32(i))
        }
        self.rank = rank
        self.byKind = byKind
        invalidIDs = documents.indices.filter { !Identifier.isValid(documents[$0].id) || documents[$0].id == "index" }.map { Int32($0) }
    }
}
