import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Watches folders, and every folder below them, with inotify: files created, changed, deleted,
/// renamed or moved in or out, folders created or removed (and watched in turn). Calls
/// `onChange` with the paths that changed once no event has come for `quiet` seconds, so that an
/// editor's save through a temporary file and a rename is one change.
public final class Watcher: @unchecked Sendable {
    private let fd: Int32
    private var folders: [Int32: String] = [:]
    private let lock = NSLock()
    private let quiet: TimeInterval

    public struct WatchError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(folders roots: [String], quiet: TimeInterval = 0.03) throws {
        fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { throw WatchError(description: "cannot watch files: \(String(cString: strerror(errno)))") }
        self.quiet = quiet
        for root in roots { addTree(root) }
    }

    deinit { close(fd) }

    static let mask = UInt32(IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY
        | IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB)

    private func addTree(_ path: String) {
        let wd = inotify_add_watch(fd, path, Watcher.mask | UInt32(IN_ONLYDIR))
        guard wd >= 0 else { return }
        lock.lock(); folders[wd] = path; lock.unlock()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names.sorted() {
            var isDirectory: ObjCBool = false
            let child = path + "/" + name
            if FileManager.default.fileExists(atPath: child, isDirectory: &isDirectory), isDirectory.boolValue { addTree(child) }
        }
    }

    /// Starts a thread that reads the events; `onChange` runs on that thread.
    public func start(onChange: @escaping @Sendable ([String]) -> Void) {
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            var changed: [String] = []
            while true {
                // Wait for events; once some came, wait `quiet` more for the rest of the burst.
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let timeout = changed.isEmpty ? -1 : Int32(quiet * 1000)
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
                var offset = 0
                while offset + MemoryLayout<inotify_event>.size <= count {
                    let (wd, mask, length, name) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int, String) in
                        let event = raw.load(fromByteOffset: offset, as: inotify_event.self)
                        let start = offset + MemoryLayout<inotify_event>.size
                        let bytes = raw[start..<(start + Int(event.len))].prefix { $0 != 0 }
                        return (event.wd, event.mask, Int(event.len), String(decoding: bytes, as: UTF8.self))
                    }
                    offset += MemoryLayout<inotify_event>.size + length
                    lock.lock(); let folder = folders[wd]; lock.unlock()
                    guard let folder else { continue }
                    let path = name.isEmpty ? folder : folder + "/" + name
                    if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { addTree(path) }
                    if mask & UInt32(IN_IGNORED) != 0 { lock.lock(); folders[wd] = nil; lock.unlock(); continue }
                    changed.append(path)
                }
            }
        }
        thread.name = "servicebook watcher"
        thread.start()
    }
}
