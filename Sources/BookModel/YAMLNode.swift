/// A front-matter value with its position in the source file, independent of any YAML library.
public struct YAMLNode: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        /// A scalar as written. `plain` is false for quoted and block scalars, whose text is
        /// always a string (never a number, boolean or null).
        case scalar(String, plain: Bool)
        case sequence([YAMLNode])
        case mapping([Pair])
    }

    public struct Pair: Sendable, Hashable {
        public let key: YAMLNode
        public let value: YAMLNode
        public init(key: YAMLNode, value: YAMLNode) {
            self.key = key
            self.value = value
        }
    }

    public let value: Value
    /// Where the node starts, in the file (not in the YAML text).
    public let location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }

    /// A plain scalar that YAML reads as null: empty, `~`, `null`.
    public var isNull: Bool {
        if case .scalar(let text, true) = value {
            return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
        }
        return false
    }

    /// The text of a scalar key or value.
    public var scalarText: String? {
        if case .scalar(let text, _) = value { return text }
        return nil
    }

    /// What this node is, for messages: "a text", "a list", "a mapping".
    public var shapeName: String {
        switch value {
        case .scalar: isNull ? "empty" : "a text"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}
