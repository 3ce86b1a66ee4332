import TallyCodec
import TallyStore

extension CallError {
    /// A fault of the server's disk as the client sees it. The client's message says what
    /// happened and whether anything changed; the file and SQLite's words go to the server's log.
    init(storage failure: StoreFailure) {
        switch failure.kind {
        case .diskFull:
            // gRPC's own example of resource_exhausted: "the entire file system is out of space".
            self.init(.resourceExhausted, "the server's disk is full: the publish was not written and the dataset is unchanged; retry once space is freed")
        case .notWritable:
            self.init(.unavailable, "the server cannot write its database: the publish was not written and the dataset is unchanged")
        case .damaged:
            self.init(.dataLoss, "the server's database is damaged; the publish was not written")
        case .ioError:
            self.init(.unavailable, "the server's disk failed: the publish was not written and the dataset is unchanged")
        }
    }
}
