// rebuild-bench: how long `serve` takes to rebuild a book after each kind of one-file edit,
// measured inside one process (no server, no browser), stage by stage.
//
//   rebuild-bench CONTENT_FOLDER [--runs N]
//
// The book is built once (as `serve` does first), then each kind of edit is made N times (5 by
// default) and undone; after each edit the rebuild `serve` runs is timed: the watcher's path
// goes to the same pipeline `build` runs, with the caches serve keeps.
import BookModel
import BookSite
import CMimalloc  // the allocator servicebook itself runs on
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: rebuild-bench CONTENT_FOLDER [--runs N]\n".utf8))
    exit(2)
}
let content = arguments[1]
let runs = arguments.firstIndex(of: "--runs").flatMap { Int(arguments[$0 + 1]) } ?? 5
let root = URL(fileURLWithPath: content).standardizedFileURL

func first(_ folder: String, _ name: String) -> URL? {
    let base = root.appendingPathComponent(folder)
    guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return nil }
    var found: [URL] = []
    for case let url as URL in walker where url.pathExtension == "md" { found.append(url) }
    return found.sorted { $0.path < $1.path }.first { $0.lastPathComponent == name } ?? found.sorted { $0.path < $1.path }.first
}

let step = first("steps", "step-0.md")!
let journey = first("journeys", "journey-0.md")!
let role = first("roles", "role-160.md")!
let newPage = root.appendingPathComponent("pages/new-page.md")

func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
func write(_ url: URL, _ text: String) { try! text.write(to: url, atomically: false, encoding: .utf8) }
/// `text` with the first match of `pattern` replaced (`$1` for a group).
func sub(_ text: String, _ pattern: String, _ replacement: String) -> String {
    let regex = try! NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
    guard let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return text }
    let replaced = regex.replacementString(for: match, in: text, offset: 0, template: replacement)
    return (text as NSString).replacingCharacters(in: match.range, with: replaced)
}

let originals = [step: text(step), journey: text(journey), role: text(role)]
let firstHeading = originals[role]!.split(separator: "\n").first { $0.hasPrefix("## ") }.map(String.init) ?? "## "

let edits: [(name: String, file: URL, edit: () -> Void)] = [
    ("a body's text", step, { write(step, originals[step]! + "\nЕщё один абзац.\n") }),
    ("a title", step, { write(step, sub(originals[step]!, "^title: .*$", "title: Новое название")) }),
    ("a new reference (participants)", step, {
        write(step, sub(originals[step]!, "^responsible: (.*)$", "responsible: $1\nparticipants: [\(role.deletingPathExtension().lastPathComponent)]"))
    }),
    ("a journey's steps reordered", journey, {
        // Flow lists (steps: [a, b, …]) or block lists (steps:, then "- a", "- b").
        let flow = sub(originals[journey]!, "steps: \\[([a-z0-9-]+), ([a-z0-9-]+),", "steps: [$2, $1,")
        write(journey, flow != originals[journey]! ? flow
              : sub(originals[journey]!, "steps:\n( +)- ([a-z0-9-]+)\n +- ([a-z0-9-]+)$", "steps:\n$1- $3\n$1- $2"))
    }),
    ("a heading renamed", role, { write(role, originals[role]!.replacingOccurrences(of: firstHeading, with: firstHeading + " и приёмы")) }),
    ("a link added", step, { write(step, originals[step]! + "\nСм. [роль](../../roles/\(role.lastPathComponent)).\n") }),
    ("broken YAML", step, { write(step, sub(originals[step]!, "^title: .*$", "title: [")) }),
    ("a new file", newPage, { write(newPage, "---\ntitle: Новая страница\nsummary: Проверка.\n---\nТекст.\n") }),
]

let session = PreviewSession(content: content)
let start = Date()
let cold = session.rebuild()
session.waitForSearch()
print(String(format: "first build: %.0f ms (%@)", Date().timeIntervalSince(start) * 1000, cold.times.description))
func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
print("edit".padding(toLength: 34, withPad: " ", startingAt: 0) + "   median      min      max   stages of the median run")
for (name, file, edit) in edits {
    var totals: [(Double, String)] = []
    for run in 0..<runs {
        let before = text(file)
        edit()
        if run == 0 && text(file) == before { print("(\(name): the edit changed nothing in \(file.lastPathComponent))") }
        let began = Date()
        let outcome = session.rebuild(changed: [file.path])
        totals.append((Date().timeIntervalSince(began) * 1000, outcome.times.description))
        if file == newPage { try? FileManager.default.removeItem(at: newPage) } else { write(file, originals[file]!) }
        _ = session.rebuild(changed: [file.path])
    }
    let sorted = totals.sorted { $0.0 < $1.0 }
    let mid = sorted[sorted.count / 2]
    print(name.padding(toLength: 34, withPad: " ", startingAt: 0)
          + String(format: " %7.1f  %7.1f  %7.1f   ", mid.0, sorted.first!.0, sorted.last!.0) + mid.1)
}
