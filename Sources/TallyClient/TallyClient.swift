/// The typed async client, snapshot sync and the local snapshot. Arrives with the client issue.
public enum TallyClient {}
