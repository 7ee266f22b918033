/// The tasks of a build to create, as parallel columns in creation order (platform-major, then
/// ref index, then `src` and the platform's arches in the request's order), each with the number
/// of dependencies it starts with.
struct BuildTaskPlan {
    var platform: [Int64] = []
    var ref: [Int64] = []
    var arch: [String] = []
    var index: [Int32] = []
    var pending: [Int32] = []

    /// `linked`: per platform id, the linked builds' unfinished tasks the index-0 `src` task waits for.
    init(request: BuildRequest, platformIDs: [Int64], refIDs: [Int64], linked: [Int64: Int32]) {
        for (p, requested) in request.platforms.enumerated() {
            let arches = requested.archList.filter { $0 != BuildRequest.sourceArch }
            for (i, refID) in refIDs.enumerated() {
                for (a, taskArch) in ([BuildRequest.sourceArch] + arches).enumerated() {
                    platform.append(platformIDs[p])
                    ref.append(refID)
                    arch.append(taskArch)
                    index.append(Int32(i))
                    let previous = i > 0 ? Int32(arches.count + 1) : 0
                    if a > 0 {
                        pending.append(previous + 1)
                    } else {
                        pending.append(i > 0 ? previous : linked[platformIDs[p]] ?? 0)
                    }
                }
            }
        }
    }

    var count: Int { arch.count }

    /// The index-0 `src` tasks with their platform, given the task ids in plan order.
    func firstSourceTasks(ids: [Int64]) -> [(id: Int64, platform: Int64)] {
        arch.indices.filter { arch[$0] == BuildRequest.sourceArch && index[$0] == 0 }.map { (ids[$0], platform[$0]) }
    }
}
