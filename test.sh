#!/usr/bin/env bash
# The whole test suite. Installs what the tests need when it is missing, so
# it runs as it is on a fresh machine (as root, as in CI).
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v unshare >/dev/null || need+=(util-linux)
command -v runc >/dev/null || need+=(runc)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
command -v readelf >/dev/null || need+=(binutils)
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

cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings

# The release binary's promises: static, no libc, at most 32 KiB.
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

cargo test
