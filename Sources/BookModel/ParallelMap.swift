import Dispatch

/// Work spread over every core. The one place of the project that writes results from several
/// threads at once: each iteration writes only its own slot of the result.
public enum Parallel {
    /// `transform(0) … transform(count - 1)` on every core; the results in order. `transform`
    /// must be safe to run on several threads at once.
    public static func map<T>(count: Int, _ transform: (Int) -> T) -> [T] {
        guard count > 1 else { return count == 1 ? [transform(0)] : [] }
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: count) { i in
                (base + i).pointee = transform(i)
            }
        }
        return results.map { $0! }
    }

    /// `transform` of consecutive ranges covering `0..<count`, each of about `size` indices, on
    /// every core; the results in the order of the ranges.
    public static func chunks<T>(of count: Int, size: Int, _ transform: (Range<Int>) -> T) -> [T] {
        let chunks = (count + size - 1) / max(1, size)
        return map(count: chunks) { chunk in transform((chunk * count / chunks)..<((chunk + 1) * count / chunks)) }
    }
}

extension RandomAccessCollection where Index == Int {
    /// `map` on every core, in chunks; the result keeps the order of the input.
    /// `transform` must be safe to run on several threads at once.
    public func parallelMap<T>(_ transform: (Element) -> T) -> [T] {
        let count = self.count
        guard count > 64 else { return map(transform) }
        let parts = Parallel.chunks(of: count, size: (count + 511) / 512) { range in
            range.map { transform(self[startIndex + $0]) }
        }
        return parts.flatMap { $0 }
    }
}
