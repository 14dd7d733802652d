"""`fieldprint serve`: the office's print desk in the browser (generator/web)."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import Problem, UserError
from ..i18n import _, _l, language
from .clicktext import Range, command, option


@command("serve", help=_l("""Start the print desk: a web page where the office uploads the staff
sheet, photos, work orders and the equipment register, previews every card and form, and
downloads the PDFs. Open http://127.0.0.1:8000 in a browser.

\b
Examples:
  fieldprint serve                                  this computer only
  fieldprint serve --workspace D:/工号牌             the company's folder
  fieldprint serve --set-password                   then:
  fieldprint serve --host 0.0.0.0 --no-browser      the office network (login needed)"""))
@option("--host", default="127.0.0.1", show_default=True,
        help=_l("The address to listen on. Another address than 127.0.0.1 lets other "
                "computers in; it needs a password (--set-password)."))
@option("--port", default=8000, show_default=True, type=Range(1, 65535),
        help=_l("The port to listen on."))
@option("--workspace", type=click.Path(file_okay=False, path_type=Path),
        default=Path("fieldprint-workspace"), show_default=True,
        help=_l("The folder of the company's files (company.yaml, staff.xlsx, photos/, …); "
                "made when missing. The CLI reads the same files."))
@option("--no-browser", is_flag=True, help=_l("Do not open the browser."))
@option("--set-password", is_flag=True,
        help=_l("Ask for a new password (stored hashed in the workspace) and stop."))
@option("--max-upload-mb", default=32, show_default=True, type=Range(1, 2048),
        help=_l("The largest upload accepted at once, in MB."))
def serve(host, port, workspace, no_browser, set_password, max_upload_mb):
    from ..web import security
    from ..web.workspace import Workspace
    ws = Workspace(workspace)
    if set_password:
        password = click.prompt(_("New password"), hide_input=True,
                                confirmation_prompt=True)
        if len(password) < security.MIN_PASSWORD:
            raise UserError(Problem(_("the password is too short: at least {n} characters")
                                    .format(n=security.MIN_PASSWORD)))
        security.set_password(ws.private, password)
        click.echo(_("password saved (hashed) in {path}").format(
            path=security.password_file(ws.private)))
        return 0
    local = security.is_local(host)
    has_password = security.password_hash(ws.private) is not None
    if not local and not has_password:
        raise UserError(Problem(_(
            "--host {host} lets other computers in: set a password first with "
            "`fieldprint serve --set-password --workspace {ws}`").format(host=host,
                                                                          ws=workspace)))
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    _port_free(host, port, url)   # before the app: a second server must leave the first alone
    import uvicorn
    app = make_app(ws.root, host, max_upload_mb, has_password)
    click.echo(_("fieldprint serve: {url} (workspace {ws}); stop with Ctrl+C").format(
        url=url, ws=ws.root), err=True)
    if not no_browser:
        import threading
        import webbrowser
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    # no access log: request paths and addresses stay out of the log (personal data)
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning",
                server_header=False)
    return 0


def _port_free(host: str, port: int, url: str) -> None:
    """Raises UserError when `host`:`port` cannot be listened on (a server started twice:
    the trial's second `serve` said it was running, then failed in English). The same bind
    the server makes, tried and let go."""
    import errno
    import os
    import socket
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise UserError(Problem(_("cannot listen on {host}: {reason}; check --host").format(
            host=host, reason=exc.strerror))) from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        if os.name != "nt":   # as the server binds (on Windows the option would share a port)
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", None)):
                raise UserError(Problem(_(
                    "port {port} is in use: fieldprint serve may be running already (open "
                    "{url} in the browser), or another program uses it; to start a second "
                    "server, choose another port with --port").format(port=port, url=url))) \
                    from None
            raise UserError(Problem(_("cannot listen on {host}:{port}: {reason}").format(
                host=host, port=port, reason=exc.strerror))) from None


def make_app(workspace: Path, host: str, max_upload_mb: int = 32, login: bool = False):
    """The app `serve` runs: logins when a password is set; on 127.0.0.1 it answers only
    requests addressed to this machine by name (a page elsewhere cannot reach it through a
    DNS name that points here)."""
    from ..web import security
    from ..web.app import Settings, create_app
    from ..web.uploads import Limits
    settings = Settings(Path(workspace), require_login=login,
                        limits=Limits(request_bytes=max_upload_mb * 1024 * 1024),
                        lang=language())
    app = create_app(settings)
    if security.is_local(host):
        from starlette.middleware.trustedhost import TrustedHostMiddleware
        app.add_middleware(TrustedHostMiddleware,
                           allowed_hosts=["127.0.0.1", "localhost", "[::1]", "::1"])
    return app


COMMANDS = [serve]
