import Synchronization

/// Builds the typed model of a book from its loaded documents: each document decoded into an
/// entity (`Decoding`), ids made unique within a kind (`Listing`), references and body links
/// resolved (`Linking`), and the indexes derived (`Indexes`). What does not fit together is
/// recorded in `Book.findings` and in the links, for the check to judge; decoding's own
/// problems (a field of the wrong type, ...) are returned beside the book.
///
/// The same function serves `build` and every rebuild of `serve`. With a `ModelCache`, what it
/// computed before is taken again where its inputs are the same: a document's entity and its
/// resolved references and links (while the document is the same load, no document came or
/// went, and the documents its links lead to have the same headings), the listing (while the
/// same paths are there), the derived indexes (while every entity's references are the same).
/// Everything else is computed again, so the result equals a build without the cache.
public enum ModelBuilder {
    /// - Parameters:
    ///   - documents: every loaded document, sorted by path.
    ///   - assets: paths (relative to the content folder) of the files that are not documents,
    ///     which body links may point at.
    ///   - cache: what an earlier build made of the same folder (`serve`).
    /// - Returns: the book, and the diagnostics of decoding its documents' front matter.
    public static func build(config: BookConfig, documents: [SourceDocument], assets: Set<String> = [],
                             cache: ModelCache? = nil) -> (Book, [Diagnostic]) {
        let documents = zip(documents, documents.dropFirst()).allSatisfy({ $0.path < $1.path })
            ? documents : documents.sorted { $0.path < $1.path }
        let count = documents.count
        let digest = Listing.digest(documents)
        let listing = cache?.listing(digest) ?? Listing(documents, digest: digest)
        let (previous, remap) = cache?.previous(documents, listing) ?? ([DocumentModel?](repeating: nil, count: count), nil)

        // Each document decoded (with a cache, the duplicates too: the one that keeps an id when
        // the other goes is then known).
        let decoded = Parallel.chunks(of: count, size: 64) { range in
            range.map { i -> Decoded? in
                if let known = previous[i] { return known.decoded }
                guard cache != nil || listing.unique[i] else { return nil }
                return Decoded(documents[i])
            }
        }.flatMap { $0 }
        let slots = (0..<count).map { listing.unique[$0] ? decoded[$0]?.entity : nil }

        // References and links resolved, again only where what they depend on changed.
        let resolver = LinkResolver(documents: documents, byPath: listing.byPath, assets: assets)
        let assetsDigest = assets.sorted().hashValue
        let anchors = decoded.map { $0?.anchors ?? 0 }
        let models = Parallel.chunks(of: count, size: 64) { range in
            range.map { i -> DocumentModel? in
                guard listing.unique[i], let decoded = decoded[i] else { return decoded[i].map { DocumentModel(decoded: $0) } }
                if let known = previous[i] {
                    if known.isResolved(listing: digest, assets: assetsDigest, anchors: anchors) { return known }
                    if let remap, let moved = known.moved(to: listing, remap: remap, assets: assetsDigest, anchors: anchors) { return moved }
                }
                return DocumentModel(resolving: decoded, listing: listing, assets: assetsDigest, anchors: anchors, resolver: resolver)
            }
        }.flatMap { $0 }

        // What spans documents: computed again each time.
        var findings = Findings()
        findings.duplicates = listing.duplicates.map {
            DuplicateDocument(document: documents[Int($0.document)], firstPath: documents[Int($0.first)].displayPath)
        }
        findings.invalidIDs = listing.invalidIDs
        for i in 0..<count where listing.unique[i] && models[i]?.hasSuspectLinks == true { findings.suspectLinks.append(Int32(i)) }
        var assets = Set<String>()
        for case let model? in models {
            findings.internalLinks += Int(model.internalLinks)
            findings.resolvingLinks += Int(model.resolvingLinks)
            assets.formUnion(model.assetPaths)
        }
        findings.linkedAssets = assets.sorted()
        for i in 0..<count {
            guard let entity = slots[i], let model = models[i], model.hasUnresolved else { continue }
            findings.unresolved += Linking.unresolved(entity, targets: model.targets, slots: slots, listing: listing)
        }
        let backlinks = cache?.backlinks(slots: slots, models: models) {
            Linking.backlinks(slots: slots, edges: models.map { $0?.edges ?? [] }, rank: listing.rank)
        } ?? Linking.backlinks(slots: slots, edges: models.map { $0?.edges ?? [] }, rank: listing.rank)
        var ordered: [Kind: [Entity]] = [:]
        for kind in Kind.allCases { ordered[kind] = listing.byKind[kind]!.compactMap { slots[Int($0)] } }
        ordered[.page]!.sort { a, b in
            let oa = a.page?.order ?? Int.max, ob = b.page?.order ?? Int.max
            return oa != ob ? oa < ob : a.id < b.id
        }
        let lookup = { (key: EntityKey) in listing.index[key].flatMap { slots[Int($0)] } }
        // What the indexes are derived from: which journeys, steps, situations, standards, roles
        // and scripts there are, and what their references are.
        var shape = Hasher()
        for kind in Indexes.kinds {
            shape.combine(kind)
            for i in listing.byKind[kind]! where slots[Int(i)] != nil { shape.combine(decoded[Int(i)]!.shape) }
        }
        let derived = cache?.derived(shape.finalize()) { Indexes.derive(lookup, ordered: ordered) } ?? Indexes.derive(lookup, ordered: ordered)
        let index = BookIndex(placements: derived.placements, roles: derived.roles, stepOrder: derived.stepOrder,
                              generalStandards: derived.generalStandards, compact: backlinks, documents: documents)
        let linkLists = models.map { $0?.links ?? [] }
        let book = Book(config: config, documents: documents, listing: listing, slots: slots, ordered: ordered, index: index,
                        linkLists: linkLists, linkResolver: resolver, assets: assets, findings: findings)
        cache?.remember(listing, documents: documents, models: models)
        var diagnostics: [Diagnostic] = []
        for i in 0..<count where listing.unique[i] {
            if let found = decoded[i]?.diagnostics, !found.isEmpty { diagnostics += found }
        }
        return (book, diagnostics)
    }
}

/// A document decoded: its entity (nil when its front matter is too broken), the problems of
/// its fields, and hashes of what other documents' results depend on: its heading anchors (for
/// links to it) and its id with its references (for the indexes).
final class Decoded: Sendable {
    let document: SourceDocument
    let entity: Entity?
    let diagnostics: [Diagnostic]
    let anchors: Int
    let shape: Int

    init(_ document: SourceDocument) {
        self.document = document
        (entity, diagnostics) = document.frontMatter.map { Decoding.entity(document, $0) } ?? (nil, [])
        var anchors = Hasher()
        anchors.combine(document.isRead)
        anchors.combine(document.markdown.headings.count)
        for heading in document.markdown.headings { anchors.combine(heading.anchor) }
        self.anchors = anchors.finalize()
        var shape = Hasher()
        shape.combine(document.id)
        shape.combine(entity.map(Indexes.shape) ?? 0)
        self.shape = shape.finalize()
    }
}

/// What the model made of one document: decoded, and (when it keeps its id) its references and
/// links resolved, with what the resolution depended on.
final class DocumentModel: Sendable {
    let decoded: Decoded
    /// The document each reference names (-1: none), under the listing `listing`.
    let targets: [Int32]
    /// Whether a reference names no document.
    let hasUnresolved: Bool
    /// Whether a body link leads nowhere or could run code.
    let hasSuspectLinks: Bool
    let links: [(link: BodyLink, target: ResolvedLink)]
    /// The document each link's path names (-1: none), and its heading anchors' hash when the
    /// links were resolved.
    let linkDocuments: [(document: Int32, anchors: Int)]
    let edges: [(target: Int32, field: UInt8)]
    let listing: Int
    let assets: Int
    /// Of `links`: those between documents (not to other sites), and those of them that resolve
    /// (the completeness report's count, summed over the book without visiting every link).
    let internalLinks: Int32, resolvingLinks: Int32
    /// The files (not documents) of `links`: usually none.
    let assetPaths: [String]

    /// A duplicate, or a document that is no entity and has no links resolved.
    init(decoded: Decoded) {
        self.decoded = decoded
        targets = []; hasUnresolved = false; hasSuspectLinks = false; links = []; linkDocuments = []; edges = []; listing = 0; assets = 0
        internalLinks = 0; resolvingLinks = 0; assetPaths = []
    }

    /// - Parameter anchors: every document's heading anchors' hash, by index.
    convenience init(resolving decoded: Decoded, listing: Listing, assets: Int, anchors: [Int], resolver: LinkResolver) {
        let resolved = Linking.links(decoded.document, resolver)
        let suspect = resolved.contains { link in
            switch link.target {
            case .broken: true
            case .external: LinkResolver.isUnsafe(link.link.destination)
            default: false
            }
        }
        self.init(decoded: decoded, targets: decoded.entity.map { Linking.targets($0, listing) } ?? [],
                  links: resolved.map { ($0.link, $0.target) },
                  linkDocuments: resolved.map { ($0.document, $0.document >= 0 ? anchors[Int($0.document)] : 0) },
                  hasSuspectLinks: suspect, listing: listing.digest, assets: assets)
    }

    private init(decoded: Decoded, targets: [Int32], links: [(link: BodyLink, target: ResolvedLink)],
                 linkDocuments: [(document: Int32, anchors: Int)], hasSuspectLinks: Bool, listing: Int, assets: Int) {
        self.decoded = decoded
        self.targets = targets
        hasUnresolved = targets.contains(-1)
        self.links = links
        self.linkDocuments = linkDocuments
        self.hasSuspectLinks = hasSuspectLinks
        edges = decoded.entity.map { Linking.edges($0, targets: targets, links: links, documents: linkDocuments.map(\.document)) } ?? []
        self.listing = listing
        self.assets = assets
        var internalLinks: Int32 = 0, resolvingLinks: Int32 = 0
        var assetPaths: [String] = []
        for (_, target) in links {
            switch target {
            case .external: continue
            case .broken: internalLinks += 1
            case .asset(let path): internalLinks += 1; resolvingLinks += 1; assetPaths.append(path)
            default: internalLinks += 1; resolvingLinks += 1
            }
        }
        self.internalLinks = internalLinks
        self.resolvingLinks = resolvingLinks
        self.assetPaths = assetPaths
    }

    /// The same resolution in another listing (documents came or went), where it still holds:
    /// the references resolved again (cheap), each link's document found by its path (`remap`:
    /// old index → new), with the headings it had. Nil when a link's document is gone, or a link
    /// leads nowhere (a new file may be what it names): then the links are resolved again.
    func moved(to listing: Listing, remap: [Int32], assets: Int, anchors: [Int]) -> DocumentModel? {
        guard self.assets == assets else { return nil }
        var documents = linkDocuments
        for (i, (link, old)) in zip(links, linkDocuments).enumerated() {
            if old.document < 0 {
                if case .broken = link.target { return nil }
                continue
            }
            let now = Int(old.document) < remap.count ? remap[Int(old.document)] : -1
            guard now >= 0, anchors[Int(now)] == old.anchors else { return nil }
            documents[i].document = now
        }
        let targets = decoded.entity.map { Linking.targets($0, listing) } ?? []
        return DocumentModel(decoded: decoded, targets: targets, links: links, linkDocuments: documents,
                             hasSuspectLinks: hasSuspectLinks, listing: listing.digest, assets: assets)
    }

    /// Whether the resolution still holds in the listing and with the assets given (the
    /// document is the same load): every link's document still has the headings it had.
    func isResolved(listing digest: Int, assets: Int, anchors: [Int]) -> Bool {
        guard listing == digest, self.assets == assets else { return false }
        for link in linkDocuments where link.document >= 0 && anchors[Int(link.document)] != link.anchors { return false }
        return true
    }
}
