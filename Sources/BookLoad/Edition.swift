import BookModel
import Foundation

/// Where a previous edition of a book is: a content folder, or the content folder's files as
/// they were at a git revision (read with the `git` command, kept in memory).
public struct EditionSource: Sendable {
    public enum Content: Sendable {
        /// A content folder on disk.
        case folder(String)
        /// The files of the content folder at a revision: paths relative to it, and bytes.
        case files([(path: String, bytes: [UInt8])])
    }

    public let content: Content
    /// How messages name it (the revision or folder as the user gave it).
    public let name: String

    /// Finds edition `ref`: a folder (a content folder with book.yml, or a folder holding
    /// `content/book.yml`), relative to `base`, else a git revision of the repository that holds
    /// `content`, whose content folder's files at that revision are read.
    /// - Throws: `ServicebookError` with a message for people: a folder that is not a book, no
    ///   git, not a repository, an unknown revision, no content folder at the revision.
    public static func resolve(_ ref: String, base: String, content: ContentRoot) throws -> EditionSource {
        let path = ref.hasPrefix("/") ? ref : URL(fileURLWithPath: base).appendingPathComponent(ref).path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            for candidate in [path, path + "/content"] where FileManager.default.fileExists(atPath: candidate + "/book.yml") {
                return EditionSource(content: .folder(candidate), name: ref)
            }
            throw ServicebookError(.load, path: path,
                "\"\(ref)\" is a folder but not a book: it has no book.yml (nor content/book.yml)")
        }
        return try fromGit(ref, content: content)
    }

    static func fromGit(_ ref: String, content: ContentRoot) throws -> EditionSource {
        guard !ref.isEmpty, !ref.hasPrefix("-") else {
            throw ServicebookError(.load, "\"\(ref)\" is neither a folder nor a git revision")
        }
        let git = try Git(directory: content.path)
        guard let top = try git.run(["rev-parse", "--show-toplevel"]).ok?.trimmed else {
            throw ServicebookError(.load, path: content.folder,
                "\"\(ref)\" is not a folder, and the content folder \"\(content.named)\" is not in a git repository to read a revision from")
        }
        let prefix = try git.run(["rev-parse", "--show-prefix"]).ok?.trimmed ?? ""
        guard let commit = try git.run(["rev-parse", "--verify", "--quiet", ref + "^{commit}"]).ok?.trimmed, !commit.isEmpty else {
            throw ServicebookError(.load, "\"\(ref)\" is neither a folder nor a revision of the git repository at \(top)")
        }
        // Every file of the content folder at that commit: path and blob, then the blobs' bytes.
        let listing = try git.run(["-C", top, "ls-tree", "-r", "-z", "--full-tree", commit, "--", prefix.isEmpty ? "." : prefix])
        guard let list = listing.ok else {
            throw ServicebookError(.load, "cannot list the files of \(ref): \(listing.error)")
        }
        var files: [(path: String, blob: String)] = []
        for entry in list.split(separator: "\0") {
            // "<mode> <type> <object>\t<path>"
            guard let tab = entry.firstIndex(of: "\t") else { continue }
            let meta = entry[..<tab].split(separator: " "), path = String(entry[entry.index(after: tab)...])
            guard meta.count == 3, meta[1] == "blob", meta[0] != "120000", path.hasPrefix(prefix) else { continue }
            files.append((String(path.dropFirst(prefix.count)), String(meta[2])))
        }
        guard files.contains(where: { $0.path == "book.yml" }) else {
            throw ServicebookError(.load, "the book did not exist at \(ref): the repository had no \(prefix.isEmpty ? "" : prefix)book.yml then")
        }
        let blobs = try git.blobs(files.map(\.blob), in: top)
        return EditionSource(content: .files(zip(files, blobs).map { ($0.path, [UInt8]($1)) }), name: ref)
    }
}

/// The `git` command, run in a folder.
struct Git {
    let directory: String
    let executable: String

    struct Result {
        let status: Int32
        let output: Data
        let error: String
        var ok: String? { status == 0 ? String(decoding: output, as: UTF8.self) : nil }
    }

    init(directory: String) throws {
        self.directory = directory
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        guard let found = paths.map({ $0 + "/git" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ServicebookError(.load, "git is not installed (or not on PATH): it is needed to read an edition from a revision; give a folder instead")
        }
        executable = found
    }

    /// Runs git with `arguments`, feeding it `input`, and returns its output whatever its status.
    func run(_ arguments: [String], input: Data? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-C", directory] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"
        process.environment = environment
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        do {
            try process.run()
        } catch {
            throw ServicebookError(.load, "cannot run git: \(error.localizedDescription)")
        }
        // Write the input while the output is read, so that neither pipe fills up and blocks.
        if let input {
            let writer = inPipe.fileHandleForWriting
            Thread.detachNewThread {
                writer.write(input)
                try? writer.close()
            }
        }
        let errors = ErrorCollector(err.fileHandleForReading)
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: output, error: errors.text())
    }

    /// The bytes of each blob, in order (`git cat-file --batch`).
    func blobs(_ ids: [String], in top: String) throws -> [Data] {
        guard !ids.isEmpty else { return [] }
        let result = try run(["-C", top, "cat-file", "--batch"], input: Data((ids.joined(separator: "\n") + "\n").utf8))
        guard result.status == 0 else { throw ServicebookError(.load, "git cat-file failed: \(result.error)") }
        // Each: "<object> blob <size>\n<bytes>\n".
        let data = result.output
        var out: [Data] = [], at = data.startIndex
        for _ in ids {
            guard let newline = data[at...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            let header = String(decoding: data[at..<newline], as: UTF8.self).split(separator: " ")
            guard header.count == 3, let size = Int(header[2]), newline + 1 + size <= data.endIndex else {
                throw ServicebookError(.load, "git cat-file gave an unexpected answer: \(header.joined(separator: " "))")
            }
            out.append(data[(newline + 1)..<(newline + 1 + size)])
            at = newline + 1 + size + 1
        }
        guard out.count == ids.count else { throw ServicebookError(.load, "git cat-file answered \(out.count) of \(ids.count) files") }
        return out
    }
}

/// Reads a pipe to its end on its own thread.
final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func text() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
