import Foundation

/// Blocking work (a peer process) started on a thread of its own at once, its result awaited
/// later. `Task { try await onOwnThread { … } }` starts the thread only when Swift's cooperative
/// pool (two threads here) gets round to the task, which in a loaded full run can be many seconds
/// later, while other tests' blocking calls hold both threads.
public final class ThreadTask<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `result` and `waiter` are only touched under `lock`.
    private let lock = NSLock()
    private var result: Result<Value, any Error>?
    private var waiter: CheckedContinuation<Value, any Error>?

    public init(_ work: @escaping @Sendable () throws -> Value) {
        Thread { [self] in finish(Result { try work() }) }.start()
    }

    public var value: Value {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                lock.lock()
                if let result {
                    lock.unlock()
                    continuation.resume(with: result)
                } else {
                    waiter = continuation
                    lock.unlock()
                }
            }
        }
    }

    private func finish(_ outcome: Result<Value, any Error>) {
        lock.lock()
        result = outcome
        let waiting = waiter
        waiter = nil
        lock.unlock()
        waiting?.resume(with: outcome)
    }
}
