import BookModel
import CZlib
import Dispatch
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

    public struct File: Sendable {
        public let path: String
        public let bytes: [UInt8]
    }

    /// One page's words: the worker that read it, the length of each field, and per distinct
    /// form the worker's id for it and its count in each field.
    struct PageWords {
        var worker = 0
        var lengths = SIMD4<Int32>()
        var forms: [(local: Int32, counts: SIMD4<Int32>)] = []
    }

    /// The words a worker met, each once, with its stem.
    struct Vocabulary {
        var words: [String] = []
        var stems: [String] = []
    }

    /// A word as UTF-8, hashed as bytes (faster than a String's Unicode-aware hash).
    struct WordKey: Hashable {
        let bytes: [UInt8]
        func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
        static func == (a: WordKey, b: WordKey) -> Bool { a.bytes == b.bytes }
    }

    /// Every search file of `book`, sorted by path; identical for identical books.
    /// - Parameter cache: what an earlier build of the same book computed (`serve`): the
    ///   compressed files of unchanged pages are taken from it.
    public static func build(_ book: Book, cache: SearchCache? = nil) -> [File] {
        let entities = Kind.allCases.flatMap { book.all($0) }.sorted { $0.key.pagePath < $1.key.pagePath }
        cache?.begin()
        let documents = entities.parallelMap { entity in
            SearchDocument(entity, in: book)
        }
        let (pages, vocabularies) = analyze(documents)

        // Average field lengths, then every form's pages with their tf~.
        var averages = SIMD4<Double>()
        for page in pages { averages += SIMD4<Double>(page.lengths) }
        averages /= Double(max(1, pages.count))
        averages = averages.replacing(with: 1, where: averages .< 1)
        // Snowball takes some base forms for other words: «отзыв» → «отз» (as if a gerund), while
        // «отзывы», «отзыва» → «отзыв». A form that is itself the stem of other forms joins them.
        var allStems = Set<String>()
        for vocabulary in vocabularies { allStems.formUnion(vocabulary.stems) }
        var formIndex: [String: Int] = [:]
        var forms: [(text: String, stem: Int, pages: Int)] = []
        var stemIndex: [String: Int] = [:]
        var stems: [(text: String, forms: [Int])] = []
        // Each worker's word ids → the book's form ids.
        var global = vocabularies.map { [Int](repeating: -1, count: $0.words.count) }
        func formID(_ worker: Int, _ local: Int) -> Int {
            let known = global[worker][local]
            if known >= 0 { return known }
            let text = vocabularies[worker].words[local]
            let id: Int
            if let found = formIndex[text] { id = found } else {
                let stemmed = vocabularies[worker].stems[local]
                let stemText = stemmed != text && allStems.contains(text) ? text : stemmed
                let stem: Int
                if let found = stemIndex[stemText] { stem = found } else {
                    stem = stems.count
                    stemIndex[stemText] = stem
                    stems.append((stemText, []))
                }
                id = forms.count
                formIndex[text] = id
                forms.append((text, stem, 0))
                stems[stem].forms.append(id)
            }
            global[worker][local] = id
            return id
        }
        var pageForms: [[(form: Int, tf: Double, inTitle: Bool)]] = []
        pageForms.reserveCapacity(pages.count)
        for page in pages {
            var norms = SIMD4<Double>(repeating: 1)
            for f in 0..<4 {
                let b = lengthNormalization[f]
                norms[f] = 1 - b + b * Double(page.lengths[f]) / averages[f]
            }
            var list: [(form: Int, tf: Double, inTitle: Bool)] = []
            list.reserveCapacity(page.forms.count)
            for entry in page.forms {
                var tf = 0.0
                for f in 0..<4 where entry.counts[f] > 0 { tf += weights[f] * Double(entry.counts[f]) / norms[f] }
                let id = formID(page.worker, Int(entry.local))
                forms[id].pages += 1
                list.append((id, tf, entry.counts[0] > 0))
            }
            pageForms.append(list)
        }

        // A stem's forms, the most frequent first: form i < 30 is bit i of a posting's mask.
        var bit = [Int](repeating: -1, count: forms.count)
        for s in stems.indices {
            stems[s].forms.sort { forms[$0].pages != forms[$1].pages ? forms[$0].pages > forms[$1].pages : less(forms[$0].text, forms[$1].text) }
            for (i, form) in stems[s].forms.enumerated() where i < 30 { bit[form] = i }
        }

        // Postings per stem, pages ascending: the gap from the previous page; the quantised tf~
        // times two, plus one when the stem is in the page's title; and, when the stem has several
        // forms, the mask of the forms the page has and (after a title hit) 1 + the form in the title.
        var postings = [[UInt8]](repeating: [], count: stems.count)
        var last = [Int](repeating: -1, count: stems.count)
        var counts = [Int](repeating: 0, count: stems.count)
        var pending = [(page: Int, tf: Double, mask: Int, title: Int)](repeating: (-1, 0, 0, -1), count: stems.count)
        func flush(_ s: Int) {
            let entry = pending[s]
            guard entry.page >= 0 else { return }
            varint(entry.page - max(0, last[s]), into: &postings[s])
            let q = min(15, max(1, Int((quantum * log(1 + entry.tf)).rounded())))
            varint(q * 2 + (entry.title >= 0 ? 1 : 0), into: &postings[s])
            if stems[s].forms.count > 1 {
                varint(entry.mask, into: &postings[s])
                if entry.title >= 0 { varint(entry.title + 1, into: &postings[s]) }
            }
            last[s] = entry.page
            counts[s] += 1
        }
        for (page, list) in pageForms.enumerated() {
            for (form, tf, inTitle) in list {
                let s = forms[form].stem
                if pending[s].page != page {
                    flush(s)
                    pending[s] = (page, 0, 0, -1)
                }
                pending[s].tf += tf
                if bit[form] >= 0 { pending[s].mask |= 1 << bit[form] }
                if inTitle, bit[form] >= 0, pending[s].title < 0 || bit[form] < pending[s].title { pending[s].title = bit[form] }
            }
        }
        for s in stems.indices { flush(s) }

        // Vocabulary shards by the stem's first two letters; big postings in files of their own.
        var files: [File] = []
        var shards: [String: (groups: [String], aliases: [(String, String)])] = [:]
        for s in stems.indices.sorted(by: { less(stems[$0].text, stems[$1].text) }) {
            let stem = stems[s].text
            let key = SearchText.shardKey(stem)
            let encoded = String(decoding: postings[s], as: UTF8.self)
            var group = "[" + json(stem) + ",\(counts[s]),"
            if encoded.utf8.count > inlinePostings {
                group += "0"
                let text = "__sb(\"p\"," + json(stem) + "," + json(encoded) + ");\n"
                files.append(File(path: "search/p/\(SearchText.shardFile(stem)).js", bytes: Array(text.utf8)))
            } else {
                group += json(encoded)
            }
            for form in stems[s].forms {
                let text = forms[form].text
                // A form is written as the ending it adds to the stem, or "=" and the whole form.
                group += "," + json(text.hasPrefix(stem) ? String(text.dropFirst(stem.count)) : "=" + text)
                let formKey = SearchText.shardKey(text)
                if formKey != key { shards[formKey, default: ([], [])].aliases.append((text, stem)) }
            }
            shards[key, default: ([], [])].groups.append(group + "]")
        }
        let keys = shards.keys.sorted(by: less)
        for key in keys {
            let shard = shards[key]!
            let aliases = shard.aliases.sorted { less($0.0, $1.0) }.map { json($0.0) + ":" + json($0.1) }
            let text = "__sb(\"w\"," + json(key) + ",{\"g\":[" + shard.groups.joined(separator: ",\n")
                + "],\"a\":{" + aliases.joined(separator: ",") + "}});\n"
            files.append(File(path: "search/w/\(SearchText.shardFile(key)).js", bytes: Array(text.utf8)))
        }
        // Page files: the page's JSON, zlib-compressed and in base64 (the browser inflates it
        // with DecompressionStream): a third of the size.
        let pageFiles = documents.indices.parallelMap { n -> File in
            let document = documents[n]
            var out: [UInt8] = []
            out.reserveCapacity(document.text.utf8.count + 256)
            out += Array("{\"u\":".utf8)
            json(document.key.pagePath, into: &out)
            out += Array(",\"t\":".utf8)
            json(document.title, into: &out)
            out += Array(",\"k\":".utf8)
            json(document.key.kind.rawValue, into: &out)
            if !document.crumb.isEmpty { out += Array(",\"c\":".utf8); json(document.crumb, into: &out) }
            if !document.role.isEmpty { out += Array(",\"r\":".utf8); json(document.role, into: &out) }
            out += Array(",\"x\":".utf8)
            json(document.text, into: &out)
            out += Array("}".utf8)
            let path = "search/d/\(n).js"
            func make() -> [UInt8] { Array(("__sb(\"d\",\(n),\"" + Data(deflate(out)).base64EncodedString() + "\");\n").utf8) }
            return File(path: path, bytes: cache?.page(path, out, make: make) ?? make())
        }
        cache?.commit()
        files += pageFiles
        let manifest = "__sb(\"m\",\"\",{\"v\":\(format),\"n\":\(documents.count),\"kinds\":"
            + json(kindRuns(documents.map(\.key.kind))) + ",\"shards\":" + json(keys.joined(separator: " ")) + "});\n"
        files.append(File(path: "search/index.js", bytes: Array(manifest.utf8)))
        return files.sorted { $0.path < $1.path }
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

    /// The words of every page, on every core: each worker has its stemmer and its vocabulary.
    static func analyze(_ documents: [SearchDocument]) -> (pages: [PageWords], vocabularies: [Vocabulary]) {
        let count = documents.count
        let workers = max(1, min(count, ProcessInfo.processInfo.activeProcessorCount * 4))
        // Worker w reads pages w, w + workers, w + 2 · workers, ...
        let work = Parallel.map(count: workers) { worker -> (pages: [PageWords], vocabulary: Vocabulary) in
            let stemmer = Stemmer()
            var vocabulary = Vocabulary()
            var pages: [PageWords] = []
            var ids: [WordKey: Int32] = [:]
            var lastPage: [Int] = [], slot: [Int32] = []
            for i in stride(from: worker, to: count, by: workers) {
                var page = PageWords()
                page.worker = worker
                for (f, text) in documents[i].fields.enumerated() {
                    var length: Int32 = 0
                    SearchText.eachWord(text) { word in
                        length += 1
                        let key = WordKey(bytes: Array(word))
                        let id: Int32
                        if let known = ids[key] { id = known } else {
                            id = Int32(vocabulary.words.count)
                            ids[key] = id
                            vocabulary.words.append(String(decoding: word, as: UTF8.self))
                            vocabulary.stems.append(stemmer.stem(bytes: word))
                            lastPage.append(-1)
                            slot.append(0)
                        }
                        if lastPage[Int(id)] != i {
                            lastPage[Int(id)] = i
                            slot[Int(id)] = Int32(page.forms.count)
                            page.forms.append((id, SIMD4<Int32>()))
                        }
                        page.forms[Int(slot[Int(id)])].counts[f] += 1
                    }
                    page.lengths[f] = length
                }
                pages.append(page)
            }
            return (pages, vocabulary)
        }
        let pages = (0..<count).map { i in work[i % workers].pages[i / workers] }
        return (pages, work.map(\.vocabulary))
    }

    /// `bytes` in the zlib format (what DecompressionStream("deflate") reads), at the best level.
    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var length = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(length))
        let status = compress2(&out, &length, bytes, uLong(bytes.count), Z_BEST_COMPRESSION)
        precondition(status == Z_OK, "zlib compress2 failed: \(status)")
        return Array(out[0..<Int(length)])
    }

    /// The bytes `deflate` compressed (for tests and tools); nil when they are not zlib data.
    public static func inflate(_ bytes: [UInt8], limit: Int = 64 << 20) -> [UInt8]? {
        var capacity = max(1024, bytes.count * 4)
        while capacity <= limit {
            var length = uLong(capacity)
            var out = [UInt8](repeating: 0, count: capacity)
            let status = uncompress(&out, &length, bytes, uLong(bytes.count))
            if status == Z_OK { return Array(out[0..<Int(length)]) }
            if status != Z_BUF_ERROR { return nil }
            capacity *= 4
        }
        return nil
    }

    /// Numbers in postings are variable-length, in base 32, written with the 64 URL-safe
    /// characters (A–Z a–z 0–9 - _): the upper half marks "more digits follow".
    static let digits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func varint(_ value: Int, into out: inout [UInt8]) {
        var v = value
        while v >= 32 {
            out.append(digits[32 + (v & 31)])
            v >>= 5
        }
        out.append(digits[v])
    }

    /// A JSON string literal that is also safe anywhere in a script: `<`, `>`, `&`, U+2028 and
    /// U+2029 are escaped, and so are controls and the Unicode direction overrides.
    static func json(_ text: String) -> String {
        var out: [UInt8] = []
        json(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static let hex = Array("0123456789abcdef".utf8)

    static func json(_ text: String, into out: inout [UInt8]) {
        func escape(_ value: UInt32) {
            out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), hex[Int(value >> 12) & 15], hex[Int(value >> 8) & 15],
                                    hex[Int(value >> 4) & 15], hex[Int(value) & 15]])
        }
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    out.append(UInt8(ascii: "\\")); out.append(b)
                case UInt8(ascii: "\n"):
                    out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
                case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), 0..<0x20, 0x7F:
                    escape(UInt32(b))
                case 0xE2 where i + 2 < bytes.count && (bytes[i + 1] == 0x80 && (0xA8...0xAE).contains(bytes[i + 2])
                                                       || bytes[i + 1] == 0x81 && (0xA6...0xA9).contains(bytes[i + 2])):
                    // U+2028, U+2029, U+202A–U+202E, U+2066–U+2069
                    escape(0x2000 | (UInt32(bytes[i + 1] & 0x3F) << 6) | UInt32(bytes[i + 2] & 0x3F))
                    i += 2
                default:
                    out.append(b)
                }
                i += 1
            }
        }
        out.append(UInt8(ascii: "\""))
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
