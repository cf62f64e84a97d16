"""The kernel manager and the Execute step that run graded notebooks in the sandbox.

Where the kernel's files live (nothing of the host is writable from inside the sandbox):

* on the host, one fresh folder per kernel (``nncourse-kernel-*``, under ``$NNCOURSE_SCRATCH`` when
  the grading run gives one, else the system's temporary folder) holds what the grader prepares:
  the kernel's connection files (the grader's, and the sandbox's copy) and the staged copy of the
  notebook's folder. The sandbox's copy and the staged folder are mounted read-only into the
  sandbox; the folder itself is not mounted at all.
* the kernel's Unix sockets live on a small tmpfs *inside* the sandbox (:data:`INSIDE_IPC`); the
  grader reaches them through ``/proc/<sandbox pid>/root``, which opens the sandbox's own mount
  namespace. The sandbox writes nowhere on the host.
* the host folder is removed when the kernel is shut down, when it fails to start, and at the
  latest when the kernel manager is collected; a grading run that is killed outright leaves it in
  its scratch folder, which the grading process's parent removes (grader.classgrade).

What the grader accepts from the kernel is bounded too: each message at most
``c.Sandbox.output_bytes`` (ZMQ drops the connection over a larger one) and all the outputs of a
notebook together at most the same; past either, the notebook is reported as too large to grade.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
import weakref
from pathlib import Path

import zmq
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.utils import ensure_async
from jupyter_core.utils import run_sync
from nbgrader.preprocessors import Execute
from traitlets import CaselessStrEnum, Enum, Unicode

from ..safefiles import size_text
from ..timing import phase
from . import Sandbox, check, exposed_paths

SANDBOX_KERNEL = "nncourse-sandbox"
#: Where the kernel's sockets are, inside the sandbox (a path that does not exist on the host).
INSIDE_IPC = "/nncourse-kernel-ipc"
START_SECONDS = 120


class OutputTooLargeError(RuntimeError):
    """A notebook's outputs exceed what the grader accepts (c.Sandbox.output_bytes)."""


def _host_folder() -> str:
    """A fresh folder for one kernel, searchable (not listable) by the sandbox's uid."""
    scratch = os.environ.get("NNCOURSE_SCRATCH") or tempfile.gettempdir()
    if os.geteuid() == 0:   # the sandbox runs as another uid, which must pass through every parent
        closed = [str(p) for p in (Path(scratch), *Path(scratch).parents) if not os.stat(p).st_mode & 0o001]
        if closed:
            raise RuntimeError("the grading sandbox's user cannot reach %s: %s must be searchable by other "
                               "users (chmod o+x), or set TMPDIR to a folder that is" % (scratch, closed[0]))
    folder = tempfile.mkdtemp(prefix="nncourse-kernel-", dir=scratch)
    os.chmod(folder, 0o711)
    return folder


def _children(pid: int) -> list[int]:
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


class SandboxKernelManager(AsyncKernelManager):
    """Starts kernels through :mod:`grader.sandbox.launch`, talking over Unix sockets.

    A network namespace cuts TCP, so the kernel and the grader talk over Unix sockets. The kernel
    binds them on a tmpfs inside the sandbox; once the sandbox's first process exists, ``ip`` points
    at the same place through ``/proc/<pid>/root`` (an absolute path: a relative one hangs).
    """

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sandboxed = True
        self._host_dir = ""
        self._remove_host_dir = None

    @property
    def kernel_spec(self) -> KernelSpec:
        return KernelSpec(argv=[sys.executable, "-m", "grader.sandbox.launch", "-f", "{connection_file}"],
                          display_name="Python 3 (grading sandbox)", language="python",
                          interrupt_mode="message", env={}, metadata={}, resource_dir="")

    def _settings(self) -> dict:
        sandbox = Sandbox(config=self.config)
        return {"sandboxed": self.sandboxed, "uid": sandbox.uid, "bwrap": sandbox.bwrap,
                "python": sys.executable, "host_dir": self._host_dir, "inside_ipc": INSIDE_IPC,
                "expose": exposed_paths(),
                **{name: getattr(sandbox, name) for name in (
                    "memory_bytes", "processes", "cpu_seconds", "file_bytes", "open_files",
                    "tmp_bytes", "home_bytes")}}

    def client(self, **kwargs):
        """A client whose sockets refuse any message over c.Sandbox.output_bytes."""
        kc = super().client(**kwargs)
        kc.context.setsockopt(zmq.MAXMSGSIZE, Sandbox(config=self.config).output_bytes)
        return kc

    async def _async_pre_start_kernel(self, **kw):
        if not self._host_dir:
            self._host_dir = _host_folder()
            self._remove_host_dir = weakref.finalize(self, shutil.rmtree, self._host_dir, True)
        if not self.connection_file:    # else a temporary file that a killed grader would leave behind
            self.connection_file = os.path.join(self._host_dir, "kernel.json")
        # ports are chosen against this (empty) path; the sockets themselves are made inside
        self.ip = os.path.join(self._host_dir, "k")
        env = dict(kw.get("env") or os.environ)
        env["NNCOURSE_SANDBOX"] = json.dumps(self._settings())
        kw["env"] = env
        return await super()._async_pre_start_kernel(**kw)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        try:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        except BaseException:
            self._forget_host_dir()
            raise

    async def _async_post_start_kernel(self, **kw):
        try:
            if self.sandboxed:
                self.ip = "/proc/%d/root%s/k" % (await self._sandbox_pid(), INSIDE_IPC)
            await super()._async_post_start_kernel(**kw)
        except BaseException:
            await self._kill_launcher()
            self._forget_host_dir()
            raise

    async def _sandbox_pid(self) -> int:
        """The first process inside the sandbox: the launcher's child once it has become bubblewrap."""
        launcher = self.provisioner.process
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            children = _children(launcher.pid)
            if children:
                return children[0]
            if launcher.poll() is not None:
                raise RuntimeError("the grading sandbox did not start (its launcher exited with code %s; "
                                   "see the log above)" % launcher.returncode)
            await asyncio.sleep(0.02)
        raise RuntimeError("the grading sandbox did not start within %d s" % START_SECONDS)

    async def _kill_launcher(self) -> None:
        process = getattr(self.provisioner, "process", None) if self.provisioner else None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    def _forget_host_dir(self) -> None:
        if self._remove_host_dir is not None:
            self._remove_host_dir()
        self._host_dir = ""

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # After SIGKILL the sandbox is gone within milliseconds: look every 5 ms instead of every 100
        # (jupyter_client's KernelManager waits for a killed kernel with this method).
        await super()._async_wait(pollinterval=min(pollinterval, 0.005))

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        try:
            await super()._async_cleanup_resources(restart)
        finally:
            if not restart:
                self._forget_host_dir()

    # AsyncKernelManager binds this name to the base coroutine; nbclient calls it after a kernel
    # died (without a shutdown), so bind it here too or the folder would stay behind
    cleanup_resources = _async_cleanup_resources


def _content_bytes(value) -> int:
    """About how many bytes a message's content holds (its strings, through dicts and lists)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(len(k) + _content_bytes(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return sum(_content_bytes(v) for v in value)
    return 8


class SandboxedExecute(Execute):
    """nbgrader's Execute, always in the sandbox kernel whatever the notebook's metadata says.

    Refuses (SandboxUnavailable, naming the fix) where the sandbox cannot start,
    unless the instructor allowed unsandboxed grading; then it says so in the
    resources, and the verdicts and reports repeat it. Stops with OutputTooLargeError
    when the kernel sends more than c.Sandbox.output_bytes.
    """

    kernel_name = Unicode(SANDBOX_KERNEL, help="The sandbox kernel; not configurable on purpose")
    # Once the last cell has answered and its outputs are in, nothing more can come from the kernel:
    # stop it at once (its sandbox dies with it) instead of asking it to shut down and waiting
    # (about 0.5 s per notebook).
    shutdown_kernel = Enum(["graceful", "immediate"], default_value="immediate",
                           help="How the kernel is stopped after the last cell").tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxKernelManager)
        super().__init__(*args, **kwargs)

    def preprocess(self, nb, resources=None, *args, **kwargs):
        with phase("sandbox check"):
            warning = check(self.config)
        self.kernel_name = SANDBOX_KERNEL
        if warning:
            self.log.warning(warning)
            if resources is not None:
                resources["nncourse_unsandboxed"] = warning
        self._sandboxed = warning is None
        self._output_limit = Sandbox(config=self.config).output_bytes
        self._output_seen = 0
        self._too_large = ""
        self._watchers = []
        key = (resources or {}).get("unique_key")
        self._notebook_name = key + ".ipynb" if key else "the notebook"
        try:
            with phase("execution"):   # less the kernel's start and shutdown, timed below
                return super().preprocess(nb, resources, *args, **kwargs)
        except Exception as exc:
            if self._too_large:
                raise OutputTooLargeError(self._too_large) from exc
            raise
        finally:
            self._close_watchers()

    def start_new_kernel(self, **kwargs):
        with phase("kernel start"):
            return super().start_new_kernel(**kwargs)

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        km.sandboxed = getattr(self, "_sandboxed", True)
        return km

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        self._watch_disconnects(kc)
        return kc

    # nbclient binds its synchronous entry points to its own coroutines: bind them to these (and time them)
    _start_new_kernel_client = run_sync(async_start_new_kernel_client)

    def start_new_kernel_client(self):
        with phase("kernel start"):   # waits until the kernel answers
            return self._start_new_kernel_client()

    def _watch_disconnects(self, kc) -> None:
        """ZMQ drops a connection that brings a message over the size limit, without a word; watch
        the shell and IOPub sockets for it."""
        shadow = zmq.Context.shadow(kc.context.underlying)
        for channel in (kc.shell_channel, kc.iopub_channel):
            address = "inproc://nncourse-watch-%d-%d" % (id(self), id(channel))
            channel.socket.monitor(address, zmq.EVENT_DISCONNECTED)
            watcher = shadow.socket(zmq.PAIR)
            watcher.connect(address)
            self._watchers.append(watcher)

    def _close_watchers(self) -> None:
        """Before the client's context is destroyed: it waits for every socket of it to close."""
        for watcher in self._watchers:
            watcher.close(linger=0)
        self._watchers = []

    async def _async_cleanup_kernel(self):
        self._close_watchers()
        await super()._async_cleanup_kernel()

    _sync_cleanup_kernel = run_sync(_async_cleanup_kernel)

    def _cleanup_kernel(self):
        with phase("kernel shutdown"):
            return self._sync_cleanup_kernel()

    def _too_large_message(self, cell_index: int, what: str) -> str:
        return ("%s is too large to grade: its cell %d %s, more than %s (c.Sandbox.output_bytes)"
                % (self._notebook_name, cell_index + 1, what, size_text(self._output_limit)))

    def process_message(self, msg, cell, cell_index):
        if msg["msg_type"] != "status":
            self._output_seen += _content_bytes(msg.get("content"))
            if self._output_seen > self._output_limit:
                if not self._too_large:
                    self._too_large = self._too_large_message(cell_index, "sent outputs beyond the limit")
                    asyncio.ensure_future(ensure_async(self.km.interrupt_kernel()))
                return None     # dropped: nothing more of this notebook's output is kept
        return super().process_message(msg, cell, cell_index)

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        try:
            result = await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        except Exception:
            await self._check_dropped(cell_index)
            raise
        await self._check_dropped(cell_index)
        if self._too_large:
            raise OutputTooLargeError(self._too_large)
        return result

    execute_cell = run_sync(async_execute_cell)

    async def _check_dropped(self, cell_index: int) -> None:
        if self._too_large or not any(w.poll(0) for w in self._watchers):
            return
        if await ensure_async(self.km.is_alive()):
            self._too_large = self._too_large_message(cell_index, "sent a single message larger than the limit")
            raise OutputTooLargeError(self._too_large)
