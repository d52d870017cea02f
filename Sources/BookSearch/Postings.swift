import BookModel
import Foundation

/// The search index's postings: the words of every page, their stems, and for each stem the
/// pages that have it with their weighted, normalised frequency (BM25F's tf~), encoded for the
/// browser.
extension SearchIndex {
    /// One page's words: the worker that read it, the length of each field, and per distinct
    /// form the worker's id for it and its count in each field.
    struct PageWords {
        var worker = 0
        var lengths = SIMD4<Int32>()
        /// Counts saturate at 65,535 (a word that often on one page is saturated by BM25 long before).
        var forms: [(local: Int32, counts: SIMD4<UInt16>)] = []
    }

    /// The words a worker met, each once, with its stem.
    struct Vocabulary {
        var words: [String] = []
        var stems: [String] = []
    }

    /// Every stem of the book with its forms (the most frequent first) and its postings.
    struct Postings {
        var stems: [(text: String, forms: [Int])]
        var forms: [(text: String, stem: Int, pages: Int)]
        /// Each stem's postings, encoded, and how many pages it is on.
        var postings: [[UInt8]]
        var counts: [Int]
    }

    /// The words of every page and of every worker (`analyze`).
    struct Analysis {
        var pages: [PageWords]
        var vocabularies: [Vocabulary]
    }

    /// The postings of analysed pages; each page's words are released once read.
    static func postings(_ analysis: inout Analysis) -> Postings {
        let vocabularies = analysis.vocabularies

        // Average field lengths, then every form's pages with their tf~.
        var averages = SIMD4<Double>()
        for page in analysis.pages { averages += SIMD4<Double>(page.lengths) }
        averages /= Double(max(1, analysis.pages.count))
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
        // Every form's id, in the order of the pages and their words, and its number of pages.
        for page in analysis.pages {
            for entry in page.forms { forms[formID(page.worker, Int(entry.local))].pages += 1 }
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
        for page in analysis.pages.indices {
            let words = analysis.pages[page]
            analysis.pages[page].forms = []
            var norms = SIMD4<Double>(repeating: 1)
            for f in 0..<4 {
                let b = lengthNormalization[f]
                norms[f] = 1 - b + b * Double(words.lengths[f]) / averages[f]
            }
            for entry in words.forms {
                var tf = 0.0
                for f in 0..<4 where entry.counts[f] > 0 { tf += weights[f] * Double(entry.counts[f]) / norms[f] }
                let form = global[words.worker][Int(entry.local)], inTitle = entry.counts[0] > 0
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

        return Postings(stems: stems, forms: forms, postings: postings, counts: counts)
    }

    /// A worker reading pages, across the batches of one index: its stemmer, the words it met
    /// (each once, with its id and stem) and its buffers. Used by one thread at a time.
    final class Reader: @unchecked Sendable {
        let stemmer = Stemmer()
        var vocabulary = Vocabulary()
        var ids = ByteTable()
        var lastPage: [Int] = [], slot: [Int32] = []
        /// A page's words are gathered here, then kept in an array of their exact size.
        var scratch: [(local: Int32, counts: SIMD4<UInt16>)] = []
    }

    /// The readers for a book of `count` pages: page i is read by reader i mod their number.
    static func readers(for count: Int) -> [Reader] {
        (0..<max(1, min(count, ProcessInfo.processInfo.activeProcessorCount * 4))).map { _ in Reader() }
    }

    /// The words of pages `first ..< first + documents.count`, on every core.
    static func analyze(_ documents: [SearchDocument], first: Int, readers: [Reader]) -> [PageWords] {
        let workers = readers.count, end = first + documents.count
        let work = Parallel.map(count: workers) { worker -> [PageWords] in
            let reader = readers[worker]
            // The reader's state in local variables while it reads (a class's stored properties
            // are checked for exclusive access on every use); put back when it is done.
            var ids = reader.ids, vocabulary = reader.vocabulary, lastPage = reader.lastPage, slot = reader.slot
            var scratch = reader.scratch
            reader.ids = ByteTable(); reader.vocabulary = Vocabulary(); reader.lastPage = []; reader.slot = []; reader.scratch = []
            defer {
                reader.ids = ids; reader.vocabulary = vocabulary; reader.lastPage = lastPage; reader.slot = slot
                reader.scratch = scratch
            }
            let stemmer = reader.stemmer
            var pages: [PageWords] = []
            var i = first + (worker - first % workers + workers) % workers
            while i < end {
                var page = PageWords()
                page.worker = worker
                scratch.removeAll(keepingCapacity: true)
                for (f, text) in documents[i - first].fields.enumerated() {
                    var length: Int32 = 0
                    SearchText.eachWord(text) { word in
                        length += 1
                        let id = word.withUnsafeBufferPointer { bytes -> Int32 in
                            let hash = ByteTable.hash(bytes)
                            if let known = ids.find(bytes, hash: hash) { return known }
                            let id = Int32(vocabulary.words.count)
                            ids.insert(bytes, hash: hash, value: id)
                            vocabulary.words.append(String(decoding: bytes, as: UTF8.self))
                            vocabulary.stems.append(stemmer.stem(bytes: word))
                            lastPage.append(-1)
                            slot.append(0)
                            return id
                        }
                        if lastPage[Int(id)] != i {
                            lastPage[Int(id)] = i
                            slot[Int(id)] = Int32(scratch.count)
                            scratch.append((id, SIMD4<UInt16>()))
                        }
                        let at = Int(slot[Int(id)])
                        if scratch[at].counts[f] < UInt16.max { scratch[at].counts[f] += 1 }
                    }
                    page.lengths[f] = length
                }
                page.forms = Array(unsafeUninitializedCapacity: scratch.count) { buffer, initialized in
                    _ = buffer.initialize(from: scratch)
                    initialized = scratch.count
                }
                pages.append(page)
                i += workers
            }
            return pages
        }
        var next = [Int](repeating: 0, count: workers)
        return (first..<end).map { i in
            let w = i % workers
            defer { next[w] += 1 }
            return work[w][next[w]]
        }
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

}
