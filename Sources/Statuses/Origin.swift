/// Who last wrote a desired-state row: the reconciler from git, or the HTTP API.
package enum Origin: String, SQLConstant, Codable {
    case git
    case api
}
