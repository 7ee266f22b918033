/// What a build task's ref points at, as the ALBS integer (`build_task_refs.ref_type`).
package enum RefType: Int16, SQLConstant, Codable {
    case gitBranch = 1
    case gitTag = 2
    case srpmURL = 3
    case gitRef = 4
}
