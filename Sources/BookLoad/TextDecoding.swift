import BookModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a file's bytes into text the rest of the pipeline can trust: UTF-8 (a BOM is dropped),
/// line ends normalised to LF (CRLF and lone CR), no NUL bytes.
enum TextDecoding {
    enum Failure: Error, Equatable {
        case binary(line: Int)
        case invalidUTF8(line: Int, column: Int)
    }

    static func decode(_ raw: [UInt8]) -> Result<String, Failure> {
        var bytes = raw[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        // NUL and CR looked for with memchr (vectorised): every file is scanned for both.
        let (nul, hasCR) = bytes.withUnsafeBufferPointer { buffer -> (Int?, Bool) in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return (nil, false) }
            let nul = memchr(base, 0, buffer.count).map { bytes.startIndex + (UnsafeRawPointer($0) - UnsafeRawPointer(base)) }
            return (nul, memchr(base, 0x0D, buffer.count) != nil)
        }
        if let nul {
            return .failure(.binary(line: lineNumber(bytes, before: nul)))
        }
        if !hasCR, let text = String(validating: bytes, as: UTF8.self) {
            return .success(text)
        }
        if let bad = firstInvalidUTF8(bytes) {
            let line = lineNumber(bytes, before: bad)
            let lineStart = bytes[..<bad].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? bytes.startIndex
            let column = String(decoding: bytes[lineStart..<bad], as: UTF8.self).count + 1
            return .failure(.invalidUTF8(line: line, column: column))
        }
        var normalised: [UInt8] = []
        if hasCR {
            normalised.reserveCapacity(bytes.count)
            var i = bytes.startIndex
            while i < bytes.endIndex {
                let b = bytes[i]
                if b == UInt8(ascii: "\r") {
                    normalised.append(UInt8(ascii: "\n"))
                    if i + 1 < bytes.endIndex, bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                } else {
                    normalised.append(b)
                }
                i += 1
            }
            return .success(String(decoding: normalised, as: UTF8.self))
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    private static func lineNumber(_ bytes: ArraySlice<UInt8>, before index: Int) -> Int {
        var line = 1
        for b in bytes[..<index] where b == UInt8(ascii: "\n") { line += 1 }
        return line
    }

    /// The index of the first byte that is not part of a valid UTF-8 sequence, if any.
    static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? {
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let count: Int
            var minimum: UInt32
            var scalar: UInt32
            switch b {
            case 0xC2...0xDF: count = 1; minimum = 0x80; scalar = UInt32(b & 0x1F)
            case 0xE0...0xEF: count = 2; minimum = 0x800; scalar = UInt32(b & 0x0F)
            case 0xF0...0xF4: count = 3; minimum = 0x10000; scalar = UInt32(b & 0x07)
            default: return i
            }
            guard i + count < end else { return i }
            for k in 1...count {
                let c = bytes[i + k]
                guard c & 0xC0 == 0x80 else { return i }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return i }
            i += count + 1
        }
        return nil
    }
}
