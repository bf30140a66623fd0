#!/usr/bin/env bash
# Prepares a fresh Debian 12 (bookworm) machine for building and testing ehrflow. Idempotent: it checks each
# piece and installs only what is missing, so a second run does nothing.
#
#   1. a JDK 17 and Maven
#   2. postgresql-15 (server binaries used by local-stack's LocalPostgres) and postgresql-server-dev-15 (PGXS)
#   3. pgvector, built from Debian trixie's *source* package (bookworm's pgvector is too old): a deb-src-only
#      entry for trixie is added to /etc/apt/sources.list.d/; no binary trixie package is ever installed.
#   then Tesseract OCR, and MariaDB 10.11 server binaries for the second CDC engine (local-stack's LocalMariaDb)
#
# The postgresql-15 package starts a default cluster on port 5432; it is left alone. ehrflow never uses it:
# LocalPostgres runs its own clusters on free loopback ports.
#
# Needs root only when something must be installed (uses sudo when run as another user), and network access
# to the Debian mirror only then.
set -Eeuo pipefail

PG_MAJOR=15
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
VECTOR_CONTROL="/usr/share/postgresql/${PG_MAJOR}/extension/vector.control"
TRIXIE_SRC_LIST=/etc/apt/sources.list.d/ehrflow-trixie-src.sources
DEFAULT_MIRROR=http://deb.debian.org/debian

STEP="start"
HINT=""
START_SECONDS=$SECONDS
WORK_DIR=""
declare -a DONE=()

on_error() {
    local code=$?
    echo "setup.sh: FAILED in step '${STEP}' (exit ${code}, line $1)." >&2
    if [[ -n "$HINT" ]]; then
        echo "setup.sh: what to do: ${HINT}" >&2
    fi
    exit "$code"
}
cleanup() {
    if [[ -n "$WORK_DIR" ]]; then
        rm -rf "$WORK_DIR"
    fi
}
trap 'on_error $LINENO' ERR
trap cleanup EXIT

fail() {
    echo "setup.sh: FAILED in step '${STEP}': $*" >&2
    exit 1
}

log() {
    echo "setup.sh: $*"
}

# --- privileges ------------------------------------------------------------------------------------------------
# Root is needed only when something must be installed, so a complete machine passes as any user.
as_root() {
    if [[ "$(id -u)" -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        fail "must run '$1 ...' as root, but this is not root and sudo is not installed: run this script as root (e.g. 'su -c \"bash scripts/setup.sh\"')."
    fi
}

STEP="platform"
command -v apt-get >/dev/null 2>&1 || fail "apt-get not found: this script supports Debian 12 (bookworm) only."
if [[ -r /etc/os-release ]]; then
    # shellcheck disable=SC1091
    . /etc/os-release
    if [[ "${ID:-}" != "debian" || "${VERSION_CODENAME:-}" != "bookworm" ]]; then
        log "warning: written for Debian 12 (bookworm), found ${PRETTY_NAME:-unknown}; continuing."
    fi
fi

# --- apt helpers -----------------------------------------------------------------------------------------------
APT_UPDATED=0
apt_update_once() {
    if [[ "$APT_UPDATED" -eq 0 ]]; then
        log "apt-get update"
        HINT="check network access to the Debian mirror and the files in /etc/apt/sources.list.d/ (${TRIXIE_SRC_LIST} is ours)."
        as_root apt-get update -qq
        APT_UPDATED=1
    fi
}

pkg_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# Installs the given packages that are not installed yet (one apt-get update first, once per run).
ensure_packages() {
    local missing=()
    local p
    for p in "$@"; do
        pkg_installed "$p" || missing+=("$p")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        return 0
    fi
    apt_update_once
    log "installing ${missing[*]}"
    HINT="run 'apt-get install ${missing[*]}' by hand to see the full error."
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    DONE+=("${missing[@]}")
}

# The mirror of the configured bookworm sources (deb822 *.sources or one-line *.list), so trixie's sources come
# from the same place; falls back to deb.debian.org.
debian_mirror() {
    local files=()
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [[ -f "$f" && "$f" != "$TRIXIE_SRC_LIST" ]] && files+=("$f")
    done
    local mirror=""
    if [[ ${#files[@]} -gt 0 ]]; then
        mirror=$(awk '
            # one-line format: deb [options] URI suite components...
            /^[[:space:]]*deb[[:space:]]/ {
                i = 2
                if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                if ($(i + 1) == "bookworm") { print $i; exit }
            }
            # deb822 format: stanzas separated by blank lines
            /^[[:space:]]*$/ { if (types ~ /(^| )deb( |$)/ && suites ~ /(^| )bookworm( |$)/ && uri != "") { print uri; exit }
                               types = ""; suites = ""; uri = "" }
            /^Types:/  { sub(/^Types:[[:space:]]*/, ""); types = $0 }
            /^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
            /^URIs:/   { uri = $2 }
            END { if (types ~ /(^| )deb( |$)/ && suites ~ /(^| )bookworm( |$)/ && uri != "") print uri }
        ' "${files[@]}" | head -n 1)
    fi
    echo "${mirror:-$DEFAULT_MIRROR}"
}

# --- 1. JDK 17 and Maven ---------------------------------------------------------------------------------------
STEP="jdk"
java_major() {
    # prints the major version of the java on PATH, or nothing
    command -v java >/dev/null 2>&1 || return 0
    java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ { print $2; exit }'
}
JAVA_MAJOR=$(java_major)
if [[ -z "$JAVA_MAJOR" || "$JAVA_MAJOR" -lt 17 ]] || ! command -v javac >/dev/null 2>&1; then
    ensure_packages openjdk-17-jdk-headless
    JAVA_MAJOR=$(java_major)
    [[ -n "$JAVA_MAJOR" && "$JAVA_MAJOR" -ge 17 ]] \
        || fail "openjdk-17-jdk-headless is installed but 'java' on PATH is ${JAVA_MAJOR:-missing}: select it with 'update-alternatives --config java'."
fi

STEP="maven"
if ! command -v mvn >/dev/null 2>&1; then
    ensure_packages maven
fi

# --- 2. PostgreSQL 15 server and PGXS ---------------------------------------------------------------------------
STEP="postgresql"
NEED_VECTOR=0
[[ -f "$VECTOR_CONTROL" ]] || NEED_VECTOR=1

if [[ "$NEED_VECTOR" -eq 1 ]]; then
    # Added before any apt-get update so that a single update serves every install of this run.
    STEP="pgvector source list"
    MIRROR=$(debian_mirror)
    KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
    WANTED="Types: deb-src
URIs: ${MIRROR}
Suites: trixie
Components: main"
    if [[ -f "$KEYRING" ]]; then
        WANTED="${WANTED}
Signed-By: ${KEYRING}"
    fi
    if [[ ! -f "$TRIXIE_SRC_LIST" ]] || [[ "$(cat "$TRIXIE_SRC_LIST")" != "$WANTED" ]]; then
        log "adding deb-src (source only) for Debian trixie from ${MIRROR} in ${TRIXIE_SRC_LIST}"
        HINT="check that /etc/apt/sources.list.d/ is writable (are you root?)."
        printf '%s\n' "$WANTED" | as_root tee "$TRIXIE_SRC_LIST" >/dev/null
        APT_UPDATED=0
    fi
fi

STEP="postgresql"
ensure_packages postgresql-15 postgresql-server-dev-15
[[ -x "$PG_CONFIG" ]] || fail "postgresql-server-dev-15 is installed but ${PG_CONFIG} is missing: reinstall it ('apt-get install --reinstall postgresql-server-dev-15')."

# --- 3. pgvector from Debian trixie's source package ------------------------------------------------------------
if [[ "$NEED_VECTOR" -eq 1 ]]; then
    STEP="pgvector build tools"
    ensure_packages dpkg-dev build-essential

    STEP="pgvector source download"
    apt_update_once
    WORK_DIR=$(mktemp -d /tmp/ehrflow-pgvector.XXXXXX)
    # apt's _apt sandbox user must be able to write the download directory
    chmod 0755 "$WORK_DIR"
    HINT="the trixie source index may be missing: run 'apt-get update' and 'apt-cache showsrc pgvector', check ${TRIXIE_SRC_LIST}."
    log "downloading the pgvector source package from trixie"
    if ! (cd "$WORK_DIR" && apt-get source pgvector/trixie >"$WORK_DIR/source.log" 2>&1); then
        cat "$WORK_DIR/source.log" >&2
        fail "apt-get source pgvector/trixie failed. ${HINT}"
    fi
    SRC_DIR=$(find "$WORK_DIR" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
    [[ -n "$SRC_DIR" && -f "$SRC_DIR/Makefile" ]] || fail "apt-get source pgvector/trixie did not unpack a source tree in ${WORK_DIR}."

    STEP="pgvector build"
    HINT="see the compiler output above; PGXS comes from postgresql-server-dev-15, the compiler from build-essential."
    log "building $(basename "$SRC_DIR") for PostgreSQL ${PG_MAJOR}"
    # OPTFLAGS="": no -march=native, so the library also runs on other CPUs of the same architecture
    make -s -C "$SRC_DIR" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" -j "$(nproc)" >/dev/null
    STEP="pgvector install"
    as_root make -s -C "$SRC_DIR" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" install >/dev/null
    [[ -f "$VECTOR_CONTROL" ]] || fail "make install finished but ${VECTOR_CONTROL} is missing."
    DONE+=("$(basename "$SRC_DIR") (from trixie source)")
fi

# --- 4. test tools: headless Chromium (status-page test) and promtool (alert-rule tests) -------------------------
STEP="test tools"
ensure_packages chromium prometheus
# Debian starts the prometheus service where an init system runs; this project only needs its promtool binary.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
    as_root systemctl disable --now prometheus >/dev/null 2>&1 || true
fi

# --- 5. OCR for scanned documents (issue 12: document-extractor) ------------------------------------------------
STEP="Tesseract OCR"
ensure_packages tesseract-ocr tesseract-ocr-eng
command -v tesseract >/dev/null 2>&1 || fail "tesseract-ocr is installed but 'tesseract' is not on PATH."

# --- 6. MariaDB server binaries (issue 14: the second CDC engine; local-stack's LocalMariaDb) ---------------------
# Debian 12 ships MariaDB 10.11. The package may start a default server on port 3306 (where services run); it is
# left alone: LocalMariaDb runs its own mariadbd in a temporary directory on a free loopback port.
STEP="MariaDB server"
ensure_packages mariadb-server
[[ -x /usr/sbin/mariadbd && -x /usr/bin/mariadb-install-db ]] \
    || fail "mariadb-server is installed but /usr/sbin/mariadbd or /usr/bin/mariadb-install-db is missing."

# --- summary ---------------------------------------------------------------------------------------------------
STEP="summary"
VECTOR_VERSION=$(awk -F"'" '/^default_version/ { print $2 }' "$VECTOR_CONTROL")
if [[ ${#DONE[@]} -eq 0 ]]; then
    ACTION="nothing to do"
else
    ACTION="installed: ${DONE[*]}"
fi
echo "setup.sh: OK in $((SECONDS - START_SECONDS))s (${ACTION}; java ${JAVA_MAJOR}, $(mvn -B -v 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | awk 'NR == 1 { print "Maven", $3 }'), PostgreSQL $("$PG_CONFIG" --version | awk '{ print $2 }'), pgvector ${VECTOR_VERSION})"
