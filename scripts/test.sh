#!/usr/bin/env bash
# Installs what the test suite needs (system tmux for the end-to-end tests, the package with its
# test extras in a virtualenv) and runs the whole suite. Safe to run again: each step is skipped
# when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v tmux >/dev/null 2>&1; then
    echo "installing tmux (needed by tests/e2e)…"
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    if command -v apt-get >/dev/null 2>&1; then
        $SUDO apt-get update -qq && $SUDO apt-get install -y -qq tmux >/dev/null
    elif command -v dnf >/dev/null 2>&1; then
        $SUDO dnf install -y -q tmux
    elif command -v brew >/dev/null 2>&1; then
        brew install tmux
    else
        echo "tmux is missing and no known package manager was found: install tmux" >&2
        exit 1
    fi
fi

# The SSH end-to-end tests start their own sshd (on 127.0.0.1, with throwaway keys and config
# in a temp dir; the system's sshd service and its config are not used). They need the binary.
if ! command -v sshd >/dev/null 2>&1 && [ ! -x /usr/sbin/sshd ]; then
    echo "installing openssh-server (needed by tests/e2e/test_ssh_tmux.py)…"
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    if command -v apt-get >/dev/null 2>&1; then
        $SUDO apt-get update -qq && $SUDO apt-get install -y -qq openssh-server >/dev/null
    elif command -v dnf >/dev/null 2>&1; then
        $SUDO dnf install -y -q openssh-server openssh-clients
    else
        echo "sshd is missing and no known package manager was found: install openssh-server" >&2
        exit 1
    fi
fi

# zsh and fish run the generated completion scripts (tests/cli/test_completion.py).
if ! command -v zsh >/dev/null 2>&1 || ! command -v fish >/dev/null 2>&1; then
    echo "installing zsh and fish (needed by tests/cli/test_completion.py)…"
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    if command -v apt-get >/dev/null 2>&1; then
        { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq zsh fish >/dev/null; } ||
            echo "could not install zsh/fish: their completion tests will be skipped" >&2
    elif command -v dnf >/dev/null 2>&1; then
        $SUDO dnf install -y -q zsh fish || echo "could not install zsh/fish" >&2
    elif command -v brew >/dev/null 2>&1; then
        brew install zsh fish || echo "could not install zsh/fish" >&2
    else
        echo "zsh or fish is missing (their completion tests will be skipped)" >&2
    fi
fi

if [ -z "${VIRTUAL_ENV:-}" ]; then
    if [ ! -x .venv/bin/python ]; then
        python3 -m venv .venv
    fi
    # shellcheck disable=SC1091
    source .venv/bin/activate
fi
python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
python -m pip install -q -e '.[test]'
exec python -m pytest "$@"
