"""The card engine's worker pool (generator/card/document.py): what the workers hand back is
what the main process would have made itself; a stopped run leaves no worker behind, killed
none; a worker that dies ends the run with a message instead of a hang."""
from __future__ import annotations

from card_helpers import make_photo

from generator.card.document import PhotoSource, QrJob, _work
from generator.card.images import PhotoJob


def _jobs(tmp_path, n):
    jobs = []
    for i in range(n):
        path = tmp_path / f"p{i}.jpg"
        make_photo(path, size=(900, 1200), colour=(20 * i % 255, 100, 200))
        jobs.append(PhotoJob(str(path), path.stat().st_mtime_ns, (25.0, 33.5), 0.3,
                             (255, 255, 255)))
        jobs.append(QrJob(f"https://example.cn/staff/{i}?k={i * 7919}", "M"))
    jobs.append(PhotoJob(str(tmp_path / "missing.jpg"), 0, (25.0, 33.5), 0.3, (255, 255, 255)))
    return jobs


def test_the_workers_make_what_the_main_process_makes(tmp_path):
    jobs = _jobs(tmp_path, 12)
    source = PhotoSource(2, len(jobs))
    assert source._pool is not None, "no workers: the test proves nothing"
    try:
        for i in range(0, len(jobs), 2):      # a card's photo and code: one task
            source.submit(*jobs[i:i + 2])
        source.submit(jobs[0], jobs[3])         # already waiting: not started again
        assert [source.get(job) for job in jobs] == [_work(job) for job in jobs]
        assert not source._pending
    finally:
        source.close()



def test_cards_go_to_the_workers_several_at_a_time_and_come_back_the_same(tmp_path):
    """Each task costs the main process a round trip through its executor threads (0.6 s of
    its 2.3 s for 1,000 badges at one card a task): a big run hands 20 cards' jobs over at
    once; the jobs still waiting for a full task go when one of them is needed."""
    jobs = _jobs(tmp_path, 30)
    source = PhotoSource(2, 1000)             # a big run: 20 cards a task
    assert source._pool is not None, "no workers: the test proves nothing"
    try:
        for i in range(0, len(jobs) - 1, 2):   # 30 cards: one task of 20, 10 waiting
            source.submit(*jobs[i:i + 2])
        tasks = {id(task) for task, _ in source._pending.values() if task is not None}
        assert len(tasks) == 1 and len(source._unsent) == 20
        assert [source.get(job) for job in jobs] == [_work(job) for job in jobs]
        assert not source._pending and not source._unsent
    finally:
        source.close()
    small = PhotoSource(2, 20)                # a small run: a card a task, both workers busy
    try:
        assert small._per_task == 1
    finally:
        small.close()

def test_the_workers_start_with_the_source_before_the_fonts_are_read(tmp_path):
    """A forked worker holds everything its parent held at the fork: forked at the first
    photo, each held the fonts' widths (13 MB), counted again per worker in the run's
    memory (5,000 badges came within 10 MB of issue 19's 300 MB). They now start when the
    source is made, which the card job does before it reads the fonts."""
    source = PhotoSource(2, 20)
    try:
        workers = list(source._pool._processes.values())
        assert len(workers) == 2 and all(w.is_alive() for w in workers)
    finally:
        source.close()


def test_a_stopped_run_skips_the_waiting_tasks_and_kills_no_worker(tmp_path):
    """Stopping a run (an error, Ctrl-C) once killed the workers (Pool.terminate with SIGKILL);
    one killed while it sent a result held the results queue's lock, and the main process
    waited for it for ever: a badge run with a problem hung. Now the waiting tasks are skipped and
    every worker leaves on its own (exit code 0, not -9)."""
    jobs = _jobs(tmp_path, 40)
    source = PhotoSource(2, len(jobs))
    assert source._pool is not None, "no workers: the test proves nothing"
    for i in range(0, len(jobs) - 1, 2):
        source.submit(*jobs[i:i + 2])
    workers = list(source._pool._processes.values())
    assert len(workers) == 2
    assert source.get(jobs[0]) == _work(jobs[0])          # the workers are busy
    source.close(cancel=True)
    assert [w.exitcode for w in workers] == [0] * len(workers)
    assert not source._pending


def test_a_worker_that_dies_fails_the_waiting_tasks_instead_of_hanging(tmp_path):
    """A worker killed (the out-of-memory killer, a crash in an image library): the task it
    held is lost, and multiprocessing's Pool waited for it for ever. Now get() says so."""
    import os
    import signal

    import pytest

    from generator.errors import UserError
    jobs = _jobs(tmp_path, 12)
    source = PhotoSource(2, len(jobs))
    try:
        for i in range(0, len(jobs) - 1, 2):
            source.submit(*jobs[i:i + 2])
        assert source.get(jobs[0]) == _work(jobs[0])          # the workers are running
        workers = list(source._pool._processes.values())
        os.kill(workers[0].pid, signal.SIGKILL)
        with pytest.raises(UserError, match="stopped unexpectedly"):
            for job in jobs[1:]:              # some may have been done before the kill
                source.get(job)
    finally:
        source.close(cancel=True)
    assert not any(w.is_alive() for w in workers)


# A badge run in which the worker that gets T00007's photo is killed as the kernel's
# out-of-memory killer does (SIGKILL), wherever in the run that falls
_DYING_RUN = """
import os, signal, sys
import generator.card.document as document
real, main = document._work, os.getpid()

def dying(job):
    if os.getpid() != main and str(getattr(job, "path", "")).endswith("T00007.jpg"):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(job)

document._work = dying
from generator.cli import main
main(sys.argv[1:])
"""


def test_a_badge_run_whose_worker_is_killed_stops_with_a_message_and_writes_nothing(tmp_path):
    """The run ends (a hang fails after 120 s) with exit 2, the message in Chinese (the
    default) saying what happened and what to do, no traceback, the previous file intact,
    no temporary file, and no worker left behind."""
    import os
    import subprocess
    import sys
    from card_helpers import make_data, person
    data = make_data(tmp_path / "data", people=[person(i) for i in range(1, 41)])
    out = tmp_path / "out"
    out.mkdir()
    target = out / "badges.pdf"
    target.write_bytes(b"previous")
    env = {k: v for k, v in os.environ.items() if k != "FIELDPRINT_LANG"}
    proc = subprocess.Popen([sys.executable, "-c", _DYING_RUN, "badges", str(data), "--jobs",
                             "2", "-o", str(target)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, env=env)
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:   # the hang this is about
        os.killpg(proc.pid, 9)
        raise AssertionError("the run did not end when its worker was killed") from None
    text = err.decode()
    assert proc.returncode == 2, text
    assert "工作进程意外退出" in text and "内存不足" in text and "--jobs 1" in text, text
    assert "Traceback" not in text
    assert target.read_bytes() == b"previous"
    assert [p.name for p in out.iterdir()] == ["badges.pdf"]
    leftover = subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True, text=True)
    assert leftover.stdout.strip() == "", "a worker outlived the run"
