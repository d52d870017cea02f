import BookModel
import Foundation
import Synchronization

/// The search stage: model → index files for the browser (`search/…`), read by
/// `assets/search-core.js`.
///
/// Ranking is BM25F. Each field of a page has a weight and a length normalisation; a stem's
/// weighted, normalised frequency in a page (`tf~`) is a sum over fields, so it is computed here
/// once and shipped, quantised, in the postings. The browser saturates it (`k1`) and weighs it
/// by the stem's rarity (idf): it never stems.
///
/// Files, all JavaScript calling `__sb(type, key, data)` so that `<script>` elements can load
/// them from a server or from `file://` alike:
/// - `search/index.js` (`m`): the number of pages, their kinds, the list of word shards;
/// - `search/w/<key>.js` (`w`): the vocabulary of the stems that start with `key` (their first
///   two letters): each stem's forms, its number of pages, and its postings when they are small;
///   `aliases` lists forms filed under another key than their stem;
/// - `search/p/<stem>.js` (`p`): the postings of a stem found on many pages;
/// - `search/d/<n>.js` (`d`): page `n`'s URL, title, kind, breadcrumb, role and snippet text.
public enum SearchIndex {
    /// Field weights (title, headings, summary, body) and length normalisation per field.
    public static let weights: [Double] = [6, 3, 2, 1]
    public static let lengthNormalization: [Double] = [0.5, 0.5, 0.5, 0.75]
    /// tf~ is shipped in four bits: round(4 · ln(1 + tf~)), at most 15 (tf~ ≈ 41, where BM25's
    /// saturation leaves nothing to tell apart).
    public static let quantum = 4.0
    /// Postings longer than this (characters) get a file of their own.
    public static let inlinePostings = 1024
    public static let format = 3
    /// Pages read at a time.
    public static let batch = 8192

    public struct File: Sendable {
        public let path: String
        public let bytes: [UInt8]
    }

    /// Every search file of `book`, sorted by path; identical for identical books.
    /// - Parameter cache: what an earlier build of the same book computed (`serve`): the
    ///   compressed files of unchanged pages are taken from it.
    /// - Parameter batch: how many pages are read at a time (their texts are held meanwhile).
    public static func build(_ book: Book, cache: SearchCache? = nil, batch: Int = SearchIndex.batch) -> [File] {
        let entities = Kind.allCases.flatMap { book.all($0) }.sorted { $0.key.pagePath < $1.key.pagePath }
        cache?.begin()
        // The pages' texts are the largest part: they are made, read for their words and page
        // files, and dropped a batch at a time (at 100,000 pages, 370 MB of text in all).
        let readers = readers(for: entities.count)
        var words: [PageWords] = [], pages: [File] = []
        words.reserveCapacity(entities.count)
        pages.reserveCapacity(entities.count)
        let size = max(1, batch)
        for start in stride(from: 0, to: entities.count, by: size) {
            let documents = entities[start..<start + min(size, entities.count - start)].parallelMap { SearchDocument($0, in: book) }
            words += analyze(documents, first: start, readers: readers)
            pages += pageFiles(documents, first: start, cache: cache)
        }
        var analysis = Analysis(pages: words, vocabularies: readers.map(\.vocabulary))
        words = []
        let (shards, keys) = vocabularyFiles(postings(&analysis))
        cache?.commit()
        let manifest = "__sb(\"m\",\"\",{\"v\":\(format),\"n\":\(entities.count),\"kinds\":"
            + json(kindRuns(entities.map(\.key.kind))) + ",\"shards\":" + json(keys.joined(separator: " ")) + "});\n"
        return (shards + pages + [File(path: "search/index.js", bytes: Array(manifest.utf8))]).sorted { $0.path < $1.path }
    }

    /// Byte order of UTF-8 (the order of code points): what `<` gives for texts in NFC, without
    /// its Unicode-aware comparison, which is slow for Cyrillic.
    static func less(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// One letter per kind in the manifest.
    static let kindCode: [Kind: Character] = [
        .journey: "J", .step: "S", .situation: "I", .role: "R", .standard: "D", .script: "C", .term: "T", .page: "P",
    ]

    /// The pages' kinds as runs, a letter and a count each ("T18J2P5"): pages are sorted by
    /// path, so the kinds come in a few long runs.
    static func kindRuns(_ kinds: [Kind]) -> String {
        var out = "", i = 0
        while i < kinds.count {
            var j = i
            while j < kinds.count && kinds[j] == kinds[i] { j += 1 }
            out += "\(kindCode[kinds[i]]!)\(j - i)"
            i = j
        }
        return out
    }

}

/// What `serve` keeps from one search index to the next: each page file (compressed at zlib's
/// best level), reused while its input is the same. Every posting depends on the average length of the pages' fields, so the postings
/// and vocabulary are computed again each time, from these parts: the files equal a full build's.
public final class SearchCache: Sendable {
    private struct State {
        var pages: [String: (json: [UInt8], file: [UInt8])] = [:]
        var next: [String: (json: [UInt8], file: [UInt8])] = [:]
        var made = 0, reused = 0
    }
    private let state = Mutex(State())

    public init() {}

    /// Parts made, and parts taken from the cache, by the last index.
    public var made: Int { state.withLock { $0.made } }
    public var reused: Int { state.withLock { $0.reused } }

    func page(_ path: String, _ json: [UInt8], make: () -> [UInt8]) -> [UInt8] {
        let known = state.withLock { state -> [UInt8]? in
            guard let known = state.pages[path], known.json == json else { return nil }
            state.next[path] = known
            state.reused += 1
            return known.file
        }
        if let known { return known }
        let file = make()
        state.withLock {
            $0.next[path] = (json, file)
            $0.made += 1
        }
        return file
    }

    /// Ends an index: what it did not use is forgotten.
    func commit() {
        state.withLock {
            $0.pages = $0.next
            $0.next = [:]
        }
    }

    /// Starts counting for an index.
    func begin() { state.withLock { $0.made = 0; $0.reused = 0 } }
}
