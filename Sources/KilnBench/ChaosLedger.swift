import Foundation

/// What the chaos nodes saw, kept in memory for the final comparison with the database and
/// written as one JSON line per event (`--log`), so every count can be checked by hand.
actor ChaosLedger {
    /// How a node's `build_done` for a task ended.
    enum FinishAnswer: String, Codable, Sendable {
        /// 200 `{"ok": true}`.
        case accepted
        /// 409 after an earlier attempt whose answer was lost (5xx or a broken connection):
        /// the real node takes this as "already done".
        case alreadyDoneAfterRetry = "already_done_after_retry"
        /// 409 on the first answer: the server refused a result the node held the task for.
        case refused
        /// Any other 4xx.
        case rejected
    }

    /// One line of the log.
    struct Event: Codable, Sendable {
        var ms: Int
        var node: String
        var event: String
        var task: Int64?
        var outcome: String?
        var answer: String?
        var status: Int?
        var path: String?
        var sha256: [String]?
        var detail: String?
        var elapsedMs: Int?
        enum CodingKeys: String, CodingKey {
            case ms, node, event, task, outcome, answer, status, path, sha256, detail
            case elapsedMs = "elapsed_ms"
        }
    }

    /// A finish as the node recorded it.
    struct Finish: Sendable {
        var node: String
        var outcome: String
        var answer: FinishAnswer
        var status: Int
        var sha256: [String]
        var detail: String
    }

    private(set) var claims: [Int64: [String]] = [:]
    private(set) var finishes: [Int64: [Finish]] = [:]
    private(set) var serverErrors: [String: Int] = [:]
    /// 503 answers with `Retry-After`: Kiln saying the database is away (issue 8, outages).
    private(set) var outageAnswers = 0
    private(set) var connectionErrors = 0
    private(set) var uploadErrors = 0
    /// Connection errors that came after 5 s or more (hangs, not refusals).
    private(set) var slowFailures = 0
    private let start = ContinuousClock.now
    private let handle: FileHandle?
    private let encoder = JSONEncoder()

    init(logPath: String?) throws {
        if let logPath {
            FileManager.default.createFile(atPath: logPath, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: logPath) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: logPath])
            }
            self.handle = handle
        } else {
            self.handle = nil
        }
        encoder.outputFormatting = [.sortedKeys]
    }

    private func write(_ event: Event) {
        guard let handle, var data = try? encoder.encode(event) else { return }
        data.append(0x0A)
        handle.write(data)
    }

    private var now: Int { Int((ContinuousClock.now - start).milliseconds) }

    func claimed(_ task: Int64, node: String) {
        claims[task, default: []].append(node)
        write(Event(ms: now, node: node, event: "claim", task: task))
    }

    func finished(
        _ task: Int64, node: String, outcome: String, answer: FinishAnswer, status: Int, sha256: [String],
        detail: String
    ) {
        finishes[task, default: []].append(
            Finish(node: node, outcome: outcome, answer: answer, status: status, sha256: sha256, detail: detail))
        write(
            Event(
                ms: now, node: node, event: "finish", task: task, outcome: outcome, answer: answer.rawValue,
                status: status, sha256: sha256, detail: detail.isEmpty ? nil : detail))
    }

    func serverError(_ status: Int, path: String, node: String) {
        serverErrors["\(status) \(path)", default: 0] += 1
        write(Event(ms: now, node: node, event: "5xx", status: status, path: path))
    }

    func outageAnswer(path: String, node: String) {
        outageAnswers += 1
        write(Event(ms: now, node: node, event: "503", status: 503, path: path))
    }

    /// A call that got no HTTP answer (refused, reset, or no answer within the request timeout).
    func connectionError(path: String, node: String, after elapsed: Double, error: String) {
        connectionErrors += 1
        if elapsed >= 5000 { slowFailures += 1 }
        write(
            Event(
                ms: now, node: node, event: "connection_error", path: path, detail: error,
                elapsedMs: Int(elapsed)))
    }

    func uploadError(node: String) {
        uploadErrors += 1
        write(Event(ms: now, node: node, event: "upload_error"))
    }

    func close() {
        try? handle?.close()
    }
}
