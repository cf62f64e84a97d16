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
library through ctypes, with the few functions below (libseccomp's own Python
module, Debian's ``python3-seccomp``, is built for the system Python only). The
binding loads the library by its soname and runs no program: the kernel
launcher builds the filter, and the grader takes the launcher's first child
process for the sandbox (:mod:`grader.sandbox.kernel`), so the launcher must
start no other (``ctypes.util.find_library``, which the ``pyseccomp`` binding
calls on import, runs ``ldconfig``).

The architectures are those of :data:`ARCHITECTURES`: the ones whose ``clone``
takes its flags as first argument and for which the course's environment
installs. On any other machine :func:`filter_program` raises
:class:`SeccompUnsupported`, the sandbox's probe reports it, and grading refuses
unless the instructor allows grading without the sandbox by name.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import platform

#: The machine names (``platform.machine()``) the filter is built for, with libseccomp's name of each.
ARCHITECTURES = {"x86_64": "x86_64", "aarch64": "aarch64"}

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


SONAME = "libseccomp.so.2"
ALLOW, KILL_PROCESS = 0x7FFF0000, 0x80000000   # SCMP_ACT_ALLOW, SCMP_ACT_KILL_PROCESS
_ATTR_ACT_BADARCH = 2                          # SCMP_FLTATR_ACT_BADARCH
_CMP_MASKED_EQ = 7                             # SCMP_CMP_MASKED_EQ


def errno_action(number: int) -> int:
    """SCMP_ACT_ERRNO(number): the call fails with that errno."""
    return 0x00050000 | number


class _ArgCmp(ctypes.Structure):   # struct scmp_arg_cmp
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64),
                ("datum_b", ctypes.c_uint64)]


@functools.lru_cache(maxsize=1)
def _library() -> ctypes.CDLL:
    try:
        lib = ctypes.CDLL(SONAME)
    except OSError:
        raise SeccompUnsupported("the sandbox's seccomp filter needs libseccomp (%s; Debian/Ubuntu: "
                                 "apt-get install libseccomp2)" % SONAME) from None
    lib.seccomp_init.argtypes, lib.seccomp_init.restype = [ctypes.c_uint32], ctypes.c_void_p
    lib.seccomp_release.argtypes, lib.seccomp_release.restype = [ctypes.c_void_p], None
    for name in ("seccomp_arch_add", "seccomp_arch_remove"):
        getattr(lib, name).argtypes, getattr(lib, name).restype = [ctypes.c_void_p, ctypes.c_uint32], ctypes.c_int
    lib.seccomp_arch_native.argtypes, lib.seccomp_arch_native.restype = [], ctypes.c_uint32
    lib.seccomp_arch_resolve_name.argtypes, lib.seccomp_arch_resolve_name.restype = [ctypes.c_char_p], ctypes.c_uint32
    lib.seccomp_attr_set.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.argtypes, lib.seccomp_syscall_resolve_name.restype = [ctypes.c_char_p], ctypes.c_int
    lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint,
                                           ctypes.POINTER(_ArgCmp)]
    lib.seccomp_export_bpf.argtypes = [ctypes.c_void_p, ctypes.c_int]
    for name in ("seccomp_attr_set", "seccomp_rule_add_array", "seccomp_export_bpf"):
        getattr(lib, name).restype = ctypes.c_int
    return lib


def _check(result: int, what: str) -> None:
    if result < 0:   # libseccomp answers -errno
        raise SeccompUnsupported("libseccomp could not %s: %s" % (what, os.strerror(-result)))


def filter_program(machine: str | None = None) -> bytes:
    """The filter as a BPF program (``struct sock_filter`` array), ready for bwrap's ``--seccomp FD``.

    ``machine`` (default: this machine's) is a name of :data:`ARCHITECTURES`; a filter can be built
    for any of them on any machine (the tests check each one's program).
    """
    machine = machine or platform.machine()
    if machine not in ARCHITECTURES:
        raise SeccompUnsupported("the sandbox's seccomp filter is built for %s only, not for %s"
                                 % (" and ".join(ARCHITECTURES), machine or "this machine"))
    lib = _library()
    arch = lib.seccomp_arch_resolve_name(ARCHITECTURES[machine].encode())
    if not arch:
        raise SeccompUnsupported("this libseccomp does not know the architecture %s" % machine)
    context = lib.seccomp_init(ALLOW)
    if not context:
        raise SeccompUnsupported("libseccomp could not start a filter")
    try:
        if arch != lib.seccomp_arch_native():   # the filter holds the one architecture it is for
            _check(lib.seccomp_arch_add(context, arch), "add the architecture %s" % machine)
            _check(lib.seccomp_arch_remove(context, 0), "remove this machine's architecture")
        _check(lib.seccomp_attr_set(context, _ATTR_ACT_BADARCH, KILL_PROCESS), "kill other architectures")

        def refuse(action: int, name: str, *masks: int) -> None:
            # numbers of this machine's architecture: libseccomp translates them, by name, for the filter's
            number = lib.seccomp_syscall_resolve_name(name.encode())
            if number == -1:   # __NR_SCMP_ERROR: a name this libseccomp does not know
                raise SeccompUnsupported("this libseccomp does not know the system call %s" % name)
            conditions = (_ArgCmp * max(1, len(masks)))(*[_ArgCmp(0, _CMP_MASKED_EQ, m, m) for m in masks])
            _check(lib.seccomp_rule_add_array(context, action, number, len(masks), conditions), "refuse " + name)

        for name in REFUSED:
            refuse(errno_action(errno.EPERM), name)
        for flag in CLONE_NAMESPACE_FLAGS.values():   # clone's first argument has any one of them: refused
            refuse(errno_action(errno.EPERM), "clone", flag)
        refuse(errno_action(errno.ENOSYS), "clone3")
        fd = os.memfd_create("nncourse-seccomp-export", 0)
        with open(fd, "w+b") as exported:
            _check(lib.seccomp_export_bpf(context, exported.fileno()), "export the filter")
            exported.seek(0)
            return exported.read()
    finally:
        lib.seccomp_release(context)
