"""The grading sandbox's seccomp filter (grader/sandbox/seccomp.py), built by libseccomp.

For every architecture it is built for (x86_64, aarch64), the exported BPF program is run here by a
small interpreter of classic BPF on ``struct seccomp_data`` values, with each system call's number
taken from the kernel's own tables (written out below, independent of libseccomp's): every named call
answers EPERM, clone with a namespace flag EPERM, clone3 ENOSYS, every other call of the architecture
is allowed, and a call of any other architecture kills the process. Any other machine gets a clear
error, and grading refuses unless the instructor allows it by name.

On this machine the filter is also loaded for real, through bubblewrap's ``--seccomp FD`` as the
kernel launcher loads it: the named calls are refused where the same sandbox without the filter
answers otherwise, forks and threads still work, and a 32-bit system call (``int 0x80``) kills the
process.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import struct
import subprocess
import sys

import pytest

from grader import sandbox
from grader.sandbox import Sandbox, SandboxUnavailable, exposed_paths, probe
from grader.sandbox.launch import _seccomp_fd, bwrap_prefix
from grader.sandbox import seccomp
from grader.sandbox.seccomp import (ARCHITECTURES, CLONE_NAMESPACE_FLAGS, REFUSED, SeccompUnsupported,
                                    filter_program)

#: System call numbers, from the kernel's arch/x86/entry/syscalls/syscall_64.tbl (asm/unistd_64.h).
X86_64 = {
    "ptrace": 101, "chroot": 161, "mount": 165, "umount2": 166, "swapon": 167, "swapoff": 168,
    "reboot": 169, "init_module": 175, "delete_module": 176, "pivot_root": 155, "kexec_load": 246,
    "add_key": 248, "request_key": 249, "keyctl": 250, "unshare": 272, "perf_event_open": 298,
    "name_to_handle_at": 303, "open_by_handle_at": 304, "setns": 308, "process_vm_readv": 310,
    "process_vm_writev": 311, "finit_module": 313, "bpf": 321, "userfaultfd": 323, "kexec_file_load": 320,
    "fsopen": 430, "fsmount": 432, "move_mount": 429, "open_tree": 428,
    "clone": 56, "clone3": 435, "getpid": 39,
}
#: ... and from include/uapi/asm-generic/unistd.h, which aarch64 uses.
AARCH64 = {
    "umount2": 39, "mount": 40, "pivot_root": 41, "chroot": 51, "unshare": 97, "kexec_load": 104,
    "init_module": 105, "delete_module": 106, "ptrace": 117, "reboot": 142, "add_key": 217,
    "request_key": 218, "keyctl": 219, "swapon": 224, "swapoff": 225, "perf_event_open": 241,
    "name_to_handle_at": 264, "open_by_handle_at": 265, "setns": 268, "process_vm_readv": 270,
    "process_vm_writev": 271, "finit_module": 273, "bpf": 280, "userfaultfd": 282, "kexec_file_load": 294,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsmount": 432,
    "clone": 220, "clone3": 435, "getpid": 172,
}
NUMBERS = {"x86_64": X86_64, "aarch64": AARCH64}
#: AUDIT_ARCH_* values (include/uapi/linux/audit.h): what seccomp_data.arch holds.
AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7, "i386": 0x40000003, "arm": 0x40000028,
              "riscv64": 0xC00000F3, "ppc64le": 0xC0000015, "s390x": 0x80000016}
X32_SYSCALL_BIT = 0x40000000

ALLOW, KILL_PROCESS = 0x7FFF0000, 0x80000000
EPERM, ENOSYS = 0x00050000 | 1, 0x00050000 | 38
SIGCHLD = 17
#: The flags glibc's pthread_create gives clone: CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|
#: PARENT_SETTID|CHILD_CLEARTID.
THREAD_FLAGS = 0x3D0F00


def run_bpf(program: bytes, arch: int, nr: int, args=()) -> int:
    """What the classic BPF ``program`` returns for one system call (struct seccomp_data, little-endian).
    Knows the instructions libseccomp writes (loads, conditional and plain jumps, AND, return);
    fails on any other, so that a change in what libseccomp writes is seen, not misread."""
    data = struct.pack("<iIQ6Q", nr, arch, 0, *(list(args) + [0] * (6 - len(args))))
    instructions = [struct.unpack_from("=HBBI", program, offset) for offset in range(0, len(program), 8)]
    assert instructions and len(program) % 8 == 0
    accumulator, pc = 0, 0
    for _ in range(len(instructions)):   # classic BPF only jumps forward
        code, jt, jf, k = instructions[pc]
        pc += 1
        if code == 0x20:                          # ld [k]
            accumulator = struct.unpack_from("<I", data, k)[0]
        elif code == 0x54:                        # and #k
            accumulator &= k
        elif code == 0x05:                        # ja +k
            pc += k
        elif code in (0x15, 0x25, 0x35, 0x45):    # jeq, jgt, jge, jset #k
            taken = {0x15: accumulator == k, 0x25: accumulator > k, 0x35: accumulator >= k,
                     0x45: bool(accumulator & k)}[code]
            pc += jt if taken else jf
        elif code == 0x06:                        # ret #k
            return k
        else:
            raise AssertionError("BPF instruction 0x%02x not understood" % code)
    raise AssertionError("the program ran past its end")


def test_the_named_calls_are_the_kernel_tables_calls():
    for machine in ARCHITECTURES:
        assert set(REFUSED) == set(NUMBERS[machine]) - {"clone", "clone3", "getpid"}, machine


@pytest.mark.parametrize("machine", sorted(ARCHITECTURES))
def test_the_filter_refuses_every_named_call(machine):
    program, arch, numbers = filter_program(machine), AUDIT_ARCH[machine], NUMBERS[machine]
    for name in REFUSED:
        assert run_bpf(program, arch, numbers[name]) == EPERM, name
        assert run_bpf(program, arch, numbers[name], [0xFFFFFFFF] * 6) == EPERM, name   # whatever the arguments


@pytest.mark.parametrize("machine", sorted(ARCHITECTURES))
def test_clone_with_a_namespace_flag_is_refused_and_clone3_answers_enosys(machine):
    program, arch, numbers = filter_program(machine), AUDIT_ARCH[machine], NUMBERS[machine]
    for name, flag in CLONE_NAMESPACE_FLAGS.items():
        for flags in (flag, flag | SIGCHLD, flag | THREAD_FLAGS, 0x7E020000 | SIGCHLD, (1 << 40) | flag):
            assert run_bpf(program, arch, numbers["clone"], [flags]) == EPERM, (name, hex(flags))
    for flags in (SIGCHLD, THREAD_FLAGS, 0, (1 << 40) | SIGCHLD):   # fork, a thread
        assert run_bpf(program, arch, numbers["clone"], [flags]) == ALLOW, hex(flags)
    assert run_bpf(program, arch, numbers["clone3"]) == ENOSYS


@pytest.mark.parametrize("machine", sorted(ARCHITECTURES))
def test_every_other_call_of_the_architecture_is_allowed(machine):
    program, arch, numbers = filter_program(machine), AUDIT_ARCH[machine], NUMBERS[machine]
    special = {numbers[name] for name in REFUSED + ("clone", "clone3")}
    allowed = [nr for nr in range(1024) if nr not in special]
    assert all(run_bpf(program, arch, nr, [SIGCHLD]) == ALLOW for nr in allowed)


@pytest.mark.parametrize("machine", sorted(ARCHITECTURES))
def test_a_call_of_another_architecture_kills_the_process(machine):
    program = filter_program(machine)
    for other, arch in AUDIT_ARCH.items():
        if other != machine:
            for nr in (0, 20, 39, 40, 165, 172, 272, 435):   # whatever the number means there
                assert run_bpf(program, arch, nr) == KILL_PROCESS, (other, nr)
    if machine == "x86_64":   # the x32 ABI: x86_64's audit value, numbers with bit 30 set
        assert run_bpf(program, AUDIT_ARCH["x86_64"], X32_SYSCALL_BIT | X86_64["getpid"]) == KILL_PROCESS


@pytest.mark.parametrize("machine", ["riscv64", "s390x", "ppc64le", "armv7l", "i686"])
def test_another_machine_gets_a_clear_error(machine):
    with pytest.raises(SeccompUnsupported, match="built for x86_64 and aarch64 only, not for %s" % machine):
        filter_program(machine)


def test_on_another_machine_grading_refuses_unless_allowed_by_name(monkeypatch):
    """The sandbox's probe names the problem; autograding refuses, and runs unsandboxed only when the
    instructor says so (NNCOURSE_ALLOW_UNSANDBOXED=1)."""
    monkeypatch.setattr(platform, "machine", lambda: "riscv64")
    monkeypatch.setattr(sandbox, "_PROBED", {})
    monkeypatch.delenv("NNCOURSE_ALLOW_UNSANDBOXED", raising=False)
    with pytest.raises(SandboxUnavailable, match="seccomp filter is built for x86_64 and aarch64 only, not for "
                                                 "riscv64.*NNCOURSE_ALLOW_UNSANDBOXED=1"):
        sandbox.check()
    monkeypatch.setenv("NNCOURSE_ALLOW_UNSANDBOXED", "1")
    assert sandbox.check().startswith("UNSANDBOXED: the sandbox's seccomp filter is built for")


def test_without_libseccomp_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setattr(seccomp, "SONAME", "libseccomp-missing.so.9")
    seccomp._library.cache_clear()
    try:
        with pytest.raises(SeccompUnsupported, match="needs libseccomp .*apt-get install libseccomp2"):
            filter_program("x86_64")
    finally:
        seccomp._library.cache_clear()


LAUNCHER_BUILDS_THE_FILTER = """
import sys
started = []
sys.addaudithook(lambda event, args: started.append(event) if event in (
    "subprocess.Popen", "os.fork", "os.forkpty", "os.posix_spawn", "os.spawn", "os.system", "os.exec") else None)
from grader.sandbox.launch import _seccomp_fd
_seccomp_fd()
print(started)
"""


def test_the_kernel_launcher_builds_the_filter_without_starting_a_process():
    """The grader takes the launcher's first child for the sandbox: building the filter there must
    start none (a binding that looks for the library with ldconfig did, and no kernel started)."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER_BUILDS_THE_FILTER], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "[]", (done.stdout, done.stderr[-2000:])


# ---------------------------------------------------------------- for real, on this machine
ON_THIS_MACHINE = pytest.mark.skipif(platform.machine() not in ARCHITECTURES or probe(Sandbox().uid) is not None,
                                     reason="no bubblewrap sandbox with a seccomp filter here")

TRY_CALLS = r'''
import ctypes, errno, json, os, sys, threading
numbers, namespace_flags = json.loads(sys.argv[1]), json.loads(sys.argv[2])
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

def call(name, *args):
    ctypes.set_errno(0)
    result = libc.syscall(ctypes.c_long(numbers[name]), *[ctypes.c_ulong(a) for a in args])
    if result == 0 and name == "clone":
        os._exit(0)   # a child made by a clone the filter let through: gone at once
    return "OK" if result != -1 else errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))

# every argument 0 (ptrace: an unknown request), so that without the filter nothing happens
answers = {name: call(name, 0xFFFF if name == "ptrace" else 0, 0, 0, 0, 0, 0) for name in %s}
answers["clone3"] = call("clone3", 0, 0, 0, 0, 0, 0)
for flag, value in namespace_flags.items():
    answers["clone " + flag] = call("clone", value | 17, 0, 0, 0, 0, 0)
pid = os.fork()
if pid == 0:
    os._exit(7)
answers["fork"] = os.waitpid(pid, 0)[1] >> 8
ran = []
thread = threading.Thread(target=lambda: ran.append(1))
thread.start(); thread.join()
answers["thread"] = ran == [1]
print(json.dumps(answers))
''' % (REFUSED,)

INT_0X80 = r'''
import ctypes, mmap
code = bytes([0xB8, 20, 0, 0, 0, 0xCD, 0x80, 0xC3])   # mov eax, 20 (getpid, i386); int 0x80; ret
memory = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
memory.write(code)
function = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(memory)))
print("32-bit getpid:", function())
'''


def in_sandbox(code: str, *args: str, filtered: bool) -> subprocess.CompletedProcess:
    """``code`` run by the course's Python in bubblewrap as grading starts it (bwrap_prefix), with the
    launcher's seccomp filter (``_seccomp_fd``) or without any."""
    command = bwrap_prefix(Sandbox().uid, Sandbox().bwrap) + ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64"):
        command += ["--symlink", "usr/" + name, "/" + name]
    for path in exposed_paths():
        command += ["--ro-bind", path, path]
    fds = ()
    if filtered:
        fds = (_seccomp_fd(),)
        command += ["--seccomp", str(fds[0])]
    try:
        return subprocess.run(command + ["--", sys.executable, "-c", code, *args], env={}, pass_fds=fds,
                              capture_output=True, text=True, timeout=120)
    finally:
        for fd in fds:
            os.close(fd)


@ON_THIS_MACHINE
def test_in_bubblewrap_the_filter_refuses_the_named_calls_and_lets_forks_and_threads_run():
    numbers = json.dumps(NUMBERS[platform.machine()])
    flags = json.dumps(CLONE_NAMESPACE_FLAGS)
    runs = {filtered: in_sandbox(TRY_CALLS, numbers, flags, filtered=filtered) for filtered in (True, False)}
    for filtered, done in runs.items():
        assert done.returncode == 0, (filtered, done.stderr[-2000:])
    with_filter, without = (json.loads(runs[f].stdout) for f in (True, False))
    refused = {name: "EPERM" for name in REFUSED}
    refused.update({"clone3": "ENOSYS", "fork": 7, "thread": True})
    refused.update({"clone " + flag: "EPERM" for flag in CLONE_NAMESPACE_FLAGS})
    assert with_filter == refused
    # the same sandbox without the filter answers otherwise (many of these calls also need
    # privileges the sandbox lacks, and answer EPERM for that reason too)
    different = sorted(name for name in refused if without[name] != refused[name])
    print("\nanswered otherwise without the filter:", {name: without[name] for name in different})
    assert {"unshare", "setns", "clone3", "keyctl", "process_vm_readv"} <= set(different)
    assert without["fork"] == 7 and without["thread"] is True


@ON_THIS_MACHINE
@pytest.mark.skipif(platform.machine() != "x86_64", reason="int 0x80 is x86's")
def test_in_bubblewrap_a_32_bit_system_call_kills_the_process():
    unfiltered = in_sandbox(INT_0X80, filtered=False)
    assert unfiltered.returncode == 0 and "32-bit getpid:" in unfiltered.stdout, unfiltered.stderr[-2000:]
    filtered = in_sandbox(INT_0X80, filtered=True)
    assert "32-bit getpid" not in filtered.stdout
    assert filtered.returncode in (-signal.SIGSYS, 128 + signal.SIGSYS), (filtered.returncode, filtered.stderr)
