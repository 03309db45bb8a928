#!/usr/bin/env bash
# Local Elasticsearch 8 for development and CI, without docker.
#
#   scripts/elasticsearch.sh start [--nodes N] [--fresh]   start N nodes (default 1), wait for health, print the URL
#   scripts/elasticsearch.sh stop [--node I]               stop all nodes, or only node I (1-based)
#   scripts/elasticsearch.sh status                        node processes and cluster health; exit 3 when not running
#   scripts/elasticsearch.sh url [--all]                   URL of the first node (or of every node)
#   scripts/elasticsearch.sh wait                          wait until the running cluster is healthy
#
# The server is the Elasticsearch distribution Elastic publishes to Maven Central
# (org.elasticsearch.distribution.integ-test-zip), fetched once with Maven. That distribution leaves out
# the bundled modules, so scripts/es/cus-analysis (compiled here against the distribution's own jars) adds
# the analysis components the portal uses (asciifolding, synonym_graph, stemmer_override, edge_ngram, ...)
# and the "GET /" endpoint. The hunspell filter is part of the server itself.
#
# Environment:
#   ES_HUNSPELL_DIR   directory with <locale>/<locale>.aff|.dic, copied to every node's config/hunspell/
#   ES_ANALYSIS_DIR   directory copied to every node's config/analysis/ (for synonyms_path: analysis/<file>)
#                     Both are copied when the nodes start and kept for later starts until given again.
#   ES_HEAP           heap per node (default 1g for one node, 512m each for more)
#   ES_FULL_JIT=1     keep the optimising JIT for multi-node clusters (slower start, faster steady state)
#   ES_WAIT_TIMEOUT   seconds to wait for cluster health (default 180)
#   ES_TAKE_OVER=1    stop a node another checkout of the portal left on the ports this one needs (CI)
#   ES_SERVICE_DIR    runtime directory (default <repo>/.services/elasticsearch)
#   ES_RUN_AS_USER    account that runs the nodes when invoked as root (default: elasticsearch, created if missing)
#   ES_MAVEN_ARGS     extra arguments for mvn (for example "-o" or "-s settings.xml")
#   ES_JAVA_HOME      JDK to use (default: the one that provides `java` on PATH; javac is needed once)
set -euo pipefail

readonly ES_VERSION="8.19.21"
readonly PLUGIN_NAME="cus-analysis"
readonly REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Elasticsearch runs as its own user, which must reach the service directory. When the checkout sits below a
# private directory (e.g. a home directory with mode 700), keep the service files in /var/tmp instead.
world_traversable() {
    local dir="$1"
    while [ "$dir" != "/" ]; do
        [ "$(( $(stat -c '%a' "$dir") % 10 & 1 ))" -eq 1 ] || return 1
        dir="$(dirname "$dir")"
    done
}
if [ -n "${ES_SERVICE_DIR:-}" ]; then
    readonly SERVICE_DIR="$ES_SERVICE_DIR"
elif world_traversable "$REPO_ROOT"; then
    readonly SERVICE_DIR="$REPO_ROOT/.services/elasticsearch"
else
    readonly SERVICE_DIR="/var/tmp/cus-portal-es-$(echo "$REPO_ROOT" | md5sum | cut -c1-8)"
fi
readonly DIST_DIR="$SERVICE_DIR/dist/elasticsearch-$ES_VERSION"
readonly PLUGIN_SRC="$REPO_ROOT/scripts/es/$PLUGIN_NAME"
readonly STATE_FILE="$SERVICE_DIR/running-nodes"
readonly HTTP_BASE_PORT=9200
readonly TRANSPORT_BASE_PORT=9300
readonly WAIT_TIMEOUT="${ES_WAIT_TIMEOUT:-180}"
readonly STOP_TIMEOUT=60

log() { printf '[elasticsearch] %s\n' "$*" >&2; }
die() { printf '[elasticsearch] error: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# --- layout -------------------------------------------------------------------------------------------

cluster_dir() { echo "$SERVICE_DIR/cluster-$1"; }           # one data set per topology: 1 node and 3 nodes never mix
node_dir() { echo "$(cluster_dir "$1")/node-$2"; }
node_pidfile() { echo "$(node_dir "$1" "$2")/node.pid"; }
http_port() { echo $((HTTP_BASE_PORT + $1 - 1)); }
node_url() { echo "http://127.0.0.1:$(http_port "$1")"; }

running_topology() {
    # Prints the node count of the cluster started last, if any of its nodes is still alive.
    [[ -f "$STATE_FILE" ]] || return 1
    local n i
    n="$(cat "$STATE_FILE")"
    [[ "$n" =~ ^[0-9]+$ ]] || return 1
    for ((i = 1; i <= n; i++)); do
        if node_alive "$n" "$i"; then
            echo "$n"
            return 0
        fi
    done
    return 1
}

node_pid() {
    local pidfile
    pidfile="$(node_pidfile "$1" "$2")"
    [[ -s "$pidfile" ]] && cat "$pidfile"
}

node_alive() {
    # Alive means: the pid exists and really is an Elasticsearch of this distribution (pids get reused).
    local pid
    pid="$(node_pid "$1" "$2")" || return 1
    [[ -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "-Des.path.home=$DIST_DIR "
}

# --- prerequisites ------------------------------------------------------------------------------------

java_home() {
    local home="${ES_JAVA_HOME:-${JAVA_HOME:-}}"
    if [[ -z "$home" ]]; then
        local java_bin
        java_bin="$(command -v java)" || die "java not found; install a JDK 17 or newer (Debian: openjdk-17-jdk-headless)"
        home="$(dirname "$(dirname "$(readlink -f "$java_bin")")")"
    fi
    [[ -x "$home/bin/java" ]] || die "no java in $home/bin"
    echo "$home"
}

unpack_zip() {
    # unzip is not always installed; Python or the JDK's jar tool can unpack as well.
    local zip="$1" dest="$2"
    if command -v unzip >/dev/null; then
        unzip -q "$zip" -d "$dest"
    elif command -v python3 >/dev/null; then
        python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$zip" "$dest"
    else
        (cd "$dest" && "$(java_home)/bin/jar" xf "$zip")
    fi
}

fetch_distribution() {
    [[ -f "$DIST_DIR/.complete" ]] && return 0
    command -v mvn >/dev/null || die "mvn not found; install Maven (Debian: maven)"
    log "fetching Elasticsearch $ES_VERSION from Maven Central (once)"
    local download="$SERVICE_DIR/download" staging="$SERVICE_DIR/dist.partial"
    mkdir -p "$download"
    # shellcheck disable=SC2086  # ES_MAVEN_ARGS is a list of words on purpose
    if ! mvn -B -q -ntp ${ES_MAVEN_ARGS:-} \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
        "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
        "-DoutputDirectory=$download" >"$SERVICE_DIR/maven.log" 2>&1; then
        tail -n 30 "$SERVICE_DIR/maven.log" >&2
        die "Maven could not fetch the distribution (full output: $SERVICE_DIR/maven.log)"
    fi
    rm -rf "$staging"
    mkdir -p "$staging" "$SERVICE_DIR/dist"
    unpack_zip "$download/elasticsearch-$ES_VERSION.zip" "$staging"
    # Zip extraction may drop the executable bits the launch scripts need.
    chmod -R a+rX "$staging"
    chmod a+x "$staging/elasticsearch-$ES_VERSION/bin/"*
    rm -rf "$DIST_DIR"
    mv "$staging/elasticsearch-$ES_VERSION" "$DIST_DIR"
    rm -rf "$staging" "$download"
    touch "$DIST_DIR/.complete"
}

install_plugin() {
    # Rebuilt only when its sources change; it is compiled against the jars of the distribution it runs in.
    local target="$DIST_DIR/plugins/$PLUGIN_NAME" hash
    hash="$(cd "$PLUGIN_SRC" && find src -type f -name '*.java' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)"
    [[ -f "$target/.source-hash" && "$(cat "$target/.source-hash")" == "$hash" ]] && return 0
    local jdk build
    jdk="$(java_home)"
    [[ -x "$jdk/bin/javac" ]] || die "javac not found in $jdk; a JDK (not only a JRE) is needed to build $PLUGIN_NAME"
    log "building the $PLUGIN_NAME plugin"
    build="$SERVICE_DIR/build/$PLUGIN_NAME"
    rm -rf "$build"
    mkdir -p "$build/classes"
    find "$PLUGIN_SRC/src" -name '*.java' >"$build/sources.txt"
    "$jdk/bin/javac" --release 17 -nowarn -encoding UTF-8 -cp "$DIST_DIR/lib/*" -d "$build/classes" "@$build/sources.txt" \
        || die "compiling $PLUGIN_NAME failed"
    rm -rf "$target"
    mkdir -p "$target"
    "$jdk/bin/jar" cf "$target/$PLUGIN_NAME.jar" -C "$build/classes" .
    cat >"$target/plugin-descriptor.properties" <<EOF
description=Analysis components and root endpoint for the portal's local Elasticsearch
version=$ES_VERSION
name=$PLUGIN_NAME
classname=org.cusportal.elasticsearch.analysis.CusAnalysisPlugin
java.version=17
elasticsearch.version=$ES_VERSION
EOF
    echo "$hash" >"$target/.source-hash"
    chmod -R a+rX "$target"
}

run_as_prefix() {
    # Elasticsearch refuses to run as root, so root starts it as an unprivileged account.
    RUN_AS=()
    RUN_USER="$(id -un)"
    [[ "$(id -u)" -eq 0 ]] || return 0
    RUN_USER="${ES_RUN_AS_USER:-elasticsearch}"
    if ! id -u "$RUN_USER" >/dev/null 2>&1; then
        log "creating system user $RUN_USER to run Elasticsearch"
        useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$RUN_USER" \
            || die "could not create user $RUN_USER (set ES_RUN_AS_USER to an existing account)"
    fi
    command -v setpriv >/dev/null || die "setpriv (util-linux) is needed to drop root privileges"
    RUN_AS=(setpriv "--reuid=$RUN_USER" "--regid=$(id -g "$RUN_USER")" --init-groups)
    "${RUN_AS[@]}" test -r "$DIST_DIR/lib/elasticsearch-$ES_VERSION.jar" \
        || die "user $RUN_USER cannot read $DIST_DIR (a parent directory is not world-readable); set ES_SERVICE_DIR to a readable place"
}

# --- nodes --------------------------------------------------------------------------------------------

write_node_config() {
    local n="$1" i="$2" heap="$3" dir config
    dir="$(node_dir "$n" "$i")"
    config="$dir/config"
    mkdir -p "$config/jvm.options.d" "$dir/data" "$dir/logs" "$dir/tmp"
    cp "$DIST_DIR/config/log4j2.properties" "$config/"
    # Keep GC logs small and inside the node's log directory.
    sed -e "s#file=[^:]*gc.log#file=$dir/logs/gc.log#" -e 's/filecount=32,filesize=64m/filecount=4,filesize=16m/' \
        "$DIST_DIR/config/jvm.options" >"$config/jvm.options"
    rm -f "$config/jvm.options.d/"*.options
    {
        echo "-Xms$heap"
        echo "-Xmx$heap"
        echo "-XX:HeapDumpPath=$dir/logs"
        # Commit heap pages on use instead of up front: a 1g node then takes about 0.5 GB of RAM, not 1.3 GB.
        echo "-XX:-AlwaysPreTouch"
        # Several nodes on two cores spend most of their start compiling; the quick JIT halves that (about 30 s vs 60 s).
        if [[ "$n" -gt 1 && "${ES_FULL_JIT:-0}" != 1 ]]; then
            echo "-XX:TieredStopAtLevel=1"
        fi
    } >"$config/jvm.options.d/dev.options"
    {
        echo "cluster.name: cus-portal-dev"
        echo "node.name: node-$i"
        echo "path.data: $dir/data"
        echo "path.logs: $dir/logs"
        echo "network.host: 127.0.0.1"
        echo "http.port: $(http_port "$i")"
        echo "transport.port: $((TRANSPORT_BASE_PORT + i - 1))"
        # Development only: plain HTTP without authentication.
        echo "xpack.security.enabled: false"
        # A nearly full developer disk must not silently block shard allocation.
        echo "cluster.routing.allocation.disk.threshold_enabled: false"
        # Tests may delete indices by wildcard.
        echo "action.destructive_requires_name: false"
        if [[ "$n" -eq 1 ]]; then
            echo "discovery.type: single-node"
        else
            local seeds="" masters="" j
            for ((j = 1; j <= n; j++)); do
                seeds+="${seeds:+, }\"127.0.0.1:$((TRANSPORT_BASE_PORT + j - 1))\""
                masters+="${masters:+, }\"node-$j\""
            done
            echo "discovery.seed_hosts: [$seeds]"
            # Only a brand-new cluster may bootstrap; a restarted one already has its cluster state.
            if [[ -z "$(ls -A "$dir/data")" ]]; then
                echo "cluster.initial_master_nodes: [$masters]"
            fi
        fi
    } >"$config/elasticsearch.yml"

    # Dictionaries and rule files are replaced when given and otherwise kept, because existing indices need them.
    if [[ -n "${ES_HUNSPELL_DIR:-}" ]]; then
        rm -rf "$config/hunspell"
        mkdir -p "$config/hunspell"
        cp -R "$ES_HUNSPELL_DIR"/. "$config/hunspell/"
    fi
    if [[ -n "${ES_ANALYSIS_DIR:-}" ]]; then
        rm -rf "$config/analysis"
        mkdir -p "$config/analysis"
        cp -R "$ES_ANALYSIS_DIR"/. "$config/analysis/"
    fi
    chown -R "$RUN_USER:" "$dir"
}

check_hunspell_dir() {
    [[ -n "${ES_HUNSPELL_DIR:-}" ]] || return 0
    [[ -d "$ES_HUNSPELL_DIR" ]] || die "ES_HUNSPELL_DIR=$ES_HUNSPELL_DIR is not a directory"
    compgen -G "$ES_HUNSPELL_DIR/*/*.aff" >/dev/null && compgen -G "$ES_HUNSPELL_DIR/*/*.dic" >/dev/null \
        || die "ES_HUNSPELL_DIR must contain <locale>/<name>.aff and <locale>/<name>.dic (e.g. pl_PL/pl_PL.aff)"
}

check_analysis_dir() {
    [[ -z "${ES_ANALYSIS_DIR:-}" || -d "$ES_ANALYSIS_DIR" ]] || die "ES_ANALYSIS_DIR=$ES_ANALYSIS_DIR is not a directory"
}

port_in_use() {
    # A connection succeeds only if something already listens there.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

launch_node() {
    local n="$1" i="$2" jdk="$3" dir
    dir="$(node_dir "$n" "$i")"
    rm -f "$(node_pidfile "$n" "$i")"
    # Remember where this start begins in the appended log, so failures show only this start's lines.
    { wc -l <"$dir/logs/cus-portal-dev.log" || echo 0; } 2>/dev/null >"$dir/logs/.start-line"
    # -d returns once the node has started (or failed); the working directory receives JVM crash files.
    (
        cd "$dir/logs"
        exec 9>&- # the node must not inherit (and keep holding) the start/stop lock
        exec ${RUN_AS[@]+"${RUN_AS[@]}"} env ES_PATH_CONF="$dir/config" ES_JAVA_HOME="$jdk" ES_TMPDIR="$dir/tmp" \
            "$DIST_DIR/bin/elasticsearch" -d -p "$(node_pidfile "$n" "$i")"
    ) </dev/null >"$dir/logs/startup.out" 2>&1
}

show_node_logs() {
    # Java stack frames are dropped: the messages around them name the cause.
    local n="$1" i dir
    for ((i = 1; i <= n; i++)); do
        dir="$(node_dir "$n" "$i")"
        if [[ -s "$dir/logs/startup.out" ]]; then
            log "--- node-$i startup output: $dir/logs/startup.out ---"
            grep -vE '^[[:space:]]+(at |\.\.\. [0-9]+ more)' "$dir/logs/startup.out" | cut -c1-400 | tail -n 15 >&2 || true
        fi
        if [[ -f "$dir/logs/cus-portal-dev.log" ]]; then
            log "--- node-$i log: $dir/logs/cus-portal-dev.log ---"
            tail -n "+$(($(cat "$dir/logs/.start-line" 2>/dev/null || echo 0) + 1))" "$dir/logs/cus-portal-dev.log" \
                | grep -vE '^[[:space:]]+(at |\.\.\. [0-9]+ more)' | cut -c1-400 | tail -n 15 >&2 || true
        fi
    done
}

health() {
    # Prints "status number_of_nodes" as seen by the first reachable node.
    local n="$1" i body
    for ((i = 1; i <= n; i++)); do
        node_alive "$n" "$i" || continue
        # --noproxy: a CI proxy setting must never capture loopback requests.
        body="$(curl -s -m 5 --noproxy '*' "$(node_url "$i")/_cluster/health" 2>/dev/null)" || continue
        if [[ "$body" =~ \"status\":\"([a-z]+)\".*\"number_of_nodes\":([0-9]+) ]]; then
            echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
            return 0
        fi
    done
    return 1
}

wait_healthy() {
    # Green is required; a single node may stay yellow because replicas have nowhere to go.
    local n="$1" deadline status nodes
    deadline=$((SECONDS + WAIT_TIMEOUT))
    while ((SECONDS < deadline)); do
        if read -r status nodes < <(health "$n"); then
            if [[ "$nodes" -eq "$n" && ("$status" == green || ("$n" -eq 1 && "$status" == yellow)) ]]; then
                return 0
            fi
        fi
        sleep 1
    done
    show_node_logs "$n"
    if [[ "${status:-}" == red ]]; then
        log "red: a primary shard cannot be opened, often an index whose analyzer needs a missing hunspell"
        log "dictionary or synonyms file; details: curl $(node_url 1)/_cluster/allocation/explain"
    fi
    die "cluster of $n node(s) not healthy after ${WAIT_TIMEOUT}s (last seen: ${status:-unreachable}, ${nodes:-0} node(s))"
}

stop_pid() {
    # Ask a node to shut down, and kill it if it has not within STOP_TIMEOUT seconds.
    local pid="$1" name="$2" waited=0
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && ((waited < STOP_TIMEOUT)); do
        sleep 1
        waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$name did not stop within ${STOP_TIMEOUT}s, killing it"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 1
    fi
}

stop_node() {
    local n="$1" i="$2"
    if node_alive "$n" "$i"; then
        stop_pid "$(node_pid "$n" "$i")" "node-$i"
    fi
    rm -f "$(node_pidfile "$n" "$i")"
}

other_checkout_node() {
    # The pid of the node listening on a port when it is a node this script started from another checkout
    # of the portal (its home is such a checkout's service directory); nothing otherwise.
    local port="$1" pid home
    pid="$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)"
    [[ -n "$pid" ]] || return 1
    home="$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | sed -n 's/^-Des.path.home=//p')"
    [[ "$home" == */dist/elasticsearch-* && ("$home" == */.services/elasticsearch/* || "$home" == */cus-portal-es-*) ]] \
        || return 1
    echo "$pid"
}

take_lock() {
    # Parallel test runners may call start/stop at the same time.
    mkdir -p "$SERVICE_DIR"
    if command -v flock >/dev/null; then
        exec 9>"$SERVICE_DIR/.lock"
        flock -w 900 9 || die "another start/stop is still running"
    fi
}

# --- commands -----------------------------------------------------------------------------------------

cmd_start() {
    local n=1 fresh=0
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --nodes) n="${2:-}"; shift 2 ;;
            --nodes=*) n="${1#*=}"; shift ;;
            --fresh) fresh=1; shift ;;
            *) usage ;;
        esac
    done
    [[ "$n" =~ ^[1-9]$ ]] || die "--nodes must be between 1 and 9"
    command -v curl >/dev/null || die "curl not found"
    check_hunspell_dir
    check_analysis_dir
    take_lock

    local running="" i
    if running="$(running_topology)"; then
        [[ "$running" -eq "$n" ]] || die "a cluster of $running node(s) is running; run '$0 stop' first"
        [[ "$fresh" -eq 0 ]] || die "--fresh needs the cluster stopped first"
        local missing=0
        for ((i = 1; i <= n; i++)); do node_alive "$n" "$i" || missing=1; done
        if [[ "$missing" -eq 0 ]]; then
            wait_healthy "$n"
            node_url 1
            return 0
        fi
    fi

    fetch_distribution
    # Never swap the plugin jar under nodes that are still running; a partial restart reuses the installed one.
    [[ -n "$running" ]] || install_plugin
    run_as_prefix
    local jdk heap
    jdk="$(java_home)"
    heap="${ES_HEAP:-$([[ "$n" -eq 1 ]] && echo 1g || echo 512m)}"
    [[ "$heap" =~ ^[0-9]+[mMgG]$ ]] || die "ES_HEAP must look like 512m or 1g, got '$heap'"
    if [[ "$fresh" -eq 1 ]]; then
        log "removing data of the $n-node cluster"
        rm -rf "$(cluster_dir "$n")"
    fi

    local started=() pids=() failed=0 port other
    for ((i = 1; i <= n; i++)); do
        node_alive "$n" "$i" && continue
        for port in "$(http_port "$i")" $((TRANSPORT_BASE_PORT + i - 1)); do
            port_in_use "$port" || continue
            if other=$(other_checkout_node "$port"); then
                # CI (ES_TAKE_OVER=1) must not fail on a node a developer left running in their checkout.
                [[ "${ES_TAKE_OVER:-}" == 1 ]] || die "port $port (node-$i) is held by a node of another" \
                    "checkout of the portal (pid $other): stop it there, or start with ES_TAKE_OVER=1"
                stop_pid "$other" "the node of another checkout on port $port"
            fi
            port_in_use "$port" && die "port $port (node-$i) is already in use by another process"
        done
    done
    for ((i = 1; i <= n; i++)); do
        node_alive "$n" "$i" && continue
        write_node_config "$n" "$i" "$heap"
        # Nodes of a multi-node cluster wait for each other, so they are launched side by side.
        launch_node "$n" "$i" "$jdk" &
        pids+=("$!")
        started+=("$i")
    done
    echo "$n" >"$STATE_FILE"
    if [[ ${#started[@]} -gt 0 ]]; then
        log "starting ${#started[@]} node(s) with heap $heap: ${started[*]/#/node-}"
        for i in "${!pids[@]}"; do
            wait "${pids[$i]}" || { failed=1; log "node-${started[$i]} failed to start"; }
        done
        if [[ "$failed" -eq 1 ]]; then
            show_node_logs "$n"
            for ((i = 1; i <= n; i++)); do stop_node "$n" "$i"; done
            rm -f "$STATE_FILE"
            die "Elasticsearch did not start"
        fi
    fi
    wait_healthy "$n"
    node_url 1
}

cmd_stop() {
    local only=""
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --node) only="${2:-}"; shift 2 ;;
            --node=*) only="${1#*=}"; shift ;;
            *) usage ;;
        esac
    done
    take_lock
    local n i
    if ! n="$(running_topology)"; then
        log "not running"
        rm -f "$STATE_FILE"
        return 0
    fi
    if [[ -n "$only" ]]; then
        [[ "$only" =~ ^[0-9]+$ && "$only" -ge 1 && "$only" -le "$n" ]] || die "--node must be between 1 and $n"
        stop_node "$n" "$only"
        return 0
    fi
    for ((i = n; i >= 1; i--)); do stop_node "$n" "$i"; done
    rm -f "$STATE_FILE"
}

cmd_status() {
    local n i state pid h
    if ! n="$(running_topology)"; then
        echo "not running"
        return 3
    fi
    for ((i = 1; i <= n; i++)); do
        if node_alive "$n" "$i"; then
            pid="$(node_pid "$n" "$i")"
            state="running (pid $pid, rss $(awk '/VmRSS/ {print int($2 / 1024) " MiB"}' "/proc/$pid/status" 2>/dev/null))"
        else
            state="stopped"
        fi
        echo "node-$i $(node_url "$i") $state"
    done
    if h="$(health "$n")"; then
        echo "cluster: status ${h% *}, ${h#* } node(s)"
    else
        echo "cluster: unreachable"
        return 1
    fi
}

cmd_url() {
    local n=1 i
    if [[ "${1:-}" == "--all" ]]; then
        n="$(running_topology || echo 1)"
        for ((i = 1; i <= n; i++)); do node_url "$i"; done
    else
        node_url 1
    fi
}

cmd_wait() {
    local n
    n="$(running_topology)" || die "not running; use '$0 start'"
    wait_healthy "$n"
    node_url 1
}

main() {
    local cmd="${1:-}"
    [[ $# -gt 0 ]] && shift
    case "$cmd" in
        start) cmd_start "$@" ;;
        stop) cmd_stop "$@" ;;
        status) cmd_status "$@" ;;
        url) cmd_url "$@" ;;
        wait) cmd_wait "$@" ;;
        *) usage ;;
    esac
}

main "$@"
