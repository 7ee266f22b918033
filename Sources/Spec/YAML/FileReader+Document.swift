import Yams

extension FileReader {
    /// Parses one file's single YAML document. Syntax problems are reported at Yams' mark.
    /// The limits of `rules` (file size, nesting, expanded size) are checked first, on the event
    /// stream, so no node is built from a file that breaks them.
    mutating func document(_ file: SpecFile, kind: SpecKind) -> Node? {
        let start = SourceLocation(file: path, line: 1, column: 1)
        switch file.entry {
        case .regular: break
        case .symlink(let target):
            report(at: start, "symlinks are not allowed in desired state: \(path) points to '\(target)'")
            return nil
        case .tooLarge(let bytes):
            report(at: start, "file is \(bytes) bytes; the limit is \(rules.maxFileBytes) bytes")
            return nil
        }
        guard file.contents.count <= rules.maxFileBytes else {
            report(at: start, "file is \(file.contents.count) bytes; the limit is \(rules.maxFileBytes) bytes")
            return nil
        }
        guard let text = String(validating: file.contents, as: UTF8.self) else {
            report(at: start, "file is not valid UTF-8")
            return nil
        }
        switch YAMLBudget.check(file.contents, maxDepth: rules.maxDepth, maxSize: rules.maxObjectSize) {
        case .fits, .unreadable:
            break  // syntax errors are reported by the parser below
        case .tooDeep(let line, let column):
            report(
                at: SourceLocation(file: path, line: line, column: column),
                "nested too deeply: more than \(rules.maxDepth) levels of lists and mappings")
            return nil
        case .tooLarge(let line, let column):
            report(
                at: SourceLocation(file: path, line: line, column: column),
                "\(kind.displayName) too large: more than \(rules.maxObjectSize) bytes with YAML aliases "
                    + "expanded (the limit); refused here")
            return nil
        }
        do {
            // `.basic` has no rules: Yams hashes every mapping key (duplicate check) with its resolved
            // tag, and the default resolver runs regular expressions for that. Kiln resolves
            // scalars itself (`ScalarValue`).
            let parser = try Parser(yaml: text, resolver: .basic)
            guard let root = try parser.singleRoot() else {
                report(at: start, "empty file: expected a \(kind.displayName) mapping")
                return nil
            }
            if case .scalar(let s) = root, ScalarValue(s) == .null {
                report(at: start, "empty file: expected a \(kind.displayName) mapping")
                return nil
            }
            return root
        } catch let error as YamlError {
            report(error, text: text)
            return nil
        } catch {
            report(at: start, "cannot read YAML: \(error)")
            return nil
        }
    }

    private mutating func report(_ error: YamlError, text: String) {
        func at(_ mark: Mark) -> SourceLocation {
            SourceLocation(file: path, line: max(mark.line, 1), column: max(mark.column, 1))
        }
        func detail(_ context: YamlError.Context?, _ problem: String) -> String {
            guard let context else { return problem }
            return "\(problem) (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            report(at: at(mark), "YAML syntax error: " + detail(context, problem))
        case .composer(let context, let problem, let mark, _):
            if problem == "but found another document" {
                report(at: at(mark), "only one object per file: found a second YAML document")
            } else {
                report(at: at(mark), "YAML syntax error: " + detail(context, problem))
            }
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            report(at: at(context.mark), "duplicate key \(keys) in mapping: each key may appear once")
        case .reader(let problem, let offset, _, _):
            var line = 1
            var column = 1
            if let offset {
                for c in text.prefix(offset) {
                    if c == "\n" || c == "\r\n" {
                        line += 1
                        column = 1
                    } else {
                        column += 1
                    }
                }
            }
            report(at: SourceLocation(file: path, line: line, column: column), "YAML syntax error: \(problem)")
        default:
            report(at: SourceLocation(file: path, line: 1, column: 1), "cannot read YAML: \(error)")
        }
    }
}
