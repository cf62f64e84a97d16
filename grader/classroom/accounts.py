"""The classroom's local users: created with random passwords, run as, removed with their processes."""

from __future__ import annotations

import os
import pwd
import secrets
import signal
import subprocess
import time
from pathlib import Path

from ..processes import pids_of
from .settings import SAFE_PATH, ClassroomError, home_of


def require_root() -> None:
    if os.geteuid() != 0:
        raise ClassroomError("the classroom is set up and started as root (it creates users and starts "
                             "their servers): run it with sudo")


def user_exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
        return True
    except KeyError:
        return False


def run_command(command: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise ClassroomError("%s failed (%s):\n%s" % (what, " ".join(command[:3]), (done.stdout + done.stderr)[-2000:]))
    return done


def user_environment(user: str, env_bin: Path, extra: dict | None = None) -> dict:
    """A clean login-like environment for ``user`` with ``env_bin`` first on PATH."""
    account = pwd.getpwnam(user)
    env = {"HOME": account.pw_dir, "USER": user, "LOGNAME": user, "SHELL": account.pw_shell or "/bin/sh",
           "PATH": "%s:%s" % (env_bin, SAFE_PATH), "LANG": os.environ.get("LANG", "C.UTF-8")}
    env.update(extra or {})
    return env


def run_as(user: str, command: list[str], cwd: Path, env: dict, timeout: float | None = None,
           check: bool = True) -> subprocess.CompletedProcess:
    """Run ``command`` as ``user`` (uid, primary group, no supplementary groups), as a login would."""
    account = pwd.getpwnam(user)
    done = subprocess.run(command, cwd=cwd, env=env, user=account.pw_uid, group=account.pw_gid, extra_groups=[],
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if check and done.returncode != 0:
        raise ClassroomError("%s, as %s in %s, failed:\n%s"
                             % (" ".join(command), user, cwd, (done.stdout + done.stderr)[-3000:]))
    return done


def ensure_user(user: str, log=print) -> str | None:
    """Create ``user`` (home mode 0700) with a random password when missing; return the password,
    or None for an account that already existed (its password is left alone)."""
    created = None
    if not user_exists(user):
        run_command(["useradd", "--create-home", "--user-group", "--shell", "/bin/bash", user], "useradd %s" % user)
        created = secrets.token_urlsafe(9)
        run_command(["chpasswd"], "chpasswd %s" % user, input="%s:%s\n" % (user, created))
        log("created user %s" % user)
    os.chmod(home_of(user), 0o700)   # nobody reads anybody's work
    return created


def remove_user(user: str, log=print) -> None:
    """End the processes of ``user`` (by pid) and delete the account with its home."""
    if not user_exists(user):
        return
    uid = pwd.getpwnam(user).pw_uid
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids_of(uid):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while pids_of(uid) and time.monotonic() < deadline:
            time.sleep(0.2)
    run_command(["userdel", "--remove", user], "userdel %s" % user)
    log("removed user %s" % user)
