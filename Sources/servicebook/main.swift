import ArgumentParser
import BookAudit
import BookChanges
import BookCheck
import BookLoad
import BookModel
import BookSite
import CMimalloc
import Foundation
import Synchronization

struct Servicebook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "servicebook",
        abstract: "Checks a service book written in Markdown and renders it as a handbook.",
        discussion: "Exit codes: 0 success, 1 the book has errors (or warnings with --strict), 2 usage or I/O failure.",
        version: "0.1.0",
        subcommands: [Check.self, Build.self, Serve.self, AuditsCommand.self, Report.self, ChangesCommand.self, New.self, Init.self]
    )
}

extension OutputFormat: ExpressibleByArgument {}
extension AuditFormat: ExpressibleByArgument {}
extension ChangeFormat: ExpressibleByArgument {}

/// Colour only on a terminal, and never with NO_COLOR (https://no-color.org) or TERM=dumb.
/// Keeps a run's model alive until the process exits: freeing a model of thousands of
/// documents and visits one object at a time takes longer than the exit that frees it all.
nonisolated(unsafe) var keptUntilExit: [Any] = []

func colorOutput() -> Bool {
    let environment = ProcessInfo.processInfo.environment
    return isatty(STDOUT_FILENO) == 1 && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
}

/// The allocator behind `malloc` in this process: mimalloc when linking put it before the C
/// library (a pointer from `malloc` then lies in mimalloc's heap), else the C library's.
func allocator() -> String {
    let probe = malloc(16)
    defer { free(probe) }
    return mi_is_in_heap_region(probe) ? "mimalloc \(mi_version())" : "the C library's malloc"
}

/// --content, shared by every command that reads a book.
struct ContentOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The content folder.", valueName: "dir"))
    var content: String = "content"
}

/// --theme, shared by the commands that render the book.
struct ThemeOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A theme folder overriding the default theme (default: book.yml's theme).", valueName: "dir"))
    var theme: String?
}

/// --quiet and --verbose, shared by the commands that run the pipeline.
struct Verbosity: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print only the problems: no progress, completeness report or summary.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also print how long each stage took, and the allocator in use (on standard error).")
    var verbose = false

    func stages(_ times: StageTimes) {
        if verbose { FileHandle.standardError.write(Data("timings: \(times) (allocator: \(allocator()))\n".utf8)) }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that the book is complete and consistent.",
        discussion: """
        Reports every problem of the book in one run, with file:line:col, a stable code and a \
        suggestion where one helps, then a completeness report. Diagnostic codes are listed in \
        the README.
        """
    )

    @OptionGroup var content: ContentOption

    @Flag(name: .long, help: "Fail on warnings too.")
    var strict = false

    @Option(name: .long, help: ArgumentHelp("Output format: human, json or github.", valueName: "format"))
    var format: OutputFormat = .human

    @OptionGroup var verbosity: Verbosity

    func run() throws {
        let checked = try orExit { try Pipeline.check(content: content.content, strict: strict) }
        keptUntilExit.append(checked)
        let color = format == .human && colorOutput()
        verbosity.stages(checked.times)
        FileHandle.standardOutput.write(Data(format.render(checked.report, sources: { checked.sources[$0] }, color: color,
                                                           summary: !verbosity.quiet).utf8))
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

    @OptionGroup var content: ContentOption

    @Option(name: .long, help: ArgumentHelp("The output folder.", valueName: "dir"))
    var output: String = "_site"

    @OptionGroup var theme: ThemeOption

    @Option(name: .long, help: ArgumentHelp("The previous edition (a git revision or a folder): adds «Что нового», change badges and change sheets. Default: book.yml's previous_edition.", valueName: "ref"))
    var since: String?

    @OptionGroup var verbosity: Verbosity

    func run() throws {
        let terminal = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["CI"] == nil && !verbosity.quiet
        let progress: (String) -> Void = { stage in
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K\(stage)…".utf8)) }
        }
        let built: Pipeline.Built
        do {
            built = try Pipeline.build(content: content.content, output: output, theme: theme.theme, since: since, progress: progress)
        } catch {
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            FileHandle.standardError.write(Data("servicebook: error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        keptUntilExit.append(built)
        verbosity.stages(built.times)
        let report = built.checked.report
        let color = colorOutput()
        // The diagnostics as `check` prints them, without its report and summary.
        let problems = HumanFormatter(color: color).format(report, sources: { built.checked.sources[$0] }, summary: false)
        FileHandle.standardOutput.write(Data(problems.utf8))
        if report.errors > 0 {
            print("build failed: \(report.errors) error\(report.errors == 1 ? "" : "s"); nothing was written, \(output) is unchanged")
            throw ExitCode(1)
        }
        guard !verbosity.quiet else { return }
        let dest = output.hasSuffix("/") ? output : output + "/"
        print("Built \(built.pages) pages in \(String(format: "%.2f", built.seconds)) s → \(dest)"
              + (report.warnings > 0 ? " (\(report.warnings) warning\(report.warnings == 1 ? "" : "s"))" : ""))
    }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the book in memory, serve it on 127.0.0.1 and rebuild it on every change.",
        discussion: """
        Watches the content folder and the theme folder. A rebuild redoes only what the change \
        affects; pages are rendered when they are opened, and the search index follows once the \
        edits pause. Open pages reload after each rebuild; when a change breaks the book, the \
        terminal and the open pages show the errors and the last good site stays served. \
        Ctrl-C stops.
        """
    )

    @OptionGroup var content: ContentOption

    @Option(name: .long, help: ArgumentHelp("The port on 127.0.0.1 (0: any free port).", valueName: "n"))
    var port: UInt16 = 8000

    @OptionGroup var theme: ThemeOption

    @OptionGroup var verbosity: Verbosity

    func run() throws {
        let content = self.content.content
        _ = try orExit { try ContentRoot(folder: content) }
        setvbuf(stdout, nil, _IOLBF, 0)              // one line at a time, also into a pipe or a log
        let session = PreviewSession(content: content, theme: theme.theme)
        let server = PreviewServer(session: session, port: port)
        let quiet = verbosity.quiet
        let verbosity = self.verbosity
        let color = colorOutput()
        @Sendable func report(_ outcome: PreviewSession.Outcome, changed: [String]) {
            if let checked = outcome.checked {
                let problems = HumanFormatter(color: color).format(checked.report, sources: { checked.sources[$0] }, summary: false)
                if outcome.errors > 0 || !quiet { FileHandle.standardOutput.write(Data(problems.utf8)) }
            } else if let failure = outcome.failure {
                print("servicebook: error: \(failure)")
            }
            let what = changed.isEmpty ? "" : " (\(changed.count == 1 ? changed[0] : "\(changed.count) changes"))"
            verbosity.stages(outcome.times)
            if outcome.errors > 0 {
                print("\(outcome.errors) error\(outcome.errors == 1 ? "" : "s")\(what): still serving the last good site")
            } else if !quiet {
                print("Built \(outcome.pages) pages in \(String(format: "%.3f", outcome.seconds)) s\(what) (rendered when opened)")
            }
        }
        // Watch first, so that a change made during the first build is not missed.
        var folders = [content] + (theme.theme.map { [$0] } ?? [])
        let contentWatcher = try Watcher(folders: folders)
        contentWatcher.start { paths in report(session.rebuild(changed: paths), changed: paths) }
        let first = session.rebuild()
        session.waitForSearch()
        report(first, changed: [])
        // book.yml's theme, when --theme is not given.
        var watchers = [contentWatcher]
        if theme.theme == nil, let named = first.checked?.theme {
            let bookTheme = try Watcher(folders: [named])
            bookTheme.start { paths in report(session.rebuild(changed: paths), changed: paths) }
            watchers.append(bookTheme)
            folders.append(named)
        }
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        var sources: [DispatchSourceSignal] = []
        // Set on Ctrl-C: the server's end is then no error (stopping it ends its task with one).
        let stopping = Atomic<Bool>(false)
        for sig in [SIGINT, SIGTERM] {
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .main)
            source.setEventHandler {
                stopping.store(true, ordering: .relaxed)
                Task {
                    await server.stop()
                    print("\nStopped serving.")
                    Foundation.exit(0)
                }
            }
            source.resume()
            sources.append(source)
        }
        let port = self.port
        let watched = folders.joined(separator: ", ")
        Task {
            do {
                try await server.start { listening in
                    print("Serving http://127.0.0.1:\(listening)/ — watching \(watched); Ctrl-C stops")
                }
            } catch {
                guard !stopping.load(ordering: .relaxed) else { return }
                let text = "\(error)"
                let message = text.contains("Address already in use")
                    ? "port \(port) on 127.0.0.1 is already in use: stop the other server, or choose another port with --port"
                    : "cannot serve on 127.0.0.1:\(port): \(text)"
                FileHandle.standardError.write(Data("servicebook: error: \(message)\n".utf8))
                Foundation.exit(2)
            }
        }
        withExtendedLifetime((watchers, sources)) { dispatchMain() }
    }
}

struct ChangesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "Show what changed since a previous edition: entity by entity, and for each role.",
        discussion: """
        Compares the book with an earlier edition of it, entity by entity (not line by line): \
        what was added, removed or renamed (same content under a new id), and for each changed \
        entity the fields that changed and the sections of its body; then, for each role, \
        every change to something in that role's handbook. REF is a folder (a content folder, \
        or a folder holding content/), else a git revision (a tag such as edition-2026.1, a \
        branch, a commit) of the repository the content folder is in, read with git. Without \
        --since, book.yml's previous_edition is used (relative to the folder that holds the \
        content folder). Exit codes: 0 done, 2 no such edition, not a book, or no git.
        """
    )

    @OptionGroup var content: ContentOption

    @Option(name: .long, help: ArgumentHelp("The edition to compare with: a git revision or a folder.", valueName: "ref"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Output format: human, json or markdown (a release note in the book's language).", valueName: "format"))
    var format: ChangeFormat = .human

    func run() throws {
        let compared = try orExit { try Pipeline.compare(content: content.content, since: since) }
        keptUntilExit.append(compared)
        if compared.previousErrors > 0 {
            FileHandle.standardError.write(Data("changes: the edition at \(compared.changes.since) has \(compared.previousErrors) error\(compared.previousErrors == 1 ? "" : "s"); it is compared as it loads\n".utf8))
        }
        print(format.render(compared.changes, language: compared.book.config.language, color: format == .human && colorOutput()),
              terminator: "")
    }
}

struct AuditsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audits",
        abstract: "Score the mystery-shopper visits: overall, per department, employee and month, NPS, the weakest checks.",
        discussion: """
        Reads content/audits/ (a visit per Markdown file, or a row of a CSV file) and staff.yml, \
        checks them with the rest of the book, and prints the scores: a visit's score is the \
        points of its checks answered yes ÷ the points answered yes or no (a no on a critical \
        check fails the visit: it counts 0); a group's score is the mean of its visits'. \
        Exit codes: 0 done, 1 the book has errors (or --fail-under: the latest month's score is \
        below it), 2 usage or I/O failure.
        """
    )

    @OptionGroup var content: ContentOption

    @Option(name: .long, help: ArgumentHelp("Only visits from this month on.", valueName: "yyyy-mm"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Output format: human, json or csv.", valueName: "format"))
    var format: AuditFormat = .human

    @Option(name: .customLong("fail-under"), help: ArgumentHelp("Exit 1 when the latest month's overall score is below this percentage.", valueName: "percent"))
    var failUnder: Double?

    func validate() throws {
        if let since, Month(since) == nil { throw ValidationError("--since must be a month, YYYY-MM (for example 2026-09), not \"\(since)\"") }
        if let failUnder, !(0...100).contains(failUnder) { throw ValidationError("--fail-under must be a percentage from 0 to 100") }
    }

    func run() throws {
        let checked = try orExit { try Pipeline.check(content: content.content) }
        keptUntilExit.append(checked)
        if checked.report.errors > 0 {
            let color = colorOutput()
            let errors = CheckReport(diagnostics: checked.report.diagnostics.filter { $0.severity == .error }, completeness: [],
                                     files: checked.report.files, content: checked.report.content, strict: false)
            FileHandle.standardError.write(Data(HumanFormatter(color: color).format(errors, sources: { checked.sources[$0] }, summary: false).utf8))
            FileHandle.standardError.write(Data("audits: the book has \(checked.report.errors) error\(checked.report.errors == 1 ? "" : "s"): fix them first (servicebook check)\n".utf8))
            throw ExitCode(1)
        }
        let month = since.flatMap(Month.init)
        let report = Scores.report(checked.audits, book: checked.book, since: month)
        keptUntilExit.append(report)
        print(format.render(report, book: checked.book, since: month, color: format == .human && colorOutput()), terminator: "")
        if let failUnder {
            guard let latest = report.latestMonth, let score = latest.score else {
                FileHandle.standardError.write(Data("audits: no scored visit\(month.map { " since \($0.id)" } ?? ""): nothing reaches \(Band.format(failUnder)) %\n".utf8))
                throw ExitCode(1)
            }
            if score < failUnder {
                FileHandle.standardError.write(Data("audits: \(latest.id) scored \(String(format: "%.1f", score)) %, below \(Band.format(failUnder)) %\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render the managers' report: the handbook with a page per employee (scores, bands, checks missed).",
        discussion: """
        The handbook never shows an employee's name; this report does, for managers only: each \
        person's visits, score and band, and the checks they missed, linked to the standard and \
        the script in their role's handbook. Written like build: checked first, replaced atomically.
        """
    )

    @OptionGroup var content: ContentOption

    @Option(name: .long, help: ArgumentHelp("The output folder.", valueName: "dir"))
    var output: String = "_report"

    @OptionGroup var theme: ThemeOption

    @OptionGroup var verbosity: Verbosity

    func run() throws {
        let built = try orExit { try Pipeline.build(content: content.content, output: output, theme: theme.theme, staff: true) }
        verbosity.stages(built.times)
        let report = built.checked.report
        FileHandle.standardOutput.write(Data(HumanFormatter(color: colorOutput()).format(report, sources: { built.checked.sources[$0] }, summary: false).utf8))
        if report.errors > 0 {
            print("report failed: \(report.errors) error\(report.errors == 1 ? "" : "s"); nothing was written, \(output) is unchanged")
            throw ExitCode(1)
        }
        guard !verbosity.quiet else { return }
        let employees = Scores.report(built.checked.audits, book: built.checked.book).employees.count
        let dest = output.hasSuffix("/") ? output : output + "/"
        print(employees == 0 ? "Built \(built.pages) pages in \(String(format: "%.2f", built.seconds)) s → \(dest) (the book has no scored visits: no staff pages)"
              : "Built the report: \(employees) employee\(employees == 1 ? "" : "s") and \(built.pages) pages in \(String(format: "%.2f", built.seconds)) s → \(dest)")
    }
}

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a document of a kind, with its required fields to fill in.",
        discussion: """
        KIND is journey, step, situation, role, standard, script, term or page (or its folder: \
        steps, glossary, ...). The file goes to the kind's folder; references in it point at \
        the book's first role or script, so the book still checks.
        """
    )

    @Argument(help: "The kind of document.")
    var kind: String

    @Argument(help: "The id: lower-case Latin letters, digits and hyphens (the file name without .md).")
    var id: String

    @OptionGroup var content: ContentOption

    func run() throws {
        guard let kind = Scaffold.kind(named: kind) else {
            let kinds = Kind.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("servicebook: error: unknown kind \"\(self.kind)\": use one of \(kinds)\n".utf8))
            throw ExitCode(2)
        }
        let path = try orExit { try Scaffold.newDocument(kind: kind, id: id, content: content.content) }
        print("Created \(path)")
    }
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a starter book in DIR that passes check --strict and builds."
    )

    @Argument(help: "The folder of the new book (created if needed).")
    var dir: String

    func run() throws {
        let files = try orExit { try Scaffold.initBook(in: dir) }
        print("Created a starter book in \(dir) (\(files.count) files). Next: cd \(dir) && servicebook build")
    }
}

// Usage errors exit with 2 (ArgumentParser's default is 64).

/// `body`'s value; when it throws, the error on standard error as `servicebook: error: ...` and
/// exit code 2 (the book or the command could not be used at all).
func orExit<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        FileHandle.standardError.write(Data("servicebook: error: \(error)\n".utf8))
        throw ExitCode(2)
    }
}

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
