#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Answer a guest's questions about the host CPU time of its qemu process.

Usage: host-cpu.py SOCKET

boot.sh --host-cpu gives qemu a second serial port (the guest's ttyS1) on
the UNIX socket SOCKET, qemu being the server. This connects to it, finds
qemu's pid from the socket's peer credentials, and answers every line the
guest writes with one line: the CPU time, in nanoseconds, that all of
qemu's threads have run on the host so far (the first field of each
/proc/PID/task/TID/schedstat). The guest's benchmarks (bench/bench.h) take
their CPU figures from it: under TCG the guest's own /proc/stat counts in
ticks of 4 ms, too coarse for a path that uses little CPU, while the host
counts every nanosecond that emulating the guest costs, all vCPUs, the
devices and the I/O thread together.

It gives up when the socket does not appear within a minute, and ends when
qemu closes it.
"""
import os
import socket
import struct
import sys
import time


def qemu_ns(pid, seen):
    """Nanoseconds all threads of @pid have run on a CPU, or -1.

    @seen keeps the last figure of every thread: one that has ended since
    (qemu's worker threads come and go) still counts with what it had run
    when last seen, so that the total never goes back.
    """
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return -1
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                ns = int(f.read().split()[0])
            if ns < seen.get(tid, 0):
                # A new thread with the number of one that ended.
                seen[("ended", tid, len(seen))] = seen[tid]
            seen[tid] = ns
        except (OSError, ValueError, IndexError):
            pass  # a thread that has just ended
    return sum(seen.values())


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2])
    path = sys.argv[1]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    deadline = time.monotonic() + 60
    while True:
        try:
            sock.connect(path)
            break
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"host-cpu.py: no socket {path}")
            time.sleep(0.1)
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                            struct.calcsize("3i"))
    pid = struct.unpack("3i", creds)[0]
    pending = b""
    seen = {}
    while True:
        data = sock.recv(256)
        if not data:
            return
        pending += data
        while b"\n" in pending:
            _, pending = pending.split(b"\n", 1)
            sock.sendall(b"%d\n" % qemu_ns(pid, seen))


if __name__ == "__main__":
    main()
