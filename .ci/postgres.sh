# Sourced by .ci/run: PostgreSQL server binaries on PATH, installed from the OS packages when missing, and
# CLAIMWATCH_TEST_POSTGRES=1 so that a server the tests cannot start fails them instead of skipping them.
# (tests/conftest.py starts a private server with initdb/pg_ctl for the session; nothing listens beforehand.)

_claimwatch_pg_bin() {
    # the newest /usr/lib/postgresql/<version>/bin holding initdb (Debian and Ubuntu install there)
    local dir found=""
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && found="$dir"
    done
    printf '%s' "$found"
}

if ! command -v initdb >/dev/null 2>&1 || ! command -v pg_ctl >/dev/null 2>&1; then
    if [ -z "$(_claimwatch_pg_bin)" ]; then
        if ! command -v apt-get >/dev/null 2>&1; then
            echo "PostgreSQL server binaries (initdb, pg_ctl) are missing and apt-get is not here: install them" >&2
            exit 1
        fi
        _claimwatch_sudo=""
        [ "$(id -u)" -ne 0 ] && _claimwatch_sudo="sudo"
        echo "installing PostgreSQL from the OS packages (apt-get install postgresql)"
        $_claimwatch_sudo apt-get update -q
        DEBIAN_FRONTEND=noninteractive $_claimwatch_sudo apt-get install -y -q postgresql
    fi
    PATH="$(_claimwatch_pg_bin):$PATH"
    export PATH
fi
echo "PostgreSQL for the tests: $(command -v initdb) ($(initdb --version))"
export CLAIMWATCH_TEST_POSTGRES=1
