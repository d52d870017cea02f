import Foundation
import Synchronization

/// Resolves the relative links written in bodies (`../scripts/greeting.md#что-говорить`)
/// against the content folder: to a document and anchor, an asset, or nothing.
public struct LinkResolver: Sendable {
    /// Every document of the book, and the ones links lead to (those that keep their id) by path.
    private let documents: [SourceDocument]
    private let byPath: [String: Int32]
    private let assets: Set<String>
    /// Paths by file name, for suggestions: made when first needed.
    private let names = FileNames()

    final class FileNames: Sendable {
        let table = Mutex<[String: [String]]?>(nil)
    }

    init(documents: [SourceDocument], byPath: [String: Int32], assets: Set<String>) {
        self.documents = documents
        self.byPath = byPath
        self.assets = assets
    }

    /// A resolver over `documents` alone (each path once), for tools and tests.
    public init(documents: [SourceDocument], assets: Set<String>) {
        var byPath: [String: Int32] = [:]
        for (i, doc) in documents.enumerated() where byPath[doc.path] == nil { byPath[doc.path] = Int32(i) }
        self.init(documents: documents, byPath: byPath, assets: assets)
    }

    private func document(at path: String) -> SourceDocument? {
        byPath[path].map { documents[Int($0)] }
    }

    /// Every document's path by its file name (`greeting.md` → [`steps/sales/greeting.md`]).
    private func byFileName() -> [String: [String]] {
        names.table.withLock { table in
            if let table { return table }
            let made = Dictionary(grouping: byPath.keys.sorted(), by: { path in
                path.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(Substring(path.utf8[path.utf8.index(after: $0)...])) } ?? path
            })
            table = made
            return made
        }
    }

    /// True for `https:`, `mailto:`, `tel:` and other links with a scheme, and `//host/...`.
    public static func isExternal(_ destination: String) -> Bool {
        // On bytes: a scheme is ASCII, a letter and then letters, digits, "+", "-" or ".".
        var position = 0
        for byte in destination.utf8 {
            defer { position += 1 }
            let letter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            if position == 0 {
                if byte == UInt8(ascii: "/") { return destination.utf8.dropFirst().first == UInt8(ascii: "/") }
                guard letter else { return false }
                continue
            }
            if byte == UInt8(ascii: ":") { return true }
            let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            guard letter || digit || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") else { return false }
        }
        return false
    }

    /// A destination that could run code or reach the reader's disk: `javascript:`, `vbscript:`,
    /// `file:`, and `data:` except the images cmark-gfm lets through (png, gif, jpeg, webp).
    /// The handbook keeps the link's text and drops the link.
    public static func isUnsafe(_ destination: String) -> Bool {
        let trimmed = destination.drop { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true }
        guard let colon = trimmed.firstIndex(of: ":") else { return false }
        let scheme = trimmed[..<colon].lowercased()
        if scheme == "javascript" || scheme == "vbscript" || scheme == "file" { return true }
        if scheme == "data" {
            let rest = trimmed[trimmed.index(after: colon)...].lowercased()
            return !["image/png", "image/gif", "image/jpeg", "image/webp"].contains { rest.hasPrefix($0) }
        }
        return false
    }

    public func resolve(_ destination: String, from doc: SourceDocument) -> ResolvedLink {
        resolveWithTarget(destination, from: doc).link
    }

    /// Where a link leads, and the document its path names (its index; -1 for none), whose
    /// headings the result depends on.
    func resolveWithTarget(_ destination: String, from doc: SourceDocument) -> (link: ResolvedLink, target: Int32) {
        if destination.isEmpty { return (.broken(reason: "the link has no destination"), -1) }
        if LinkResolver.isExternal(destination) { return (.external, -1) }
        let (path, fragment) = LinkResolver.split(destination)
        if path.isEmpty {
            guard let fragment else { return (.broken(reason: "the link has no destination"), -1) }
            if fragment.isEmpty { return (.sameDocument(anchor: ""), -1) }
            if doc.markdown.hasAnchor(fragment) { return (.sameDocument(anchor: fragment), -1) }
            return (.broken(reason: "#\(fragment) is not a heading of this page"), -1)
        }
        if path.hasPrefix("/") {
            return (.broken(reason: "\"\(path)\" is an absolute path: link with a path relative to this file"), -1)
        }
        guard let target = LinkResolver.join(doc.path, path) else {
            return (.broken(reason: "\"\(path)\" points outside the content folder"), -1)
        }
        if let index = byPath[target] {
            let targetDoc = documents[Int(index)]
            guard let fragment, !fragment.isEmpty else { return (.document(targetDoc.key, anchor: nil), index) }
            if targetDoc.markdown.hasAnchor(fragment) || !targetDoc.isRead { return (.document(targetDoc.key, anchor: fragment), index) }
            return (.broken(reason: "#\(fragment) is not a heading of \(targetDoc.displayPath)"), index)
        }
        if assets.contains(target) { return (.asset(path: target), -1) }
        return (.broken(reason: "\"\(path)\" points at no file (resolved to \(target))"), -1)
    }

    /// A "did you mean" for a broken link: a document with the same file name elsewhere, or the
    /// closest heading of the target.
    public func suggestion(for destination: String, from doc: SourceDocument) -> String? {
        let (path, fragment) = LinkResolver.split(destination)
        if let fragment {
            let target = path.isEmpty ? doc : LinkResolver.join(doc.path, path).flatMap { document(at: $0) }
            if let target, let near = Suggest.closest(to: fragment, in: target.markdown.headings.map(\.anchor)) {
                return "did you mean \"\(path)#\(near)\"?"
            }
            if let target, path.isEmpty || document(at: LinkResolver.join(doc.path, path) ?? "") != nil {
                let list = target.markdown.headings.prefix(8).map { "#" + $0.anchor }
                return list.isEmpty ? "the target has no headings" : "its headings are: " + list.joined(separator: ", ")
            }
        }
        guard !path.isEmpty else { return nil }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let byFileName = byFileName()
        // A file of the same name elsewhere (it moved); else a near name among the documents of
        // the kind the link's folder names (a script for ../scripts/…), or of every kind when
        // the folder is none.
        var candidates = byFileName[name] ?? []
        if candidates.isEmpty {
            let folder = LinkResolver.join(doc.path, path)?.split(separator: "/").first.map(String.init)
            let kind = folder.flatMap(Kind.init(folder:))
            var pool: [String: [String]] = [:]
            for (file, paths) in byFileName {
                let kept = kind.map { kind in paths.filter { $0.hasPrefix(kind.folder + "/") } } ?? paths
                if !kept.isEmpty, file.hasSuffix(".md") { pool[String(file.dropLast(3)), default: []] += kept }
            }
            let stem = name.hasSuffix(".md") ? String(name.dropLast(3)) : name
            candidates = Suggest.closest(to: stem, in: pool.keys).flatMap { pool[$0]?.sorted() } ?? []
        }
        guard let found = candidates.first else { return nil }
        return "did you mean \"\(LinkResolver.relative(from: doc.path, to: found))\"?"
    }

    /// A destination's file path and `#fragment`, percent-decoded, without a `?query`.
    static func split(_ destination: String) -> (path: String, fragment: String?) {
        // On bytes: "#" and "?" are ASCII, so they never fall inside another character's bytes.
        let utf8 = destination.utf8
        var pathEnd = utf8.endIndex
        var fragment: String?
        if let hash = utf8.firstIndex(of: UInt8(ascii: "#")) {
            fragment = String(Substring(utf8[utf8.index(after: hash)...])).removingPercentEncodingSafely
            pathEnd = hash
        }
        if let query = utf8[..<pathEnd].firstIndex(of: UInt8(ascii: "?")) { pathEnd = query }
        return (String(Substring(utf8[..<pathEnd])).removingPercentEncodingSafely, fragment)
    }

    /// `steps/sales/a.md` + `../../scripts/b.md` → `scripts/b.md`; nil if it leaves the root.
    public static func join(_ from: String, _ relative: String) -> String? {
        // On bytes: the folders of `from` (its non-empty segments but the last), then each
        // non-empty segment of `relative` ("." skipped, ".." going up), joined by "/".
        var out: [UInt8] = []
        out.reserveCapacity(from.utf8.count + relative.utf8.count)
        var ends: [Int] = []                       // where each segment of `out` starts
        func segments(_ text: String, _ body: (Substring.UTF8View) -> Bool) -> Bool {
            let utf8 = text.utf8
            var start = utf8.startIndex
            while start < utf8.endIndex {
                let end = utf8[start...].firstIndex(of: UInt8(ascii: "/")) ?? utf8.endIndex
                if start < end, !body(utf8[start..<end]) { return false }
                start = end == utf8.endIndex ? end : utf8.index(after: end)
            }
            return true
        }
        var last: Int?                             // the start of `from`'s last segment
        _ = segments(from) { segment in
            last = out.count
            ends.append(out.count)
            if !out.isEmpty { out.append(UInt8(ascii: "/")) }
            out.append(contentsOf: segment)
            return true
        }
        if let last {                              // drop the document's own name
            out.removeSubrange(last...)
            ends.removeLast()
        }
        let ok = segments(relative) { segment in
            if segment.elementsEqual(".".utf8) { return true }
            if segment.elementsEqual("..".utf8) {
                guard let start = ends.popLast() else { return false }
                out.removeSubrange(start...)
                return true
            }
            ends.append(out.count)
            if !out.isEmpty { out.append(UInt8(ascii: "/")) }
            out.append(contentsOf: segment)
            return true
        }
        return ok ? String(decoding: out, as: UTF8.self) : nil
    }

    /// The relative path from the document at `from` to the file at `to` (both content paths).
    public static func relative(from: String, to: String) -> String {
        let a = from.split(separator: "/").dropLast()
        let b = to.split(separator: "/")
        var common = 0
        while common < a.count, common < b.count - 1, a[a.startIndex + common] == b[common] { common += 1 }
        let ups = Array(repeating: "..", count: a.count - common)
        return (ups + b[common...].map(String.init)).joined(separator: "/")
    }
}

extension String {
    /// Percent-decoded, or unchanged when the escapes are not valid UTF-8.
    var removingPercentEncodingSafely: String {
        guard utf8.contains(UInt8(ascii: "%")) else { return self }
        var bytes: [UInt8] = []
        var it = Array(utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%"), it.count >= 2,
               let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? self
    }
}
