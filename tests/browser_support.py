"""Helpers of the browser test: a JupyterLab server for a course copy, and Debian's Chromium.

Nothing here downloads anything: JupyterLab and nbgrader's extensions come from the virtual
environment, the browser is the system's /usr/bin/chromium (apt package `chromium`), driven by
Playwright's Python package over a pipe.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from conftest import REPO
from grader.course import Course

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 # containers often give /dev/shm 64 MB, too little for JupyterLab's page: use /tmp
                 "--disable-dev-shm-usage"]
SERVER_START_TIMEOUT = 240   # seconds; the machine may be loaded
# Generous: two shared cores, and every step may wait on a kernel or on nbgrader.
UI_TIMEOUT = 180_000        # ms: page loads, the kernel starting, a cell running
VALIDATE_TIMEOUT = 600_000  # ms: nbgrader runs the whole notebook in a fresh kernel


def released_copy(folder: Path, assignment: str) -> Course:
    """A private copy of the course in ``folder``/course with release/<assignment> generated (and in
    its gradebook) by the CLI, as an instructor does."""
    course = Course(REPO).copy_to(folder / "course")
    done = subprocess.run([sys.executable, "-m", "grader", "release", "--only", assignment],
                          cwd=course.root, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return course


@dataclass
class Lab:
    """A running JupyterLab: where it is and how to get in."""

    url: str          # http://127.0.0.1:<port>
    token: str
    log: Path

    def page_url(self, path: str) -> str:
        return "%s/%s%stoken=%s" % (self.url, path.lstrip("/"), "&" if "?" in path else "?", self.token)

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lab_environment(home: Path) -> dict:
    """The server's environment: the venv's tools first, and Jupyter's per-user folders (config,
    data, runtime, IPython) inside ``home`` so that nothing of the user's own setup is read or
    changed. The lab extensions and kernel spec of the venv are found through sys.prefix."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    for variable, folder in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                             ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")):
        (home / folder).mkdir(parents=True, exist_ok=True)
        env[variable] = str(home / folder)
    env.pop("JUPYTER_PATH", None)
    env.pop("JUPYTER_CONFIG_PATH", None)
    # No "Would you like to get notified about official Jupyter news?" toast over the screenshots,
    # and every cell of a notebook in the page (no windowing), so the test finds cells by their text.
    settings = home / "config" / "lab" / "user-settings" / "@jupyterlab"
    for plugin, values in (("apputils-extension/notification", {"fetchNews": "false"}),
                           ("notebook-extension/tracker", {"windowingMode": "none"})):
        path = settings / (plugin + ".jupyterlab-settings")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    return env


def _wait_until_serving(lab: Lab, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    request = urllib.request.Request(lab.url + "/api/status",
                                     headers={"Authorization": "token " + lab.token})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("JupyterLab exited with code %s:\n%s" % (process.returncode, lab.log_tail()))
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    raise RuntimeError("JupyterLab did not answer within %d s:\n%s" % (SERVER_START_TIMEOUT, lab.log_tail()))


@contextmanager
def running_lab(course_root: Path, home: Path):
    """JupyterLab (with nbgrader's extensions) serving ``course_root``, on 127.0.0.1 with a free
    port and a random token, no browser. Started from the course root, as `make lab` does, so
    that nbgrader reads the course's nbgrader_config.py. Stopped (with its kernels) on exit."""
    home.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(16)
    lab = Lab(url="http://127.0.0.1:%d" % port, token=token, log=home / "jupyterlab.log")
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", "--port=%d" % port,
               "--IdentityProvider.token=" + token, "--ServerApp.root_dir=" + str(course_root),
               "--ServerApp.allow_root=True",            # CI runs as root
               "--ServerApp.port_retries=0"]             # the port chosen, or fail
    with open(lab.log, "w") as log:
        process = subprocess.Popen(command, cwd=course_root, env=lab_environment(home), stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    try:
        _wait_until_serving(lab, process)
        yield lab
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Stop the server we started (SIGTERM: it shuts its kernels down), then its process group."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
    try:   # kernels the server could not stop in time live in the group it led
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@contextmanager
def chromium_page(profile: Path, viewport=(1400, 900)):
    """A page of Debian's Chromium, headless, with a fresh profile in ``profile``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": viewport[0], "height": viewport[1]})
        try:
            page = context.pages[0] if context.pages else context.new_page()
            yield page
        finally:
            context.close()


@contextmanager
def chromium_browser():
    """Debian's Chromium, headless, for tests that need several users at once: each gets a
    context of its own (``browser.new_context()``), with its own cookies."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class ScreenshotSeries:
    """Numbered screenshots ``<prefix>_NN_<what>.png`` in ``folder`` (earlier ones of the same prefix
    removed first), of any page, each path printed as it is written."""

    def __init__(self, folder: Path, prefix: str, capsys):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("%s_*.png" % prefix):
            old.unlink()
        self.folder, self.prefix, self.capsys, self.paths = folder, prefix, capsys, []

    def take(self, page, what: str) -> Path:
        path = self.folder / ("%s_%02d_%s.png" % (self.prefix, len(self.paths) + 1, what))
        page.screenshot(path=str(path))
        self.paths.append(path)
        with self.capsys.disabled():
            print("\nscreenshot: %s" % path)
        return path


# ---------------------------------------------------------------- working in an open notebook


def code_cell(page, text: str):
    """The one code cell of the open notebook whose text contains ``text``."""
    cells = page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-CodeCell").filter(has_text=text)
    assert cells.count() == 1, "expected one code cell containing %r, found %d" % (text, cells.count())
    return cells.first


def wait_for_idle_kernel(page, timeout: int = UI_TIMEOUT) -> None:
    page.wait_for_function(
        "() => (document.querySelector('#jp-main-statusbar') || {}).innerText?.includes('| Idle')",
        timeout=timeout)


def run_cell(page, cell, timeout: int = UI_TIMEOUT) -> None:
    """Run one cell the way a student does (click into it, Shift+Enter) once its kernel is ready, and wait until
    it ran. On a busy machine the editor can still be setting up when the first key press comes and drop it: a
    cell that is not even queued (its prompt still ``[ ]:``) after 20 s gets the key press again."""
    import re
    import time

    from playwright.sync_api import expect

    wait_for_idle_kernel(page, timeout)
    prompt = cell.locator(".jp-InputPrompt")
    deadline = time.monotonic() + timeout / 1000
    while True:
        cell.scroll_into_view_if_needed()
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        try:
            expect(prompt).not_to_have_text(re.compile(r"^\[\s*\]:$"), timeout=20_000)   # queued, or ran
            break
        except AssertionError:
            if time.monotonic() > deadline:
                raise
    expect(prompt).to_have_text(re.compile(r"\[\d+\]:"), timeout=timeout)
    wait_for_idle_kernel(page, timeout)


def type_answer(page, cell, line: str) -> None:
    """Replace the cell's ``raise NotImplementedError()`` line with ``line``, typed as a student would."""
    placeholder = cell.locator(".cm-line", has_text="raise NotImplementedError()")
    placeholder.scroll_into_view_if_needed()
    placeholder.click()
    page.keyboard.press("End")
    page.keyboard.press("Shift+Home")
    page.keyboard.insert_text(line)
