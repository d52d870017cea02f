import Foundation
import Synchronization

/// The server-sent events of `serve`, to every open page (`/__servicebook/events`, read by the
/// theme's `serve/live.js`):
/// - `hello` — on connecting: the generation of the site served, so that a page that missed a
///   rebuild while it was hidden reloads;
/// - `reload` — a new site is served: reload the page;
/// - `problems` — the book has errors (a JSON list of {file, line, column, code, message}): show
///   them over the page; sent on connecting too, while the errors last.
final class LiveReload: Sendable {
    private struct State {
        var subscribers: [UUID: AsyncStream<[UInt8]>.Continuation] = [:]
        /// The site served (`PreviewSession` counts them): a page that reconnects after missing
        /// one reloads.
        var generation = 0
        /// The errors shown, as the JSON `problems` sends; nil while there are none.
        var problems: String?
    }
    private let state = Mutex(State())

    static func event(_ name: String, _ data: String) -> [UInt8] {
        Array("event: \(name)\ndata: \(data)\n\n".utf8)
    }

    /// The site of `generation` is served: the open pages reload.
    func reload(generation: Int) {
        state.withLock { state in
            state.generation = generation
            state.problems = nil
            let event = LiveReload.event("reload", "{\"generation\":\(generation)}")
            for target in state.subscribers.values { target.yield(event) }
        }
    }

    /// The book has errors (`json`, from `OverlayFormatter`): the open pages show them.
    func problems(_ json: String) {
        state.withLock { state in
            state.problems = json
            let event = LiveReload.event("problems", json)
            for target in state.subscribers.values { target.yield(event) }
        }
    }

    /// A comment, which keeps proxies from closing the streams and finds dead ones.
    func ping() {
        let targets = state.withLock { Array($0.subscribers.values) }
        for target in targets { target.yield(Array(": ping\n\n".utf8)) }
    }

    /// The events for one more page, from now on.
    func subscribe() -> AsyncStream<[UInt8]> {
        let id = UUID()
        // A client that stops reading gets the latest events only.
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingNewest(32))
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        state.withLock { state in
            state.subscribers[id] = continuation
            continuation.yield(Array("retry: 500\n\n".utf8))
            continuation.yield(LiveReload.event("hello", "{\"generation\":\(state.generation)}"))
            if let problems = state.problems { continuation.yield(LiveReload.event("problems", problems)) }
        }
        return stream
    }

    /// Ends every stream (the server stops).
    func finish() {
        let targets = state.withLock { state -> [AsyncStream<[UInt8]>.Continuation] in
            defer { state.subscribers.removeAll() }
            return Array(state.subscribers.values)
        }
        for target in targets { target.finish() }
    }
}
