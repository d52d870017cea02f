/// The text of each file a load read as text, by display path: for showing a diagnostic's line
/// and for comparing editions. Read again from the disk when asked, decoded as the load decoded
/// it: the loaded book keeps its documents' bodies, not every file's whole text as well (at
/// 100,000 pages that would be 490 MB held for the whole build).
public struct SourceTexts: Sendable, Equatable {
    public let root: ContentRoot
    /// Display path → path relative to the content folder.
    public let files: [String: String]

    public init(root: ContentRoot, files: [String: String]) {
        self.root = root
        self.files = files
    }

    public var count: Int { files.count }

    /// The file's text; nil when the load did not read it as text, or it can no longer be read.
    public subscript(display: String) -> String? {
        guard let path = files[display] else { return nil }
        return try? ContentLoader.readText(root.file(path), display: display).get()
    }
}
