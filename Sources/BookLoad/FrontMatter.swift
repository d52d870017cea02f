import BookModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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
        // On the bytes: the first line must be `---` (trailing blanks allowed); the YAML runs to
        // the next line that is `---` or `...`.
        var copy = text
        let found = copy.withUTF8 { bytes -> Result<(yamlStart: Int, yamlEnd: Int, bodyStart: Int, bodyLine: Int), SplitFailure> in
            let count = bytes.count
            func lineEnd(from start: Int) -> Int {
                guard start < count, let base = bytes.baseAddress,
                      let found = memchr(base + start, Int32(UInt8(ascii: "\n")), count - start) else { return count }
                return UnsafeRawPointer(found) - UnsafeRawPointer(base)
            }
            func isFence(_ start: Int, _ end: Int, closing: Bool) -> Bool {
                var end = end
                while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
                guard end - start == 3 else { return false }
                let (a, b, c) = (bytes[start], bytes[start + 1], bytes[start + 2])
                return (a == UInt8(ascii: "-") && b == a && c == a) || (closing && a == UInt8(ascii: ".") && b == a && c == a)
            }
            let firstEnd = lineEnd(from: 0)
            guard isFence(0, firstEnd, closing: false) else { return .failure(.missing) }
            var lineStart = min(firstEnd + 1, count)
            let yamlStart = lineStart
            var line = 2
            while lineStart < count {
                let end = lineEnd(from: lineStart)
                if isFence(lineStart, end, closing: true) {
                    return .success((yamlStart, lineStart, min(end + 1, count), line + 1))
                }
                lineStart = min(end + 1, count)
                line += 1
            }
            return .failure(.unclosed)
        }
        switch found {
        case .failure(let failure): return .failure(failure)
        case .success(let at):
            // Byte offsets at line starts are character boundaries.
            let utf8 = text.utf8
            func index(_ offset: Int) -> String.Index { utf8.index(utf8.startIndex, offsetBy: offset) }
            return .success(Split(yaml: String(text[index(at.yamlStart)..<index(at.yamlEnd)]), yamlLine: 2,
                                  body: String(text[index(at.bodyStart)...]), bodyLine: at.bodyLine))
        }
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
