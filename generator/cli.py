"""The `fieldprint` command. Only this module turns exceptions into exit codes:
0 done; 1 the command ran and found what --fail-on asks about; 2 bad input or usage;
3 some records refused (--skip-invalid printed the others); 4 a chat group could not be
told (equipment --notify); 70 a bug in fieldprint (its traceback is printed: it can never
look like exit 1, "items overdue"); 130 stopped by Ctrl-C, 143 by SIGTERM (nothing
half-written is left behind)."""
from __future__ import annotations

import importlib
import os
import signal
import sys
from collections.abc import MutableMapping

import click

from . import __version__, console
from .errors import Terminated, UserError, terminal_text
from .i18n import _, _l, language, set_language, words
from .commands import common
from .commands.clicktext import Option, group, option

# Every command, by name: the module of generator.commands that defines it (in its COMMANDS).
# A module is imported when one of its commands is asked for: `fieldprint validate` does not
# import the printing commands; `fieldprint --help` lists them all, so it imports them all.
COMMANDS = {"validate": "validate", "badges": "badges", "service-cards": "service_cards",
            "phrase-cards": "phrase_cards", "calibrate": "calibrate", "work-orders": "forms",
            "confirmations": "forms", "follow-ups": "forms", "equipment": "equipment",
            "template": "template", "layouts": "layouts", "demo": "demo", "serve": "serve"}


class LazyCommands(MutableMapping):
    """A click group's `commands` (name -> click.Command) whose modules are imported when a
    command is first looked up. Its names are known without importing anything; looking up
    one imports the module that defines it (`modules`: name -> module of
    generator.commands). Raises LookupError when a module does not define the command the
    table says it does (the table is wrong: a bug)."""

    def __init__(self, modules: dict[str, str]):
        self._modules = dict(modules)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        found = self._loaded.get(name)
        if found is None:
            module = importlib.import_module(f"{__package__}.commands.{self._modules[name]}")
            for command in module.COMMANDS:
                self._loaded.setdefault(command.name, command)
            if name not in self._loaded:
                raise LookupError(f"generator.commands.{self._modules[name]} has no command "
                                  f"{name!r}")
            found = self._loaded[name]
        return found

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command
        self._modules.setdefault(name, "")

    def __delitem__(self, name: str) -> None:
        del self._modules[name]
        self._loaded.pop(name, None)

    def __iter__(self):
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __contains__(self, name: object) -> bool:
        return name in self._modules


@group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
       help=_l("""Print the paperwork of a field-service team from the data the office keeps.

    DATA is one or more YAML files (.csv and .xlsx too) with the sections company, staff,
    work_orders and equipment. A company.yaml beside the first file is used when no company
    section is given.

    \b
    Examples:
      fieldprint demo -o out                        every artifact from the bundled examples
      fieldprint template staff.xlsx                a staff sheet to fill in, in Excel
      fieldprint validate staff.xlsx                check the data, list every problem
      fieldprint badges staff.xlsx -o badges.pdf
      fieldprint work-orders work_orders.csv staff.xlsx -o orders.pdf
      fieldprint equipment equipment.xlsx --as-of 2026-11-21"""))
@click.version_option(__version__, prog_name="fieldprint", cls=Option,
                      message=_l("%(prog)s, version %(version)s"),
                      help=_l("Show the version and exit."))
def cli() -> None:
    pass


cli.commands = LazyCommands(COMMANDS)


def _lang_in(argv: list[str]) -> str | None:
    """The value of --lang anywhere on the command line (before click parses it, so that
    click's own errors about the rest of the line are in that language too)."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


BUG = 70  # EX_SOFTWARE (sysexits.h)


def main(argv: list[str] | None = None) -> None:
    """The `fieldprint` command: runs it with `argv` (the process's arguments when None) and exits
    with its code: 0 done, 1 a condition asked for (--fail-on), 2 the user's input is wrong (a
    message, no traceback), 3 some records refused (--skip-invalid), 4 a chat group could not
    be told (equipment --notify), 130/143 stopped (Ctrl-C, SIGTERM), 70 a bug (its
    traceback)."""
    if argv is None:
        _tune_gc()
        # We use no pydantic plugin. One installed for another program in the same Python
        # would be imported at the first model built, and looking for them reads every
        # installed package's metadata (4 ms of `validate`). A user's own setting stays.
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")
    console.prepare()
    set_language(_lang_in(sys.argv[1:] if argv is None else argv))
    previous = _on_stop_signals()
    try:
        code = _run(argv)
    finally:
        # called in-process (tests), the caller's handlers go back; the process itself ends
        # with them set, so a Ctrl-C pressed late changes nothing
        if argv is not None:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
    _exit(code, argv)


def _run(argv: list[str] | None) -> int:
    """The command's exit code; every exception becomes one here."""
    try:
        result = cli.main(args=argv, prog_name="fieldprint", standalone_mode=False)
    except UserError as exc:
        common.report_problems(exc.problems, checking=exc.checking)
        return 2
    except (click.exceptions.Abort, KeyboardInterrupt) as exc:
        # click turns Ctrl-C into Abort; SIGTERM arrives as Terminated (see _on_stop_signals)
        return _stopped(exc if isinstance(exc, KeyboardInterrupt) else (exc.__context__ or exc))
    except click.ClickException as exc:
        exc.message = terminal_text(exc.message)
        said = _said(exc)
        exc.format_message = lambda: said
        exc.show()
        return 2 if exc.exit_code == 2 else exc.exit_code
    except Exception as exc:  # a bug: its traceback, and a code no user error or --fail-on gives
        interrupt = _interrupt_behind(exc)
        if interrupt is not None:   # raised while the run was being stopped: it was stopped
            return _stopped(interrupt)
        import traceback   # (with tokenize and linecache: not for a run that goes well)
        traceback.print_exc()
        click.echo(_("fieldprint stopped on a bug (the traceback above), not on your data; "
                     "nothing was written. Please report it with the command you ran."),
                   err=True)
        return BUG
    return result if isinstance(result, int) else 0


def _said(exc: click.ClickException) -> str:
    """click's message, with its "did you mean" (a command or an option typed wrong) in the
    user's language: the closest first, said as a list ('validate' 或 'calibrate'), no space
    after a Chinese 。 (click sorts them and joins them with English commas); in Chinese,
    click's closing ASCII period is a 。."""
    possibilities = getattr(exc, "possibilities", None)   # NoSuchCommand, NoSuchOption
    if not possibilities:
        text = exc.format_message()
        if language() == "zh" and text.endswith(".") and not text.endswith(".."):
            text = text[:-1] + "。"    # click ends some with its own ASCII period
        return text.replace("。 ", "。")
    hint = _("Did you mean {choices}?").format(choices=words([repr(p) for p in possibilities],
                                                             "or"))
    return f"{exc.message} {hint}".replace("。 ", "。")


def _stopped(cause: BaseException) -> int:
    """Say "stopped" once; 143 for SIGTERM (Terminated), else 130 (Ctrl-C)."""
    click.echo(_("stopped; no output file was left half-written."), err=True)
    return 143 if isinstance(cause, Terminated) else 130


def _interrupt_behind(exc: BaseException) -> BaseException | None:
    """The Ctrl-C (KeyboardInterrupt) or SIGTERM (Terminated) during whose handling `exc` was
    raised (a library cleaning up after the interrupt can raise its own error), or None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, KeyboardInterrupt):   # Terminated is one too
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _on_stop_signals() -> dict:
    """Ctrl-C (SIGINT) and SIGTERM stop a run the same way: raised where the program is, as
    KeyboardInterrupt or Terminated (exit 130, 143), so temporary files are removed and worker
    processes stopped. The first one stops the run; later ones (Ctrl-C pressed again, a
    service manager repeating SIGTERM) are ignored until the cleanup is done and "stopped"
    said once: raised again, they cut the cleanup short or killed the process after the
    message. Returns the handlers it replaced, to put back (none when it cannot set them:
    not in the main thread)."""
    def stop(signum, frame):
        for each in (signal.SIGINT, signal.SIGTERM):
            signal.signal(each, signal.SIG_IGN)
        raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()
    replaced = {}
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            replaced[signum] = signal.signal(signum, stop)
    except ValueError:
        pass
    return {signum: handler for signum, handler in replaced.items() if handler is not None}


def _tune_gc() -> None:
    """The one place the garbage collector is touched (the process's entry point, not code
    called from tests or other programs). A run makes millions of small objects and almost
    no reference cycles; with the default thresholds (700, 10, 10) the collector walks them
    again and again. Collected 140 times less often, CPU seconds measured on 2026-11-29 (min
    of 2, 2 cores under load): 10,000 work orders 17.6 -> 15.8, 100,000-item register from YAML
    3.95 -> 3.25, from CSV 1.95 -> 1.47; peak memory unchanged. Still collected: a long-running
    process does not keep its cycles."""
    import gc
    gc.set_threshold(100_000, 50, 100)


def _exit(code: int, argv: list[str] | None) -> None:
    if argv is None:
        # The process ends here (the `fieldprint` script, python -m generator.cli): its
        # objects need no cyclic garbage collection on the way out. Python would scan them all
        # once more while shutting down: 0.3 s after a 100,000-item register.
        import gc
        gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    main()
