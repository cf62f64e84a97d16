"""What each user of the classroom hub may take of the machine, and what the hub keeps for itself.

One student's notebook must not take the machine from the others, from the hub or from the grading service.
This module decides the limits and enforces them with what the machine offers (docs/classroom.md, "Limits"):

* :class:`Machine` is what there is (cores, memory, process ids, the homes' file system), as this process sees
  it (a container's own limits count);
* :func:`plan` turns that and the class's size into a :class:`Plan`: each user's memory, CPU cap and number of
  processes (and disk space where the homes' file system keeps user quotas), the students' pool, the share
  kept for the hub and for the grading service. Every default can be overridden in the classroom's settings;
* the plan is enforced by **systemd** where systemd runs (JupyterHub's SystemdSpawner, one unit per server,
  as The Littlest JupyterHub does) or else by **control groups** directly (:class:`CgroupTree`, v2 or v1,
  whatever the kernel mounts): :class:`CgroupSpawner` starts each server in a group of its own and, when the
  server stops, ends whatever is left in it;
* :func:`configure_hub` is what ``hub/jupyterhub_config.py`` calls: it picks the mechanism, enforces the plan
  and says at start which limits are in force. A machine that can enforce none refuses to start the hub,
  naming the cause, unless the classroom's settings say ``limits = "off"`` (then the hub says so loudly).

The message a student reads at a limit is written by ``nncourse.hublimits`` in their own server, from the
limits this module hands it in ``NNCOURSE_LIMITS``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .settings import ClassroomError

GiB, MiB = 1 << 30, 1 << 20
LIMITS_ENV = "NNCOURSE_LIMITS"    # the user's limits, as JSON, in every server's environment (nncourse.hublimits)
MECHANISMS = ("auto", "systemd", "cgroup", "off")
CGROUP_ROOT = Path("/sys/fs/cgroup")
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

# -- the defaults' constants (docs/classroom.md states the same formulas) --------------------------------------
HUB_MEMORY = 1 * GiB            # JupyterHub, its proxy and the idle culler: kept free for them
GRADING_MEMORY_PER_CORE = 3 * GiB // 2   # a grading worker per core (the service's default): nbgrader and a kernel (TensorFlow in a6)
USER_MEMORY_RANGE = (1 * GiB, 4 * GiB)
ACTIVE_SHARE = 0.5              # the students' pool fits half the class at their memory limit at once
USER_CPUS_MAX = 4.0             # no notebook of the course gains from more
USER_TASKS_BASE, USER_TASKS_PER_CORE = 256, 32
USER_DISK_RANGE = (1 * GiB, 10 * GiB)


# ------------------------------------------------------------------------------------------ sizes
_UNITS = {"": 1, "B": 1, "K": 1 << 10, "M": MiB, "G": GiB, "T": 1 << 40}


def parse_size(text: str | int) -> int:
    """Bytes from ``"1.5G"``, ``"512M"``, ``"2GiB"`` or a number of bytes."""
    if isinstance(text, int):
        return text
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*", str(text), re.IGNORECASE)
    if not found:
        raise ClassroomError("%r is not a size: write it like 512M, 1.5G or 2GiB" % text)
    return int(float(found.group(1)) * _UNITS[found.group(2).upper()])


def format_size(size: int) -> str:
    """``1.5 GiB``, ``512 MiB``."""
    for unit, scale in (("TiB", 1 << 40), ("GiB", GiB), ("MiB", MiB)):
        if size >= scale:
            return "%s %s" % (("%.2f" % (size / scale)).rstrip("0").rstrip("."), unit)
    return "%d bytes" % size


# ------------------------------------------------------------------------------------------ the machine
def _read(path: Path | str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


@dataclass
class Machine:
    """What this machine offers the classroom, as this process sees it."""

    cores: float
    memory: int                 # bytes
    pid_max: int
    home_root: str = "/home"
    home_disk: int = 0          # size of the homes' file system, bytes
    home_quota: str = ""        # "" when the homes' file system keeps user quotas, else why it does not

    @classmethod
    def detect(cls, home_root: str = "/home") -> "Machine":
        cores = float(len(os.sched_getaffinity(0)))
        memory = int(re.search(r"MemTotal:\s+(\d+) kB", _read("/proc/meminfo")).group(1)) * 1024
        for hierarchy in (own_cgroups().get("memory"),):   # a container's own limit counts
            if hierarchy:
                for name in ("memory.max", "memory.limit_in_bytes"):
                    value = _read(hierarchy / name)
                    if value.isdigit():
                        memory = min(memory, int(value))
        cpu = own_cgroups().get("cpu")
        if cpu:
            quota = _read(cpu / "cpu.max").split() or [_read(cpu / "cpu.cfs_quota_us"), _read(cpu / "cpu.cfs_period_us")]
            if len(quota) == 2 and quota[0].isdigit() and quota[1].isdigit():
                cores = min(cores, int(quota[0]) / int(quota[1]))
        pid_max = min(int(_read("/proc/sys/kernel/pid_max") or 32768), int(_read("/proc/sys/kernel/threads-max") or 1 << 22))
        root = home_root if os.path.isdir(home_root) else "/"
        stats = os.statvfs(root)
        return cls(cores=cores, memory=memory, pid_max=pid_max, home_root=home_root,
                   home_disk=stats.f_blocks * stats.f_frsize, home_quota=home_quota_problem(root))


# ------------------------------------------------------------------------------------------ the plan
@dataclass
class Plan:
    """The limits of one classroom on one machine (bytes, cores, tasks); ``source`` says which were set by hand."""

    user_memory: int
    user_cpus: float
    user_tasks: int
    user_disk: int                  # 0: not limited (see disk_note)
    students_memory: int            # all users' servers together
    students_tasks: int
    hub_memory: int                 # kept for JupyterHub, its proxy and the culler (never given to users)
    grading_memory: int             # the grading service and its sandboxes: at most this
    reserved_cpus: float            # the grading service's CPU weight, in cores (the hub gets one more core's)
    cores: float
    idle_minutes: int
    disk_note: str = ""
    source: dict = field(default_factory=dict)   # setting -> "set" or "default"

    @property
    def weights(self) -> dict[str, float]:
        """Relative CPU weights of the hub, the grading service and the users' servers under contention."""
        return {"hub": 1.0, "grading": self.reserved_cpus, "users": max(1.0, self.cores - self.reserved_cpus)}

    def user_limits(self) -> dict:
        """What a user's server is told of its limits (``NNCOURSE_LIMITS``)."""
        return {"memory": self.user_memory, "cpus": self.user_cpus, "tasks": self.user_tasks, "disk": self.user_disk}

    def user_environment(self) -> dict[str, str]:
        """Environment of every user's server: its limits, and as many BLAS threads as its CPU cap allows."""
        threads = str(max(1, math.ceil(self.user_cpus)))
        env = {LIMITS_ENV: json.dumps(self.user_limits())}
        env.update({name: threads for name in THREAD_VARIABLES})
        return env

    def describe(self) -> list[str]:
        """The plan in words, one limit a line (what the hub prints at start)."""
        mark = lambda name: "" if self.source.get(name) == "set" else " (default)"   # noqa: E731
        disk = format_size(self.user_disk) + mark("disk_per_user") if self.user_disk else \
            "not limited: %s" % self.disk_note
        share = self.weights
        total = sum(share.values())
        return [
            "each user's server with its kernels and programs: memory %s%s, CPU at most %g core%s%s, "
            "%d processes and threads%s, home disk %s"
            % (format_size(self.user_memory), mark("memory_per_user"), self.user_cpus,
               "" if self.user_cpus == 1 else "s", mark("cpus_per_user"), self.user_tasks,
               mark("processes_per_user"), disk),
            "all users' servers together: memory %s, %d processes and threads"
            % (format_size(self.students_memory), self.students_tasks),
            "kept for the hub: memory %s free of users; CPU weight %.0f%% when the machine is busy"
            % (format_size(self.hub_memory), 100 * share["hub"] / total),
            "kept for the grading service: memory %s (its own limit)%s; CPU weight %.0f%% (%g core%s) when the "
            "machine is busy%s" % (format_size(self.grading_memory), mark("reserved_memory"),
                                   100 * share["grading"] / total, self.reserved_cpus,
                                   "" if self.reserved_cpus == 1 else "s", mark("reserved_cpus")),
            "idle servers stopped after %d minutes (files stay in the home)" % self.idle_minutes
            if self.idle_minutes else "idle servers are never stopped (idle_minutes = 0)",
        ]


def _round_down(size: int, step: int = 256 * MiB) -> int:
    return max(step, size // step * step)


def plan(machine: Machine, class_size: int, memory_per_user: str = "", cpus_per_user: float = 0,
         processes_per_user: int = 0, disk_per_user: str = "", reserved_memory: str = "",
         reserved_cpus: float = 0, idle_minutes: int = 60) -> Plan:
    """The limits for ``class_size`` users on ``machine``: the settings given, the defaults for the others.

    Defaults (docs/classroom.md, "Limits"):

    * kept free for the hub: 1 GiB; for the grading service: 1.5 GiB per core, at least 3 GiB, at most a quarter
      of the memory; for the system: 1/16 of the memory, at least 1 GiB. The users' pool is the rest;
    * each user's memory: the pool shared by half the class, between 1 and 4 GiB (in steps of 256 MiB);
    * the grading service's CPU weight: a quarter of the cores, at least one; each user's CPU cap: the other
      cores, between 1 and 4;
    * each user's processes and threads: 256 + 32 per core; all users together: 3/4 of the kernel's pids;
    * each home's disk (where the file system keeps user quotas): half the disk shared by the class,
      between 1 and 10 GiB.
    """
    users = max(1, class_size)
    source = {}

    def chosen(name, value, default):
        source[name] = "set" if value else "default"
        return value if value else default

    cores = machine.cores
    grading = parse_size(chosen("reserved_memory", reserved_memory,
                                min(max(3 * GiB, int(cores) * GRADING_MEMORY_PER_CORE), machine.memory // 4)))
    system = max(1 * GiB, machine.memory // 16)
    pool = machine.memory - HUB_MEMORY - grading - system
    if pool < USER_MEMORY_RANGE[0]:
        raise ClassroomError("this machine's memory (%s) leaves %s for the users' servers after the hub's, the "
                             "grading service's and the system's share: give the classroom more memory or set "
                             "reserved_memory lower" % (format_size(machine.memory), format_size(max(pool, 0))))
    default_memory = _round_down(min(max(pool // math.ceil(users * ACTIVE_SHARE), USER_MEMORY_RANGE[0]),
                                     USER_MEMORY_RANGE[1]))
    memory = min(parse_size(chosen("memory_per_user", memory_per_user, default_memory)), pool)
    reserved = float(chosen("reserved_cpus", reserved_cpus, max(1.0, float(int(cores) // 4))))
    cpus = float(chosen("cpus_per_user", cpus_per_user, min(USER_CPUS_MAX, max(1.0, float(int(cores - reserved))))))
    tasks = int(chosen("processes_per_user", processes_per_user,
                       USER_TASKS_BASE + USER_TASKS_PER_CORE * int(math.ceil(cores))))
    disk, note = 0, machine.home_quota
    if not note:
        disk = parse_size(chosen("disk_per_user", disk_per_user,
                                 _round_down(min(max(machine.home_disk // 2 // users, USER_DISK_RANGE[0]),
                                                 USER_DISK_RANGE[1]))))
    elif disk_per_user:
        raise ClassroomError("disk_per_user is set (%s) but home folders cannot be limited here: %s"
                             % (disk_per_user, note))
    return Plan(user_memory=memory, user_cpus=cpus, user_tasks=tasks, user_disk=disk, students_memory=pool,
                students_tasks=machine.pid_max * 3 // 4, hub_memory=HUB_MEMORY, grading_memory=grading,
                reserved_cpus=reserved, cores=cores, idle_minutes=idle_minutes, disk_note=note, source=source)


def plan_for(classroom, machine: Machine | None = None) -> Plan:
    """The plan of a :class:`~grader.classroom.settings.Classroom` (its users and its limit settings)."""
    machine = machine or Machine.detect()
    return plan(machine, len(classroom.users), classroom.memory_per_user, classroom.cpus_per_user,
                classroom.processes_per_user, classroom.disk_per_user, classroom.reserved_memory,
                classroom.reserved_cpus, classroom.idle_minutes)


# ------------------------------------------------------------------------------------------ disk quotas
def _mount_of(path: str) -> tuple[str, str, str]:
    """(mount point, file system type, options) of the file system that holds ``path``."""
    best = ("/", "", "")
    real = os.path.realpath(path)
    for line in _read("/proc/self/mounts").splitlines():
        parts = line.split()
        if len(parts) < 4:
            continue
        point = parts[1].replace("\\040", " ")
        if (real == point or real.startswith(point.rstrip("/") + "/")) and len(point) >= len(best[0]):
            best = (point, parts[2], parts[3])
    return best


def home_quota_problem(home_root: str) -> str:
    """Why the homes under ``home_root`` cannot get a disk limit here ("" when they can: user quotas are on)."""
    point, kind, options = _mount_of(home_root)
    flags = set(options.split(","))
    if not flags & {"usrquota", "usrjquota", "quota", "uquota", "uqnoenforce"} and \
            not any(f.startswith("usrjquota=") for f in flags):
        return ("the file system of %s (%s on %s) keeps no user quotas: mount it with usrquota and run quotacheck "
                "and quotaon (docs/classroom.md)" % (home_root, kind or "?", point))
    if shutil.which("setquota") is None:
        return "user quotas are on for %s but setquota is missing: apt-get install quota" % point
    return ""


def set_home_quota(user: str, size: int) -> None:
    """Limit what ``user`` may keep on the file system of their home to ``size`` bytes (a hard block quota)."""
    home = pwd.getpwnam(user).pw_dir
    point = _mount_of(home)[0]
    blocks = max(1, size // 1024)   # setquota counts 1 KiB blocks
    done = subprocess.run(["setquota", "-u", user, str(blocks), str(blocks), "0", "0", point],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise ClassroomError("setquota for %s on %s failed: %s" % (user, point, (done.stderr or done.stdout).strip()))


# ------------------------------------------------------------------------------------------ control groups
def cgroup_mounts() -> dict[str, tuple[str, Path]]:
    """Where each control-group hierarchy is mounted: controller (``"unified"`` for v2) -> (the mount's root
    inside the hierarchy, the mount point)."""
    mounts = {}
    for line in _read("/proc/self/mountinfo").splitlines():
        left, _, right = line.partition(" - ")
        fields, kind = left.split(), right.split()
        if not kind or kind[0] not in ("cgroup", "cgroup2"):
            continue
        where = (fields[3], Path(fields[4]))
        if kind[0] == "cgroup2":
            mounts.setdefault("unified", where)
        else:
            for option in kind[2].split(","):
                mounts.setdefault(option, where)
    return mounts


def own_cgroups(pid: int | str = "self") -> dict[str, Path]:
    """The folders of ``pid``'s control groups, by controller (memory, cpu, pids, ...; "unified" for v2)."""
    mounts, found = cgroup_mounts(), {}
    for line in _read("/proc/%s/cgroup" % pid).splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in (controllers.split(",") if controllers else ["unified"]):
            if controller in mounts:
                root, point = mounts[controller]
                relative = os.path.relpath(path, root) if path.startswith(root) else path.lstrip("/")
                found[controller] = point / ("" if relative == "." else relative)
    return found


class CgroupTree:
    """The classroom's control groups, made directly (no systemd): in each hierarchy that carries one of the
    controllers, the folder ``<base>/<name>/`` holding ``hub/`` (JupyterHub, its proxy, the culler),
    ``grading/`` (the grading service and its sandboxes) and ``users/<user>/`` (one per running server).

    v2: one hierarchy, ``<base>`` its root (a group with processes cannot hand controllers down, and the root
    is the one exception). v1: a hierarchy per controller, ``<base>`` the group this process is in, so that a
    container's or a session's own limits still bind the classroom."""

    CONTROLLERS = ("memory", "cpu", "pids")

    def __init__(self, name: str, hierarchies: dict[str, Path], version: int):
        self.name, self.version = name, version
        self.hierarchies = hierarchies       # controller -> the classroom's folder in that controller's hierarchy

    # -- finding the hierarchies
    @classmethod
    def detect(cls, name: str) -> "CgroupTree":
        """The classroom's tree on this machine, or ClassroomError saying why control groups cannot be used."""
        if os.geteuid() != 0:
            raise ClassroomError("control groups need root")
        own, mounts = own_cgroups(), cgroup_mounts()
        if "unified" in mounts:
            unified = mounts["unified"][1]
            if set(cls.CONTROLLERS) <= set(_read(unified / "cgroup.controllers").split()):
                return cls(name, {c: unified / name for c in cls.CONTROLLERS}, 2)
        missing = [c for c in cls.CONTROLLERS if c not in own]
        if missing:
            raise ClassroomError("the kernel mounts no control-group hierarchy with the %s controller%s (neither "
                                 "v2 at %s nor v1)" % (", ".join(missing), "s" if len(missing) > 1 else "", CGROUP_ROOT))
        hierarchies = {c: own[c] / name for c in cls.CONTROLLERS}
        if "cpuacct" in own and own["cpuacct"] != own["cpu"]:
            hierarchies["cpuacct"] = own["cpuacct"] / name   # accounting only: how much CPU each user used
        return cls(name, hierarchies, 1)

    def group(self, controller: str, *parts: str) -> Path:
        return self.hierarchies[controller].joinpath(*parts)

    def folders(self, *parts: str) -> list[Path]:
        """The folder of one group (``"users", "alice"``) in every hierarchy, each once."""
        return sorted({self.group(c, *parts) for c in self.hierarchies})

    def describe(self) -> str:
        if self.version == 2:
            return "control groups v2, under %s" % self.hierarchies["memory"]
        return "control groups v1, under %s" % ", ".join(str(p) for p in self.folders())

    # -- writing
    def _write(self, path: Path, value) -> None:
        try:
            path.write_text(str(value))
        except OSError as error:
            raise ClassroomError("cannot write %s to %s: %s" % (value, path, error.strerror or error)) from None

    def _make(self, *parts: str) -> None:
        for folder in self.folders(*parts):
            folder.mkdir(exist_ok=True)

    def create(self, plan: Plan) -> None:
        """Make the tree and set every limit of ``plan`` (safe to repeat: a stale tree is reused)."""
        self._make()
        if self.version == 2:
            enable = " ".join("+%s" % c for c in self.CONTROLLERS)
            self._write(self.hierarchies["memory"].parent / "cgroup.subtree_control", enable)
            self._write(self.group("memory", "cgroup.subtree_control"), enable)
        else:
            use = self.group("memory", "memory.use_hierarchy")
            if _read(use) != "1":
                self._write(use, 1)   # the users' pool binds the users' groups below it
        for part in ("hub", "grading", "users"):
            self._make(part)
        if self.version == 2:
            self._write(self.group("memory", "users", "cgroup.subtree_control"), enable)
        weights = plan.weights
        for part in ("hub", "grading", "users"):
            self.set_weight(weights[part], part)
        self.set_memory(plan.grading_memory, "grading")
        self.set_memory(plan.students_memory, "users")
        self._write(self.group("pids", "users", "pids.max"), plan.students_tasks)
        if self.version == 2:
            self._write(self.group("memory", "hub", "memory.low"), plan.hub_memory)

    def set_weight(self, cores: float, *parts: str) -> None:
        if self.version == 2:
            self._write(self.group("cpu", *parts, "cpu.weight"), max(1, min(10000, int(round(100 * cores)))))
        else:
            self._write(self.group("cpu", *parts, "cpu.shares"), max(2, int(round(1024 * cores))))

    def set_memory(self, size: int, *parts: str) -> None:
        if self.version == 2:
            self._write(self.group("memory", *parts, "memory.max"), size)
            if self.group("memory", *parts, "memory.swap.max").exists():
                self._write(self.group("memory", *parts, "memory.swap.max"), 0)
        else:
            memsw = self.group("memory", *parts, "memory.memsw.limit_in_bytes")
            current = int(_read(self.group("memory", *parts, "memory.limit_in_bytes")) or 0)
            # memory+swap may never be below memory: raise memory first when going down, after when going up
            order = ["memory.limit_in_bytes", memsw.name] if size <= current else [memsw.name, "memory.limit_in_bytes"]
            for name in order:
                if name == "memory.limit_in_bytes" or memsw.exists():
                    self._write(self.group("memory", *parts, name), size)

    def set_cpu_cap(self, cores: float, *parts: str) -> None:
        period = 100_000
        if self.version == 2:
            self._write(self.group("cpu", *parts, "cpu.max"), "%d %d" % (int(cores * period), period))
        else:
            self._write(self.group("cpu", *parts, "cpu.cfs_period_us"), period)
            self._write(self.group("cpu", *parts, "cpu.cfs_quota_us"), int(cores * period))

    def make_user(self, user: str, plan: Plan) -> list[Path]:
        """The group of ``user``'s server, with the plan's limits; returns the files a process writes "0" to
        in order to enter it."""
        self._make("users", user)
        self.set_memory(plan.user_memory, "users", user)
        self.set_cpu_cap(plan.user_cpus, "users", user)
        self.set_weight(1.0, "users", user)
        self._write(self.group("pids", "users", user, "pids.max"), plan.user_tasks)
        return self.procs_files("users", user)

    def procs_files(self, *parts: str) -> list[Path]:
        return [folder / "cgroup.procs" for folder in self.folders(*parts)]

    def enter(self, pid: int, *parts: str) -> None:
        """Move process ``pid`` (0: this one) into a group of the tree."""
        for path in self.procs_files(*parts):
            self._write(path, pid)

    def processes(self, *parts: str) -> set[int]:
        return {int(p) for f in self.procs_files(*parts) for p in _read(f).split()}

    def end_processes(self, *parts: str, timeout: float = 10) -> set[int]:
        """SIGKILL every process in a group (and those it keeps starting) until it is empty; returns the
        processes that still were there at the end (none, normally)."""
        kill = self.group("memory", *parts, "cgroup.kill")
        if self.version == 2 and kill.exists():
            self._write(kill, 1)
        return _kill_until_none(lambda: self.processes(*parts), timeout)

    def remove_group(self, *parts: str) -> None:
        """End a group's processes and remove it, with the groups below it (deepest first)."""
        for folder in self.folders(*parts):
            if folder.is_dir():
                for inner in sorted((p for p in folder.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)) + [folder]:
                    _empty_and_remove(inner)

    def remove(self) -> None:
        """The whole tree: every process in it ended (but this one, moved out first), every group removed."""
        if os.getpid() in self.processes("hub"):
            for controller, root in self.hierarchies.items():
                self._write(root.parent / "cgroup.procs", 0)
        self.remove_group()

    def usage(self, *parts: str) -> dict:
        """What a group used and how often it met its limits (for the test and for the student's message)."""
        return read_usage(self.hierarchies, self.version, *parts)


def _kill_until_none(listed, timeout: float) -> set[int]:
    """SIGKILL every process ``listed()`` names, again and again (a fork bomb keeps starting more), until it
    names none or ``timeout`` seconds have passed; return the pids it still named at the end."""
    deadline = time.monotonic() + timeout
    while True:
        left = listed()
        if not left or time.monotonic() > deadline:
            return left
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)


def _empty_and_remove(folder: Path, timeout: float = 10) -> None:
    """SIGKILL what runs in one group folder until it is empty, then remove the folder."""
    _kill_until_none(lambda: {int(p) for p in _read(folder / "cgroup.procs").split()}, timeout)
    try:
        folder.rmdir()
    except OSError as error:
        raise ClassroomError("cannot remove the control group %s: %s" % (folder, error.strerror)) from None


def read_usage(hierarchies: dict[str, Path], version: int, *parts: str) -> dict:
    """Counters of one group: memory now and at its peak, OOM kills, process-limit refusals, CPU time used and
    how often the CPU cap held it back."""
    memory = hierarchies["memory"].joinpath(*parts)
    pids = hierarchies["pids"].joinpath(*parts)
    cpu = hierarchies["cpu"].joinpath(*parts)
    accounting = hierarchies.get("cpuacct", hierarchies["cpu"]).joinpath(*parts)

    def keyed(path: Path) -> dict[str, int]:
        return {k: int(v) for k, v in (line.split() for line in _read(path).splitlines() if len(line.split()) == 2)
                if v.isdigit()}

    if version == 2:
        memory_events = keyed(memory / "memory.events")
        return {"memory": int(_read(memory / "memory.current") or 0),
                "memory_peak": int(_read(memory / "memory.peak") or 0),
                "oom_kills": memory_events.get("oom_kill", 0),
                "tasks": int(_read(pids / "pids.current") or 0),
                "tasks_refused": keyed(pids / "pids.events").get("max", 0),
                "throttled": keyed(cpu / "cpu.stat").get("nr_throttled", 0),
                "cpu_seconds": keyed(cpu / "cpu.stat").get("usage_usec", 0) / 1e6}
    return {"memory": int(_read(memory / "memory.usage_in_bytes") or 0),
            "memory_peak": int(_read(memory / "memory.max_usage_in_bytes") or 0),
            "oom_kills": keyed(memory / "memory.oom_control").get("oom_kill", 0),
            "tasks": int(_read(pids / "pids.current") or 0),
            "tasks_refused": keyed(pids / "pids.events").get("max", 0),
            "throttled": keyed(cpu / "cpu.stat").get("nr_throttled", 0),
            "cpu_seconds": int(_read(accounting / "cpuacct.usage") or 0) / 1e9}


def tree_name(state: Path | str) -> str:
    """The classroom's group name: one per state folder, so that two classrooms on a machine never share one."""
    return "nncourse-%s" % hashlib.sha256(str(Path(state).resolve()).encode()).hexdigest()[:8]


def remove_tree(classroom) -> None:
    """Remove the classroom's control groups (``hub remove``), ending whatever still runs in them."""
    try:
        tree = CgroupTree.detect(tree_name(classroom.state))
    except ClassroomError:
        return
    tree.remove()


# ------------------------------------------------------------------------------------------ the spawner
try:
    from jupyterhub.spawner import LocalProcessSpawner
except ImportError:   # the hub's environment has it; the grader's other uses do not need it
    LocalProcessSpawner = object


class CgroupSpawner(LocalProcessSpawner):
    """JupyterHub's local process spawner, with each user's server (and all it starts) in a control group of
    its own that holds the plan's limits; when the server stops, whatever is left in the group is ended (a
    kernel's children, a fork bomb's processes) and the group removed. The home quota is set at each start."""

    tree: CgroupTree | None = None     # set by configure_hub
    limits_plan: Plan | None = None

    async def start(self):
        self._procs_files = self.tree.make_user(self.user.name, self.limits_plan)
        if self.limits_plan.user_disk:
            set_home_quota(self.user.name, self.limits_plan.user_disk)
        return await super().start()

    def make_preexec_fn(self, name):
        become_user = super().make_preexec_fn(name)
        files = [str(path) for path in self._procs_files]

        def preexec():   # in the child, still root: enter the user's group, then become the user
            for path in files:
                with open(path, "w") as handle:
                    handle.write("0")
            become_user()

        return preexec

    async def stop(self, now=False):
        await super().stop(now=now)
        left = self.tree.end_processes("users", self.user.name)
        if left:
            self.log.warning("processes of %s left in their group after the server stopped: %s", self.user.name, left)
        else:
            self.tree.remove_group("users", self.user.name)


# ------------------------------------------------------------------------------------------ systemd
def systemd_runs() -> bool:
    """systemd is this machine's init (the test sd_booted makes) and systemd-run is there."""
    return os.path.isdir("/run/systemd/system") and shutil.which("systemd-run") is not None


def systemd_properties(plan: Plan) -> dict:
    """What SystemdSpawner is given: the unit of each user's server and the slice that holds them all."""
    return {"mem_limit": plan.user_memory, "cpu_limit": plan.user_cpus,
            "unit_extra_properties": {"TasksMax": str(plan.user_tasks), "CPUWeight": "100", "MemorySwapMax": "0"},
            "slice_properties": {"MemoryMax": str(plan.students_memory), "TasksMax": str(plan.students_tasks),
                                 "CPUWeight": str(int(round(100 * plan.weights["users"])))},
            "grading_properties": {"MemoryMax": str(plan.grading_memory),
                                   "CPUWeight": str(int(round(100 * plan.weights["grading"])))},
            "hub_properties": {"MemoryLow": str(plan.hub_memory), "CPUWeight": str(int(round(100 * plan.weights["hub"])))}}


def _systemd_set(unit: str, properties: dict) -> None:
    done = subprocess.run(["systemctl", "set-property", "--runtime", unit] +
                          ["%s=%s" % item for item in properties.items()], capture_output=True, text=True)
    if done.returncode != 0:
        raise ClassroomError("systemctl set-property %s failed: %s" % (unit, (done.stderr or done.stdout).strip()))


def _own_unit() -> str:
    """The systemd unit this process runs in (the hub's service, or the scope of a login's session)."""
    return own_cgroups().get("unified", own_cgroups().get("systemd", Path("/"))).name


# ------------------------------------------------------------------------------------------ the hub's side
@dataclass
class Enforcement:
    """How a classroom's limits are enforced in this hub: the mechanism, the plan, and the grading service's
    command (which enters its own group before it becomes the instructor)."""

    mechanism: str          # "systemd", "cgroup v1", "cgroup v2" or "off"
    where: str
    plan: Plan | None
    group_files: list[str] = field(default_factory=list)   # cgroup.procs files of the grading group
    slice: str = ""

    def service_command(self, command: list[str], user: str) -> list[str]:
        """``command`` of a managed service as ``user``, run (by root) in the grading service's own group."""
        enter = [sys.executable, "-I", "-m", "grader.classroom.limits", "enter"]   # -I: nothing from the cwd
        for path in self.group_files:
            enter += ["--procs", path]
        enter += ["--user", user, "--"] + list(command)
        if self.mechanism == "systemd":
            return ["systemd-run", "--scope", "--quiet", "--slice", self.slice] + \
                   ["--property=%s=%s" % item for item in systemd_properties(self.plan)["grading_properties"].items()] + \
                   ["--"] + enter
        return enter

    def summary(self) -> str:
        if self.plan is None:
            return ("[nncourse limits] NO LIMITS: the classroom's settings turn them off (limits = \"off\"); any "
                    "user's notebook can take the whole machine, the hub and the grading service with it")
        lines = ["[nncourse limits] enforced by %s (%s):" % (self.mechanism, self.where)]
        return "\n".join(lines + ["[nncourse limits]   " + line for line in self.plan.describe()])


def configure_hub(c, classroom, log=None) -> Enforcement:
    """Choose the mechanism (``classroom.limits``), enforce the plan through ``c`` (the hub's config) and this
    process (it enters the hub's group), and print which limits are in force. Raises ClassroomError, naming
    the cause, when the mechanism asked for (or, for "auto", any) cannot be used."""
    log = log or (lambda text: print(text, file=sys.stderr, flush=True))
    choice = classroom.limits
    if choice not in MECHANISMS:
        raise ClassroomError("limits = %r: choose one of %s" % (choice, ", ".join(MECHANISMS)))
    if choice == "off":
        enforcement = Enforcement("off", "", None)
        log(enforcement.summary())
        return enforcement
    plan_ = plan_for(classroom)
    environment = dict(plan_.user_environment())
    c.Spawner.mem_limit = plan_.user_memory
    c.Spawner.cpu_limit = plan_.user_cpus
    c.Spawner.environment.update(environment)   # a LazyConfigValue: merged with what the config sets elsewhere
    name = tree_name(classroom.state)
    if choice == "systemd" or (choice == "auto" and systemd_runs()):
        if not systemd_runs():
            raise ClassroomError("limits = \"systemd\" but systemd does not run this machine (no /run/systemd/system)")
        if importlib.util.find_spec("systemdspawner") is None:
            raise ClassroomError("limits by systemd need jupyterhub-systemdspawner in the hub's environment "
                                 "(requirements.txt)")
        properties = systemd_properties(plan_)
        slice_ = "%s.slice" % name
        _systemd_set(slice_, properties["slice_properties"])
        _systemd_set(_own_unit(), properties["hub_properties"])
        c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
        c.SystemdSpawner.slice = slice_
        c.SystemdSpawner.unit_extra_properties = properties["unit_extra_properties"]
        c.SystemdSpawner.unit_name_template = name + "-{USERNAME}"
        c.SystemdSpawner.isolate_tmp = True
        c.SystemdSpawner.disable_user_sudo = True
        enforcement = Enforcement("systemd", "units %s-<user> in %s" % (name, slice_), plan_, slice=slice_)
    else:
        try:
            tree = CgroupTree.detect(name)
            tree.create(plan_)
            tree.enter(0, "hub")    # the hub, and the proxy and culler it starts
        except ClassroomError as error:
            raise ClassroomError("cannot limit the users' servers with control groups: %s. Set limits = \"off\" "
                                 "in the classroom's settings (python -m grader hub setup --limits off) to run "
                                 "without limits" % error) from None
        CgroupSpawner.tree, CgroupSpawner.limits_plan = tree, plan_
        c.JupyterHub.spawner_class = CgroupSpawner
        enforcement = Enforcement("cgroup v%d" % tree.version, tree.describe(), plan_,
                                  group_files=[str(p) for p in tree.procs_files("grading")])
    log(enforcement.summary())
    return enforcement


# ------------------------------------------------------------------------------------------ entering a group
def enter_and_become(procs: list[str], user: str, command: list[str]) -> None:
    """Run by root: enter the groups whose cgroup.procs files are ``procs``, become ``user`` (their groups, a
    login's HOME, USER, LOGNAME and SHELL), and replace this process with ``command``."""
    for path in procs:
        with open(path, "w") as handle:
            handle.write("0")
    account = pwd.getpwnam(user)
    os.setgid(account.pw_gid)
    os.setgroups(os.getgrouplist(user, account.pw_gid))
    os.setuid(account.pw_uid)
    os.environ.update({"HOME": account.pw_dir, "USER": user, "LOGNAME": user, "SHELL": account.pw_shell or "/bin/sh"})
    os.execvp(command[0], command)


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m grader.classroom.limits",
                                     description="enter: run a command as a user inside the classroom's control "
                                                 "groups (the hub starts the grading service so)")
    parser.add_argument("action", choices=["enter", "plan"])
    parser.add_argument("--procs", action="append", default=[], help="a cgroup.procs file to enter")
    parser.add_argument("--user", help="who the command runs as")
    parser.add_argument("--class-size", type=int, default=30, help="plan: the number of users")
    command = argv[argv.index("--") + 1:] if "--" in argv else []
    args = parser.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    if args.action == "plan":
        print("\n".join(plan(Machine.detect(), args.class_size).describe()))
        return 0
    if not args.user or not command:
        parser.error("enter needs --user and a command after --")
    enter_and_become(args.procs, args.user, command)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


