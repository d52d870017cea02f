import Foundation

/// How long each stage of a run took, for `--verbose` and the benchmark.
public struct StageTimes: Sendable, CustomStringConvertible {
    public private(set) var stages: [(name: String, seconds: Double)] = []
    private var last = Date()

    public init() {}

    /// Records the time since the previous mark (or since `init`) as stage `name`.
    public mutating func mark(_ name: String) {
        let now = Date()
        stages.append((name, now.timeIntervalSince(last)))
        last = now
    }

    public mutating func append(_ other: StageTimes) {
        stages += other.stages
        last = Date()
    }

    /// `load 120 ms, model 40 ms, check 5 ms`
    public var description: String {
        stages.map { "\($0.name) \(String(format: "%.0f", $0.seconds * 1000)) ms" }.joined(separator: ", ")
    }
}
