/// One line of a rendered plan before layout: a marker (`+ - ~ #`, or blank), a nesting depth
/// and the text. The terminal layout indents and then marks (`      ~ data.timeout = 1 -> 2`);
/// the markdown layout marks in the first column so GitHub's `diff` highlighting colours it.
struct PlanLine: Sendable, Hashable {
    enum Marker: String, Sendable {
        case add = "+"
        case remove = "-"
        case update = "~"
        case replace = "-/+"
        case comment = "#"
        case none = " "
    }

    var marker: Marker
    var depth: Int
    var text: String

    init(_ marker: Marker, _ depth: Int, _ text: String) {
        self.marker = marker
        self.depth = depth
        self.text = text
    }

    /// `  ` + four spaces per level + marker + text (`kiln plan` on a terminal).
    var terminal: String {
        let indent = String(repeating: " ", count: 2 + 4 * depth)
        switch marker {
        case .replace: return String(indent.dropLast(2)) + "-/+ " + text
        default: return indent + marker.rawValue + " " + text
        }
    }

    /// Marker first (`!` for an update, as GitHub's diff colouring knows it), then the indent.
    var markdownDiff: String {
        let mark: String
        switch marker {
        case .update: mark = "!"
        case .replace: mark = "!"
        default: mark = marker.rawValue
        }
        return mark + String(repeating: " ", count: 1 + 4 * depth) + text
    }
}

extension ChangeAction {
    var lineMarker: PlanLine.Marker {
        switch self {
        case .create: .add
        case .update: .update
        case .delete: .remove
        case .keep: .comment
        }
    }
}
