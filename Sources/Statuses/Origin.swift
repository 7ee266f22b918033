/// Who last wrote a desired-state row: the reconciler from git, or the HTTP API
/// (`build` for repositories a build created).
package enum Origin: String, SQLConstant, Codable {
    case git
    case api
    case build
}
