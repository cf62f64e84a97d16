"""A small seccomp filter, as raw BPF, for the grading sandbox (x86_64).

It refuses the system calls a student's code could use to escape or to
inspect other processes: new namespaces (unshare, setns, clone with namespace
flags), mounts, ptrace and cross-process memory access, kernel keyrings, BPF,
perf events, userfaultfd, module loading, chroot and handle-based opens. Every
other call is allowed. ``clone3`` answers ENOSYS so that the C library falls
back to plain ``clone``, whose flags the filter can inspect.

Built by hand (the layout of ``struct sock_filter`` and ``struct seccomp_data``
is stable kernel ABI), so the sandbox needs no extra library.
"""

from __future__ import annotations

import errno
import platform
import struct

AUDIT_ARCH_X86_64 = 0xC000003E
_LD_W_ABS = 0x20      # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15         # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35         # BPF_JMP | BPF_JGE | BPF_K
_JSET_K = 0x45        # BPF_JMP | BPF_JSET | BPF_K
_RET_K = 0x06         # BPF_RET | BPF_K
_RET_KILL_PROCESS = 0x80000000
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_OFFSET_NR, _OFFSET_ARCH, _OFFSET_ARG0 = 0, 4, 16
_X32_SYSCALL_BIT = 0x40000000
_CLONE_NAMESPACE_FLAGS = 0x7E020000  # NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET
_CLONE, _CLONE3 = 56, 435

#: x86_64 numbers of the refused system calls.
BLOCKED = {
    "ptrace": 101, "chroot": 161, "mount": 165, "umount2": 166, "swapon": 167, "swapoff": 168,
    "reboot": 169, "init_module": 175, "delete_module": 176, "pivot_root": 155,
    "kexec_load": 246, "add_key": 248, "request_key": 249, "keyctl": 250, "unshare": 272,
    "perf_event_open": 298, "name_to_handle_at": 303, "open_by_handle_at": 304, "setns": 308,
    "process_vm_readv": 310, "process_vm_writev": 311, "finit_module": 313, "bpf": 321,
    "userfaultfd": 323, "kexec_file_load": 320, "fsopen": 430, "fsmount": 432, "move_mount": 429,
    "open_tree": 428,
}


class SeccompUnsupported(RuntimeError):
    """No filter is available for this machine's architecture."""


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def filter_program() -> bytes:
    """The compiled filter, ready for bwrap's ``--seccomp FD``."""
    if platform.machine() != "x86_64":
        raise SeccompUnsupported("the sandbox's seccomp filter exists for x86_64 only, not %s"
                                 % platform.machine())
    eperm, enosys = _RET_ERRNO | errno.EPERM, _RET_ERRNO | errno.ENOSYS
    prog = [
        _insn(_LD_W_ABS, 0, 0, _OFFSET_ARCH),
        _insn(_JEQ_K, 1, 0, AUDIT_ARCH_X86_64),
        _insn(_RET_K, 0, 0, _RET_KILL_PROCESS),
        _insn(_LD_W_ABS, 0, 0, _OFFSET_NR),
        _insn(_JGE_K, 0, 1, _X32_SYSCALL_BIT),
        _insn(_RET_K, 0, 0, eperm),
    ]
    for number in sorted(BLOCKED.values()):
        prog += [_insn(_JEQ_K, 0, 1, number), _insn(_RET_K, 0, 0, eperm)]
    prog += [_insn(_JEQ_K, 0, 1, _CLONE3), _insn(_RET_K, 0, 0, enosys)]
    prog += [
        _insn(_JEQ_K, 0, 3, _CLONE),
        _insn(_LD_W_ABS, 0, 0, _OFFSET_ARG0),
        _insn(_JSET_K, 0, 1, _CLONE_NAMESPACE_FLAGS),
        _insn(_RET_K, 0, 0, eperm),
        _insn(_RET_K, 0, 0, _RET_ALLOW),
    ]
    return b"".join(prog)
