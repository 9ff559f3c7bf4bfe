#!/usr/bin/env bash
# The whole test suite. Installs what the tests need when it is missing, so
# it runs as it is on a fresh machine (as root, as in CI). Each part below
# says what it proves; the slower parts install their own packages.
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v unshare >/dev/null || need+=(util-linux)
command -v runc >/dev/null || need+=(runc)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
command -v readelf >/dev/null || need+=(binutils)
command -v python3 >/dev/null || need+=(python3)
# The peers the personality tests compare against.
for peer in tini dumb-init catatonit; do
    command -v "$peer" >/dev/null || need+=("$peer")
done
if ((${#need[@]})); then
    echo "test.sh: installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

part() { printf '\n== test.sh: %s (%s)\n' "$1" "$(date +%T)"; }

part "formatting and lints"
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings

# The release binary's promises: static, no libc, within its budget (32 KiB
# on every architecture; dist/build checks the other four below).
part "the x86_64 release binary"
cargo build --release
bin=target/release/pidone
size=$(stat -c %s "$bin")
if readelf -ld "$bin" | grep -qE 'INTERP|NEEDED'; then
    echo "test.sh: $bin is dynamically linked" >&2
    exit 1
fi
if ((size > 32768)); then
    echo "test.sh: $bin is $size bytes, over the 32 KiB budget" >&2
    exit 1
fi
echo "test.sh: $bin is static, $size bytes"

part "unit and integration tests (x86_64)"
cargo test

part "every architecture: build, static, within 32 KiB, runs"
dist/build

part "the integration tests against i686 (native) and arm64, arm, riscv64 (qemu)"
tests/cross/run 386 arm64 arm riscv64

part "the peers' own test suites against pidone by their names"
tests/peer-suites/run

part "Docker and Podman with pidone as their init and as ENTRYPOINT"
tests/engines/run

part "PostgreSQL and Redis shut down cleanly under pidone, not under the peers"
tests/databases/run

part "done"
