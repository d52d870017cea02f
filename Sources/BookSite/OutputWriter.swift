import BookModel
import CRenameSwap
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a site into its output folder atomically: everything goes into a new folder beside
/// it, which then replaces the old one in one `renameat2(RENAME_EXCHANGE)`. A failure at any
/// point (or a kill) leaves the previous output as it was.
public enum OutputWriter {
    public struct WriteError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Marks a folder as servicebook's output, so that a build never replaces anything else.
    public static let marker = ".servicebook-output"

    public static func write(_ files: [(path: String, bytes: [UInt8])], to output: String) throws {
        let target = URL(fileURLWithPath: output).standardizedFileURL
        let parent = target.deletingLastPathComponent().path
        let name = target.lastPathComponent
        guard !name.isEmpty, name != "/", target.path != "/" else {
            throw WriteError(description: "refusing to write the site to \"\(output)\"")
        }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory)
        if exists {
            guard isDirectory.boolValue else {
                throw WriteError(description: "output \"\(output)\" exists and is not a folder")
            }
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? []
            if !contents.isEmpty, !contents.contains(marker) {
                throw WriteError(description: "output folder \"\(output)\" is not empty and was not written by servicebook: refusing to replace it (remove it or choose another --output)")
            }
        }
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw WriteError(description: "cannot create \"\(parent)\": \(error.localizedDescription)")
        }
        let temporary = "\(parent)/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try writeTree(files + [(marker, Array("This folder is written by servicebook build and replaced on every build.\n".utf8))],
                          into: temporary)
            if exists {
                if servicebook_rename_exchange(temporary, target.path) != 0 {
                    // Without RENAME_EXCHANGE (an old kernel or another file system): two renames.
                    let old = "\(parent)/.\(name).old-\(getpid())"
                    guard rename(target.path, old) == 0 else { throw posixError("cannot move the previous output aside") }
                    guard rename(temporary, target.path) == 0 else {
                        _ = rename(old, target.path)
                        throw posixError("cannot move the new output into place")
                    }
                    try? FileManager.default.removeItem(atPath: old)
                    return
                }
            } else if rename(temporary, target.path) != 0 {
                throw posixError("cannot move the new output into place")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        // After the exchange the temporary name holds the previous output.
        removeTree(temporary)
    }

    /// Deletes a folder tree, its top-level entries on every core.
    static func removeTree(_ path: String) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        DispatchQueue.concurrentPerform(iterations: entries.count) { i in
            try? FileManager.default.removeItem(atPath: path + "/" + entries[i])
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    static func posixError(_ what: String) -> WriteError {
        WriteError(description: "\(what): \(String(cString: strerror(errno)))")
    }

    /// Writes files with plain POSIX calls (Foundation's writers fsync every file on Linux).
    static func writeTree(_ files: [(path: String, bytes: [UInt8])], into root: String) throws {
        guard mkdir(root, 0o755) == 0 else { throw posixError("cannot create \(root)") }
        // Folders first, then the files on every core.
        var made = Set<String>()
        for file in files {
            var folder = root
            for component in file.path.split(separator: "/").dropLast() {
                folder += "/" + component
                if made.insert(folder).inserted, mkdir(folder, 0o755) != 0, errno != EEXIST {
                    throw posixError("cannot create \(folder)")
                }
            }
        }
        let failures = files.parallelMap { file -> WriteError? in
            do {
                try writeFile(root + "/" + file.path, file.bytes)
                return nil
            } catch {
                return error as? WriteError ?? WriteError(description: "\(error)")
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw posixError("cannot write \(path)") }
            var written = 0
            let ok = bytes.withUnsafeBytes { raw -> Bool in
                while written < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return false
                    }
                    written += n
                }
                return true
            }
            let closed = close(fd) == 0
            guard ok, closed else { throw posixError("cannot write \(path)") }
    }
}
