#!/usr/bin/env bash
# Run the smoke checks of tini's ci/run_build.sh against two built binaries.
#
# Usage: tini_smoke.sh RUN_BUILD_SH SOURCE_DIR BUILD_DIR RESULTS_TSV
# BUILD_DIR holds the binaries under test, named tini and tini-static.
#
# The checks are the body of run_build.sh's loop
# `for tini in "${BUILD_DIR}/tini" "${BUILD_DIR}/tini-static"`, taken from
# the file as it is, up to the hardening check, with MINIMAL unset as in
# upstream's default build. Two mechanical changes are made to that text so
# that one failing check does not hide the others: each
# `echo "Testing ..."` (and `echo "Smoke test for ..."`) starts a check of
# that name, and `exit 1` marks the current check failed instead of ending
# the script. Instead of `set -o errexit`, an ERR trap marks the check failed
# (bash applies the same exemptions to both, `! cmd` among them).
# hardening-check is recorded as skipped: it inspects C compiler hardening
# flags, and bookworm's version also demands control-flow integrity, which
# upstream's flag list predates, so it fails for Debian's own tini too.
set -u -o pipefail

run_build=$1
export SOURCE_DIR=$2 BUILD_DIR=$3
results=$4
: >"$results"

body=$(awk '
    /^  for tini in "\$\{BUILD_DIR\}\/tini" "\$\{BUILD_DIR\}\/tini-static"; do$/ { on = 1; next }
    on && /echo "Checking hardening on \$tini"/ { exit }
    on { print }
' "$run_build")
if [[ -z $body ]]; then
    echo "tini_smoke.sh: the smoke checks were not found in $run_build" >&2
    exit 2
fi
body=$(sed -E \
    -e 's/^([[:space:]]*)echo "(Testing |Smoke test for )/\1_check "\2/' \
    -e 's/^([[:space:]]*)exit 1$/\1_fail/' <<<"$body")

_cur=
_failed=0
_finish() {
    if [[ -n $_cur ]]; then
        local status=passed
        ((_failed)) && status=failed
        printf '%s\t%s\n' "$status" "$_cur" >>"$results"
        echo "[$status] $_cur"
    fi
    _cur=
    _failed=0
}
_check() {
    _finish
    _cur=${1//$BUILD_DIR\//}
    echo "== $1"
}
_fail() {
    _failed=1
}

BIN_TEST_DIR=$(mktemp -d)
export PATH="$BIN_TEST_DIR:$PATH"
trap '_fail' ERR
for tini in "$BUILD_DIR/tini" "$BUILD_DIR/tini-static"; do
    eval "$body"
    _finish
    printf 'skipped\tChecking hardening on %s\n' "${tini##*/}" >>"$results"
done
trap - ERR
rm -rf "$BIN_TEST_DIR"
