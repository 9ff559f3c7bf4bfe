# Sourced by dist/build and tests/cross/run: the release targets and how to
# run their binaries on this (x86_64) machine.

# One line per target: Docker's TARGETARCH name, Rust target triple, what
# `readelf -h` calls its machine, and the qemu-user binfmt entry that runs it
# ("-" when it runs natively).
TARGETS="\
amd64   x86_64-unknown-linux-gnu       X86-64   -
arm64   aarch64-unknown-linux-gnu      AArch64  qemu-aarch64
arm     armv7-unknown-linux-gnueabihf  ARM      qemu-arm
riscv64 riscv64gc-unknown-linux-gnu    RISC-V   qemu-riscv64
386     i686-unknown-linux-gnu         80386    -"

# Prints the TARGETS line of an architecture, named either way (Docker's
# arm64 or Rust's aarch64, ...); fails for an unknown name.
target_line() {
    local name=$1
    case $name in
        x86_64) name=amd64 ;;
        aarch64) name=arm64 ;;
        armv7 | armhf) name=arm ;;
        riscv64gc) name=riscv64 ;;
        i686 | i386 | x86) name=386 ;;
    esac
    local arch triple machine qemu
    while read -r arch triple machine qemu; do
        if [[ $arch == "$name" ]]; then
            echo "$arch $triple $machine $qemu"
            return 0
        fi
    done <<<"$TARGETS"
    echo "unknown architecture '$1' (known: amd64/x86_64, arm64/aarch64, arm/armv7, riscv64, 386/i686)" >&2
    return 1
}

# Installs the Debian packages named when their command is missing.
# Arguments: pairs of command and package.
need_packages() {
    local need=()
    while (($#)); do
        command -v "$1" >/dev/null || need+=("$2")
        shift 2
    done
    if ((${#need[@]})); then
        echo "installing ${need[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    fi
}

# Adds the Rust target when rustup does not have it yet.
need_rust_target() {
    if ! rustup target list --installed | grep -qx "$1"; then
        rustup target add "$1"
    fi
}

# Makes the kernel run binaries of a foreign architecture through
# qemu-user-static (the binfmt entry is registered with the F flag, so it also
# works inside containers and chroots).
need_emulation() {
    local entry=$1
    [[ $entry == - ]] && return 0
    need_packages qemu-aarch64-static qemu-user-static update-binfmts binfmt-support
    if [[ ! -e /proc/sys/fs/binfmt_misc/register ]]; then
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    fi
    if ! grep -qx enabled "/proc/sys/fs/binfmt_misc/$entry" 2>/dev/null; then
        update-binfmts --enable "$entry"
    fi
}
