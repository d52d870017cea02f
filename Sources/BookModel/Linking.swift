/// How the entities and documents of a book point at each other: front-matter references
/// resolved to documents, body links resolved to documents, anchors and files, and the
/// backlinks both make. What leads nowhere is recorded (`Findings`, `ResolvedLink.broken`), not
/// judged. Everything here works on document indexes (the place of a document in the sorted
/// list), not on keys.
enum Linking {
    /// The document each reference of `entity` names (-1: no document has that kind and id).
    static func targets(_ entity: Entity, _ listing: Listing) -> [Int32] {
        entity.references.map { listing.index[EntityKey($0.kind, $0.reference.id)] ?? -1 }
    }

    /// A document's body links resolved, with the document each one's path names (-1: none).
    static func links(_ doc: SourceDocument, _ resolver: LinkResolver) -> [(link: BodyLink, target: ResolvedLink, document: Int32)] {
        doc.markdown.links.map { link in
            let (target, document) = resolver.resolveWithTarget(link.destination, from: doc)
            return (link, target, document)
        }
    }

    /// The references that reach no entity of the kind their field names. A reference to a
    /// document that did not become an entity (its front matter is broken) is not one: that
    /// document has its own error.
    static func unresolved(_ entity: Entity, targets: [Int32], slots: [Entity?], listing: Listing) -> [UnresolvedReference] {
        var out: [UnresolvedReference] = []
        for ((field, kind, ref), target) in zip(entity.references, targets) where target < 0 {
            let actual = Kind.allCases.first { other in listing.index[EntityKey(other, ref.id)].map { slots[Int($0)] != nil } ?? false }
            out.append(UnresolvedReference(entity: entity.key, field: field, kind: kind, reference: ref, actual: actual))
        }
        return out
    }

    /// The edges of the backlinks a document's entity makes: each reference's target document
    /// and field, then each body link's that leads to a document (-1: none).
    static func edges(_ entity: Entity, targets: [Int32], links: [(link: BodyLink, target: ResolvedLink)],
                      documents: [Int32]) -> [(target: Int32, field: UInt8)] {
        var out = zip(entity.references, targets).map { reference, target in (target, Field.codes[reference.field]!) }
        for (link, document) in zip(links, documents) {
            if case .document = link.target { out.append((document, Field.link)) }
        }
        return out
    }

    /// The backlinks of every document: from each entity's references to the other entities
    /// they reach, and from each entity's body links to the other documents they reach.
    static func backlinks(slots: [Entity?], edges: [[(target: Int32, field: UInt8)]], rank: [Int32]) -> Backlinks {
        let count = slots.count
        // Counted, then placed (one array for all), then each document's sorted and made unique.
        var counts = [Int32](repeating: 0, count: count + 1)
        func each(_ body: (_ target: Int32, _ from: Int32, _ field: UInt8) -> Void) {
            for from in 0..<count where slots[from] != nil {
                for (target, field) in edges[from]
                where target >= 0 && Int(target) != from && (field == Field.link || slots[Int(target)] != nil) {
                    body(target, Int32(from), field)
                }
            }
        }
        each { target, _, _ in counts[Int(target) + 1] += 1 }
        for i in 0..<count { counts[i + 1] += counts[i] }
        var fill = Array(counts.dropLast())
        var entries = [(from: Int32, field: UInt8)](repeating: (0, 0), count: Int(counts[count]))
        each { target, from, field in
            entries[Int(fill[Int(target)])] = (from, field)
            fill[Int(target)] += 1
        }
        var starts = [Int32](repeating: 0, count: count + 1)
        var kept = 0
        for i in 0..<count {
            starts[i] = Int32(kept)
            let begin = Int(counts[i]), end = Int(counts[i + 1])
            guard end > begin else { continue }
            let list = end - begin == 1 ? Array(entries[begin..<end]) : entries[begin..<end].sorted { a, b in
                a.from != b.from ? rank[Int(a.from)] < rank[Int(b.from)] : a.field < b.field
            }
            var last: (from: Int32, field: UInt8)? = nil
            for item in list where last.map({ $0.from != item.from || $0.field != item.field }) ?? true {
                entries[kept] = item
                kept += 1
                last = item
            }
        }
        starts[count] = Int32(kept)
        entries.removeLast(entries.count - kept)
        return Backlinks(starts: starts, entries: entries)
    }
}
