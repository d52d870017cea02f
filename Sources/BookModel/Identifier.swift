import Foundation

/// Entity ids: `^[a-z0-9][a-z0-9-]*$`, taken from file names.
public enum Identifier {
    public static func isValid(_ id: String) -> Bool {
        guard let first = id.utf8.first, isLowerAlnum(first) else { return false }
        return id.utf8.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isLowerAlnum(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }

    /// A valid id close to `name`: Cyrillic transliterated, lower-cased, other characters to `-`.
    /// `встреча клиента` → `vstrecha-kliyenta`. Nil if nothing usable is left.
    public static func suggestion(for name: String) -> String? {
        let latin = name.applyingTransform(StringTransform("Russian-Latin/BGN; Latin-ASCII; Lower"), reverse: false)
            ?? name.lowercased()
        var out = ""
        for scalar in latin.unicodeScalars {
            let isAlnum = (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9")
            if isAlnum {
                out.unicodeScalars.append(scalar)
            } else if scalar == "-" || scalar == " " || scalar == "_" || scalar == "." {
                if !out.isEmpty, out.last != "-" { out.append("-") }
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty || !isValid(out) ? nil : out
    }
}
