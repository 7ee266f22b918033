import CYaml

/// Walks a file's libyaml event stream, building nothing, before Yams composes any node: refuses
/// nesting deeper than `maxDepth` and an expanded size above `maxSize` (every alias counted as a
/// full copy of its anchor's node), so expansion never allocates more than the limit allows.
///
///     YAMLBudget.check(bytes, maxDepth: 64, maxSize: 1 << 20)   // .fits
///
/// Cost is linear in the events of the file: an anchor's size is remembered, not re-walked.
/// Syntax errors answer `.unreadable` and are left to the composer, which reports them.
enum YAMLBudget {
    enum Verdict: Equatable {
        case fits
        /// Level `maxDepth + 1` opens at line/column (1-based).
        case tooDeep(line: Int, column: Int)
        /// The expanded size passes the limit at line/column (1-based).
        case tooLarge(line: Int, column: Int)
        case unreadable
    }

    private struct Frame {
        var size = 1
        var anchor: String?
    }

    static func check(_ bytes: [UInt8], maxDepth: Int, maxSize: Int) -> Verdict {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return .unreadable }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var frames: [Frame] = []
            var anchors: [String: Int] = [:]
            var total = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return .unreadable }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                let column = Int(event.start_mark.column) + 1
                var added = 0
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return .fits
                case YAML_SCALAR_EVENT:
                    added = 1 + Int(event.data.scalar.length)
                    if let name = anchorName(event.data.scalar.anchor) { anchors[name] = added }
                    if !frames.isEmpty { frames[frames.count - 1].size += added }
                case YAML_ALIAS_EVENT:
                    added = anchorName(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1
                    if !frames.isEmpty { frames[frames.count - 1].size += added }
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    guard frames.count < maxDepth else { return .tooDeep(line: line, column: column) }
                    let anchor =
                        event.type == YAML_SEQUENCE_START_EVENT
                        ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                    frames.append(Frame(anchor: anchorName(anchor)))
                    added = 1
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let frame = frames.popLast() else { return .unreadable }
                    if let name = frame.anchor { anchors[name] = frame.size }
                    if !frames.isEmpty { frames[frames.count - 1].size += frame.size }
                default:
                    break
                }
                total += added
                if total > maxSize { return .tooLarge(line: line, column: column) }
            }
        }
    }

    private static func anchorName(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
