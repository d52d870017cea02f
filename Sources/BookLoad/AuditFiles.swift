import BookModel
import CSV
import Foundation

/// The loader's part for audits: a visit's Markdown file (front matter and the shopper's
/// account) and a CSV file of visits (parsed by CSV.swift; each cell given the line and column
/// where it starts, for diagnostics).
extension ContentLoader {
    /// The file's text (kept in `result`), or nil with the reason in `result`'s diagnostics.
    private static func decodedText(_ bytes: [UInt8], display: String, into result: inout LoadedFile) -> String? {
        switch decode(bytes, display: display) {
        case .failure(let diagnostic):
            result.diagnostics.append(diagnostic)
            return nil
        case .success(let text):
            result.isText = true
            return text
        }
    }

    /// A visit written as a Markdown file.
    static func loadVisit(bytes: [UInt8], path: String, display: String) -> LoadedFile {
        var result = LoadedFile(path: path)
        guard let text = decodedText(bytes, display: display, into: &result) else { return result }
        let id = String(path.split(separator: "/").last!.dropLast(3))
        switch FrontMatter.split(text) {
        case .failure(.missing):
            result.diagnostics.append(Diagnostic(.missingFrontMatter, at: SourceLocation(file: display, line: 1, column: 1),
                "a visit starts with front matter: date, journey, department, results, ...",
                suggestion: "the first line must be \"---\", followed by the visit's fields and a closing \"---\""))
        case .failure(.unclosed):
            result.diagnostics.append(Diagnostic(.unclosedFrontMatter, at: SourceLocation(file: display, line: 1, column: 1, length: 3),
                "the front matter opened here is never closed", suggestion: "add a line \"---\" after the last field"))
        case .success(let split):
            switch FrontMatter.fields(split, file: display, example: "date: ...") {
            case .success(let frontMatter):
                result.visit = VisitDocument(path: path, displayPath: display, id: id, frontMatter: frontMatter,
                                             body: split.body, bodyLine: split.bodyLine)
            case .failure(let diagnostic):
                result.diagnostics.append(diagnostic)
            }
        }
        return result
    }

    /// A CSV file of visits: UTF-8 (a BOM is dropped, CRLF read as LF), comma or semicolon
    /// (whichever the header row has more of), a header row first.
    static func loadTable(bytes: [UInt8], path: String, display: String) -> LoadedFile {
        var result = LoadedFile(path: path)
        guard let text = decodedText(bytes, display: display, into: &result) else { return result }
        let headerLine = text.prefix { $0 != "\n" }
        let delimiter: UnicodeScalar = headerLine.filter { $0 == ";" }.count > headerLine.filter { $0 == "," }.count ? ";" : ","
        // A quote left open takes the rest of the file into one cell: CSV.swift reads on
        // quietly, so the quotes are counted here (in a well-formed file they pair up).
        // On bytes: quotes, line ends and delimiters are ASCII.
        var quoteLine = 0, line = 1, open = false, previous: UInt8 = 0x0A
        let delimiterByte = UInt8(delimiter.value)
        for byte in text.utf8 {
            if byte == 0x22 {
                if !open && (previous == 0x0A || previous == delimiterByte) { quoteLine = line }
                open.toggle()
            } else if byte == 0x0A {
                line += 1
            }
            previous = byte
        }
        if open {
            result.diagnostics.append(Diagnostic(.invalidCSV, at: SourceLocation(file: display, line: max(1, quoteLine), column: 1),
                "a quote opened in this row is never closed: the rest of the file would be one cell",
                suggestion: "close the quoted value with \""))
            return result
        }
        guard let reader = try? CSVReader(string: text, hasHeaderRow: false, delimiter: delimiter) else {
            result.diagnostics.append(Diagnostic(.invalidCSV, at: SourceLocation(file: display, line: 1, column: 1),
                "the file cannot be read as CSV", suggestion: "a header row, then one row a visit, comma- or semicolon-separated"))
            return result
        }
        let lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { Substring($0) }
        var rows: [[AuditTable.Cell]] = []
        var row = 1
        while let values = reader.next() {
            let start = row
            rows.append(cells(values, lines: lines, from: start, delimiter: Character(delimiter)))
            row = start + 1 + values.reduce(0) { count, value in count + value.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        }
        // Blank lines are no rows.
        rows.removeAll { $0.count == 1 && $0[0].text.isEmpty }
        guard let header = rows.first else {
            result.diagnostics.append(Diagnostic(.invalidCSV, at: SourceLocation(file: display, line: 1, column: 1),
                "the CSV file is empty", suggestion: "start it with a header row: visit, date, journey, department, ..."))
            return result
        }
        result.table = AuditTable(path: path, displayPath: display, header: header, rows: Array(rows.dropFirst()))
        return result
    }

    /// The parsed values of a record starting at line `line`, each with the line and column
    /// (in characters) where it is written: found by walking the record's text beside the
    /// values (a quoted value takes its quotes, and doubled quotes inside, more).
    static func cells(_ values: [String], lines: [Substring], from line: Int, delimiter: Character) -> [AuditTable.Cell] {
        // A row on one line whose every scalar is a character of its own (ASCII, Latin, Greek,
        // Cyrillic: the common case) is walked on bytes, counting scalars.
        if line - 1 < lines.count, values.allSatisfy({ !$0.utf8.contains(0x0A) }), Characters.standaloneCount(lines[line - 1]) != nil {
            let bytes = Array(lines[line - 1].utf8), delimiter = UInt8(delimiter.asciiValue ?? 0)
            var out: [AuditTable.Cell] = [], at = 0, column = 0
            out.reserveCapacity(values.count)
            for value in values {
                out.append(AuditTable.Cell(text: value, line: line, column: column + 1))
                let quoted = at < bytes.count && bytes[at] == 0x22
                let quotes = quoted ? 2 + value.utf8.reduce(0) { $0 + ($1 == 0x22 ? 1 : 0) } : 0
                at += value.utf8.count + quotes
                column += value.unicodeScalars.count + quotes
                if at < bytes.count, bytes[at] == delimiter { at += 1; column += 1 }
            }
            return out
        }
        var out: [AuditTable.Cell] = []
        var lineIndex = line - 1, column = 0
        func current() -> [Character] { lineIndex < lines.count ? Array(lines[lineIndex]) : [] }
        var chars = current()
        for value in values {
            out.append(AuditTable.Cell(text: value, line: lineIndex + 1, column: column + 1))
            // Move past the value as written.
            let quoted = column < chars.count && chars[column] == "\""
            let written = quoted ? 2 + value.count + value.filter { $0 == "\"" }.count : value.count
            var left = written
            while left > 0 {
                let rest = chars.count - column
                if left <= rest {
                    column += left
                    left = 0
                } else {
                    left -= rest + 1                              // the line's rest and its line end
                    lineIndex += 1
                    column = 0
                    chars = current()
                }
            }
            if column < chars.count, chars[column] == delimiter { column += 1 }
        }
        return out
    }
}
