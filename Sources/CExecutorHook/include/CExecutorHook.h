#ifndef CEXECUTORHOOK_H
#define CEXECUTORHOOK_H

/// Sends every job the Swift runtime would give its global executor to
/// `enqueue` instead (a job is an opaque pointer: Swift's `UnownedJob`).
/// Returns 0 when the hook cannot be set: the runtime lacks it, another hook
/// is already there, or this was called before (it installs once).
///
/// NIO's `unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`
/// finds the runtime's hook variable with `dlsym`, which sees only exported
/// symbols: with `--static-swift-stdlib` the runtime's symbols are linked with
/// `--exclude-libs ALL`, so `dlsym` finds nothing and the release binary
/// silently kept the default pool. A reference resolved by the linker works
/// with the runtime linked either way.
int cexecutor_install_global_enqueue(void (*enqueue)(void *job));

#endif
