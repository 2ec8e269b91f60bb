"""A solver process ended by SIGTERM (its pool stopped: every test's app stops two) ends the fork
server it started, which would otherwise import OR-Tools and VROOM on, an orphan
(`routing.route.parallel._end_with_server`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# Run in a fresh interpreter that adopts the orphans of its children (a subreaper), so that it
# can tell how the server ended: killed, or loaded on and ended at its owner's pipe (status 0).
# The owner is a solver process as a pool starts one (`become_worker`); it starts its fork server
# and is terminated at once, while the server still loads.
SCENARIO = """
    import ctypes, os, signal
    import multiprocessing.forkserver
    from routing.route.parallel import become_worker, solver_context

    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    read, write = os.pipe()
    owner = os.fork()
    if owner == 0:
        become_worker(os.getppid())
        solver_context()
        multiprocessing.forkserver.ensure_running()
        os.write(write, str(multiprocessing.forkserver._forkserver._forkserver_pid).encode())
        os.kill(os.getpid(), signal.SIGTERM)
        os._exit(3)  # not reached: the signal ends it
    os.close(write)
    server = int(os.read(read, 64))
    _, owner_status = os.waitpid(owner, 0)
    _, server_status = os.waitpid(server, 0)
    print(os.waitstatus_to_exitcode(owner_status), os.waitstatus_to_exitcode(server_status))
"""


def test_a_terminated_solver_process_ends_the_fork_server_it_started() -> None:
    done = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", textwrap.dedent(SCENARIO)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    owner, server = (int(status) for status in done.stdout.split())
    assert owner == -signal.SIGTERM  # it still ends as SIGTERM ends a process
    assert server == -signal.SIGKILL
