import BookIO
import BookModel
import CRenameSwap
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a site into its output folder atomically: everything goes into a staging folder beside
/// it, which then replaces the old one in one `renameat2(RENAME_EXCHANGE)`. A failure at any
/// point (or a kill) leaves the previous output as it was.
///
/// The previous output is kept beside the new one as `.NAME.spare` and is the next build's
/// staging folder: files are overwritten in place and the ones no longer in the site removed.
/// Creating and deleting every file on each build is what costs most on ext4 (allocating an
/// inode next to thousands of recently deleted ones is slow).
public enum OutputWriter {
    /// Marks a folder as servicebook's output, so that a build never replaces anything else.
    public static let marker = ".servicebook-output"
    static let markerText = Array("This folder is written by servicebook build and replaced on every build.\n".utf8)

    /// Writes every file of `site` (`paths`, its sorted paths), each rendered when it is
    /// written, on every core.
    public static func write(_ site: Site, paths: [String], to output: String) throws {
        // A symbolic link as the output (`_site -> /var/www/book`) stays a link: the swap happens
        // at the folder it points to.
        var target = URL(fileURLWithPath: output).standardizedFileURL
        var st = stat()
        var hops = 0
        while lstat(target.path, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK, hops < 16,
              let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: target.path) {
            target = URL(fileURLWithPath: destination, relativeTo: target.deletingLastPathComponent()).standardizedFileURL
            hops += 1
        }
        let parent = target.deletingLastPathComponent().path
        let name = target.lastPathComponent
        guard !name.isEmpty, name != "/", target.path != "/" else {
            throw ServicebookError(.write, path: output, "refusing to write the site to \"\(output)\"")
        }
        let exists = try isOurs(target.path, describedAs: output, mustExist: false)
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw ServicebookError(.write, path: parent, "cannot create \"\(parent)\": \(error.localizedDescription)")
        }
        // One build at a time per output folder.
        let lock = open("\(parent)/.\(name).lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw posixError("cannot lock \(parent)/.\(name).lock") }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else { throw posixError("cannot lock \(parent)/.\(name).lock") }
        let all = paths + [marker]
        func bytes(_ path: String) throws -> [UInt8] {
            if path == marker { return markerText }
            guard let bytes = try site.file(path, once: true) else { throw ServicebookError(.render, path: path, "the site has no file \(path)") }
            return bytes
        }
        let spare = "\(parent)/.\(name).spare"
        var staging = spare
        // A spare that is not ours (or is unusable) is left alone, and none is kept this time.
        let spareUsable = (try? isOurs(spare, describedAs: spare, mustExist: true)) == true
        let spareFree = !FileManager.default.fileExists(atPath: spare)
        if !spareUsable {
            staging = "\(parent)/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        }
        do {
            try writeTree(all, bytes: bytes, into: staging)
            if exists {
                if servicebook_rename_exchange(staging, target.path) != 0 {
                    // Without RENAME_EXCHANGE (an old kernel or another file system): two renames.
                    let old = "\(parent)/.\(name).old-\(getpid())"
                    guard rename(target.path, old) == 0 else { throw posixError("cannot move the previous output aside") }
                    guard rename(staging, target.path) == 0 else {
                        _ = rename(old, target.path)
                        throw posixError("cannot move the new output into place")
                    }
                    removeTree(old)
                    return
                }
            } else if rename(staging, target.path) != 0 {
                throw posixError("cannot move the new output into place")
            }
        } catch {
            if staging != spare { removeTree(staging) }
            throw error
        }
        // After the exchange the staging name holds the previous output: it is the next spare.
        if staging != spare, exists {
            if !spareFree || rename(staging, spare) != 0 { removeTree(staging) }
        }
    }

    /// Whether `path` is a folder servicebook wrote (true), absent (false), or something else
    /// that must not be replaced (throws).
    static func isOurs(_ path: String, describedAs name: String, mustExist: Bool) throws -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            if mustExist { throw ServicebookError(.write, path: path, "\(name) does not exist") }
            return false
        }
        guard isDirectory.boolValue else {
            throw ServicebookError(.write, path: path, "output \"\(name)\" exists and is not a folder")
        }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        if !contents.contains(marker) && (mustExist || !contents.isEmpty) {
            throw ServicebookError(.write, path: path, "output folder \"\(name)\" is not empty and was not written by servicebook: refusing to replace it (remove it or choose another --output)")
        }
        return true
    }

    /// Deletes a folder tree, its top-level entries on every core.
    static func removeTree(_ path: String) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        _ = Parallel.map(count: entries.count) { i in try? FileManager.default.removeItem(atPath: path + "/" + entries[i]) }
        try? FileManager.default.removeItem(atPath: path)
    }

    static func posixError(_ what: String, path: String? = nil) -> ServicebookError {
        ServicebookError(.write, path: path, "\(what): \(Files.lastError)")
    }

    /// Writes the files at `paths` (their bytes from `bytes`, asked for on every core) with plain
    /// POSIX calls into `root`, which may hold an earlier site: its files are overwritten, and
    /// the ones that are not in `paths` (and folders left empty) are removed.
    static func writeTree(_ paths: [String], bytes: (String) throws -> [UInt8], into root: String) throws {
        if mkdir(root, 0o755) != 0, errno != EEXIST { throw posixError("cannot create \(root)") }
        // Remove what the new site does not have; a file where a folder must go, and the reverse.
        var wanted = Set(paths)
        var folders = Set<String>()
        for path in paths {
            var folder = ""
            for component in path.split(separator: "/").dropLast() {
                folder += folder.isEmpty ? String(component) : "/" + component
                folders.insert(folder)
            }
        }
        wanted.formUnion(folders)
        // A stale folder is removed whole, without going in.
        let isStale = { (entry: Files.Entry) in !wanted.contains(entry.path) || folders.contains(entry.path) != entry.isFolder }
        for entry in Files.walk(root, descend: { !isStale($0) }) where isStale(entry) {
            try? FileManager.default.removeItem(atPath: root + "/" + entry.path)
        }
        for folder in folders.sorted() {
            if mkdir(root + "/" + folder, 0o755) != 0, errno != EEXIST { throw posixError("cannot create \(folder)") }
        }
        let failures = paths.parallelMap { path -> ServicebookError? in
            do {
                try writeFile(root + "/" + path, bytes(path))
                return nil
            } catch {
                return error as? ServicebookError ?? ServicebookError(.write, path: path, "\(error)")
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
            // A file that already holds these bytes (the spare is usually one build old) is left
            // as it is: reading it back costs less than truncating and writing it again.
            var st = stat()
            let present = lstat(path, &st) == 0
            if present, (st.st_mode & S_IFMT) == S_IFREG, Int(st.st_size) == bytes.count, Files.holds(path, bytes) {
                return
            }
            // Never write through a link someone left in the staging folder.
            if present, (st.st_mode & S_IFMT) != S_IFREG { unlink(path) }
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
            guard fd >= 0 else { throw posixError("cannot write \(path)", path: path) }
            let ok = Files.write(fd, bytes)
            let closed = close(fd) == 0
            guard ok, closed else { throw posixError("cannot write \(path)", path: path) }
    }
}
