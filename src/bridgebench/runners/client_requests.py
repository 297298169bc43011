"""Valgrind client requests from Python, so a worker running under Callgrind can zero and dump
the instruction counters around exactly the calls it wants counted.

A client request is a special no-op instruction sequence that Valgrind recognises (valgrind.h,
amd64): four rotations of %rdi that add up to a full turn, then `xchg %rbx,%rbx`, with %rax
pointing at [request, arg1..arg5] and the answer in %rdx. We place those 27 bytes in an
executable page and call them through ctypes; outside Valgrind they return 0 and do nothing.
No compiler, no valgrind headers and no extra native module are needed at run time.
"""

from __future__ import annotations

import ctypes
import mmap
import platform

# valgrind.h / callgrind.h request codes: VG_USERREQ_TOOL_BASE('C','T') + n for Callgrind.
RUNNING_ON_VALGRIND = 0x1001
CALLGRIND_DUMP_STATS = 0x43540000
CALLGRIND_ZERO_STATS = 0x43540001

_CODE = bytes.fromhex(
    "4889f8"  # mov %rdi,%rax        rax = the argument block
    "31d2"  # xor %edx,%edx          the answer when not under Valgrind: 0
    "48c1c703"  # rol $3,%rdi        \
    "48c1c70d"  # rol $13,%rdi        | the preamble Valgrind looks for
    "48c1c73d"  # rol $61,%rdi        | (3 + 13 + 61 + 51 = 128: rdi unchanged)
    "48c1c733"  # rol $51,%rdi       /
    "4887db"  # xchg %rbx,%rbx       the request itself
    "4889d0"  # mov %rdx,%rax        return the answer
    "c3"  # ret
)


class ClientRequests:
    def __init__(self) -> None:
        if platform.machine() not in ("x86_64", "AMD64"):
            raise OSError(f"Valgrind client requests are only wired for x86-64, not {platform.machine()}")
        self._page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
        self._page.write(_CODE)
        address = ctypes.addressof(ctypes.c_char.from_buffer(self._page))
        self._call = ctypes.CFUNCTYPE(ctypes.c_ulong, ctypes.c_void_p)(address)

    def request(self, code: int, *args: int) -> int:
        block = (ctypes.c_ulong * 6)(code, *args, *([0] * (5 - len(args))))
        return int(self._call(ctypes.addressof(block)))

    def running_on_valgrind(self) -> bool:
        return self.request(RUNNING_ON_VALGRIND) > 0

    def zero(self) -> None:
        self.request(CALLGRIND_ZERO_STATS)

    def dump(self) -> None:
        self.request(CALLGRIND_DUMP_STATS)
