import Foundation
import TallyStore

/// One sync at a time into a local copy: an exclusive `flock` on `<copy>.lock`, held from before
/// the copy is opened until the sync has finished. A second `tally sync` into the same directory
/// waits for the first (and then usually finds the copy up to date) instead of racing it: two
/// first syncs once took each other's half-made copy for a damaged one and moved it aside.
///
/// The kernel drops the lock when its process ends, however it ends (`kill -9` included), so a
/// dead sync never leaves the directory locked; the lock file itself stays, empty.
final class SyncLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// Takes the lock beside `path`, polling every `interval` while another process holds it;
    /// `onWait` is called once, the first time it has to wait. Cancellation ends the wait.
    static func acquire(besides path: String, interval: Duration = .milliseconds(50),
                        onWait: (@Sendable () -> Void)? = nil) async throws -> SyncLock {
        let lockPath = path + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StoreFailure(.notWritable, path: path, "cannot open its sync lock \(lockPath): \(String(cString: strerror(errno)))")
        }
        var waited = false
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let error = errno
            guard error == EWOULDBLOCK || error == EINTR else {
                close(descriptor)
                throw StoreFailure(.ioError, path: path, "cannot lock \(lockPath): \(String(cString: strerror(error)))")
            }
            if !waited {
                waited = true
                onWait?()
            }
            do {
                try await Task.sleep(for: interval)
            } catch {
                close(descriptor)
                throw error
            }
        }
        return SyncLock(descriptor: descriptor)
    }

    /// Closing the descriptor releases the lock.
    deinit { close(descriptor) }
}
