/// Who is using the test server: any number of tests at once, or one test alone (an outage test,
/// which stops the server and would fail everyone else's queries). A test that wants it alone
/// waits for the others to finish, and tests that come after it wait for it, so it is not starved.
actor ServerUse {
    static let shared = ServerUse()

    private var users = 0
    private var alone = false
    private var waitingAlone: [CheckedContinuation<Void, Never>] = []
    private var waitingShared: [CheckedContinuation<Void, Never>] = []

    func begin() async {
        if !alone && waitingAlone.isEmpty {
            users += 1
            return
        }
        // Counted as a user by whoever resumes it.
        await withCheckedContinuation { waitingShared.append($0) }
    }

    func end() {
        users -= 1
        if users == 0 { handOver() }
    }

    func beginAlone() async {
        if !alone && users == 0 {
            alone = true
            return
        }
        await withCheckedContinuation { waitingAlone.append($0) }
    }

    func endAlone() {
        alone = false
        handOver()
    }

    /// The server is free: to the next test that wants it alone, else to every waiting test.
    private func handOver() {
        if !waitingAlone.isEmpty {
            alone = true
            waitingAlone.removeFirst().resume()
        } else {
            users += waitingShared.count
            waitingShared.forEach { $0.resume() }
            waitingShared.removeAll()
        }
    }
}
