/// The durable dataset: figures with revisions, the dataset version, the change log and the digest,
/// in SQLite through GRDB. Only this module touches SQLite. Arrives with the dataset issue.
public enum TallyStore {}
