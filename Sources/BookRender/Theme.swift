import BookModel
import Foundation
import Mustache

/// A theme: Mustache templates, static assets and the interface strings of each language.
/// The default theme is built into the executable; a book's own theme overrides any of its
/// files and falls back to the default for the rest.
public struct Theme: Sendable {
    /// Every file of the theme by path (`templates/step.mustache`, `assets/style.css`, ...).
    public let files: [String: [UInt8]]

    /// The default theme alone.
    public static func builtIn() throws -> Theme { try Theme(overrides: nil) }

    /// The default theme's files, decoded once.
    public static let builtInFiles: [String: [UInt8]] = DefaultTheme.files.mapValues { Array(Data(base64Encoded: $0) ?? Data()) }

    /// The default theme with the files of `folder` on top of it.
    /// - Parameter known: a theme loaded earlier: if the files are the same, it is taken as it
    ///   is (its templates were checked already).
    public init(overrides folder: String?, known: Theme? = nil) throws {
        var files = Theme.builtInFiles
        if let folder {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ServicebookError(.theme, path: folder, "theme folder \"\(folder)\" does not exist")
            }
            let root = URL(fileURLWithPath: folder).standardizedFileURL
            let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
            while let url = enumerator?.nextObject() as? URL {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                let relative = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
                if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                guard let data = FileManager.default.contents(atPath: url.path) else {
                    throw ServicebookError(.theme, path: url.path, "cannot read theme file \(url.path)")
                }
                files[relative] = Array(data)
            }
        }
        self.files = files
        // Parse every template once now, so that a broken one is reported before anything else
        // (with the line and column of the file as written). The default theme alone needs no
        // such check: its templates are the ones every test renders.
        if folder != nil, known?.files != files || known?.folder != folder {
            _ = try Theme.compile(files, strings: [:], folder: folder, fastEscaping: false)
        }
        self.folder = folder
    }

    let folder: String?

    /// The templates, with the interface strings (`{{s.key}}`) written into them: they are
    /// constants of a build, and Mustache's per-lookup cost adds up over thousands of pages.
    static func compile(_ files: [String: [UInt8]], strings: [String: String], folder: String?,
                        fastEscaping: Bool = true) throws -> MustacheLibrary {
        _ = FastHTML.registered
        let tag = try! NSRegularExpression(pattern: #"\{\{(\{?)\s*s\.([A-Za-z0-9_\-]+)\s*\}?\}\}"#)
        var library = MustacheLibrary()
        for (path, bytes) in files.sorted(by: { $0.key < $1.key })
        where path.hasPrefix("templates/") && path.hasSuffix(".mustache") {
            let name = String(path.dropFirst("templates/".count).dropLast(".mustache".count))
            var text = String(decoding: bytes, as: UTF8.self)
            if !strings.isEmpty {
                var out = ""
                var last = text.startIndex
                for match in tag.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    guard let whole = Range(match.range, in: text), let keyRange = Range(match.range(at: 2), in: text),
                          let value = strings[String(text[keyRange])] else { continue }
                    let raw = match.range(at: 1).length > 0
                    out += text[last..<whole.lowerBound]
                    out += (raw ? value : SiteRenderer.escape(value)).replacingOccurrences(of: "{{", with: "&#123;&#123;")
                    last = whole.upperBound
                }
                out += text[last...]
                text = out
            }
            if fastEscaping { text = FastHTML.pragma + text }
            do {
                try library.register(text, named: name)
            } catch let error as MustacheTemplate.ParserError {
                throw ServicebookError(.theme, path: path, "\(folder.map { $0 + "/" } ?? "")\(path):\(error.context.lineNumber):\(error.context.columnNumber): template error: \(error.error)")
            } catch {
                throw ServicebookError(.theme, path: path, "\(path): template error: \(error)")
            }
        }
        return library
    }

    /// The templates ready to render pages in the language of `strings`.
    public func library(strings: [String: String]) throws -> MustacheLibrary {
        try Theme.compile(files, strings: strings, folder: folder)
    }



    /// The interface strings of a language (`strings/ru.json`), falling back to English keys.
    public func strings(_ language: String) throws -> [String: String] {
        func load(_ code: String) throws -> [String: String] {
            guard let bytes = files["strings/\(code).json"] else { return [:] }
            guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: String] else {
                throw ServicebookError(.theme, path: "strings/\(code).json", "strings/\(code).json must be an object of texts")
            }
            return object
        }
        return try load("en").merging(load(language)) { _, own in own }
    }

    /// The static files to copy to the output (`assets/...`).
    public var assets: [(path: String, bytes: [UInt8])] {
        files.filter { $0.key.hasPrefix("assets/") }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// HTML escaping for `{{value}}`, the same as swift-mustache's but on bytes: Mustache's own
/// looks every character up in a dictionary, which is slow for Cyrillic (each lookup normalises
/// the character), and a Russian handbook is mostly Cyrillic. Every template starts with a
/// pragma that selects it.
struct FastHTML: MustacheContentType {
    static let name = "SERVICEBOOK_HTML"
    static let pragma = "{{% CONTENT_TYPE: \(name)}}"
    static let registered: Bool = {
        MustacheContentTypes.register(FastHTML(), named: name)
        return true
    }()

    func escapeText(_ text: String) -> String { SiteRenderer.escape(text) }
}
