# Shared helpers for tests that run real container engines (Docker 20.10 and
# Podman 4.3 from Debian 12). Source it from bash:
#
#   . tests/engines/lib.sh
#   engines_install                 # apt-get docker.io podman when missing
#   engines_tmpdir                  # sets ENGINES_TMP (a fresh temp dir)
#   trap engines_cleanup EXIT       # stops the daemon, removes ENGINES_TMP
#   dockerd_start [INIT_BINARY]     # INIT_BINARY becomes the engine's docker-init
#   busybox_root DIR [SRC DEST]...  # a busybox-static root, plus extra files
#   busybox_image NAME [ROOTDIR]    # docker import of such a root
#   docker run --rm --network none NAME ...
#   podman_env                      # sets CONTAINERS_CONF and the PODMAN array
#   podman_image NAME [ROOTDIR]     # podman import of such a root
#   "${PODMAN[@]}" run --rm --network none NAME ...
#   dockerd_stop
#   wait_lines FILE SECONDS REGEX...  # wait for lines in a log, inotify-driven
#
# The host is left as it was: dockerd runs with --iptables=false
# --ip-forward=false --bridge=none, every path it writes is under ENGINES_TMP,
# and nothing is written to /usr/local/bin. dockerd finds docker-init through
# its PATH, exactly as it finds /usr/local/bin/docker-init after
# `install -m 0755 pidone /usr/local/bin/docker-init`; dockerd_start emulates
# that install with a directory of its own at the head of dockerd's PATH.
#
# The Docker client used is the engine's own /usr/bin/docker (a newer client
# elsewhere on PATH may be installed, as /usr/local/bin/docker is on some
# machines): dockerd_start puts a directory holding a link to it at the head
# of PATH, so child processes (python test suites) find the same client.

# Install Docker and Podman from Debian when missing. The services must not be
# started by the package scripts (dockerd would rewrite the firewall), so a
# policy-rc.d that denies every start is in place during the install if the
# machine has none.
engines_install() {
    local need=()
    [[ -x /usr/sbin/dockerd && -x /usr/bin/docker ]] || need+=(docker.io)
    command -v podman >/dev/null || need+=(podman)
    command -v runc >/dev/null || need+=(runc)
    dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
    command -v python3 >/dev/null || need+=(python3) # tests/engines/ctrl-c
    ((${#need[@]})) || return 0
    echo "engines: installing ${need[*]}" >&2
    local policy=/usr/sbin/policy-rc.d made_policy=
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 0755 "$policy"
        made_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    local rc=0
    apt-get update -qq &&
        apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 \
            "${need[@]}" >/dev/null || rc=$?
    [[ -n $made_policy ]] && rm -f "$policy"
    return "$rc"
}

# A fresh temporary directory for one run: ENGINES_TMP. The shell that made
# it is the only one whose engines_cleanup acts (see there).
engines_tmpdir() {
    ENGINES_TMP=$(mktemp -d /tmp/pidone-engines.XXXXXX)
    ENGINES_OWNER=$BASHPID
    export ENGINES_TMP
}

# wait_lines [--pid PID] FILE SECONDS REGEX...: true once FILE has had a
# line matching each REGEX (bash =~), false after SECONDS or, with --pid,
# once process PID has ended. tail -F follows the file through inotify; it is
# ended as soon as the answer is known.
wait_lines() {
    local pidopt=()
    if [[ $1 == --pid ]]; then
        pidopt=(--pid="$2")
        shift 2
    fi
    local file=$1 seconds=$2
    shift 2
    local pats=("$@") fd tpid line i rc=1
    exec {fd}< <(exec timeout "$seconds" tail "${pidopt[@]}" -n +1 -F "$file" 2>/dev/null)
    tpid=$!
    # bash's read takes one line at a time from a pipe (mawk and grep may
    # wait for a full buffer before they look at a line).
    while IFS= read -r line <&"$fd"; do
        for i in "${!pats[@]}"; do
            [[ $line =~ ${pats[i]} ]] && unset 'pats[i]'
        done
        if ((${#pats[@]} == 0)); then
            rc=0
            break
        fi
    done
    exec {fd}<&-
    # SIGKILL: a child killed with a signal its parent traps may run the
    # parent's traps.
    kill -KILL "$tpid" 2>/dev/null
    return "$rc"
}

# Wait for process PID (not necessarily our child) to end, at most SECONDS.
_engines_wait_gone() {
    local pid=$1 seconds=$2
    timeout "$seconds" tail --pid="$pid" -f /dev/null 2>/dev/null
    ! kill -0 "$pid" 2>/dev/null
}

# Start dockerd in the background. With INIT_BINARY, that binary is installed
# as docker-init in a directory at the head of dockerd's PATH. Exports
# DOCKER_HOST, DOCKERD_PID, DOCKERD_LOG and puts the engine's client first on
# PATH. Returns non-zero (after printing the log's tail) if the API does not
# come up within 300 s.
dockerd_start() {
    local init=${1:-}
    : "${ENGINES_TMP:?call engines_tmpdir first}"
    local d=$ENGINES_TMP/docker
    mkdir -p "$d/bin" "$d/client-bin" "$d/data" "$d/exec"
    ln -sf /usr/bin/docker "$d/client-bin/docker"
    if [[ -n $init ]]; then
        install -m 0755 "$init" "$d/bin/docker-init"
    fi
    DOCKERD_LOG=$d/dockerd.log
    : >"$DOCKERD_LOG"
    # A daemon.json of our own so that /etc/docker/daemon.json (which may set
    # init-path) does not apply.
    echo '{}' >"$d/daemon.json"
    PATH="$d/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
        setsid /usr/sbin/dockerd \
        --config-file "$d/daemon.json" \
        --data-root "$d/data" --exec-root "$d/exec" \
        --pidfile "$d/dockerd.pid" \
        --host "unix://$d/docker.sock" \
        --iptables=false --ip-forward=false --ip-masq=false --bridge=none \
        --userland-proxy=false \
        </dev/null >>"$DOCKERD_LOG" 2>&1 &
    DOCKERD_PID=$!
    export DOCKERD_PID DOCKERD_LOG
    export DOCKER_HOST="unix://$d/docker.sock"
    case ":$PATH:" in
    *":$d/client-bin:"*) ;;
    *) export PATH="$d/client-bin:$PATH" ;;
    esac
    if ! wait_lines --pid "$DOCKERD_PID" "$DOCKERD_LOG" 300 'API listen on' ||
        ! /usr/bin/docker version >/dev/null 2>&1; then
        echo "engines: dockerd did not come up; its log ends with:" >&2
        tail -n 20 "$DOCKERD_LOG" >&2
        return 1
    fi
}

# Stop dockerd by its pid and wait for it and its containerd to exit.
dockerd_stop() {
    [[ -n ${DOCKERD_PID:-} ]] || return 0
    local cpid=
    local cpidfile=$ENGINES_TMP/docker/exec/containerd/containerd.pid
    [[ -r $cpidfile ]] && cpid=$(<"$cpidfile")
    if kill -0 "$DOCKERD_PID" 2>/dev/null; then
        # Containers first, so that their shims are gone too.
        local ids
        ids=$(/usr/bin/docker ps -aq 2>/dev/null) || true
        [[ -n $ids ]] && /usr/bin/docker rm -f $ids >/dev/null 2>&1
        kill -TERM "$DOCKERD_PID"
        if ! _engines_wait_gone "$DOCKERD_PID" 30; then
            echo "engines: dockerd $DOCKERD_PID ignored SIGTERM for 30 s; SIGKILL" >&2
            kill -KILL "$DOCKERD_PID" 2>/dev/null
        fi
    fi
    wait "$DOCKERD_PID" 2>/dev/null
    if [[ -n $cpid ]] && [[ $(cat "/proc/$cpid/comm" 2>/dev/null) == containerd ]]; then
        if ! _engines_wait_gone "$cpid" 15; then
            kill -KILL "$cpid" 2>/dev/null
        fi
    fi
    unset DOCKERD_PID
}

# A root file system from busybox-static in DIR: /bin with every applet, /tmp,
# /etc/passwd and /etc/group, and any extra files given as SRC DEST pairs
# (DEST relative to the root; copied with their mode).
busybox_root() {
    local root=$1
    shift
    mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/proc" "$root/sys" "$root/dev"
    chmod 1777 "$root/tmp"
    cp /bin/busybox "$root/bin/busybox"
    # Inside the root, so that the links point at /bin/busybox.
    chroot "$root" /bin/busybox --install -s /bin
    echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
    echo 'nobody:x:65534:65534:nobody:/:/bin/false' >>"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
    while (($# >= 2)); do
        mkdir -p "$(dirname "$root/$2")"
        cp -p "$1" "$root/$2"
        shift 2
    done
}

# docker import a busybox root as image NAME (from ROOTDIR, else a fresh
# busybox_root).
busybox_image() {
    local name=$1 root=${2:-}
    if [[ -z $root ]]; then
        root=$ENGINES_TMP/root-$name
        busybox_root "$root"
    fi
    tar -C "$root" -c . | /usr/bin/docker import - "$name" >/dev/null
}

# Podman with runc, no network namespace set-up and no rlimits (these machines
# lack CAP_SYS_RESOURCE), all its state under ENGINES_TMP. Sets CONTAINERS_CONF
# and the array PODMAN (the command with its global options).
podman_env() {
    : "${ENGINES_TMP:?call engines_tmpdir first}"
    local d=$ENGINES_TMP/podman
    mkdir -p "$d/root" "$d/runroot" "$d/tmp"
    cat >"$d/containers.conf" <<EOF
[containers]
default_ulimits = []
netns = "none"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$d/events.log"
EOF
    export CONTAINERS_CONF=$d/containers.conf
    PODMAN=(podman --root "$d/root" --runroot "$d/runroot" --tmpdir "$d/tmp"
        --runtime runc --cgroup-manager cgroupfs --events-backend file)
}

# podman import a busybox root as image NAME.
podman_image() {
    local name=$1 root=${2:-}
    if [[ -z $root ]]; then
        root=$ENGINES_TMP/root-$name
        [[ -d $root ]] || busybox_root "$root"
    fi
    tar -C "$root" -c . | "${PODMAN[@]}" import -q - "$name" >/dev/null
}

# Remove every Podman container and image of this run and unmount its storage.
podman_stop() {
    [[ -n ${PODMAN[*]:-} ]] || return 0
    "${PODMAN[@]}" rm -af -t 0 >/dev/null 2>&1
    "${PODMAN[@]}" system reset -f >/dev/null 2>&1
    unset PODMAN
}

# Everything this library started or made: call it from an EXIT trap.
# Only in the shell that called engines_tmpdir: bash runs the EXIT trap in a
# freshly forked child (`cmd &`, `<(...)`) that is killed before it has
# reset its traps, and that child must not tear the run down.
engines_cleanup() {
    [[ ${ENGINES_OWNER:-} == "$BASHPID" ]] || return 0
    dockerd_stop
    podman_stop
    if [[ -n ${ENGINES_TMP:-} && -d $ENGINES_TMP ]]; then
        # Mounts the engines may have left (overlays, shm, netns).
        local m
        awk -v p="$ENGINES_TMP/" 'index($2, p) == 1 { print $2 }' /proc/self/mounts |
            sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
        rm -rf "$ENGINES_TMP"
    fi
}
