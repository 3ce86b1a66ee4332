#ifndef TALLY_BUILD_INFO_H
#define TALLY_BUILD_INFO_H

/// "0.1.0 (commit 6da6137c1a2b)": the release and the git commit this binary was built from, or
/// "(commit unknown)" when the build did not know it (a plain `swift build`, a tarball).
const char *tally_version_line(void);

/// "0.1.0": the release alone (tallyd's `tally_build_info` metric has it as a label).
const char *tally_version(void);

/// "6da6137c1a2b", "6da6137c1a2b-dirty" or "unknown": the commit alone.
const char *tally_git_commit(void);

#endif
