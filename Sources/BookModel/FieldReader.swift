/// Reads the fields of one YAML mapping into typed values, reporting every problem as a
/// diagnostic (missing, wrong type, invalid value, unknown field) instead of stopping.
public final class FieldReader {
    public private(set) var diagnostics: [Diagnostic] = []
    private var fields: [String: YAMLNode.Pair] = [:]
    /// Where "missing field" diagnostics point: the mapping itself.
    private let location: SourceLocation
    /// "stage \"deal\"" or "" — prefixed to messages about nested mappings.
    private let context: String

    /// - Parameters:
    ///   - allowed: the field names this mapping may have; others get `unknown-field`.
    ///   - subject: what the mapping is, for the unknown-field message ("a step", "a check").
    public init(_ node: YAMLNode, allowed: [String], subject: String, context: String = "") {
        location = node.location
        self.context = context
        guard case .mapping(let pairs) = node.value else { return }
        for pair in pairs {
            guard let name = pair.key.scalarText, !pair.key.isNull || !name.isEmpty else {
                report(.wrongType, at: pair.key.location, "a field name must be a text, not \(pair.key.shapeName)")
                continue
            }
            if !allowed.contains(name) {
                let hint = Suggest.closest(to: name, in: allowed).map { "did you mean \"\($0)\"?" }
                report(.unknownField, at: pair.key.location.spanning(name),
                       "unknown field \"\(name)\" for \(subject)", suggestion: hint)
                continue
            }
            fields[name] = fields[name] ?? pair
        }
    }

    public func report(_ code: DiagnosticCode, at location: SourceLocation, _ message: String, suggestion: String? = nil) {
        diagnostics.append(Diagnostic(code, at: location, context.isEmpty ? message : "\(context): \(message)",
                                      suggestion: suggestion))
    }

    /// The value node of a field; nil when absent or null. Reports a missing required field.
    public func node(_ name: String, required: Bool = false) -> YAMLNode? {
        guard let pair = fields[name] else {
            if required { report(.missingField, at: location, "missing required field \"\(name)\"") }
            return nil
        }
        if pair.value.isNull {
            if required { report(.missingField, at: pair.key.location.spanning(name), "required field \"\(name)\" is empty") }
            return nil
        }
        return pair.value
    }

    public func has(_ name: String) -> Bool { fields[name] != nil }

    /// A single text.
    public func text(_ name: String, required: Bool = false) -> String? {
        guard let value = node(name, required: required) else { return nil }
        guard let text = value.scalarText else {
            report(.wrongType, at: value.location, "\"\(name)\" must be a text, not \(value.shapeName)")
            return nil
        }
        return text
    }

    /// A list of texts; a single text counts as a list of one.
    public func texts(_ name: String, required: Bool = false) -> [String] {
        items(name, required: required).compactMap { item in
            guard let text = item.scalarText, !item.isNull else {
                report(.wrongType, at: item.location, "each item of \"\(name)\" must be a text, not \(item.shapeName)")
                return nil
            }
            return text
        }
    }

    /// The items of a list field; a single value counts as a list of one.
    public func items(_ name: String, required: Bool = false) -> [YAMLNode] {
        guard let value = node(name, required: required) else { return [] }
        switch value.value {
        case .sequence(let items):
            if items.isEmpty, required {
                report(.missingField, at: value.location, "required field \"\(name)\" is an empty list")
            }
            return items
        case .scalar, .mapping:
            return [value]
        }
    }

    /// Exactly one reference (`responsible: sales-manager`).
    public func reference(_ name: String, required: Bool = false, one explanation: String = "") -> Reference? {
        guard let value = node(name, required: required) else { return nil }
        switch value.value {
        case .scalar(let text, _):
            return Reference(id: text, location: value.location)
        case .sequence(let items):
            let hint = items.count == 1 ? items[0].scalarText.map { "write \"\(name): \($0)\"" } : nil
            report(.wrongType, at: value.location,
                   "\"\(name)\" takes exactly one id\(explanation), not a list", suggestion: hint)
            return nil
        case .mapping:
            report(.wrongType, at: value.location, "\"\(name)\" must be an id, not a mapping")
            return nil
        }
    }

    /// A list of references; a single id counts as a list of one.
    public func references(_ name: String, required: Bool = false) -> [Reference] {
        items(name, required: required).compactMap { item in
            guard let text = item.scalarText, !item.isNull else {
                report(.wrongType, at: item.location, "each item of \"\(name)\" must be an id, not \(item.shapeName)")
                return nil
            }
            return Reference(id: text, location: item.location)
        }
    }

    public func day(_ name: String) -> (Day, SourceLocation)? {
        guard let value = node(name) else { return nil }
        guard let text = value.scalarText else {
            report(.wrongType, at: value.location, "\"\(name)\" must be a date (YYYY-MM-DD), not \(value.shapeName)")
            return nil
        }
        guard let day = Day(text) else {
            report(.invalidValue, at: value.location, "\"\(name)\" must be a date in the form YYYY-MM-DD, not \"\(text)\"")
            return nil
        }
        return (day, value.location)
    }

    public func integer(_ name: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = node(name) else { return nil }
        guard let text = value.scalarText, let n = Int(text.trimmingSpaces) else {
            report(.wrongType, at: value.location, "\"\(name)\" must be a whole number, not \(value.describedValue)")
            return nil
        }
        guard range.contains(n) else {
            report(.invalidValue, at: value.location, "\"\(name)\" must be between \(range.lowerBound) and \(range.upperBound), not \(n)")
            return nil
        }
        return n
    }

    public func number(_ name: String) -> Double? {
        guard let value = node(name) else { return nil }
        guard let text = value.scalarText, let n = Double(text.trimmingSpaces), n.isFinite else {
            report(.wrongType, at: value.location, "\"\(name)\" must be a number, not \(value.describedValue)")
            return nil
        }
        guard n > 0, n <= 1000 else {
            report(.invalidValue, at: value.location, "\"\(name)\" must be greater than 0 and at most 1000, not \(text)")
            return nil
        }
        return n
    }

    /// A percentage: a number from 0 to 100.
    public func percent(_ name: String) -> Double? {
        guard let value = node(name) else { return nil }
        guard let text = value.scalarText, let n = Double(text.trimmingSpaces.replacingOccurrences(of: "%", with: "")
            .trimmingCharacters(in: .whitespaces)), n.isFinite else {
            report(.wrongType, at: value.location, "\"\(name)\" must be a percentage (a number from 0 to 100), not \(value.describedValue)")
            return nil
        }
        guard (0...100).contains(n) else {
            report(.invalidValue, at: value.location, "\"\(name)\" must be between 0 and 100, not \(text)")
            return nil
        }
        return n
    }

    public func boolean(_ name: String) -> Bool? {
        guard let value = node(name) else { return nil }
        switch value.scalarText?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            report(.wrongType, at: value.location, "\"\(name)\" must be true or false, not \(value.describedValue)")
            return nil
        }
    }

    /// One of a fixed set of words.
    public func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) -> T? where T.RawValue == String {
        guard let text = text(name) else { return nil }
        if let value = T(rawValue: text) { return value }
        let allowed = T.allCases.map(\.rawValue)
        let hint = Suggest.closest(to: text, in: allowed).map { "did you mean \"\($0)\"?" }
        report(.invalidValue, at: fields[name]!.value.location,
               "\"\(name)\" must be one of \(allowed.joined(separator: ", ")), not \"\(text)\"", suggestion: hint)
        return nil
    }
}

extension YAMLNode {
    /// `"abc"` for a scalar, else "a list" / "a mapping" — for messages.
    public var describedValue: String {
        if let text = scalarText { return "\"\(text)\"" }
        return shapeName
    }
}

extension SourceLocation {
    /// The same place, underlining `text`.
    public func spanning(_ text: String) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column, length: text.count)
    }
}

extension String {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
