#!/bin/sh
# What the workbook needs from the machine, checked before `make` does anything, with the command that
# installs what is missing (Debian 12 and Ubuntu package names). Usage: scripts/prerequisites.sh PYTHON GOAL...
# Missing for every goal: Python 3.11 and its venv module (error). For demo, keys and grade: bubblewrap and
# libseccomp, the grading sandbox (error, unless NNCOURSE_ALLOW_UNSANDBOXED=1). For test: chromium and Node.js with npm
# (a note: the browser and classroom tests are skipped without them).
python=$1
shift
missing=0
say() { printf '%s\n' "$*" >&2; }

if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    say "missing: Python 3.11 ('$python' is not it): sudo apt-get install python3.11 python3.11-venv," \
        "or run e.g. 'make PYTHON=/path/to/python3.11 ...'"
    missing=1
elif ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
    say "missing: Python 3.11's venv module: sudo apt-get install python3.11-venv"
    missing=1
fi

sandbox() {
    if ! command -v bwrap >/dev/null 2>&1; then
        say "missing: bubblewrap, the grading sandbox: sudo apt-get install bubblewrap"
        missing=1
    fi
    if ! "$python" -c 'import ctypes.util, sys; sys.exit(ctypes.util.find_library("seccomp") is None)' 2>/dev/null; then
        say "missing: libseccomp, which builds the grading sandbox's seccomp filter: sudo apt-get install libseccomp2"
        missing=1
    fi
}

for goal in "$@"; do
    case "$goal" in
    demo|keys|grade)
        if [ -z "${NNCOURSE_ALLOW_UNSANDBOXED:-}" ]; then
            sandbox
        fi ;;
    test)
        sandbox
        if [ ! -x /usr/bin/chromium ]; then
            say "note: no /usr/bin/chromium, so the browser tests will be skipped: sudo apt-get install chromium"
        fi
        if ! command -v node >/dev/null 2>&1; then
            say "note: no Node.js, so the classroom test will be skipped: sudo apt-get install nodejs"
        elif ! command -v npm >/dev/null 2>&1; then
            say "note: Node.js without npm, so the classroom test will be skipped: sudo apt-get install npm"
        fi ;;
    esac
done
exit $missing
