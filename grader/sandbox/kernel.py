"""The kernel manager and the Execute step that run graded notebooks in the sandbox."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute
from traitlets import CaselessStrEnum, Enum, Unicode

from ..phases import phase
from . import Sandbox, check, exposed_paths

SANDBOX_KERNEL = "nncourse-sandbox"


class SandboxKernelManager(AsyncKernelManager):
    """Starts kernels through :mod:`grader.sandbox.launch`, talking over IPC sockets.

    A network namespace cuts TCP, so the kernel and the grader talk over Unix
    sockets in a fresh folder per kernel (an absolute path: a relative one makes
    the start hang).
    """

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._ipc_dir = tempfile.mkdtemp(prefix="nncourse-kernel-")
        self.ip = os.path.join(self._ipc_dir, "k")
        self.sandboxed = True

    @property
    def kernel_spec(self) -> KernelSpec:
        return KernelSpec(argv=[sys.executable, "-m", "grader.sandbox.launch", "-f", "{connection_file}"],
                          display_name="Python 3 (grading sandbox)", language="python",
                          interrupt_mode="message", env={}, metadata={}, resource_dir="")

    def _settings(self) -> dict:
        sandbox = Sandbox(config=self.config)
        return {"sandboxed": self.sandboxed, "uid": sandbox.uid, "bwrap": sandbox.bwrap,
                "python": sys.executable, "ipc_dir": self._ipc_dir, "expose": exposed_paths(),
                **{name: getattr(sandbox, name) for name in (
                    "memory_bytes", "processes", "cpu_seconds", "file_bytes", "open_files",
                    "tmp_bytes", "home_bytes")}}

    async def _async_pre_start_kernel(self, **kw):
        env = dict(kw.get("env") or os.environ)
        env["NNCOURSE_SANDBOX"] = json.dumps(self._settings())
        kw["env"] = env
        return await super()._async_pre_start_kernel(**kw)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # After SIGKILL the sandbox is gone within milliseconds: look every 5 ms instead of every 100
        # (jupyter_client's KernelManager waits for a killed kernel with this method).
        await super()._async_wait(pollinterval=min(pollinterval, 0.005))

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart)
        if not restart:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)


class SandboxedExecute(Execute):
    """nbgrader's Execute, always in the sandbox kernel whatever the notebook's metadata says.

    Refuses (SandboxUnavailable, naming the fix) where the sandbox cannot start,
    unless the instructor allowed unsandboxed grading; then it says so in the
    resources, and the verdicts and reports repeat it.
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
        with phase("execution"):   # less the kernel's start and shutdown, timed below
            return super().preprocess(nb, resources, *args, **kwargs)

    def start_new_kernel(self, **kwargs):
        with phase("kernel start"):
            return super().start_new_kernel(**kwargs)

    def start_new_kernel_client(self):
        with phase("kernel start"):   # waits until the kernel answers
            return super().start_new_kernel_client()

    def _cleanup_kernel(self):
        with phase("kernel shutdown"):
            return super()._cleanup_kernel()

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        km.sandboxed = getattr(self, "_sandboxed", True)
        return km
