extension StringProtocol {
    /// The text without the spaces and tabs at its ends (any Unicode space separator, as
    /// Foundation's `.whitespaces`), without Foundation's cost: audit files trim every cell.
    public var trimmingSpaces: String {
        let scalars = String(self).unicodeScalars
        func isSpace(_ s: Unicode.Scalar) -> Bool {
            s == " " || s == "\t" || (s.value > 0x7F && s.properties.generalCategory == .spaceSeparator)
        }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return String(self) }
        return String(scalars[first...last])
    }
}
