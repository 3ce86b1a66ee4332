/// Routes, handlers, configuration, auth, metrics and lifecycle of `tallyd`. Arrives with the server issue.
public enum TallyServer {}
