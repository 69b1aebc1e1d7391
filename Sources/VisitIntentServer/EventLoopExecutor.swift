import CExecutorHook
import NIOCore
import NIOPosix

/// Runs Swift concurrency's global jobs on NIO's singleton event loops (as
/// Vapor's template does), so a request is read, scored and answered on one
/// thread instead of hopping between NIO's threads and the concurrency pool.
///
/// NIO's own installer finds the runtime's hook with `dlsym`, which fails in the
/// release binary (`--static-swift-stdlib` hides the runtime's symbols), and it
/// reports that only by a discarded `false`: the deployed server had been
/// hopping all along. This sets the same hook through a linker-resolved
/// reference (`CExecutorHook`), which works with the runtime linked either way.
public enum EventLoopExecutor {
    /// Must run before any task is enqueued on the global executor (first thing
    /// in `main`); false if the runtime has no hook or another is set.
    public static func install() -> Bool {
        cexecutor_install_global_enqueue { job in
            // The runtime hands over a `Job *`, which is what `UnownedJob` wraps.
            let unowned = unsafeBitCast(job, to: UnownedJob.self)
            // `any()` is the current loop when called on one of the group's loops: no hop.
            MultiThreadedEventLoopGroup.singleton.any().executor.enqueue(ExecutorJob(unowned))
        } != 0
    }

    /// True when a detached task runs on one of NIO's event loops: the hook is
    /// not only set but used.
    public static func isActive() async -> Bool {
        await Task.detached { MultiThreadedEventLoopGroup.singleton.any().inEventLoop }.value
    }
}
