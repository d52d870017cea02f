import BookModel
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Watches folders, and every folder below them, with inotify: files created, changed, deleted,
/// renamed or moved in or out; folders created, removed or moved (watched or forgotten in turn);
/// the watched folder itself deleted, moved away or put back. Symbolic links are not followed.
/// Calls `onChange` with the paths that changed once no event has come for `quiet` seconds (so
/// that an editor's save through a temporary file and a rename is one change), and at the
/// latest `patience` seconds after the first event of a burst.
public final class Watcher: Sendable {
    private let fd: Int32
    private let roots: [String]
    /// The watched folders by watch descriptor.
    private let folders = Mutex<[Int32: String]>([:])
    /// The roots' parent folders, watched for the roots' names only.
    private let parents: [Int32: (folder: String, names: Set<String>)]
    private let quiet: TimeInterval
    private let patience: TimeInterval

    public init(folders roots: [String], quiet: TimeInterval = 0.015, patience: TimeInterval = 0.3) throws {
        fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { throw ServicebookError(.watch, "cannot watch files: \(String(cString: strerror(errno)))") }
        self.roots = roots.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        self.quiet = quiet
        self.patience = patience
        var parents: [Int32: (folder: String, names: Set<String>)] = [:]
        for root in self.roots {
            let url = URL(fileURLWithPath: root)
            let parent = url.deletingLastPathComponent().path
            let wd = inotify_add_watch(fd, parent, UInt32(IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR))
            if wd >= 0 { parents[wd, default: (parent, [])].names.insert(url.lastPathComponent) }
        }
        self.parents = parents
        for root in self.roots { addTree(root) }
    }

    deinit { close(fd) }

    static let mask = UInt32(IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY
        | IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB | IN_DONT_FOLLOW | IN_ONLYDIR)

    /// Watches `path` and the real folders below it (not through symbolic links, so each once).
    private func addTree(_ path: String) {
        var pending = [path]
        while let folder = pending.popLast() {
            var info = stat()
            guard lstat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { continue }
            let wd = inotify_add_watch(fd, folder, Watcher.mask)
            guard wd >= 0 else { continue }
            folders.withLock { $0[wd] = folder }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names.sorted() { pending.append(folder + "/" + name) }
        }
    }

    /// Forgets `path` and every folder below it (moved out of the watched tree).
    private func removeTree(_ path: String) {
        let gone = folders.withLock { folders -> [Int32] in
            let ids = folders.filter { $0.value == path || $0.value.hasPrefix(path + "/") }.map(\.key)
            for id in ids { folders[id] = nil }
            return ids
        }
        for id in gone { inotify_rm_watch(fd, id) }
    }

    /// Starts a thread that reads the events; `onChange` runs on that thread.
    public func start(onChange: @escaping @Sendable ([String]) -> Void) {
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            var changed: [String] = []
            var firstEvent = Date()
            while true {
                // Wait for events; once some came, wait `quiet` more for the rest of the burst,
                // but no longer than `patience` after the first.
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                var timeout: Int32 = -1
                if !changed.isEmpty {
                    let left = patience - Date().timeIntervalSince(firstEvent)
                    timeout = Int32(max(0, min(quiet, left)) * 1000)
                }
                let ready = poll(&poller, 1, timeout)
                if ready < 0 { if errno == EINTR { continue } else { return } }
                if ready == 0 {
                    let paths = Array(Set(changed)).sorted()
                    changed.removeAll()
                    onChange(paths)
                    continue
                }
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                guard count > 0 else { continue }
                if changed.isEmpty { firstEvent = Date() }
                var offset = 0
                while offset + MemoryLayout<inotify_event>.size <= count {
                    let (wd, mask, length, name) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int, String) in
                        let event = raw.load(fromByteOffset: offset, as: inotify_event.self)
                        let start = offset + MemoryLayout<inotify_event>.size
                        let bytes = raw[start..<(start + Int(event.len))].prefix { $0 != 0 }
                        return (event.wd, event.mask, Int(event.len), String(decoding: bytes, as: UTF8.self))
                    }
                    offset += MemoryLayout<inotify_event>.size + length
                    changed += handle(wd: wd, mask: mask, name: name)
                }
            }
        }
        thread.name = "servicebook watcher"
        thread.start()
    }

    /// The paths an event changed, after keeping the watches up to date.
    private func handle(wd: Int32, mask: UInt32, name: String) -> [String] {
        if mask & UInt32(IN_Q_OVERFLOW) != 0 {
            // Events were lost: watch everything again (adding a watch twice is harmless).
            for root in roots { addTree(root) }
            return roots
        }
        if let parent = parents[wd] {
            guard parent.names.contains(name) else { return [] }
            let root = parent.folder + "/" + name
            if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { addTree(root) }      // put back
            return [root]
        }
        guard let folder = folders.withLock({ $0[wd] }) else { return [] }
        if mask & UInt32(IN_IGNORED) != 0 {
            folders.withLock { _ = $0.removeValue(forKey: wd) }
            return []
        }
        let path = name.isEmpty ? folder : folder + "/" + name
        if mask & UInt32(IN_ISDIR) != 0 {
            if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { addTree(path) }
            if mask & UInt32(IN_MOVED_FROM | IN_DELETE) != 0 { removeTree(path) }
        }
        return [path]
    }
}
