import Hummingbird
import NIOCore

/// Runs the jobs of a task on one SwiftNIO event loop: a `TaskExecutor` for
/// `withTaskExecutorPreference`, so a request's handler runs on the loop its connection is
/// read and written on instead of hopping to the global concurrent pool and back.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Handles the request on its connection's event loop (`EventLoopTaskExecutor`): for the hot,
/// short routes whose work is a database round trip (the build node's `ping`, `get_task`,
/// `build_done`). Each thread hop saved is a wake-up saved on every call. Never for a route that
/// blocks (libgit2, files, subprocesses): it would stall every connection on that loop.
struct EventLoopAffinityMiddleware: RouterMiddleware {
    typealias Context = KilnRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let loop = context.eventLoop else { return try await next(request, context) }
        return try await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
            try await next(request, context)
        }
    }
}
