import BookModel
import Foundation

/// What `serve` keeps from one build to the next so that a rebuild renders again only what
/// changed: each page's HTML with a fingerprint of everything it was rendered from (template,
/// context, navigation, interface strings), and each body's HTML with a fingerprint of its
/// Markdown, its links' targets and the glossary. A page whose fingerprint is unchanged is
/// taken as it was; the result is the same as a full build (a test compares them).
public final class RenderCache: @unchecked Sendable {
    private let lock = NSLock()
    private var pages: [String: (Fingerprint, [UInt8])] = [:]
    private var nextPages: [String: (Fingerprint, [UInt8])] = [:]
    private var bodies: [EntityKey: (Fingerprint, [String])] = [:]
    private var nextBodies: [EntityKey: (Fingerprint, [String])] = [:]
    /// Pages and bodies rendered, and taken from the cache, in the last build.
    public private(set) var rendered = 0, reused = 0

    public init() {}

    func page(_ path: String, _ fingerprint: Fingerprint, render: () -> [UInt8]?) -> [UInt8]? {
        if let known = lock.withLock({ pages[path] }), known.0 == fingerprint {
            lock.withLock { nextPages[path] = known; reused += 1 }
            return known.1
        }
        guard let bytes = render() else { return nil }
        lock.withLock { nextPages[path] = (fingerprint, bytes); rendered += 1 }
        return bytes
    }

    func body(_ key: EntityKey, _ fingerprint: Fingerprint, render: () -> [String]) -> [String] {
        if let known = lock.withLock({ bodies[key] }), known.0 == fingerprint {
            lock.withLock { nextBodies[key] = known }
            return known.1
        }
        let html = render()
        lock.withLock { nextBodies[key] = (fingerprint, html) }
        return html
    }

    /// Starts a build: counts from zero.
    func begin() { lock.withLock { rendered = 0; reused = 0 } }

    /// Ends a build: what it did not use is forgotten.
    func commit() {
        lock.withLock {
            pages = nextPages; nextPages = [:]
            bodies = nextBodies; nextBodies = [:]
        }
    }
}

/// 128 bits of hash over values of template contexts. Texts are hashed as their UTF-8 bytes
/// (not as Swift strings, which compare canonically equivalent texts as equal).
struct Fingerprint: Hashable, Sendable {
    private var a = Hasher(), b = Hasher()

    init() {
        b.combine(0x5EED as UInt16)
    }

    mutating func add(_ text: String) {
        var copy = text
        copy.withUTF8 { bytes in
            a.combine(bytes.count); a.combine(bytes: UnsafeRawBufferPointer(bytes))
            b.combine(bytes.count); b.combine(bytes: UnsafeRawBufferPointer(bytes))
        }
    }

    mutating func add(_ number: Int) { a.combine(number); b.combine(number) }

    /// Any value of a context: texts, numbers, flags, lists, dictionaries (keys in order).
    mutating func add(any value: Any) {
        switch value {
        case let text as String: add(1); add(text)
        case let number as Int: add(2); add(number)
        case let flag as Bool: add(3); add(flag ? 1 : 0)
        case let number as Double: add(4); add(Int(truncatingIfNeeded: Int64(bitPattern: number.bitPattern)))
        case let dictionary as [String: Any]:
            add(5); add(dictionary.count)
            for key in dictionary.keys.sorted() { add(key); add(any: dictionary[key]!) }
        case let list as [Any]:
            add(6); add(list.count)
            for item in list { add(any: item) }
        case let text as Text: add(7); add(text.renderText)
        default: add(8); add(String(reflecting: value))
        }
    }

    var value: (Int, Int) { (a.finalize(), b.finalize()) }

    static func == (x: Fingerprint, y: Fingerprint) -> Bool { x.value == y.value }
    func hash(into hasher: inout Hasher) { hasher.combine(value.0); hasher.combine(value.1) }
}
