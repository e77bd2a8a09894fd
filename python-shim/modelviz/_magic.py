"""The ``%modelviz`` line magic (``%load_ext modelviz``)."""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="%modelviz", add_help=False, description="Show a live run dashboard of a log directory."
    )
    p.add_argument("--logdir", help="directory (or fsspec URL) holding TensorBoard event files")
    p.add_argument("--runs", help="regular expression selecting runs")
    p.add_argument("--tags", help="regular expression selecting tags")
    p.add_argument("--refresh", type=float, default=2.0, help="seconds between re-reads")
    p.add_argument("--smoothing", type=float, default=0.6, help="EMA smoothing in [0, 1)")
    p.add_argument("--verify", action="store_true", help="check every record's CRC")
    p.add_argument("--stop", action="store_true", help="stop all watchers")
    return p


class _ArgumentError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would call sys.exit; a magic must not
        raise _ArgumentError(message)


def parse(line: str) -> argparse.Namespace:
    base = parser()
    p = _Parser(prog=base.prog, add_help=False, description=base.description, parents=[base])
    try:
        ns = p.parse_args(shlex.split(line))
    except _ArgumentError as e:
        raise UsageError(f"%modelviz: {e}\n{p.format_usage()}") from None
    if not ns.stop and not ns.logdir:
        raise UsageError("%modelviz: give --logdir DIR (or --stop)\n" + p.format_usage())
    if not 0 <= ns.smoothing < 1:
        raise UsageError(f"%modelviz: --smoothing must be in [0, 1), got {ns.smoothing}")
    return ns


@magics_class
class ModelvizMagics(Magics):
    @line_magic
    def modelviz(self, line: str) -> None:
        """%modelviz --logdir DIR [--runs RE] [--tags RE] [--refresh S] [--smoothing A] [--verify] | --stop"""
        ns = parse(line)
        from .dashboard import Dashboard, active, stop_all

        if ns.stop:
            n = stop_all()
            print(f"modelviz: stopped {n} watcher{'s' if n != 1 else ''}" if n else "modelviz: no watchers are running")
            if not ns.logdir:
                return
        if not ns.refresh > 0:
            raise UsageError(f"%modelviz: --refresh must be > 0 seconds, got {ns.refresh}")
        try:
            dash = Dashboard(
                ns.logdir, runs=ns.runs, tags=ns.tags, refresh=ns.refresh, smoothing=ns.smoothing, verify=ns.verify
            )
        except ValueError as e:
            raise UsageError(f"%modelviz: {e}") from None
        # Re-running the cell replaces its watcher rather than leaving the old one updating a cleared output.
        for other in active():
            if isinstance(other, Dashboard) and other.same_view(dash):
                other.stop()
        dash.show()
