import Dispatch
import Synchronization

/// Runs async work to completion from a thread that is not part of Swift's cooperative pool
/// (libFuzzer's own): libFuzzer calls `LLVMFuzzerTestOneInput` synchronously, while the server
/// and client under test are async.
package func runBlocking<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
    let result = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let value = await work()
        result.withLock { $0 = value }
        done.signal()
    }
    done.wait()
    return result.withLock { $0! }
}

/// A count shared between the event loop and tasks (calls in flight, streams open).
package final class SharedCount: Sendable {
    private let value = Atomic(0)

    package init() {}

    package func add(_ change: Int) { value.add(change, ordering: .relaxed) }

    package var current: Int { value.load(ordering: .relaxed) }
}

/// A flag set once, from any task.
package final class SharedFlag: Sendable {
    private let value = Atomic(false)

    package init() {}

    package func set() { value.store(true, ordering: .releasing) }

    package var isSet: Bool { value.load(ordering: .acquiring) }
}
