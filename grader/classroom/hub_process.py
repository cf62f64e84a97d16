"""JupyterHub's own process: the command that starts it for a classroom, waiting for it, stopping it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from .accounts import require_root
from .settings import HUB_FILES, SAFE_PATH, STATE_ENV, Classroom, ClassroomError


def hub_command(classroom: Classroom) -> tuple[list[str], dict]:
    """The command line and environment that start JupyterHub for ``classroom`` (as root)."""
    env = dict(os.environ)
    env[STATE_ENV] = str(classroom.state)
    env["PATH"] = "%s:%s" % (classroom.instructor_env / "bin", env.get("PATH", SAFE_PATH))
    return [str(classroom.instructor_env / "bin" / "jupyterhub"), "-f", str(HUB_FILES / "jupyterhub_config.py")], env


def start(classroom: Classroom, log_file: Path | None = None) -> subprocess.Popen:
    """Start JupyterHub (and, through it, the proxy) in a process group of its own."""
    require_root()
    command, env = hub_command(classroom)
    output = open(log_file, "w") if log_file else None
    try:
        return subprocess.Popen(command, cwd=classroom.private, env=env, stdout=output, stderr=subprocess.STDOUT
                                if output else None, stdin=subprocess.DEVNULL, start_new_session=True)
    finally:
        if output:
            output.close()


def wait_until_up(classroom: Classroom, process: subprocess.Popen, timeout: float = 300,
                  log_file: Path | None = None) -> None:
    """Wait until the hub answers through the proxy (its API's version endpoint)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_file.read_text(errors="replace")[-3000:] if log_file and log_file.exists() else ""
            raise ClassroomError("JupyterHub exited with code %s\n%s" % (process.returncode, tail))
        try:
            with urllib.request.urlopen(classroom.url + "hub/api/", timeout=10) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    raise ClassroomError("JupyterHub did not answer at %s within %d s" % (classroom.url, timeout))


def stop(process: subprocess.Popen, timeout: float = 60) -> None:
    """Stop the hub (SIGTERM: it stops the user servers and the proxy it started), then its group."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
