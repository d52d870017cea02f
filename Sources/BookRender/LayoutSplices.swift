import Foundation
import Synchronization

/// What the layout template is given that differs from page to page.
struct LayoutValues {
    let pageTitle: String
    let content: String
    let bodyClass: String
    let description: String
    let nav: String
    let pageScript: String?

    var all: [String] { [pageTitle, content, bodyClass, description, nav, pageScript ?? ""] }
    static let names = ["pageTitle", "content", "bodyClass", "description", "nav", "pageScript"]

    /// Which values are not empty: a template's sections (`{{#description}}`) depend on that.
    var shape: Int { all.enumerated().reduce(0) { $1.element.isEmpty ? $0 : $0 | 1 << $1.offset } }

    /// The layout's context: `constants` and these values (`pageScript` only when there is one).
    func context(_ constants: [String: Any]) -> [String: Any] {
        var c = constants
        for (name, value) in zip(LayoutValues.names, all) where name != "pageScript" || pageScript != nil { c[name] = value }
        return c
    }

    /// Values of the same shape that the output shows as themselves: a private-use character,
    /// the value's number, `&` (which `{{x}}` escapes and `{{{x}}}` does not), and another.
    func placeholders() -> LayoutValues {
        let p = LayoutValues.names.indices.map { i in all[i].isEmpty ? "" : LayoutSplice.open + String(i) + "&" + LayoutSplice.close }
        return LayoutValues(pageTitle: p[0], content: p[1], bodyClass: p[2], description: p[3], nav: p[4],
                            pageScript: pageScript == nil ? nil : p[5])
    }
}

/// The layout rendered once with placeholders and cut at them: a page is its pieces with its
/// values put in (escaped where the template escapes them). The layout wraps every page, so
/// this spares a template render per page.
struct LayoutSplice: Sendable {
    static let open = "\u{E000}", close = "\u{E001}"

    enum Piece: Sendable {
        case text([UInt8])
        case value(Int, escaped: Bool)
    }

    let pieces: [Piece]

    /// Cuts `rendered` at the placeholders; nil when the template did something else with them
    /// (cut them, changed them): then each page is rendered in full.
    init?(_ rendered: String) {
        var pieces: [Piece] = []
        var rest = Substring(rendered)
        while let start = rest.range(of: LayoutSplice.open) {
            pieces.append(.text(Array(rest[..<start.lowerBound].utf8)))
            let after = rest[start.upperBound...]
            guard let end = after.range(of: LayoutSplice.close) else { return nil }
            let inside = after[..<end.lowerBound]
            let escaped: Bool
            let digits: Substring
            if inside.hasSuffix("&amp;") { escaped = true; digits = inside.dropLast(5) }
            else if inside.hasSuffix("&") { escaped = false; digits = inside.dropLast(1) }
            else { return nil }
            guard let index = Int(digits), LayoutValues.names.indices.contains(index) else { return nil }
            pieces.append(.value(index, escaped: escaped))
            rest = after[end.upperBound...]
        }
        pieces.append(.text(Array(rest.utf8)))
        self.pieces = pieces
    }

    func fill(_ values: LayoutValues) -> [UInt8] {
        let all = values.all
        var out: [UInt8] = []
        out.reserveCapacity(all[1].utf8.count + 8192)
        for piece in pieces {
            switch piece {
            case .text(let bytes): out.append(contentsOf: bytes)
            case .value(let i, let escaped): out.append(contentsOf: (escaped ? SiteRenderer.escape(all[i]) : all[i]).utf8)
            }
        }
        return out
    }
}

/// The layout's splices by depth and shape of values, made when first needed. The first page
/// of each is also rendered in full and compared: a theme whose layout does more with a value
/// than show it (a lambda, a transform) gets no splice, and every page rendered in full.
final class LayoutSplices: Sendable {
    private let made = Mutex<[Int: LayoutSplice?]>([:])

    func render(_ values: LayoutValues, depth: Int, with render: (LayoutValues) -> String?) -> [UInt8]? {
        let key = depth << 8 | values.shape
        if let known = made.withLock({ $0[key] }) {
            if let splice = known { return splice.fill(values) }
            return render(values).map { Array($0.utf8) }
        }
        guard let full = render(values) else { return nil }
        let bytes = Array(full.utf8)
        let splice = render(values.placeholders()).flatMap(LayoutSplice.init).flatMap { $0.fill(values) == bytes ? $0 : nil }
        made.withLock { $0[key] = .some(splice) }
        return bytes
    }
}
