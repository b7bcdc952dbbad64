/// Read errors for a stream (batch, JSON Lines): each source's problem is said once on stderr,
/// and again only when it changes, so a file that stays unreadable does not fill the terminal.
public struct SourceErrorLog {
    private var said: [String: String] = [:]
    public init() {}

    /// The lines to print for this sample's errors: new sources, or a changed message.
    public mutating func news(_ errors: [SourceError]) -> [String] {
        var lines: [String] = []
        for e in errors where said[e.source] != e.message {
            said[e.source] = e.message
            lines.append("droptop: \(e.source): \(e.message)")
        }
        return lines
    }
}
