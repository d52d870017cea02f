import ArgumentParser
import BookCheck
import BookModel
import BookSite
import Foundation

struct Servicebook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "servicebook",
        abstract: "Checks a service book written in Markdown and renders it as a handbook.",
        discussion: "Exit codes: 0 success, 1 the book has errors (or warnings with --strict), 2 usage or I/O failure.",
        version: "0.1.0",
        subcommands: [Check.self, Build.self]
    )
}

extension OutputFormat: ExpressibleByArgument {}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that the book is complete and consistent.",
        discussion: """
        Reports every problem of the book in one run, with file:line:col, a stable code and a \
        suggestion where one helps, then a completeness report. Diagnostic codes are listed in \
        the README.
        """
    )

    @Option(name: .long, help: ArgumentHelp("The content folder.", valueName: "dir"))
    var content: String = "content"

    @Flag(name: .long, help: "Fail on warnings too.")
    var strict = false

    @Option(name: .long, help: ArgumentHelp("Output format: human, json or github.", valueName: "format"))
    var format: OutputFormat = .human

    func run() throws {
        let checked: Pipeline.Checked
        do {
            checked = try Pipeline.check(content: content, strict: strict)
        } catch {
            FileHandle.standardError.write(Data("servicebook: error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let color = format == .human && isatty(STDOUT_FILENO) == 1
            && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        FileHandle.standardOutput.write(Data(format.render(checked.report, sources: checked.sources, color: color).utf8))
        if checked.report.exitCode != 0 { throw ExitCode(checked.report.exitCode) }
    }
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the book, then render it as a static HTML handbook.",
        discussion: """
        With errors in the book nothing is written and the previous output stays intact. \
        The new site replaces the output folder atomically.
        """
    )

    @Option(name: .long, help: ArgumentHelp("The content folder.", valueName: "dir"))
    var content: String = "content"

    @Option(name: .long, help: ArgumentHelp("The output folder.", valueName: "dir"))
    var output: String = "_site"

    @Option(name: .long, help: ArgumentHelp("A theme folder overriding the default theme (default: book.yml's theme).", valueName: "dir"))
    var theme: String?

    func run() throws {
        let terminal = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["CI"] == nil
        let progress: (String) -> Void = { stage in
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K\(stage)…".utf8)) }
        }
        let built: Pipeline.Built
        do {
            built = try Pipeline.build(content: content, output: output, theme: theme, progress: progress)
        } catch {
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            FileHandle.standardError.write(Data("servicebook: error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        let report = built.checked.report
        let color = isatty(STDOUT_FILENO) == 1 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        let formatter = HumanFormatter(color: color)
        var lines = ""
        var cache: [String: [Substring]] = [:]
        for d in report.diagnostics {
            let file = cache[d.location.file] ?? (built.checked.sources[d.location.file] ?? "").split(separator: "\n", omittingEmptySubsequences: false)
            cache[d.location.file] = file
            lines += formatter.format(d, lines: file) + "\n"
        }
        FileHandle.standardOutput.write(Data(lines.utf8))
        if report.errors > 0 {
            print("build failed: \(report.errors) error\(report.errors == 1 ? "" : "s"); nothing was written, \(output) is unchanged")
            throw ExitCode(1)
        }
        let dest = output.hasSuffix("/") ? output : output + "/"
        print("Built \(built.pages) pages in \(String(format: "%.2f", built.seconds)) s → \(dest)"
              + (report.warnings > 0 ? " (\(report.warnings) warning\(report.warnings == 1 ? "" : "s"))" : ""))
    }
}

// Usage errors exit with 2 (ArgumentParser's default is 64).
do {
    var command = try Servicebook.parseAsRoot()
    try command.run()
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    let code = Servicebook.exitCode(for: error)
    if code == .success {
        print(Servicebook.fullMessage(for: error))
        exit(0)
    }
    FileHandle.standardError.write(Data((Servicebook.fullMessage(for: error) + "\n").utf8))
    exit(2)
}
