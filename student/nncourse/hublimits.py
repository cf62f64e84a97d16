"""On the course's JupyterHub: when the hub's limits stop a student's work, the notebook says which and what to do.

The hub gives each student's server (with its kernels and the programs they start) a memory limit and a
number of processes and threads (docs/classroom.md, "Limits"); it hands them to the server in the variable
``NNCOURSE_LIMITS``. Past the memory limit the kernel is killed and JupyterLab restarts it, saying only that
it "appears to have died"; at the process limit new processes fail with "Resource temporarily unavailable".
Neither says why.

:class:`LimitsAwareConnection` is the student server's kernel websocket connection (configured in the student
environment: ``ServerApp.kernel_websocket_connection_class``). It notes, for each cell the student runs, the
counters of the student's control group (kills at the memory limit, refusals at the process limit); when the
cell ends, or the kernel dies while it runs, and a counter went up meanwhile, it writes into that cell's
output which limit was met and what to do, before JupyterLab hears that the kernel restarts. Without
``NNCOURSE_LIMITS`` (no hub, or limits off) it is jupyter_server's own connection.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

LIMITS_ENV = "NNCOURSE_LIMITS"
V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def own_groups() -> dict[str, Path]:
    """This process's control-group folders for the memory and pids controllers (v1 or v2)."""
    mounts = {}
    for line in _read(Path("/proc/self/mountinfo")).splitlines():
        left, _, right = line.partition(" - ")
        fields, kind = left.split(), right.split()
        if kind and kind[0] == "cgroup2":
            mounts.setdefault("unified", (fields[3], Path(fields[4])))
        elif kind and kind[0] == "cgroup":
            for option in kind[2].split(","):
                mounts.setdefault(option, (fields[3], Path(fields[4])))
    groups = {}
    for line in _read(Path("/proc/self/cgroup")).splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else ["unified"]:
            if controller in mounts:
                root, point = mounts[controller]
                groups[controller] = point / os.path.relpath(path, root)
    if "memory" not in groups and "unified" in groups:
        groups["memory"] = groups["pids"] = groups["unified"]
    return groups


def _keyed(path: Path) -> dict[str, int]:
    pairs = (line.split() for line in _read(path).splitlines())
    return {p[0]: int(p[1]) for p in pairs if len(p) == 2 and p[1].isdigit()}


def counters(groups: dict[str, Path]) -> dict[str, int]:
    """How often the student's group met its limits so far: kills at the memory limit, refused new tasks."""
    memory, pids = groups.get("memory"), groups.get("pids")
    found = {"oom_kills": 0, "tasks_refused": 0}
    if memory:
        events = _keyed(memory / "memory.events") or _keyed(memory / "memory.oom_control")
        found["oom_kills"] = events.get("oom_kill", 0)
    if pids:
        found["tasks_refused"] = _keyed(pids / "pids.events").get("max", 0)
    return found


def _size(size: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20)):
        if size >= scale:
            return "%s %s" % (("%.2f" % (size / scale)).rstrip("0").rstrip("."), unit)
    return "%d bytes" % size


def explain(before: dict, after: dict, limits: dict, kernel_died: bool) -> str:
    """What the student reads when a counter went up between ``before`` and ``after`` ("" when none did)."""
    parts = []
    if after["oom_kills"] > before["oom_kills"]:
        what = "this kernel" if kernel_died else "a program this cell ran"
        parts.append(
            "\u26d4 The hub stopped %s: your notebooks and the programs they run used more than %s of memory "
            "together, the limit of each student on this hub.%s\n"
            "What to do: run again, from the top, only the cells you need. Make big arrays smaller (fewer "
            "examples, float32 instead of float64), delete those you no longer need (del name), and shut down "
            "the kernels of the notebooks you are not using (Kernel > Shut Down Kernel). If a notebook of the "
            "course needs more, tell your instructor." % (
                what, _size(limits.get("memory", 0)),
                " The kernel restarts: its variables are lost." if kernel_died else ""))
    if after["tasks_refused"] > before["tasks_refused"]:
        parts.append(
            "\u26d4 Your notebooks and the programs they run reached %d processes and threads, the limit of each "
            "student on this hub: new ones could not start (\"Resource temporarily unavailable\").\n"
            "What to do: stop the code that starts processes or threads in a loop (Kernel > Restart Kernel ends "
            "this kernel and the programs it started), and shut down the kernels you are not using."
            % limits.get("tasks", 0))
    return "\n\n".join(parts)


class LimitsAwareConnection(ZMQChannelsWebsocketConnection):
    """jupyter_server's kernel websocket connection that tells the student, in the cell's output, when the
    hub's limits stopped what the cell ran (see the module's docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        raw = os.environ.get(LIMITS_ENV, "")
        self._limits = json.loads(raw) if raw else None
        self._groups = own_groups() if self._limits else {}
        self._running: dict[str, tuple[dict, dict]] = {}   # msg_id -> (request header, counters at the request)

    # -- the student's requests
    def handle_incoming_message(self, incoming_msg) -> None:
        if self._limits is not None:
            try:
                self._note_request(incoming_msg)
            except Exception:   # never let the notes stop a message
                self.log.exception("nncourse.hublimits: could not read a request")
        super().handle_incoming_message(incoming_msg)

    def _note_request(self, incoming_msg) -> None:
        if self.subprotocol == V1_PROTOCOL:
            channel, msg_list = deserialize_msg_from_ws_v1(incoming_msg)
            header = self.session.unpack(msg_list[0])
        else:
            msg = json.loads(incoming_msg) if isinstance(incoming_msg, str) else {}
            channel, header = msg.get("channel"), msg.get("header") or {}
        if channel == "shell" and header.get("msg_type") == "execute_request":
            self._running[header["msg_id"]] = (header, counters(self._groups))

    # -- the kernel's answers
    def handle_outgoing_message(self, stream, outgoing_msg) -> None:
        if self._limits is not None and self._running:
            try:
                self._check_finished(stream, outgoing_msg)
            except Exception:
                self.log.exception("nncourse.hublimits: could not read a kernel message")
        super().handle_outgoing_message(stream, outgoing_msg)

    def _check_finished(self, stream, outgoing_msg) -> None:
        channel = stream if isinstance(stream, str) else getattr(stream, "channel", None)
        if channel != "iopub":
            return
        _, parts = self.session.feed_identities(outgoing_msg)
        header = self.session.unpack(parts[1])   # parts[0] is the signature
        if header.get("msg_type") != "status":
            return
        parent = self.session.unpack(parts[2])
        if parent.get("msg_id") in self._running and self.session.unpack(parts[4]).get("execution_state") == "idle":
            request, before = self._running.pop(parent["msg_id"])
            text = explain(before, counters(self._groups), self._limits, kernel_died=False)
            if text:   # before the idle status, while JupyterLab still listens for this cell's output
                self.write_stderr(text, request)

    def on_kernel_restarted(self):
        if self._limits is not None and self._running:
            request, before = next(iter(self._running.values()))   # the cell that was running
            self._running.clear()
            text = explain(before, counters(self._groups), self._limits, kernel_died=True)
            if text:   # before the "restarting" status, after which JupyterLab drops the cell's output
                self.write_stderr(text, request)
        elif self._limits is not None:
            self._running.clear()
        super().on_kernel_restarted()
