import BookModel
import Foundation

/// A book's content folder, resolved once when the book is loaded: where it is on disk, how
/// diagnostics name its files, what the handbook calls it, and where book.yml's theme is.
public struct ContentRoot: Sendable, Equatable {
    /// The folder as the user named it (`--content`).
    public let folder: String
    /// How messages name the folder: as the user named it, or the display name a caller chose.
    public let named: String
    /// The prefix of the paths diagnostics show: the folder as the user named it (or the
    /// display name a caller chose), ending in "/".
    public let prefix: String
    /// The folder's absolute path, symbolic links resolved.
    public let path: String
    /// The folder's own name: paths shown in the handbook are "content/steps/x.md" however the
    /// folder was named on the command line, so that the same book gives the same site.
    public let name: String
    /// The folder that holds the content folder: book.yml's `theme` is relative to it.
    public let parent: String

    /// - Parameter display: how diagnostics name the folder (default: `folder`).
    /// - Throws: `ServicebookError` when the folder does not exist or is not a folder.
    public init(folder: String, display: String? = nil) throws {
        var isDirectory: ObjCBool = false
        let shown = display ?? folder
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ServicebookError(.load, path: folder, "content folder \"\(shown)\" does not exist or is not a folder")
        }
        self.folder = folder
        named = shown
        prefix = shown.hasSuffix("/") ? shown : shown + "/"
        let standardized = URL(fileURLWithPath: folder).standardizedFileURL
        path = standardized.resolvingSymlinksInPath().path
        name = standardized.lastPathComponent
        parent = standardized.deletingLastPathComponent().path
    }

    /// The absolute path of a file of the folder (`relative` as in `SourceDocument.path`).
    public func file(_ relative: String) -> String { path + "/" + relative }

    /// How diagnostics name a file of the folder.
    public func display(_ relative: String) -> String { prefix + relative }

    /// A display path as the handbook shows it ("content/steps/x.md").
    public func inSite(_ display: String) -> String {
        display.hasPrefix(prefix) ? name + "/" + display.dropFirst(prefix.count) : display
    }

    /// The theme folder for `named` (book.yml's `theme`), relative to the folder that holds
    /// the content folder; nil for none.
    public func theme(_ named: String?) -> String? {
        guard let named, !named.isEmpty else { return nil }
        return named.hasPrefix("/") ? named : URL(fileURLWithPath: parent).appendingPathComponent(named).path
    }
}
