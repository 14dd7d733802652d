"""The card engine's worker pool (generator/card/document.py): what the workers hand back is
what the main process would have made itself, and the pool, whose minding thread no longer
wakes for every result (_Pool._get_sentinels), still hands every result over and stops."""
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



def test_a_stopped_run_skips_the_waiting_tasks_and_kills_no_worker(tmp_path):
    """Stopping a run (an error, Ctrl-C) killed the workers (Pool.terminate with SIGKILL); one
    killed while it sent a result held the results queue's lock, and the main process waited
    for it for ever: a badge run with a problem hung. Now the waiting tasks are skipped and
    every worker leaves on its own (exit code 0, not -9)."""
    jobs = _jobs(tmp_path, 40)
    source = PhotoSource(2, len(jobs))
    assert source._pool is not None, "no workers: the test proves nothing"
    workers = list(source._pool._pool)
    for i in range(0, len(jobs) - 1, 2):
        source.submit(*jobs[i:i + 2])
    assert source.get(jobs[0]) == _work(jobs[0])          # the workers are busy
    source.close(cancel=True)
    assert [w.exitcode for w in workers] == [0] * len(workers)
    assert not source._pending
