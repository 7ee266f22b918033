import Foundation
import HTTPTypes
import Spec

/// The node's `stats` from `build_done`, checked and encoded for `build_tasks.performance_stats`.
enum BuildDoneStats {
    /// The JSON text of `stats` (nil when absent or null); 422 unless it is an object of at most
    /// `BuildDoneRequest.maxStatsSize` bytes.
    static func json(_ stats: JSONValue?) throws -> String? {
        guard let stats, stats != .null else { return nil }
        guard case .object = stats else {
            throw APIError(.unprocessableContent, "stats must be a JSON object (the node's stage timings)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(stats)
        guard data.count <= BuildDoneRequest.maxStatsSize else {
            throw APIError(
                .unprocessableContent,
                "stats is \(data.count) bytes of JSON; the limit is \(BuildDoneRequest.maxStatsSize)")
        }
        let text = String(decoding: data, as: UTF8.self)
        guard !text.contains("\\u0000") else {
            throw APIError(.unprocessableContent, "stats must not contain NUL characters")
        }
        return text
    }
}
