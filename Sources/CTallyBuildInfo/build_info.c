// The commit comes from `generated/commit.h`, which `make` writes before every build (from
// `git rev-parse`, only when it changed) and git ignores. A C file can include a header only if it
// exists (`__has_include`); Swift has no such thing, hence this one-function C target. Without the
// header, as after a plain `swift build`, the commit is "unknown".
#include "CTallyBuildInfo.h"

#if __has_include("generated/commit.h")
#include "generated/commit.h"
#endif

#ifndef TALLY_GIT_COMMIT
#define TALLY_GIT_COMMIT "unknown"
#endif

/// The release number, for `tally --version` and `tallyd --version`.
#define TALLY_VERSION "0.1.0"

const char *tally_version_line(void) {
    return TALLY_VERSION " (commit " TALLY_GIT_COMMIT ")";
}

const char *tally_version(void) {
    return TALLY_VERSION;
}

const char *tally_git_commit(void) {
    return TALLY_GIT_COMMIT;
}
