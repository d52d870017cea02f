import BookModel
import Dispatch
import Foundation

/// The search stage: model → index files for the browser (`search/…`), read by
/// `assets/search-core.js`.
///
/// Ranking is BM25F. Each field of a page has a weight and a length normalisation; a word's
/// weighted, normalised frequency in a page (`tf~`) is a sum over fields, so it is computed
/// here once and shipped, quantised, in the postings. The browser adds the frequencies of all
/// the forms of a stem, saturates (`k1`) and weighs by the stem's rarity (idf): it never stems.
///
/// Files, all JavaScript calling `__sb(type, key, data)` so that `<script>` elements can load
/// them from a server or from `file://` alike:
/// - `search/index.js` (`m`): the number of pages, each page's kind, the list of word shards;
/// - `search/w/<key>.js` (`w`): the words whose stem starts with `key` (two letters): each stem
///   with its surface forms and each form's postings (page, `tf~`), plus `aliases` for forms
///   whose stem lives in another shard;
/// - `search/d/<n>.js` (`d`): page `n`'s URL, title, kind, breadcrumb, role and snippet text.
public enum SearchIndex {
    /// Field weights (title, headings, summary, body) and length normalisation per field.
    public static let weights: [Double] = [6, 3, 2, 1]
    public static let lengthNormalization: [Double] = [0.5, 0.5, 0.5, 0.75]
    /// `tf~` is shipped as round(tf~ × quantum).
    public static let quantum = 4.0
    public static let format = 1

    public struct File: Sendable {
        public let path: String
        public let bytes: [UInt8]
    }

    /// One page's words: per distinct form, its stem and its count in each field.
    struct PageWords {
        var lengths = [Int](repeating: 0, count: SearchDocument.Field.allCases.count)
        var forms: [String: (stem: String, counts: [Int])] = [:]
    }

    /// Every search file of `book`, sorted by path; identical for identical books.
    public static func build(_ book: Book) -> [File] {
        let entities = Kind.allCases.flatMap { book.all($0) }.sorted { $0.key.pagePath < $1.key.pagePath }
        let documents = entities.parallelMap { SearchDocument($0, in: book) }
        let words = analyze(documents)

        // Average field lengths, then each (form, page)'s tf~.
        let fieldCount = weights.count
        var averages = [Double](repeating: 0, count: fieldCount)
        for page in words { for f in 0..<fieldCount { averages[f] += Double(page.lengths[f]) } }
        averages = averages.map { max(1, $0 / Double(max(1, words.count))) }

        // stem → form → postings (page, quantised tf~), pages ascending.
        var stems: [String: [String: [(page: Int, q: Int)]]] = [:]
        for (page, pageWords) in words.enumerated() {
            var norms = [Double](repeating: 1, count: fieldCount)
            for f in 0..<fieldCount {
                let b = lengthNormalization[f]
                norms[f] = 1 - b + b * Double(pageWords.lengths[f]) / averages[f]
            }
            for (form, entry) in pageWords.forms {
                var tf = 0.0
                for f in 0..<fieldCount where entry.counts[f] > 0 { tf += weights[f] * Double(entry.counts[f]) / norms[f] }
                let q = max(1, Int((tf * quantum).rounded()))
                stems[entry.stem, default: [:]][form, default: []].append((page, q))
            }
        }

        // Shards by the stem's first two letters; forms filed elsewhere get an alias.
        var shards: [String: (groups: [String], aliases: [(String, String)])] = [:]
        for stem in stems.keys.sorted() {
            let forms = stems[stem]!
            let key = SearchText.shardKey(stem)
            var group = "[" + json(stem)
            for form in forms.keys.sorted() {
                // A form is written as the ending it adds to the stem, or "=" and the whole form.
                let written = form.hasPrefix(stem) ? String(form.dropFirst(stem.count)) : "=" + form
                group += "," + json(written) + "," + json(encode(forms[form]!))
                let formKey = SearchText.shardKey(form)
                if formKey != key { shards[formKey, default: ([], [])].aliases.append((form, stem)) }
            }
            shards[key, default: ([], [])].groups.append(group + "]")
        }

        var files: [File] = []
        let keys = shards.keys.sorted()
        for key in keys {
            let shard = shards[key]!
            let aliases = shard.aliases.sorted { $0.0 < $1.0 }.map { json($0.0) + ":" + json($0.1) }
            let text = "__sb(\"w\"," + json(key) + ",{\"g\":[" + shard.groups.joined(separator: ",\n")
                + "],\"a\":{" + aliases.joined(separator: ",") + "}});\n"
            files.append(File(path: "search/w/\(SearchText.shardFile(key)).js", bytes: Array(text.utf8)))
        }
        for (n, document) in documents.enumerated() {
            var fields = ["\"u\":" + json(document.key.pagePath), "\"t\":" + json(document.title),
                          "\"k\":" + json(document.key.kind.rawValue)]
            if !document.crumb.isEmpty { fields.append("\"c\":" + json(document.crumb)) }
            if !document.role.isEmpty { fields.append("\"r\":" + json(document.role)) }
            fields.append("\"x\":" + json(document.text))
            let text = "__sb(\"d\",\(n),{" + fields.joined(separator: ",") + "});\n"
            files.append(File(path: "search/d/\(n).js", bytes: Array(text.utf8)))
        }
        let kinds = String(documents.map { kindCode[$0.key.kind]! })
        let manifest = "__sb(\"m\",\"\",{\"v\":\(format),\"n\":\(documents.count),\"kinds\":" + json(kinds)
            + ",\"shards\":" + json(keys.joined(separator: " ")) + "});\n"
        files.append(File(path: "search/index.js", bytes: Array(manifest.utf8)))
        return files.sorted { $0.path < $1.path }
    }

    /// One letter per kind in the manifest.
    static let kindCode: [Kind: Character] = [
        .journey: "J", .step: "S", .situation: "I", .role: "R", .standard: "D", .script: "C", .term: "T", .page: "P",
    ]

    /// The words of every page, on every core (one stemmer per worker).
    static func analyze(_ documents: [SearchDocument]) -> [PageWords] {
        let count = documents.count
        let workers = max(1, min(count, ProcessInfo.processInfo.activeProcessorCount * 4))
        var results = [PageWords](repeating: PageWords(), count: count)
        results.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let stemmer = Stemmer()
                for i in stride(from: worker, to: count, by: workers) {
                    var page = PageWords()
                    for (f, text) in documents[i].fields.enumerated() {
                        let words = SearchText.words(SearchText.normalize(text))
                        page.lengths[f] = words.count
                        for word in words {
                            if page.forms[word] == nil {
                                page.forms[word] = (stemmer.stem(word), [Int](repeating: 0, count: weights.count))
                            }
                            page.forms[word]!.counts[f] += 1
                        }
                    }
                    (base + i).pointee = page
                }
            }
        }
        return results
    }

    /// Postings as text: for each page, the gap from the previous page, then the quantised tf~,
    /// each a variable-length number in base 32 written with the 64 URL-safe characters
    /// (A–Z a–z 0–9 - _): the upper half marks "more digits follow".
    static func encode(_ postings: [(page: Int, q: Int)]) -> String {
        var out: [UInt8] = []
        var previous = 0
        for (page, q) in postings {
            varint(page - previous, into: &out)
            varint(q, into: &out)
            previous = page
        }
        return String(decoding: out, as: UTF8.self)
    }

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
        var out = "\""
        for u in text.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                out += String(format: "\\u%04x", u.value)
            default:
                if u.value < 0x20 || (0x202A...0x202E).contains(u.value) || (0x2066...0x2069).contains(u.value) {
                    out += String(format: "\\u%04x", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
