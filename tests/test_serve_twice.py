"""A second `fieldprint serve` on the same workspace leaves the first alone (the new user's
trial: starting it twice removed the first server's downloads, and said it in English)."""
from __future__ import annotations

import socket

from generator.web.jobs import Jobs


def test_a_port_in_use_is_said_before_anything_is_touched(cli, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", "--port", str(port), "--no-browser", "--workspace", tmp_path / "ws",
                     "--lang", "zh")
    assert result.code == 2, result
    assert f"端口 {port} 已被占用" in result.err and f"http://127.0.0.1:{port}/" in result.err
    assert "--port" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "ws" / ".fieldprint" / "jobs").exists()


def test_two_servers_on_one_workspace_keep_each_others_downloads(tmp_path):
    first = Jobs(tmp_path / "jobs")
    (first.folder / "job1").mkdir()
    (first.folder / "job1" / "badges.pdf").write_bytes(b"%PDF")
    second = Jobs(tmp_path / "jobs")           # started while the first runs
    assert (first.folder / "job1" / "badges.pdf").exists()
    second.close()                              # and stopped
    assert (first.folder / "job1" / "badges.pdf").exists()
    assert not second.folder.exists()
    first.close()
    assert list((tmp_path / "jobs").iterdir()) == []


def test_a_folder_left_by_a_server_that_did_not_close_goes_when_it_is_stale(tmp_path):
    import os
    import time
    left = tmp_path / "jobs" / "1234-deadbeef"
    (left / "job").mkdir(parents=True)
    old = time.time() - Jobs.STALE - 60
    os.utime(left, (old, old))
    recent = tmp_path / "jobs" / "5678-cafe"
    recent.mkdir()
    Jobs(tmp_path / "jobs").close()
    assert not left.exists() and recent.exists()
