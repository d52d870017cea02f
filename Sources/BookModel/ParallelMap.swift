import Dispatch

extension RandomAccessCollection where Index == Int {
    /// `map` on every core, in chunks; the result keeps the order of the input.
    /// `transform` must be safe to run on several threads at once.
    public func parallelMap<T>(_ transform: (Element) -> T) -> [T] {
        let count = self.count
        guard count > 64 else { return map(transform) }
        let chunks = Swift.min(count, 512)
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let lower = chunk * count / chunks, upper = (chunk + 1) * count / chunks
                for i in lower..<upper {
                    (base + i).pointee = transform(self[startIndex + i])
                }
            }
        }
        return results.map { $0! }
    }
}
