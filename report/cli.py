"""The command line: parse arguments into option records, run a verb, print, choose the exit code.

The only module that prints. Exit codes (`errors`): 0 no error, 1 content errors, 2 a usage
mistake, 3 a bug in the tool (the traceback goes to a file under .cache/crashes/), 130 Ctrl-C,
141 when the reader of the output stops reading (`check | head`).
The stages a verb runs are imported when it runs (`export` and `serve` themselves are light):
a build with nothing to do loads no more.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import difflib
import errno
import functools
import io
import os
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Callable, Sequence, TextIO

from . import project, publish
from .commands.export import export
from .commands.serve import serve
from .errors import EXIT_BUG, EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, EXIT_PIPE, EXIT_USAGE, UsageError
from .findings import Finding, Policy, count, counted, format_findings, has_errors, promoted, to_json

NOT_SET_UP = (
    "the Python module '{module}' is not installed; run `make build` first"
    " (it sets up .venv, which ./build.py then uses by itself)"
)
COMMANDS = ("build", "check", "release", "export", "extract", "update", "serve", "new")
MAX_PORT = 65535
PUBLISHED_UNRECORDED = (
    "; dist/ was published, but the build could not record it, so the next build will not know that"
    " dist/ is up to date and will build it again"
)
ROOT_NEEDS_A_FOLDER = "--root needs a folder: write the project's folder after it (--root path/to/project)"


@functools.cache
def parser() -> argparse.ArgumentParser:
    """Return the argument parser for every subcommand (one, shared: parsing changes nothing in it)."""
    top = argparse.ArgumentParser(
        prog="build.py",
        description="Build and check the First Ten to Communities Not Cages report.",
    )
    top.add_argument("--root", type=Path, default=None, help="project folder (default: the folder build.py is in)")
    sub = top.add_subparsers(dest="command", metavar="command")

    build = sub.add_parser("build", help="render the PDFs and the HTML site into dist/ (the default)")
    build.add_argument("--release", action="store_true", help="refuse unverified dossiers and incomplete translations")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: the number of cores)")
    build.add_argument("--lang", action="append", default=None, help="build only this language (repeatable)")
    build.add_argument(
        "--quiet", "-q", action="store_true", help="print errors and the summary line only (no warnings, no progress)"
    )

    check = sub.add_parser("check", help="validate dossiers, citations and translations; write nothing")
    check.add_argument(
        "--release", action="store_true", help="also fail on unverified dossiers and incomplete translations"
    )
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check.add_argument("--online", action="store_true", help="also check that source URLs still work")
    check.add_argument("--quiet", "-q", action="store_true", help="print errors and the summary line only")
    check.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="show only the findings about these files, and what they break elsewhere (their sources, their catalog entries)",
    )

    release = sub.add_parser(
        "release",
        help="build the release edition (no draft marks), or print the checklist of what blocks it",
    )
    release.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: the number of cores)")
    release.add_argument(
        "--quiet", "-q", action="store_true", help="print errors and the summary line only (no warnings, no progress)"
    )

    exporting = sub.add_parser(
        "export", help="copy the edition in dist/ into a real folder and a zip, for a static host (default: site/)"
    )
    exporting.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=None,
        metavar="DIR",
        help="the folder to write (default: site/ in the project); the zip is DIR.zip beside it",
    )

    sub.add_parser("extract", help="write i18n/messages.pot from the templates and the dossiers")
    update = sub.add_parser("update", help="merge i18n/messages.pot into every language's catalog")
    update.add_argument("--lang", action="append", default=None, help="update only this language (repeatable)")

    serve = sub.add_parser("serve", help="build, serve dist/ on localhost and rebuild on changes")
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0 picks a free one)")

    new = sub.add_parser("new", help="start a new facility dossier from the template")
    new.add_argument("id", help="the facility id, which is also the file name (lower-case, hyphens)")
    new.add_argument("--name", required=True, help="the facility's official name")
    return top


def main(
    argv: Sequence[str] | None = None,
    *,
    default_root: Path | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run the command line and return its exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        args_list = _with_default_command(list(sys.argv[1:] if argv is None else argv))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser().parse_args(args_list)
        _check_numbers(args)
        project.source_date()  # a malformed SOURCE_DATE_EPOCH is a usage error, said before any verb runs
    except SystemExit as exc:  # argparse has printed the problem
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    except UsageError as exc:
        print(f"build.py: error: {exc}", file=err)
        return EXIT_USAGE
    root = (args.root or default_root or Path.cwd()).resolve()
    if not root.is_dir():  # every verb works in the project's folder: "report.yaml not found" would say less
        named = f"--root {args.root}" if args.root is not None else str(root)
        print(f"build.py: error: {named}: {'not a folder' if root.exists() else 'no such folder'}", file=err)
        return EXIT_USAGE
    if not any(
        os.path.lexists(root / name) for name in (project.REPORT_FILE, project.FACILITIES_DIR, project.BUILDS_DIR)
    ):
        # Not the project (a wrong --root, the wrong folder for `python -m report`): a build would
        # make .cache/build.lock there, in /etc or ~ as well, and `new` a facilities/ folder. (Only
        # this tool makes .dist/, the builds' folder: an edition without its sources can be exported.)
        named = f"--root {args.root}" if args.root is not None else str(root)
        print(
            f"build.py: error: {named}: not the report's project folder (it holds neither"
            f" {project.REPORT_FILE} nor {project.FACILITIES_DIR}/): name the project's folder",
            file=err,
        )
        return EXIT_USAGE
    handler = HANDLERS[args.command or "build"]
    try:
        project.refuse_links(root)  # before any verb writes in .cache/ or deletes in .dist/ through a link
        code = handler(root, args, out, err)
        out.flush()  # here, not at exit: a block-buffered stdout meets a closed pipe inside this `try`
        return code
    except UsageError as exc:
        print(f"build.py: error: {exc}", file=err)
        return EXIT_USAGE
    except KeyboardInterrupt:  # before the verb could catch it (`build` does, holding the lock)
        if handler is cmd_build:
            from .commands.build import LEFT_AS_IT_WAS

            print(LEFT_AS_IT_WAS, file=err)
        else:  # not the build's module to import, the user waiting, for one word
            print("interrupted", file=err)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `check | head` has read all it wanted: not a bug, nothing to say
        _discard(out)  # Python's recipe ("Note on SIGPIPE"): what is still buffered goes to devnull
        return EXIT_PIPE
    except OSError as exc:
        said = _not_a_bug(root, exc)
        if said is None:
            return _crashed(root, exc, err)
        print(f"build.py: error: {said}", file=err)
        return EXIT_FINDINGS
    except Exception as exc:  # noqa: BLE001 - a bug in the tool: say so, keep the traceback
        if isinstance(exc, ModuleNotFoundError) and exc.name and exc.name.partition(".")[0] != __package__:
            print(f"build.py: error: {NOT_SET_UP.format(module=exc.name)}", file=err)  # not a bug: no venv
            return EXIT_USAGE
        return _crashed(root, exc, err)


def _discard(out: TextIO) -> None:
    """Send what is still to be written to `out` nowhere, so that Python's last flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())


def _not_a_bug(root: Path, exc: OSError, then: str = "") -> str | None:
    """Return what to tell the user about a system error that is theirs to fix (a full disk, a write
    refused), naming the file, then saying `then` if given; None for any other, which is a bug in the tool.

    The writers (project.write_atomic, publish) leave nothing partial and name the file.
    """
    if exc.errno in project.NO_SPACE:
        return f"{os.strerror(exc.errno).lower()}{_while_writing(root, exc.filename)}{then}"
    if exc.errno not in project.REFUSED or not isinstance(exc.filename, str):
        return None
    doing = "write" if isinstance(exc, project.NotWritable) else "open"  # raised where it is read, or locked
    if exc.errno == errno.EROFS:
        advice = "the disk it is on is mounted read-only; work in a copy of the project on a disk you can write to"
    else:
        advice = (
            "make sure that you own it and the folder it is in, and may write there"
            " (was the build once run with sudo? then give the project's files back to your user with sudo chown -R)"
        )
    return f"cannot {doing} {_relative(root, exc.filename)}: {os.strerror(exc.errno).lower()}{then}; {advice}"


def _relative(root: Path, filename: str) -> str:
    """Return a file's path as the user sees it: relative to the project when inside it."""
    path = Path(filename)
    with contextlib.suppress(ValueError):
        path = path.relative_to(root)
    return path.as_posix()


def _while_writing(root: Path, filename: object) -> str:
    """Return ' while writing <path>' for a file (relative to the project when inside it), or ''."""
    return f" while writing {_relative(root, filename)}" if isinstance(filename, str) else ""


def _crashed(root: Path, exc: Exception, err: TextIO) -> int:
    """Say that the tool has a bug, where its traceback is, and return EXIT_BUG."""
    where = _write_crash(root, exc)
    print(
        f"build.py: internal error ({type(exc).__name__}: {' '.join(str(exc).split())[:200]}):"
        f" this is a bug in the tool, not a problem in your content; the full traceback is in {where}",
        file=err,
    )
    return EXIT_BUG


def _write_crash(root: Path, exc: BaseException) -> str:
    """Write the traceback of an unexpected exception to .cache/crashes/ (or a temporary file); return where."""
    text = "".join(traceback.format_exception(exc))
    name = f"crash-{dt.datetime.now():%Y%m%d-%H%M%S}-{time.monotonic_ns() % 10**6}.txt"
    try:
        path = root / project.CRASH_DIR / name
        project.write_atomic(path, text.encode())
        return str(path.relative_to(root))
    except OSError:
        import tempfile

        with tempfile.NamedTemporaryFile("w", prefix="first-ten-crash-", suffix=".txt", delete=False) as handle:
            handle.write(text)
        return handle.name


def _with_default_command(args: list[str]) -> list[str]:
    """Return the arguments with `build` inserted when no command is named.

    Raise UsageError when the first word names no command: `build` takes no words, so a word
    there is a command mistyped or one that does not exist (`status --help` is not `build`'s help);
    and when `--root` has no folder after it, which would take the `build` put after it as one.
    """
    i = 0
    while i < len(args):
        if args[i] == "--root":
            if i + 1 == len(args) or args[i + 1][:1] in ("", "-"):  # argparse takes no option as its value
                raise UsageError(ROOT_NEEDS_A_FOLDER)
            i += 2
        elif args[i].startswith("--root="):
            if args[i] == "--root=":
                raise UsageError(ROOT_NEEDS_A_FOLDER)
            i += 1
        elif args[i] in COMMANDS or args[i] in ("-h", "--help"):
            return args
        elif not args[i].startswith("-"):
            close = difflib.get_close_matches(args[i], COMMANDS, n=1)
            guess = f": did you mean '{close[0]}'?" if close else ""
            raise UsageError(f"unknown command '{args[i]}'{guess} (commands: {', '.join(COMMANDS)})")
        else:
            break
    return [*args[:i], "build", *args[i:]]


def _check_numbers(args: argparse.Namespace) -> None:
    """Raise UsageError for a number argparse took that the command cannot use (a port past 65535, -j 0)."""
    port = getattr(args, "port", None)
    if port is not None and not 0 <= port <= MAX_PORT:
        raise UsageError(f"--port {port} is out of range: give a port from 1 to {MAX_PORT}, or 0 for any free one")
    jobs = getattr(args, "jobs", None)
    if jobs is not None and jobs < 1:
        raise UsageError(
            f"--jobs {jobs} is out of range: give 1 worker process or more, or leave it out for one per core"
        )


def exit_code(findings: Sequence[Finding]) -> int:
    """Return EXIT_FINDINGS if there are errors, else EXIT_OK."""
    return EXIT_FINDINGS if has_errors(findings) else EXIT_OK


# -- the verbs -------------------------------------------------------------------------------------


def cmd_check(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .commands.check import check
    from .commands.gather import GatherOptions, alone_note
    from .i18n.coverage import coverage_table

    options = GatherOptions(project.today(), (), Policy(args.strict, args.release), args.online)
    checked = check(root, options, tuple(args.files))
    shown = [f for f in checked.findings if f.level == "error"] if args.quiet else list(checked.findings)
    if args.format == "json":
        tables = {lang: c.as_dict() for lang, c in checked.coverage.items()}
        hidden = [f for f in checked.findings if f not in shown] + list(checked.elsewhere)
        not_shown = {
            "errors": sum(f.level == "error" for f in hidden),
            "warnings": sum(f.level == "warning" for f in hidden),
        }
        print(to_json(shown, coverage=tables, not_shown=not_shown, checked_alone=list(checked.alone)), file=out)
        return exit_code(checked.findings)
    if args.quiet:
        for finding in shown:
            print(finding, file=out)
    else:
        print(format_findings(shown), file=out)
        for coverage in checked.coverage.values():
            if checked.named and coverage.path not in checked.named:
                continue  # a writer checking a dossier does not need every language's table
            print("", file=out)
            print(coverage_table(coverage), file=out)
        print("", file=out)
    translated = "".join(
        f"; {lang} {c.total.percent:.1f}% translated{c.caveats}" for lang, c in checked.coverage.items()
    )
    summary = _shown(checked.findings, args.quiet, checked.elsewhere, alone_note(checked.alone))
    print(f"check: {summary}{translated} ({checked.seconds:.1f} s)", file=out)
    return exit_code(checked.findings)


def _shown(findings: Sequence[Finding], quiet: bool, elsewhere: Sequence[Finding] = (), alone: str = "") -> str:
    """Return '1 error, 2 warnings', or with --quiet '1 error (2 warnings not shown)', what is
    elsewhere, and which files were checked alone (`alone_note`)."""
    errors = sum(f.level == "error" for f in findings)
    text = count(errors, "error") if quiet else counted(findings)
    notes = [said] if (said := promoted(findings)) else []
    notes += [f"{count(len(findings) - errors, 'warning')} not shown"] if quiet and len(findings) > errors else []
    if elsewhere:
        other_errors = sum(f.level == "error" for f in elsewhere)
        parts = [
            count(n, noun) for n, noun in ((other_errors, "error"), (len(elsewhere) - other_errors, "warning")) if n
        ]
        notes.append(f"{' and '.join(parts)} in other files not shown")
    notes += [alone] if alone else []
    return text + (f" ({'; '.join(notes)})" if notes else "")


class Progress:
    """Chunks done out of total, on one updating line (plain lines if not a tty)."""

    def __init__(self, stream: TextIO, enabled: bool):
        self.stream = stream
        self.enabled = enabled
        self.total = 0
        self.done = 0
        self.tty = enabled and stream.isatty()
        self._lock = threading.Lock()  # ticks come from the paginator's and the languages' threads

    def add(self, count: int) -> None:
        """Announce `count` more chunks."""
        self.total += count

    def tick(self, key: str, cached: bool) -> None:
        """Show one chunk done."""
        with self._lock:
            self.done += 1
            if not self.enabled:
                return
            # No time left is guessed: the chunks differ a hundredfold in cost, and a cached one costs
            # nothing, so any rate said "about 58s left" of builds that took 2 s.
            line = f"[{self.done}/{self.total}] {key} ({'cached' if cached else 'rendered'})"
            if self.tty:
                print(f"\r\033[K{line}", end="", file=self.stream, flush=True)
            else:
                print(line, file=self.stream, flush=True)

    def close(self) -> None:
        """End the progress line; later ticks (a thread still finishing after Ctrl-C) print nothing."""
        with self._lock:
            if self.tty and self.enabled and self.done:
                print(file=self.stream)
            self.enabled = False


def cmd_build(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    held = publish.read_edition(root / project.DIST_DIR)
    code, built = _build(root, args, out, err)
    if built.state == "built" and held == "release" and not args.release:
        print("build: this draft replaced the release dist/ held (./build.py release makes one again)", file=out)
    return code


def cmd_release(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    args.lang, args.strict, args.release = None, False, True  # every language, the release policy
    code, _ = _build(root, args, out, err, checklist=True)
    return code


def _build(  # noqa: ANN202 - (int, Built)
    root: Path,
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO,
    show_progress: bool = True,
    printing: threading.Lock | None = None,
    checklist: bool = False,
    nice: int = 0,
):
    from .commands.build import build

    progress = Progress(err, enabled=not args.quiet and show_progress)
    built = build(
        root, _build_options(args, nice), progress, waiting=lambda message: print(message, file=err, flush=True)
    )
    try:
        progress.close()
        with printing or contextlib.nullcontext():
            return _show_built(root, built, args, out, err, checklist)
    except KeyboardInterrupt:  # the build has ended: `main` would say dist/ was left as it was
        if built.state != "built":
            raise
        from .commands.build import ALREADY_NEW

        print(ALREADY_NEW, file=err)
        return EXIT_INTERRUPTED, built


def _build_options(args: argparse.Namespace, nice: int = 0):  # noqa: ANN202 - BuildOptions, imported with the build
    from .commands.build import BuildOptions

    return BuildOptions(project.today(), tuple(args.lang or ()), Policy(args.strict, args.release), args.jobs, nice)


def _show_built(root: Path, built, args: argparse.Namespace, out: TextIO, err: TextIO, checklist: bool = False):  # noqa: ANN001, ANN202 - Built -> (int, Built)
    """Print how a build ended as `build` does; return its exit code and the outcome."""
    if built.state == "interrupted":
        print(("\r\033[K" if err.isatty() else "") + built.summary, file=err, flush=True)
        return EXIT_INTERRUPTED, built
    if checklist and built.gathered is not None:  # the release checks stopped it: who must do what
        from .commands import release

        edition = built.gathered.edition
        todo = release.checklist(built.gathered)
        print(release.format_checklist(todo, edition.settings.edition.isoformat() if edition else None), file=out)
        print(f"\n{release.summary(todo)}", file=out, flush=True)
        return EXIT_FINDINGS, built
    if args.quiet:
        for finding in built.findings:
            if finding.level == "error":
                print(finding, file=out)
        hidden = sum(f.level == "warning" for f in built.findings)
        print(_noting(built.summary, f"{count(hidden, 'warning')} not shown" if hidden else ""), file=out, flush=True)
    else:
        print(format_findings(built.findings), file=out)
        for table in built.coverage:  # what `check` prints after its findings
            print(f"\n{table}", file=out)
        if built.coverage:
            print(file=out)
        print(built.summary, file=out, flush=True)
    if built.unrecorded is not None:  # published, but not recorded: true, and the user's to fix
        said = _not_a_bug(root, built.unrecorded, PUBLISHED_UNRECORDED)
        print(f"build.py: error: {said or built.unrecorded}", file=err, flush=True)
        return EXIT_FINDINGS, built
    return (EXIT_FINDINGS if built.state == "failed" else EXIT_OK), built


def _noting(summary: str, note: str) -> str:
    """Return the summary line with `note` in parentheses at its end: in its own last ones, if it
    ends with some ("dist/ is up to date (0.19s; 3 warnings not shown)"), never two in a row."""
    if not note:
        return summary
    return f"{summary[:-1]}; {note})" if summary.endswith(")") else f"{summary} ({note})"


def cmd_export(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    done = export(root, args.folder, waiting=lambda message: print(message, file=err, flush=True))
    here = Path.cwd()

    def shown(path: Path) -> str:
        try:
            return path.relative_to(here).as_posix()
        except ValueError:
            return str(path)

    size = f"{done.size / 1_000_000:.1f} MB"
    line = f"exported the {done.edition} edition ({count(done.files, 'file')}, {size}) to {shown(done.folder)}/ and {shown(done.archive)}"
    if done.edition == "draft":
        line += ": every page says Draft; for the release, run ./build.py release, then export again"
    print(line, file=out)
    rebuild = f"./build.py{' release' if done.edition == 'release' else ''}"
    if done.sources_changed:
        print(
            f"the sources changed since this edition was built (a later build failed or did not run): run {rebuild},"
            " then export again",
            file=out,
        )
    elif done.sources_changed is None:  # an edition that records no content, and no stamp of its build
        print(
            "cannot tell whether the sources changed since this edition was built (its manifest records no content"
            f" and .cache/ holds no record of its build): run {rebuild}, then export again to be sure",
            file=out,
        )
    return EXIT_OK


def _translated(result, out: TextIO) -> int:  # noqa: ANN001 - commands.translate.Translated
    if result.findings:
        print(format_findings(result.findings), file=out)
    if result.refused:
        print(result.refused, file=out)
    for line in result.lines:
        print(line, file=out)
    return EXIT_FINDINGS if result.findings or result.kept else EXIT_OK


def cmd_extract(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .commands.translate import extract

    return _translated(extract(root), out)


def cmd_update(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .commands.translate import update

    return _translated(update(root, tuple(args.lang or ())), out)


# The preview's layout workers run this many steps below the rest (`Layout.nice`): the browser
# reloading the page and the watcher rendering the next save's pages come first.
SERVE_NICE = 10


def cmd_serve(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    build_args = parser().parse_args(["build"])
    release_args = parser().parse_args(["build", "--release"])
    printing = threading.Lock()  # the preview's watcher prints from its own thread

    def say(line: str) -> None:
        with printing:
            print(line, file=out, flush=True)

    def pages(saved: frozenset[str]):  # noqa: ANN202 - Paged
        from .commands.build import pages

        return pages(root, _build_options(build_args), saved)

    def announce(paged) -> None:  # noqa: ANN001 - Paged: said once the preview shows it
        if paged.failed is not None:
            with printing:
                _show_built(root, paged.failed, build_args, out, err)
        else:
            say(paged.summary)

    serve(  # until Ctrl-C
        root,
        args.port,
        lambda release: _build(
            root,
            release_args if release else build_args,
            out,
            err,
            show_progress=False,
            printing=printing,
            nice=SERVE_NICE,
        ),
        pages,
        say,
        announce=announce,
    )
    return EXIT_INTERRUPTED


def cmd_new(root: Path, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .commands.new import as_yaml, new_dossier, same_name

    path = new_dossier(root, args.id, args.name)
    twin = same_name(root, path)
    if twin is not None:
        print(twin, file=err)
    listed = as_yaml(args.id)  # `- 404` in report.yaml's list would be a number
    add = f"'{args.id}'" if listed == args.id else f"{listed}, in quotes,"
    print(
        f"wrote {path.relative_to(root)}; fill it in, add {add} to report.yaml, then run:"
        f" ./build.py check {path.relative_to(root)}",
        file=out,
    )
    return EXIT_OK


HANDLERS: dict[str, Callable[[Path, argparse.Namespace, TextIO, TextIO], int]] = {
    "build": cmd_build,
    "check": cmd_check,
    "release": cmd_release,
    "export": cmd_export,
    "extract": cmd_extract,
    "update": cmd_update,
    "serve": cmd_serve,
    "new": cmd_new,
}
