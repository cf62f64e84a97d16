"""The grading sandbox's seccomp filter, built with libseccomp, for x86_64 and aarch64.

It refuses the system calls a student's code could use to escape or to
inspect other processes: new namespaces (unshare, setns, clone with namespace
flags), mounts, ptrace and cross-process memory access, kernel keyrings, BPF,
perf events, userfaultfd, module loading, chroot and handle-based opens; each
answers EPERM. ``clone3`` answers ENOSYS so that the C library falls back to
plain ``clone``, whose flags the filter can inspect. Every other call is
allowed. A system call of another architecture (a 32-bit call through
``int 0x80`` or the x32 ABI on x86_64, an AArch32 call on aarch64) kills the
process: the filter's rules name the machine's own calls only.

libseccomp (Debian's ``libseccomp2``, the library Flatpak and container runtimes
build their filters with) knows every architecture's system call numbers and
writes the BPF program: :func:`filter_program` names the calls, libseccomp
exports the program for bubblewrap's ``--seccomp FD``. Python reaches the
library through ``pyseccomp``, a ctypes binding with the API of libseccomp's own
Python module (Debian's ``python3-seccomp`` is built for the system Python
only).

The architectures are those of :data:`ARCHITECTURES`: the ones whose ``clone``
takes its flags as first argument and for which the course's environment
installs. On any other machine :func:`filter_program` raises
:class:`SeccompUnsupported`, the sandbox's probe reports it, and grading refuses
unless the instructor allows grading without the sandbox by name.
"""

from __future__ import annotations

import errno
import os
import platform

#: The machine names (``platform.machine()``) the filter is built for, with libseccomp's name of each.
ARCHITECTURES = {"x86_64": "X86_64", "aarch64": "AARCH64"}

#: The refused system calls (EPERM), by name: libseccomp finds each one's number on each architecture.
REFUSED = (
    "ptrace", "process_vm_readv", "process_vm_writev",                   # other processes
    "unshare", "setns",                                                   # namespaces
    "mount", "umount2", "pivot_root", "chroot",                           # the file system tree
    "fsopen", "fsmount", "move_mount", "open_tree",
    "name_to_handle_at", "open_by_handle_at",                             # opens that skip paths
    "add_key", "request_key", "keyctl",                                   # kernel keyrings
    "bpf", "perf_event_open", "userfaultfd",                              # kernel interfaces
    "init_module", "finit_module", "delete_module",                       # the kernel itself
    "kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff",
)

#: clone() flags that make a namespace: a clone with any of them is refused (EPERM).
CLONE_NAMESPACE_FLAGS = {
    "CLONE_NEWNS": 0x00020000, "CLONE_NEWCGROUP": 0x02000000, "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000, "CLONE_NEWUSER": 0x10000000, "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
}


class SeccompUnsupported(RuntimeError):
    """No filter can be built here: another architecture, or libseccomp missing."""


def _libseccomp():
    try:
        import pyseccomp
    except ImportError:
        raise SeccompUnsupported("the sandbox's seccomp filter needs the Python package pyseccomp "
                                 "(requirements.txt: make setup)") from None
    except (RuntimeError, OSError):   # pyseccomp found no libseccomp.so.2
        raise SeccompUnsupported("the sandbox's seccomp filter needs libseccomp "
                                 "(Debian/Ubuntu: apt-get install libseccomp2)") from None
    return pyseccomp


def filter_program(machine: str | None = None) -> bytes:
    """The filter as a BPF program (``struct sock_filter`` array), ready for bwrap's ``--seccomp FD``.

    ``machine`` (default: this machine's) is a name of :data:`ARCHITECTURES`; a filter can be built
    for any of them on any machine (the tests check each one's program).
    """
    machine = machine or platform.machine()
    if machine not in ARCHITECTURES:
        raise SeccompUnsupported("the sandbox's seccomp filter is built for %s only, not for %s"
                                 % (" and ".join(ARCHITECTURES), machine or "this machine"))
    seccomp = _libseccomp()
    arch = getattr(seccomp.Arch, ARCHITECTURES[machine])
    program = seccomp.SyscallFilter(seccomp.ALLOW)
    if arch != seccomp.system_arch():
        program.add_arch(arch)
        program.remove_arch(seccomp.Arch.NATIVE)
    program.set_attr(seccomp.Attr.ACT_BADARCH, seccomp.KILL_PROCESS)
    refuse = seccomp.ERRNO(errno.EPERM)
    for name in REFUSED:
        program.add_rule(refuse, name)
    for flag in CLONE_NAMESPACE_FLAGS.values():   # any one of them set: refused
        program.add_rule(refuse, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    program.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    fd = os.memfd_create("nncourse-seccomp-export", 0)
    with open(fd, "w+b") as exported:
        program.export_bpf(exported)
        exported.seek(0)
        return exported.read()
