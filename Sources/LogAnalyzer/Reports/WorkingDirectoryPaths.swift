/// Paths as CI tools look them up in the repository: relative to the working directory (the
/// checkout) when they lie under it, and either way without empty, `.` or `..` segments
/// (`./logs/a.log`, `logs//a.log` and `logs/../logs/a.log` are `logs/a.log`). SARIF's artifact
/// URIs and the GitHub annotations' `file=` are written so.
struct WorkingDirectoryPaths {
    let workingDirectory: String
    /// The working directory, normalized, with a final `/`: the prefix of the paths in it.
    private let base: String

    init(_ workingDirectory: String) {
        self.workingDirectory = workingDirectory
        let cwd = Self.lexicallyNormalized(workingDirectory)
        base = cwd.hasSuffix("/") ? cwd : cwd + "/"
    }

    /// `path` made absolute (from the working directory) and normalized.
    func absolute(_ path: String) -> String {
        Self.lexicallyNormalized(path.hasPrefix("/") ? path : workingDirectory + "/" + path)
    }

    /// `path` relative to the working directory, normalized; nil when it lies outside it.
    func relative(_ path: String) -> String? {
        let p = absolute(path)
        return p.hasPrefix(base) ? String(p.dropFirst(base.count)) : nil
    }

    /// An absolute path without empty or `.` segments and with each `..` taking the segment
    /// before it away (none above the root), as `/a/b`.
    static func lexicallyNormalized(_ absolute: String) -> String {
        var segments: [Substring] = []
        for segment in absolute.split(separator: "/") {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        return "/" + segments.joined(separator: "/")
    }
}
