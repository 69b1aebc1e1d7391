#include "CExecutorHook.h"
#include <stdatomic.h>
#include <stddef.h>

// The runtime's hook (swift/Runtime/ConcurrencyHooks.def): a swiftcall
// function given the job and the default implementation, which we never call.
typedef void (*original_enqueue)(void *job) __attribute__((swiftcall));
typedef void (*enqueue_hook)(void *job, original_enqueue original) __attribute__((swiftcall));

// Weak: a PIE then reaches the variable through the GOT, so with the runtime as
// a shared library this writes the library's own variable (it is `protected`
// there, so a copy relocation would leave the runtime reading another copy);
// and a runtime without the hook gives NULL instead of a link error.
extern _Atomic(enqueue_hook) swift_task_enqueueGlobal_hook __attribute__((weak));

static void (*_Atomic target)(void *job);

__attribute__((swiftcall)) static void hook(void *job, original_enqueue original) {
    // Acquire: pairs with the install's store, which comes before the hook is set.
    void (*enqueue)(void *job) = atomic_load_explicit(&target, memory_order_acquire);
    if (enqueue == NULL) { original(job); return; }
    enqueue(job);
}

int cexecutor_install_global_enqueue(void (*enqueue)(void *job)) {
    if (&swift_task_enqueueGlobal_hook == NULL || enqueue == NULL) return 0;
    // Once: a second install must not change where an installed hook sends jobs.
    void (*none)(void *job) = NULL;
    if (!atomic_compare_exchange_strong(&target, &none, enqueue)) return 0;
    enqueue_hook expected = NULL;
    return atomic_compare_exchange_strong(&swift_task_enqueueGlobal_hook, &expected, hook);
}
