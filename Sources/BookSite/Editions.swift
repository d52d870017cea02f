import BookChanges
import BookLoad
import BookModel
import Foundation
import Synchronization

extension Pipeline {
    /// A previous edition of a book, loaded and modelled (not checked: an old edition is
    /// compared as it was, errors and all).
    public struct Edition: Sendable {
        public let book: Book
        /// The errors the edition had (it is compared all the same).
        public let errors: Int
    }

    /// Loads edition `ref`: a folder (relative to `base`), or a git revision of the repository
    /// that holds the content folder.
    /// - Throws: `ServicebookError` when it is neither, or what it names is not a book.
    /// - Parameter current: the current edition's documents and their text, by path: a file the
    ///   editions share is parsed once.
    public static func edition(_ ref: String, base: String, content: ContentRoot,
                               current: [String: (text: String, document: SourceDocument)] = [:]) throws -> Edition {
        let source = try EditionSource.resolve(ref, base: base, content: content)
        let files: [(path: String, bytes: [UInt8])]
        switch source.content {
        case .folder(let folder): files = ContentLoader.read(folder: folder)
        case .files(let list): files = list
        }
        let (config, documents, found) = ContentLoader.load(files: files, display: ref) { path, text in
            guard let known = current[path], known.text == text else { return nil }
            return known.document
        }
        let assets = Set(files.map(\.path).filter { !$0.hasSuffix(".md") && $0 != "book.yml" })
        if let missing = found.first(where: { $0.code == .missingBookFile }) {
            throw ServicebookError(.load, "the book at \(ref) does not load: \(missing.message)")
        }
        let (book, decoding) = ModelBuilder.build(config: config, documents: documents, assets: assets)
        guard Kind.allCases.contains(where: { !book.all($0).isEmpty }) else {
            throw ServicebookError(.load, "the book at \(ref) does not load: it has no document")
        }
        let errors = (found + decoding).filter { $0.severity == .error }.count
        return Edition(book: book, errors: errors)
    }

    /// What changed since the previous edition: `since` (from the command line, relative to the
    /// current folder), else book.yml's `previous_edition` (relative to the folder that holds
    /// the content folder); nil when neither is given.
    public static func changes(_ checked: Checked, since: String?, cache: BuildCache? = nil) throws -> BookChanges? {
        guard let ref = since ?? checked.book.config.previousEdition, !ref.isEmpty else { return nil }
        let base = since != nil ? FileManager.default.currentDirectoryPath : checked.root.parent
        let edition = try cache?.edition.edition(ref, base: base, content: checked.root)
            ?? self.edition(ref, base: base, content: checked.root,
                            current: current(checked.book.documents, checked.sources, checked.root))
        return Compare.editions(old: edition.book, new: checked.book, since: ref)
    }
}

extension Pipeline {
    /// What `servicebook changes` prints: the content folder loaded and modelled (not checked),
    /// compared with edition `since`, else book.yml's `previous_edition`.
    public struct Compared: Sendable {
        public let changes: BookChanges
        public let book: Book
        /// The errors of the previous edition (it is compared as it loads).
        public let previousErrors: Int
    }

    public static func compare(content folder: String, since: String?) throws -> Compared {
        let root = try ContentRoot(folder: folder)
        let loaded = ContentLoader.load(root)
        if let missing = loaded.diagnostics.first(where: { $0.code == .missingBookFile }) {
            throw ServicebookError(.load, missing.message)
        }
        let (book, _) = ModelBuilder.build(config: loaded.config, documents: loaded.documents, assets: loaded.assets)
        guard let ref = since ?? book.config.previousEdition, !ref.isEmpty else {
            throw ServicebookError(.load, "no edition to compare with: give --since REF (a git revision or a folder), or set previous_edition in book.yml")
        }
        let base = since != nil ? FileManager.default.currentDirectoryPath : root.parent
        let edition = try self.edition(ref, base: base, content: root, current: current(loaded.documents, loaded.sources, root))
        return Compared(changes: Compare.editions(old: edition.book, new: book, since: ref), book: book, previousErrors: edition.errors)
    }
}

extension Pipeline {
    /// The current edition's documents with the text they were parsed from, by path.
    static func current(_ documents: [SourceDocument], _ sources: SourceTexts, _ root: ContentRoot)
        -> [String: (text: String, document: SourceDocument)] {
        var out: [String: (text: String, document: SourceDocument)] = [:]
        for document in documents where document.isRead {
            if let text = sources[root.display(document.path)] { out[document.path] = (text, document) }
        }
        return out
    }
}

/// The previous edition `serve` compares every rebuild with, loaded once per session.
public final class EditionCache: Sendable {
    private let loaded = Mutex<[String: Pipeline.Edition]>([:])

    public init() {}

    func edition(_ ref: String, base: String, content: ContentRoot) throws -> Pipeline.Edition {
        let key = base + "\u{0}" + ref
        if let known = loaded.withLock({ $0[key] }) { return known }
        let edition = try Pipeline.edition(ref, base: base, content: content)
        loaded.withLock { $0[key] = edition }
        return edition
    }
}
