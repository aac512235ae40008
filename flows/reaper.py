"""End the processes a run started when the run itself is killed with ``kill -9`` (Linux).

A SIGKILLed run cannot clean up: its pool workers would finish their shard for nobody and Prefect's
ephemeral API server (~220 MB) would stay alive for good. :func:`start` launches a tiny watchdog
process holding the read end of a pipe; it notes the run's descendants (from ``/proc``) twice a
second. A normal end writes ``done`` and the watchdog exits; end-of-file without ``done`` means the
run died, and the watchdog SIGKILLs the descendants it saw (pid and start time must still match).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Reaper:
    proc: subprocess.Popen[bytes]
    fd: int

    def stop(self) -> None:
        """The run ends normally: tell the watchdog to exit without killing anything."""
        with contextlib.suppress(OSError):
            os.write(self.fd, b"done")
        with contextlib.suppress(OSError):
            os.close(self.fd)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)


def start() -> Reaper | None:
    """Start the watchdog for this process (None where ``/proc`` is not available)."""
    if not sys.platform.startswith("linux") or not Path("/proc/self/stat").exists():
        return None
    read_fd, write_fd = os.pipe()  # not inheritable: the watchdog gets the read end, nobody the write end
    proc = subprocess.Popen([sys.executable, "-m", "flows.reaper", str(os.getpid()), str(read_fd)],
                            pass_fds=(read_fd,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(read_fd)
    return Reaper(proc, write_fd)


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, start time) of ``pid`` from /proc, or None."""
    try:
        data = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = data[data.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[19])


def descendants(root: int) -> dict[int, int]:
    """pid → start time of every descendant of ``root``."""
    parent_of: dict[int, tuple[int, int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and (st := _stat(int(entry.name))):
            parent_of[int(entry.name)] = st
    found: dict[int, int] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, started) in parent_of.items():
            if ppid == parent and pid not in found:
                found[pid] = started
                frontier.append(pid)
    return found


def watch(parent: int, fd: int, interval: float = 0.5) -> None:
    """The watchdog loop (runs in its own process)."""
    me = os.getpid()
    seen: dict[int, int] = {}
    while True:
        ready, _, _ = select.select([fd], [], [], interval)
        if ready:
            if os.read(fd, 16).startswith(b"done"):
                return
            break  # end of file: the run died
        seen.update({pid: t for pid, t in descendants(parent).items() if pid != me})
    for pid, started in seen.items():
        st = _stat(pid)
        if st is not None and st[1] == started:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


if __name__ == "__main__":
    watch(int(sys.argv[1]), int(sys.argv[2]))
