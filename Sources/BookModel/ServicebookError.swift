/// A failure that is not a problem of the book's content (those are `Diagnostic`s): a folder
/// that cannot be read, a theme that does not compile, an output that cannot be written.
/// The command line prints `description` and exits with 2.
public struct ServicebookError: Error, CustomStringConvertible, Sendable {
    /// The stage that failed.
    public enum Stage: String, Sendable {
        case load, render, theme, write, serve, watch, scaffold
    }

    public let stage: Stage
    /// The file or folder concerned, when there is one.
    public let path: String?
    /// The whole message, naming the path where it helps.
    public let message: String

    public init(_ stage: Stage, path: String? = nil, _ message: String) {
        self.stage = stage
        self.path = path
        self.message = message
    }

    public var description: String { message }
}
