"""`fieldprint serve`: the office's print desk in the browser.

An interface on top of the core, like `generator/commands/` (the CLI): it reads and writes the
company's workspace folder (workspace.py), checks uploads (uploads.py), previews cards and forms
(previews.py), runs long jobs in worker processes (jobs.py, tasks.py) and serves the pages
(app.py, templates/, static/). Nothing in the core imports this package.
"""
from __future__ import annotations


def create_app(*args, **kwargs):
    """The web application (see web.app.create_app), imported only when asked for."""
    from .app import create_app as make
    return make(*args, **kwargs)
