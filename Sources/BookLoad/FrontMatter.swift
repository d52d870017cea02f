import BookModel
import Yams

/// Splits a document into front matter and body, and parses YAML into positioned nodes.
enum FrontMatter {
    struct Split {
        /// The YAML between the `---` lines.
        let yaml: String
        /// Line of the file on which the YAML starts.
        let yamlLine: Int
        let body: String
        let bodyLine: Int
    }

    enum SplitFailure: Error {
        case missing
        case unclosed
    }

    static func split(_ text: String) -> Result<Split, SplitFailure> {
        let utf8 = text.utf8
        // The first line must be `---` (trailing blanks allowed).
        guard let firstEnd = utf8.firstIndex(of: UInt8(ascii: "\n")).map({ $0 }) ?? Optional(utf8.endIndex),
              isFence(utf8[utf8.startIndex..<firstEnd], closing: false) else { return .failure(.missing) }
        var lineStart = firstEnd == utf8.endIndex ? firstEnd : utf8.index(after: firstEnd)
        let yamlStart = lineStart
        var line = 2
        while lineStart < utf8.endIndex {
            let lineEnd = utf8[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
            if isFence(utf8[lineStart..<lineEnd], closing: true) {
                let yaml = String(text[yamlStart..<lineStart])
                let bodyStart = lineEnd == utf8.endIndex ? lineEnd : utf8.index(after: lineEnd)
                return .success(Split(yaml: yaml, yamlLine: 2, body: String(text[bodyStart...]), bodyLine: line + 1))
            }
            lineStart = lineEnd == utf8.endIndex ? lineEnd : utf8.index(after: lineEnd)
            line += 1
        }
        return .failure(.unclosed)
    }

    private static func isFence(_ line: Substring.UTF8View.SubSequence, closing: Bool) -> Bool {
        var bytes = Array(line)
        while let last = bytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { bytes.removeLast() }
        return bytes == Array("---".utf8) || (closing && bytes == Array("...".utf8))
    }

    struct YAMLFailure: Error {
        let line: Int
        let column: Int
        let message: String
    }

    /// Parses YAML text that starts on `firstLine` of `file`. Nil root (empty YAML) is returned
    /// as nil; the caller decides what an empty front matter means.
    /// The fields of a split file: its front matter as a mapping placed at the opening `---`
    /// (where "missing field" problems point), or the diagnostic that says why it is none
    /// (invalid YAML, or YAML that is not a mapping; `example` shows a field in the message).
    static func fields(_ split: Split, file: String, example: String) -> Result<YAMLNode, Diagnostic> {
        switch parse(split.yaml, firstLine: split.yamlLine, file: file) {
        case .failure(let f):
            return .failure(Diagnostic(.invalidYAML, at: SourceLocation(file: file, line: f.line, column: f.column),
                                       "invalid YAML in front matter: \(f.message)"))
        case .success(let node):
            let opening = SourceLocation(file: file, line: 1, column: 1, length: 3)
            guard let node else { return .success(YAMLNode(.mapping([]), at: opening)) }
            guard case .mapping(let pairs) = node.value else {
                return .failure(Diagnostic(.frontMatterNotMapping, at: node.location,
                    "front matter must be a mapping of fields (\(example)), not \(node.shapeName)"))
            }
            return .success(YAMLNode(.mapping(pairs), at: opening))
        }
    }

    static func parse(_ yaml: String, firstLine: Int, file: String) -> Result<YAMLNode?, YAMLFailure> {
        let root: Node?
        do {
            root = try Parser(yaml: yaml, resolver: .basic, constructor: .default, encoding: .utf8).singleRoot()
        } catch let error as YamlError {
            return .failure(failure(error, yaml: yaml, firstLine: firstLine))
        } catch {
            return .failure(YAMLFailure(line: firstLine, column: 1, message: "\(error)"))
        }
        guard let root else { return .success(nil) }
        var budget = 200_000
        guard let node = convert(root, file: file, lineOffset: firstLine - 1, depth: 0, budget: &budget) else {
            return .failure(YAMLFailure(line: firstLine, column: 1,
                                        message: "the YAML is too large or too deeply nested (at most 64 levels, 200000 values)"))
        }
        return .success(node)
    }

    private static func convert(_ node: Node, file: String, lineOffset: Int, depth: Int, budget: inout Int) -> YAMLNode? {
        budget -= 1
        guard budget >= 0, depth <= 64 else { return nil }
        func location(_ mark: Mark?, length: Int = 1) -> SourceLocation {
            SourceLocation(file: file, line: (mark?.line ?? 1) + lineOffset, column: mark?.column ?? 1, length: length)
        }
        switch node {
        case .scalar(let scalar):
            let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
            let oneLine = !scalar.string.utf8.contains(UInt8(ascii: "\n")) && scalar.style != .literal && scalar.style != .folded
            let length = oneLine ? Characters.count(scalar.string) + (quoted ? 2 : 0) : 1
            return YAMLNode(.scalar(scalar.string, plain: scalar.style == .plain),
                            at: location(scalar.mark, length: length))
        case .sequence(let sequence):
            var items: [YAMLNode] = []
            items.reserveCapacity(sequence.count)
            for item in sequence {
                guard let converted = convert(item, file: file, lineOffset: lineOffset, depth: depth + 1, budget: &budget) else { return nil }
                items.append(converted)
            }
            return YAMLNode(.sequence(items), at: location(sequence.mark))
        case .mapping(let mapping):
            var pairs: [YAMLNode.Pair] = []
            pairs.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                guard let k = convert(key, file: file, lineOffset: lineOffset, depth: depth + 1, budget: &budget),
                      let v = convert(value, file: file, lineOffset: lineOffset, depth: depth + 1, budget: &budget) else { return nil }
                pairs.append(YAMLNode.Pair(key: k, value: v))
            }
            return YAMLNode(.mapping(pairs), at: location(mapping.mark))
        case .alias(let alias):
            return YAMLNode(.scalar("*\(alias.anchor.rawValue)", plain: false), at: location(alias.mark))
        }
    }

    private static func failure(_ error: YamlError, yaml: String, firstLine: Int) -> YAMLFailure {
        let offset = firstLine - 1
        func make(_ problem: String, _ context: YamlError.Context?, _ mark: Mark) -> YAMLFailure {
            var message = problem
            if let context, !context.text.isEmpty {
                message += " (\(context.text) at line \(context.mark.line + offset))"
            }
            return YAMLFailure(line: mark.line + offset, column: mark.column, message: message)
        }
        switch error {
        case let .scanner(context, problem, mark, _): return make(problem, context, mark)
        case let .parser(context, problem, mark, _): return make(problem, context, mark)
        case let .composer(context, problem, mark, _): return make(problem, context, mark)
        case let .reader(problem, _, _, _):
            return YAMLFailure(line: firstLine, column: 1, message: problem)
        case let .duplicatedKeysInMapping(duplicates, context):
            let key = duplicates.first ?? ""
            let (line, column) = secondOccurrence(of: key, in: yaml, from: context.mark.line)
                ?? (context.mark.line, context.mark.column)
            return YAMLFailure(line: line + offset, column: column,
                               message: "field \"\(key)\" is given twice" + (duplicates.count > 1 ? " (and \(duplicates.dropFirst().map { "\"\($0)\"" }.joined(separator: ", ")))" : ""))
        default:
            return YAMLFailure(line: firstLine, column: 1, message: "\(error)")
        }
    }

    /// The line and column of the second line that starts with `key:` at or after `line`.
    private static func secondOccurrence(of key: String, in yaml: String, from line: Int) -> (Int, Int)? {
        var seen = 0
        for (i, text) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where i + 1 >= line {
            let trimmed = text.drop(while: { $0 == " " || $0 == "-" })
            for candidate in [key + ":", "\"\(key)\":", "'\(key)':"] where trimmed.hasPrefix(candidate) {
                seen += 1
                if seen == 2 { return (i + 1, text.count - trimmed.count + 1) }
            }
        }
        return nil
    }
}
