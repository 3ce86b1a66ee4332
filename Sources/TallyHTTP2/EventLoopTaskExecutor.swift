public import NIOCore

/// Runs Swift tasks on a NIO event loop, so a request's task (and the actors it uses without an
/// executor of their own) runs on its connection's thread. The hops between the application and the
/// connection then cost a queue entry instead of a thread switch, which on a 2-core machine was most
/// of a small call's cost. Handlers must therefore not block: they await I/O and yield between
/// large batches.
public final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // Sendable: the event loop is thread-safe, and that is all this holds.
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
