"""Long jobs (a thousand badges, a year of work orders) in a worker process.

The page stays responsive: the server starts a process per job and asks it how far it got
(a shared counter) when the page polls. Cancel stops the process; the job's output was being
written to a temporary name (`generator.output.atomic_path`), so nothing half-written is left.
A finished file is served only to the session that started the job and is removed after
`ttl` seconds.
"""
from __future__ import annotations

import multiprocessing
import os
import secrets
import shutil
import signal
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_CONTEXT = multiprocessing.get_context("spawn")   # a clean process: no server threads copied


@dataclass
class Job:
    id: str
    owner: str                       # the session id that may see and download it
    task: str
    folder: Path
    process: Any
    done: Any                        # multiprocessing.Value: units finished
    total: Any                       # multiprocessing.Value: units in all (0 until known)
    conn: Any                        # the parent's end of a Pipe: the outcome arrives here
    started: float = field(default_factory=time.monotonic)
    state: str = "running"           # running | done | failed | cancelled
    file: Path | None = None
    summary: str = ""
    warnings: list[str] = field(default_factory=list)   # what the run said besides: a
    #                                                     placeholder printed, a name shrunk
    problems: list[str] = field(default_factory=list)
    finished: float | None = None

    def poll(self) -> "Job":
        if self.state != "running":
            return self
        outcome = None
        try:
            if self.conn.poll():
                outcome = self.conn.recv()
        except (EOFError, OSError):
            outcome = None
        if outcome is None and self.process.is_alive():
            return self
        if outcome is None:                  # the process died without a word
            from ..i18n import _
            self.process.join(timeout=1)
            outcome = ("bug", _("the worker process ended unexpectedly (exit code {code})")
                       .format(code=self.process.exitcode))
        self.process.join(timeout=5)
        self.finished = time.monotonic()
        kind = outcome[0]
        if kind == "done":
            self.state, self.file, self.summary = "done", self.folder / outcome[1], outcome[2]
            self.warnings = list(outcome[3])
        elif kind == "problems":
            self.state, self.problems = "failed", list(outcome[1])
        else:
            self.state, self.problems = "failed", [outcome[1]]
        return self

    @property
    def progress(self) -> tuple[int, int]:
        return int(self.done.value), int(self.total.value)


class Jobs:
    """The jobs of one server. `ttl`: seconds a finished job's file is kept.

    Each server keeps its files in a folder of its own under `folder`: a second server on
    the same workspace (another port, or one started by mistake) must not remove the
    downloads of the first. A folder left by a server that stopped without closing is
    removed when a later server starts, once nothing in it changed for `STALE` seconds."""

    STALE = 24 * 3600

    def __init__(self, folder: Path, ttl: float = 1800, max_running: int = 2):
        parent = Path(folder)
        parent.mkdir(parents=True, exist_ok=True)
        now = time.time()
        for old in parent.iterdir():        # files a server left when it did not close
            try:
                stale = now - old.stat().st_mtime > max(self.STALE, 2 * ttl)
            except OSError:
                continue
            if stale:
                shutil.rmtree(old, ignore_errors=True)
        self.folder = parent / f"{os.getpid()}-{secrets.token_hex(4)}"
        self.folder.mkdir()
        self.ttl = ttl
        self.max_running = max_running
        self._jobs: dict[str, Job] = {}

    def start(self, owner: str, task: str, params: dict) -> Job:
        """Start `task` (a name in generator.web.tasks.TASKS) with `params` (picklable)."""
        from ..errors import UserError
        from ..i18n import _
        self.sweep()
        running = [j for j in self._jobs.values() if j.poll().state == "running"]
        if len(running) >= self.max_running:
            raise UserError(_("{n} jobs are running; wait for one to finish or cancel it")
                            .format(n=len(running)))
        job_id = secrets.token_urlsafe(16)
        folder = self.folder / job_id
        folder.mkdir(parents=True)
        done, total = _CONTEXT.Value("q", 0), _CONTEXT.Value("q", 0)
        parent, child = _CONTEXT.Pipe(duplex=False)
        process = _CONTEXT.Process(target=_work, args=(task, params, folder, done, total, child),
                                   name=f"fieldprint-job-{task}", daemon=False)
        process.start()
        child.close()
        job = Job(job_id, owner, task, folder, process, done, total, parent)
        self._jobs[job_id] = job
        return job

    def get(self, owner: str, job_id: str) -> Job | None:
        """The job, only for the session that started it."""
        job = self._jobs.get(job_id)
        if job is None or not secrets.compare_digest(job.owner, owner):
            return None
        return job.poll()

    def cancel(self, job: Job) -> None:
        if job.state == "running" and job.process.is_alive():
            job.process.terminate()          # SIGTERM: the worker stops and cleans up
            job.process.join(timeout=10)
            if job.process.is_alive():
                job.process.kill()
                job.process.join()
        job.state, job.finished = "cancelled", time.monotonic()

    def sweep(self) -> None:
        """Forget jobs finished more than `ttl` seconds ago, and remove their files."""
        now = time.monotonic()
        for job_id, job in list(self._jobs.items()):
            job.poll()
            if job.finished is not None and now - job.finished > self.ttl:
                shutil.rmtree(job.folder, ignore_errors=True)
                del self._jobs[job_id]

    def close(self) -> None:
        for job in list(self._jobs.values()):
            self.cancel(job)
        shutil.rmtree(self.folder, ignore_errors=True)


def _work(task: str, params: dict, folder: Path, done, total, conn) -> None:
    """In the worker: run the task, send ("done", file name, summary, [warnings' texts]),
    ("problems", [texts]) or ("bug", traceback)."""
    def stop(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    from ..advice import set_medium
    from ..errors import UserError
    from ..i18n import set_language
    from . import tasks
    set_language(params.get("lang"))
    set_medium("web")

    def progress(n: int, of: int) -> None:
        total.value = of
        done.value = n
    try:
        name, summary, warnings = tasks.TASKS[task](params, folder, progress)
        conn.send(("done", name, summary, [tasks.problem_text(p) for p in warnings]))
    except UserError as exc:
        conn.send(("problems", [tasks.problem_text(p) for p in exc.problems]))
    except KeyboardInterrupt:
        pass
    except BaseException:  # a bug: its traceback goes to the server's log, not to the page
        text = traceback.format_exc()
        import sys
        print(text, file=sys.stderr)
        from ..i18n import _
        conn.send(("bug", _("internal error (a bug); its details are in the server's log")))
    finally:
        conn.close()
