/// What a build artifact is (`artifacts.type`): a package or a build log.
package enum ArtifactType: String, SQLConstant, Codable {
    case rpm
    case buildLog = "build_log"
}
