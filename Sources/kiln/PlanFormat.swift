import ArgumentParser

/// `kiln plan --format text|json|markdown`: for a terminal, for tools, for a pull-request comment.
enum PlanFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text
    case json
    case markdown
}
