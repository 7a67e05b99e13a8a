"""The command line: parse arguments, run a verb, print findings, choose the exit code.

Exit codes: 0 when there is no error, 1 when there are errors, 2 for usage problems, 130 after
Ctrl-C (128 + SIGINT, as shells report it).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence, TextIO

from .findings import Finding, counted, has_errors, ordered, promote, tally

COMMANDS = ("build", "check", "extract", "update", "serve", "new")
INTERRUPTED = 130
LEFT_AS_IT_WAS = "build interrupted; dist/ was left as it was"


class UsageError(Exception):
    """A problem with how the command was called: exit code 2."""


def today() -> dt.date:
    """Return today's date, or the date of SOURCE_DATE_EPOCH when it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


def parser() -> argparse.ArgumentParser:
    """Return the argument parser for every subcommand."""
    top = argparse.ArgumentParser(
        prog="build.py",
        description="Build and check the First Ten to Communities Not Cages report.",
    )
    top.add_argument("--root", type=Path, default=None, help="project folder (default: the current folder)")
    sub = top.add_subparsers(dest="command", metavar="command")

    build = sub.add_parser("build", help="render the PDFs and the HTML site into dist/ (the default)")
    build.add_argument("--release", action="store_true", help="refuse unverified dossiers and incomplete translations")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: the number of cores)")
    build.add_argument("--lang", action="append", default=None, help="build only this language (repeatable)")
    build.add_argument("--quiet", "-q", action="store_true", help="no progress display")

    check = sub.add_parser("check", help="validate dossiers, citations and translations; write nothing")
    check.add_argument("--release", action="store_true", help="also fail on unverified dossiers and incomplete translations")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check.add_argument("--online", action="store_true", help="also check that source URLs still work")

    sub.add_parser("extract", help="write i18n/messages.pot from the templates and the dossiers")
    update = sub.add_parser("update", help="merge i18n/messages.pot into every language's catalog")
    update.add_argument("--lang", action="append", default=None, help="update only this language (repeatable)")

    serve = sub.add_parser("serve", help="build, serve dist/ on localhost and rebuild on changes")
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0 picks a free one)")

    new = sub.add_parser("new", help="start a new facility dossier from the template")
    new.add_argument("id", help="the facility id, which is also the file name (lower-case, hyphens)")
    new.add_argument("--name", required=True, help="the facility's official name")
    return top


def main(argv: Sequence[str] | None = None, *, default_root: Path | None = None,
         out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command line and return its exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    args_list = _with_default_command(list(sys.argv[1:] if argv is None else argv))
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser().parse_args(args_list)
    except SystemExit as exc:  # argparse has printed the problem
        return 0 if exc.code == 0 else 2
    root = (args.root or default_root or Path.cwd()).resolve()
    handler = HANDLERS.get(args.command or "build")
    try:
        return handler(root, args, out, err)
    except UsageError as exc:
        print(f"build.py: error: {exc}", file=err)
        return 2
    except KeyboardInterrupt:  # before the verb could catch it (`build` does, holding the lock)
        print(LEFT_AS_IT_WAS if handler is cmd_build else "interrupted", file=err)
        return INTERRUPTED


def _with_default_command(args: list[str]) -> list[str]:
    """Return the arguments with `build` inserted when no command is named."""
    i = 0
    while i < len(args):
        if args[i] == "--root":
            i += 2
        elif args[i].startswith("--root="):
            i += 1
        elif args[i] in COMMANDS or args[i] in ("-h", "--help"):
            return args
        else:
            break
    return [*args[:i], "build", *args[i:]]


def print_findings(findings: Sequence[Finding], out: TextIO) -> None:
    """Print one line per finding, then a count of errors and warnings by code."""
    for finding in findings:
        print(finding, file=out)
    counts = tally(findings)
    if counts:
        print("", file=out)
        width = max(len(code) for _, code in counts)
        print(f"{'code':<{width}}  {'level':<7}  count", file=out)
        for (level, code), n in counts.items():
            print(f"{code:<{width}}  {level:<7}  {n:>5}", file=out)
    print(counted(findings), file=out)


def print_coverage(coverage: Mapping[str, Any], out: TextIO) -> None:
    """Print one translation coverage table per language, after the findings."""
    from .i18n.coverage import coverage_table

    for lang in coverage:
        print("", file=out)
        print(coverage_table(coverage[lang]), file=out)


def settle(findings: Sequence[Finding], args: argparse.Namespace, release_codes: Sequence[str] = ()) -> list[Finding]:
    """Return the findings ordered, with warnings promoted as --release and --strict ask."""
    result = ordered(findings)
    if getattr(args, "release", False):
        result = promote(result, release_codes)
    if getattr(args, "strict", False):
        result = promote(result)
    return result


def cmd_check(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .commands.gather import run_check

    return run_check(root, args, out, today())


def cmd_build(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .commands.build import run_build

    return run_build(root, args, out, err, today()).code


def cmd_extract(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from . import __version__
    from .i18n.extract import run_extract
    from .content.load import load_edition

    edition, findings = load_edition(root)
    if has_errors(findings):
        print_findings(ordered(findings), out)
        print("fix these errors first: no catalog was written", file=out)
        return 1
    written, problems = run_extract(root, __version__)
    if problems:
        print_findings(problems, out)
        return 1
    print("i18n/messages.pot " + ("written" if written else "unchanged"), file=out)
    return 0


def cmd_update(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .i18n.extract import run_update
    from .content.load import load_edition
    from .i18n.catalogs import TEMPLATE_FILE

    edition, findings = load_edition(root)
    if edition is None:
        print_findings(ordered(findings), out)
        return 1
    if not (root / TEMPLATE_FILE).is_file():
        raise UsageError(f"{TEMPLATE_FILE} not found: run 'python build.py extract' first")
    source = edition.settings.source_language
    languages = args.lang or [lang for lang in edition.settings.languages if lang != source]
    unreadable = catalog_problems(root, languages)
    if unreadable:
        print_findings(unreadable, out)
        print("fix these errors first: no catalog was changed", file=out)
        return 1
    for lang, counts, written in run_update(root, languages):
        state = "written" if written else "unchanged"
        print(
            f"i18n/{lang}/LC_MESSAGES/messages.po {state}: {counts['new']} new, {counts['changed']} changed"
            f" (now fuzzy), {counts['obsolete']} obsolete",
            file=out,
        )
    return 0


def catalog_problems(root: Path, languages: Sequence[str]) -> list[Finding]:
    """Return what keeps the template or a catalog from being read whole (an empty catalog is fine)."""
    from .i18n.catalogs import EMPTY, TEMPLATE_FILE, catalog_path, read_catalog
    from .i18n.coverage import problem_findings

    found = []
    for rel, lang in [(TEMPLATE_FILE, None), *((catalog_path(lang), lang) for lang in languages)]:
        parsed = read_catalog(root, rel, lang)
        if parsed is not None and parsed.problems != (EMPTY,):
            found += problem_findings(parsed)
    return found


def cmd_serve(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .commands.serve import serve

    from .commands.build import run_build

    build_args = parser().parse_args(["build", "--quiet"])
    return serve(root, args, out, lambda: run_build(root, build_args, out, err, today()))


def cmd_new(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .commands.new import new_dossier

    path = new_dossier(root, args.id, args.name)
    print(f"wrote {path.relative_to(root)}; fill it in, add '{args.id}' to report.yaml, then run: python build.py check", file=out)
    return 0


HANDLERS: dict[str, Callable[[Path, argparse.Namespace, TextIO, TextIO], int]] = {
    "build": cmd_build,
    "check": cmd_check,
    "extract": cmd_extract,
    "update": cmd_update,
    "serve": cmd_serve,
    "new": cmd_new,
}


def exit_code(findings: Sequence[Finding]) -> int:
    """Return 1 if there are errors, else 0."""
    return 1 if has_errors(findings) else 0
