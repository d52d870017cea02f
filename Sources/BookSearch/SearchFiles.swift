import BookModel
import CZlib
import Foundation

/// The search index's files: the vocabulary shards (with the small postings, and the big ones
/// in files of their own), and one compressed file per page for the result list and snippets.
extension SearchIndex {
    /// The vocabulary shards and the big postings' files, and the shards' keys, sorted.
    static func vocabularyFiles(_ index: Postings) -> (files: [File], keys: [String]) {
        let (stems, forms, postings, counts) = (index.stems, index.forms, index.postings, index.counts)
        // Shards by the stem's first two letters; big postings in files of their own.
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
        return (files, keys)
    }

    /// Each page's file: its JSON, zlib-compressed and in base64 (the browser inflates it with
    /// DecompressionStream): a third of the size.
    /// The page files of pages `first ..< first + documents.count`.
    static func pageFiles(_ documents: [SearchDocument], first: Int = 0, cache: SearchCache?) -> [File] {
        documents.indices.parallelMap { i -> File in
            let document = documents[i], n = first + i
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
                // A run of bytes that need no escape, copied at once.
                var end = i
                while end < bytes.count {
                    let b = bytes[end]
                    if b < 0x20 || b == 0x22 || b == 0x5C || b == 0x3C || b == 0x3E || b == 0x26 || b == 0x7F || b == 0xE2 { break }
                    end += 1
                }
                if end > i {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<end]))
                    i = end
                    if i == bytes.count { break }
                }
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
