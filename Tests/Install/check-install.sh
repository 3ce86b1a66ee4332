#!/usr/bin/env bash
# Checks what `make install DESTDIR=$1 PREFIX=$2` put in place: binaries that run and tell their
# version and commit, completion scripts for bash, zsh and fish, and man pages. Run by
# `make install-test` (and so by `make test`).
set -euo pipefail
root="$1$2"
failures=0
fail() { echo "install-test: $*" >&2; failures=$((failures + 1)); }
expect_file() { [ -s "$1" ] || fail "missing or empty: $1"; }

for tool in tally tallyd; do
	[ -x "$root/bin/$tool" ] || fail "not executable: $root/bin/$tool"
	version=$("$root/bin/$tool" --version) || fail "$tool --version failed"
	[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+\ \(commit\ ([0-9a-f]{12}(-dirty)?|unknown)\)$ ]] \
		|| fail "$tool --version printed '$version'"
	if commit=$(git rev-parse --short=12 HEAD 2>/dev/null); then
		[[ "$version" == *"commit $commit"* ]] || fail "$tool --version names another commit than HEAD ($commit): $version"
	fi
	expect_file "$root/share/bash-completion/completions/$tool"
	bash -n "$root/share/bash-completion/completions/$tool" || fail "bash completion for $tool does not parse"
	grep -q "_$tool" "$root/share/zsh/site-functions/_$tool" || fail "zsh completion for $tool lacks its function"
	grep -q "^complete -c '$tool'" "$root/share/fish/vendor_completions.d/$tool.fish" || fail "fish completion for $tool lacks its complete lines"
	expect_file "$root/share/man/man1/$tool.1"
	grep -q '^\.Dt' "$root/share/man/man1/$tool.1" || fail "$tool.1 is not an mdoc page"
done
# The subcommands are in the completions and the manual.
grep -q chart "$root/share/bash-completion/completions/tally" || fail "bash completion lacks 'tally chart'"
grep -qi chart "$root/share/man/man1/tally.1" || fail "tally.1 lacks 'chart'"

if [ "$failures" -gt 0 ]; then
	echo "install-test: $failures failed" >&2
	exit 1
fi
echo "install-test: 1 passed, 0 failed"
