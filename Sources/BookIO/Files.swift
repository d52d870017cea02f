import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whole files read and written with plain POSIX calls: Foundation's readers are slower here,
/// and its writers fsync every file on Linux.
public enum Files {
    /// The whole file; nil when it cannot be read (`errno` says why).
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        // Read the size fstat reports, then keep reading in case the file grew meanwhile.
        var bytes = [UInt8](repeating: 0, count: max(0, Int(st.st_size)) + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(4096, bytes.count))) }
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    /// Whether the file at `path` holds exactly `bytes`: read in pieces into a buffer on the
    /// stack and compared as it goes (no copy of the file kept, and it stops at the first
    /// difference). False when the file cannot be read.
    public static func holds(_ path: String, _ bytes: [UInt8]) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 65_536) { buffer in
            bytes.withUnsafeBytes { expected in
                var offset = 0
                while true {
                    let n = Glibc.read(fd, buffer.baseAddress!, buffer.count)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return false
                    }
                    if n == 0 { return offset == expected.count }
                    guard offset + n <= expected.count, memcmp(buffer.baseAddress!, expected.baseAddress! + offset, n) == 0 else { return false }
                    offset += n
                }
            }
        }
    }

    /// Writes `bytes` to `fd` whole; false on a failure (`errno` says why).
    public static func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var written = 0
        return bytes.withUnsafeBytes { raw -> Bool in
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
    }

    /// An entry of a folder tree: its path below the root and whether it is a folder (a link
    /// is not, whatever it points to).
    public struct Entry: Sendable, Equatable {
        public let path: String
        public let isFolder: Bool
    }

    /// Walks the tree under `root` with `readdir` (the entry's type comes with its name: no
    /// `stat` per file, unlike Foundation's enumerator) in no particular order. `descend` is
    /// asked of each folder whether to go in. Entries that cannot be read are left out.
    public static func walk(_ root: String, descend: (Entry) -> Bool = { _ in true }) -> [Entry] {
        var out: [Entry] = []
        var pending = [""]
        while let folder = pending.popLast() {
            guard let dir = opendir(folder.isEmpty ? root : root + "/" + folder) else { continue }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let path = folder.isEmpty ? name : folder + "/" + name
                var type = entry.pointee.d_type
                if type == UInt8(DT_UNKNOWN) {
                    var st = stat()
                    if lstat(root + "/" + path, &st) == 0 { type = (st.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG) }
                }
                let item = Entry(path: path, isFolder: type == UInt8(DT_DIR))
                out.append(item)
                if item.isFolder, descend(item) { pending.append(path) }
            }
        }
        return out
    }

    /// The reason of the last failed call, in words (`strerror(errno)`).
    public static var lastError: String { String(cString: strerror(errno)) }
}
