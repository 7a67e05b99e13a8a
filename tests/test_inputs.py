"""What the gather phase reads: the project's own regular files, each at most its size limit.

A file linked from outside the project, or one that is not a regular file (a device, a FIFO), is
one error at the file, it is not read, and `check` and the build say the same.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import shutil
import stat
import sys
import threading
from pathlib import Path
from typing import Iterator

import pytest

from report import project
from report.content.textfile import MAX_BYTES, decode
from report.i18n.catalogs import parse_mapping

from .conftest import copy_project, make_project, run_cli
from .test_fixtures import finding_lines

CHECK_AND_BUILD = (("check",), ("build", "--quiet"))
OUTSIDE = "outside the project: copy the file here instead of linking to it [input.outside]"


def _link_out(root: Path, rel: str, outside: Path) -> Path:
    """Move a project file outside the project and link to it from its place; return where it went."""
    target = outside / Path(rel).name
    shutil.move(root / rel, target)
    (root / rel).symlink_to(target)
    return target


@pytest.mark.parametrize(
    "rel",
    [
        "report.yaml",
        "facilities/sample.yaml",
        "facilities/sources.yaml",
        "i18n/es/LC_MESSAGES/messages.po",
        "i18n/messages.pot",
        "i18n/babel.cfg",
    ],
)
@pytest.mark.parametrize("verb", CHECK_AND_BUILD)
def test_a_file_linked_from_outside_is_one_error_and_not_read(
    tmp_path: Path, fixed_today: None, rel: str, verb: tuple[str, ...]
) -> None:
    root = make_project(tmp_path, "i18n-untranslated")  # the _i18n layer: a catalog, the .pot, babel.cfg
    outside = tmp_path / "outside"
    outside.mkdir()
    target = _link_out(root, rel, outside)
    code, out, err = run_cli("--root", str(root), *verb)
    errors = [line for line in finding_lines(out) if ": error: " in line]
    assert errors == [f"{rel}:1:1: error: file resolves to '{target}', {OUTSIDE}"]
    assert code == 1
    assert "Traceback" not in out + err
    assert not (root / "dist").exists()


@pytest.mark.parametrize("verb", CHECK_AND_BUILD)
def test_a_dossier_linked_from_outside_is_not_published(
    tmp_path: Path, fixed_today: None, verb: tuple[str, ...]
) -> None:
    """The tester's case: a second, listed dossier linked from outside is refused, not published."""
    root = make_project(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    text = (root / "facilities" / "sample.yaml").read_text(encoding="utf-8")
    (outside / "secret.yaml").write_text(text.replace("id: sample", "id: secret", 1), encoding="utf-8")
    (root / "facilities" / "secret.yaml").symlink_to(outside / "secret.yaml")
    project.write_atomic(
        root / "report.yaml",
        (root / "report.yaml").read_bytes().replace(b"facilities: [sample]", b"facilities: [sample, secret]"),
    )
    code, out, _ = run_cli("--root", str(root), *verb)
    assert finding_lines(out) == [
        f"facilities/secret.yaml:1:1: error: file resolves to '{outside / 'secret.yaml'}', {OUTSIDE}"
    ]
    assert code == 1
    assert not (root / "dist").exists()


def test_a_template_linked_from_outside_is_one_error_and_never_rendered(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project", ["lasalle"])
    outside = tmp_path / "outside"
    outside.mkdir()
    target = _link_out(root, "layouts/partials/facility.html", outside)
    for verb in CHECK_AND_BUILD:
        code, out, _ = run_cli("--root", str(root), *verb)
        errors = [line for line in finding_lines(out) if ": error: " in line]
        assert errors == [f"layouts/partials/facility.html:1:1: error: file resolves to '{target}', {OUTSIDE}"]
        assert code == 1
    assert not (root / "dist").exists()


def test_a_link_inside_the_project_is_read(tmp_path: Path, fixed_today: None) -> None:
    """The rule is the project, not the folder: a link to another file of the project is the project's own."""
    root = make_project(tmp_path)
    shutil.move(root / "facilities" / "sources.yaml", root / "sources-kept.yaml")
    (root / "facilities" / "sources.yaml").symlink_to(Path("..") / "sources-kept.yaml")
    code, out, _ = run_cli("--root", str(root), "check")
    assert finding_lines(out) == []
    assert code == 0


def test_a_fifo_is_refused_without_opening_it(tmp_path: Path, fixed_today: None) -> None:
    root = make_project(tmp_path)
    os.mkfifo(root / "facilities" / "pipe.yaml")  # opening it to read would wait for a writer forever
    code, out, _ = run_cli("--root", str(root), "check")
    assert [line for line in finding_lines(out) if ": error: " in line] == [
        "facilities/pipe.yaml:1:1: error: file is a named pipe (FIFO), not a regular file:"
        " put the file itself here [input.not-file]"
    ]
    assert code == 1


TRANSLATE = [("i18n/babel.cfg", "extract"), ("i18n/messages.pot", "extract"), ("i18n/messages.pot", "update")]
"""The files `extract` and `update` read besides the content: babel.cfg (extract only) and the template."""
REFUSED = {
    "extract": "fix these errors first: no catalog was written",
    "update": "fix these errors first: no catalog was changed",
}


@contextlib.contextmanager
def _unblocked(fifo: Path) -> Iterator[None]:
    """Give a reader that opened `fifo` an end of file after 10 s, so a regression fails instead of hanging."""

    def release() -> None:
        with contextlib.suppress(OSError):  # ENXIO: nobody opened it to read, as it should be
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    timer = threading.Timer(10, release)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


@pytest.mark.parametrize(("rel", "verb"), TRANSLATE)
def test_extract_and_update_refuse_a_file_linked_from_outside(
    tmp_path: Path, fixed_today: None, rel: str, verb: str
) -> None:
    """extract read babel.cfg through the link, and read the template's target then replaced the link."""
    root = make_project(tmp_path, "i18n-untranslated")
    outside = tmp_path / "outside"
    outside.mkdir()
    target = _link_out(root, rel, outside)
    before = {path: path.read_bytes() for path in (target, root / "i18n/es/LC_MESSAGES/messages.po")}
    code, out, err = run_cli("--root", str(root), verb)
    assert finding_lines(out) == [f"{rel}:1:1: error: file resolves to '{target}', {OUTSIDE}"]
    assert out.splitlines()[-1] == REFUSED[verb]
    assert code == 1
    assert "Traceback" not in out + err
    assert (root / rel).is_symlink()
    assert {path: path.read_bytes() for path in before} == before


@pytest.mark.parametrize(("rel", "verb"), TRANSLATE)
def test_extract_and_update_refuse_a_fifo_without_opening_it(
    tmp_path: Path, fixed_today: None, rel: str, verb: str
) -> None:
    """extract waited forever on babel.cfg and replaced the template; update said the template was not found."""
    root = make_project(tmp_path, "i18n-untranslated")
    (root / rel).unlink()
    os.mkfifo(root / rel)
    catalog = (root / "i18n/es/LC_MESSAGES/messages.po").read_bytes()
    with _unblocked(root / rel):
        code, out, err = run_cli("--root", str(root), verb)
    assert finding_lines(out) == [
        f"{rel}:1:1: error: file is a named pipe (FIFO), not a regular file: put the file itself here [input.not-file]"
    ]
    assert out.splitlines()[-1] == REFUSED[verb]
    assert code == 1
    assert "Traceback" not in out + err
    assert stat.S_ISFIFO((root / rel).lstat().st_mode)
    assert (root / "i18n/es/LC_MESSAGES/messages.po").read_bytes() == catalog


@pytest.mark.parametrize("verb", [("extract",), ("check",)])
def test_a_babel_cfg_babel_cannot_read_is_one_error_at_its_line_not_a_crash(
    tmp_path: Path, fixed_today: None, verb: tuple[str, ...]
) -> None:
    """`check` crashed on it too ("internal error", exit 3), in the coverage of the template strings."""
    root = make_project(tmp_path, "i18n-untranslated")
    (root / "i18n/babel.cfg").write_text("layouts/**.html = jinja2\n", encoding="utf-8")  # no [section]
    code, out, err = run_cli("--root", str(root), *verb)
    assert [line for line in finding_lines(out) if "[i18n.extract]" in line] == [
        "i18n/babel.cfg:1:1: error: i18n/babel.cfg cannot be read: File contains no section headers. [i18n.extract]"
    ]
    assert code == 1
    assert "Traceback" not in out + err


BABEL_VERBS = (*CHECK_AND_BUILD, ("extract",))
"""The verbs that judge babel.cfg: `check` and the build's gather phase, and `extract`, which hands it to Babel."""
CONTENT_SECTIONS = "[first_ten_yaml: facilities/*.yaml]\n\n[first_ten_yaml: report.yaml]\n"
OURS = "is not one this project provides (jinja2, first_ten_yaml, report.i18n.extract:extract_yaml, ignore)"
NOT_OURS = f"{OURS}: Babel would import and run it [i18n.extract]"


def _babel_cfg_refused(root: Path, verb: tuple[str, ...], pot: bytes, out: str, err: str) -> None:
    """Assert what every verb does with a babel.cfg it refuses: no traceback, nothing written."""
    assert "Traceback" not in out + err
    assert (root / "i18n/messages.pot").read_bytes() == pot
    assert not (root / "dist").exists()
    if verb == ("extract",):
        assert out.splitlines()[-1] == REFUSED["extract"]


@pytest.mark.parametrize("verb", BABEL_VERBS)
def test_a_babel_cfg_method_from_the_project_is_refused_never_imported(
    tmp_path: Path,
    fixed_today: None,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    verb: tuple[str, ...],
) -> None:
    """Babel imported `facilities.pwn.x` from the project root (on sys.path under ./build.py) and ran it: 0 errors."""
    root = make_project(tmp_path, "i18n-untranslated")
    (root / "layouts").mkdir()
    (root / "layouts/page.html").write_text('<p>{{ _("Hello") }}</p>\n', encoding="utf-8")
    (root / "i18n/babel.cfg").write_text(f"[facilities.pwn.x: layouts/**.html]\n\n{CONTENT_SECTIONS}", encoding="utf-8")
    ran = tmp_path / "ran"
    (root / "facilities/pwn.py").write_text(
        f"import pathlib\npathlib.Path({str(ran)!r}).write_text('ran')\ndef x(*a, **k): return []\n"
    )
    monkeypatch.syspath_prepend(str(root))  # as `./build.py` run from the project has it
    request.addfinalizer(lambda: [sys.modules.pop(name, None) for name in ("facilities.pwn", "facilities")])
    pot = (root / "i18n/messages.pot").read_bytes()
    code, out, err = run_cli("--root", str(root), *verb)
    assert [line for line in finding_lines(out) if ": error: " in line] == [
        f"i18n/babel.cfg:1:2: error: extraction method 'facilities.pwn.x' {NOT_OURS}"
    ]
    assert code == 1
    assert not ran.exists()
    assert "facilities.pwn" not in sys.modules
    _babel_cfg_refused(root, verb, pot, out, err)


OPTIONS = (
    "keywords, add_comments, encoding, silent, trimmed, newstyle_gettext, block_start_string, block_end_string,"
    " variable_start_string, variable_end_string, comment_start_string, comment_end_string, line_statement_prefix,"
    " line_comment_prefix, trim_blocks, lstrip_blocks, keep_trailing_newline"
)


@pytest.mark.parametrize("default", [False, True], ids=["section", "default"])
@pytest.mark.parametrize("verb", BABEL_VERBS)
def test_a_babel_cfg_option_that_imports_code_is_refused_never_imported(
    tmp_path: Path,
    fixed_today: None,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    verb: tuple[str, ...],
    default: bool,
) -> None:
    """`extensions = facilities.payload:Ext` under `[jinja2: …]` had Jinja import the payload and run it
    (`extensions = this` printed the Zen of Python, then "internal error"), in `check` too; `[DEFAULT]`
    gives every section its options."""
    root = make_project(tmp_path, "i18n-untranslated")
    (root / "layouts").mkdir()
    (root / "layouts/page.html").write_text('<p>{{ _("Hello") }}</p>\n', encoding="utf-8")
    option = "extensions = facilities.payload:Ext\n"
    head = f"[DEFAULT]\n{option}\n" if default else ""
    jinja = "[jinja2: layouts/**.html]\ntrimmed = true\n" + ("" if default else option)
    (root / "i18n/babel.cfg").write_text(f"# templates\n{head}{jinja}\n{CONTENT_SECTIONS}", encoding="utf-8")
    ran = tmp_path / "ran"
    (root / "facilities/payload.py").write_text(
        f"import pathlib\npathlib.Path({str(ran)!r}).write_text('ran')\nclass Ext: pass\n"
    )
    monkeypatch.syspath_prepend(str(root))  # as `./build.py` run from the project has it
    request.addfinalizer(lambda: [sys.modules.pop(name, None) for name in ("facilities.payload", "facilities")])
    pot = (root / "i18n/messages.pot").read_bytes()
    code, out, err = run_cli("--root", str(root), *verb)
    assert [line for line in finding_lines(out) if ": error: " in line] == [
        f"i18n/babel.cfg:{3 if default else 4}:1: error: option 'extensions' is not one babel.cfg may set:"
        f" Jinja would import and run the modules it names (options: {OPTIONS}) [i18n.extract]"
    ]
    assert code == 1
    assert not ran.exists()
    assert "facilities.payload" not in sys.modules
    _babel_cfg_refused(root, verb, pot, out, err)


def test_babel_cfg_options_that_are_data_still_work_and_no_other(tmp_path: Path, fixed_today: None) -> None:
    """Jinja's and Babel's data options are read as before; an encoding Jinja's extractor cannot
    decode with was "internal error (LookupError…)", exit 3; an option no extractor reads is refused."""
    root = make_project(tmp_path, "i18n-untranslated")
    (root / "layouts").mkdir()
    (root / "layouts/page.html").write_text(
        '<p>{{ _("Hello") }}</p>\n<p>{% trans %}\n  Two\n  lines{% endtrans %}</p>\n', encoding="utf-8"
    )
    options = "trimmed = true\nsilent = false\nnewstyle_gettext = false\nencoding = utf-8\nkeywords = _ gettext\n"
    (root / "i18n/babel.cfg").write_text(f"[jinja2: layouts/**.html]\n{options}\n{CONTENT_SECTIONS}")
    code, out, _ = run_cli("--root", str(root), "extract")
    assert code == 0, out
    pot = (root / "i18n/messages.pot").read_text(encoding="utf-8")
    assert 'msgid "Hello"' in pot and 'msgid "Two lines"' in pot  # trimmed

    (root / "i18n/babel.cfg").write_text(
        f"[jinja2: layouts/**.html]\ntrimmed = true\nencoding = rot13\nautoescape = true\n\n{CONTENT_SECTIONS}"
    )
    pot = (root / "i18n/messages.pot").read_bytes()
    for verb in BABEL_VERBS:
        code, out, err = run_cli("--root", str(root), *verb)
        assert [line for line in finding_lines(out) if ": error: " in line] == [
            "i18n/babel.cfg:3:1: error: encoding 'rot13' is not a text encoding Python knows:"
            " write utf-8, the templates' encoding [i18n.extract]",
            f"i18n/babel.cfg:4:1: error: option 'autoescape' is not one babel.cfg may set: no extractor reads it"
            f" (options: {OPTIONS}) [i18n.extract]",
        ]
        assert code == 1
        _babel_cfg_refused(root, verb, pot, out, err)


@pytest.mark.parametrize("verb", BABEL_VERBS)
def test_a_babel_cfg_method_babel_cannot_call_is_one_error_not_a_crash(
    tmp_path: Path, fixed_today: None, verb: tuple[str, ...]
) -> None:
    """`[os.system: …]` was imported and called with Babel's four arguments: "internal error (TypeError…)", exit 3."""
    root = make_project(tmp_path, "i18n-untranslated")
    (root / "layouts").mkdir()
    (root / "layouts/page.html").write_text('<p>{{ _("Hello") }}</p>\n', encoding="utf-8")
    (root / "i18n/babel.cfg").write_text(
        f"# templates\n[jinja2: layouts/**.html]\ntrimmed = true\n\n[ os.system : layouts/**.txt]\n\n{CONTENT_SECTIONS}",
        encoding="utf-8",
    )
    (root / "layouts/page.txt").write_text("echo hello\n", encoding="utf-8")
    pot = (root / "i18n/messages.pot").read_bytes()
    code, out, err = run_cli("--root", str(root), *verb)
    assert [line for line in finding_lines(out) if ": error: " in line] == [
        f"i18n/babel.cfg:5:3: error: extraction method 'os.system' {NOT_OURS}"
    ]
    assert code == 1
    _babel_cfg_refused(root, verb, pot, out, err)


def test_babel_cfg_may_leave_files_out_with_ignore_and_names_no_other_method(tmp_path: Path, fixed_today: None) -> None:
    """Babel's own `ignore` (files to leave out) was refused as a method "Babel would import and run";
    a name without `.` or `:` is never imported: Babel has no such method."""
    root = make_project(tmp_path, "i18n-untranslated")
    (root / "layouts/vendor").mkdir(parents=True)
    (root / "layouts/page.html").write_text('<p>{{ _("Hello") }}</p>\n', encoding="utf-8")
    (root / "layouts/vendor/widget.html").write_text('<p>{{ _("Not ours") }}</p>\n', encoding="utf-8")
    sections = "[ignore: layouts/vendor/**]\n\n[jinja2: layouts/**.html]\n\n[Jinja2: layouts/**.txt]\n\n"
    (root / "i18n/babel.cfg").write_text(sections + CONTENT_SECTIONS, encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "check")
    assert [line for line in finding_lines(out) if "[i18n.extract]" in line] == [
        f"i18n/babel.cfg:5:2: error: extraction method 'Jinja2' {OURS}: Babel has no such method [i18n.extract]"
    ]
    (root / "i18n/babel.cfg").write_text(sections.replace("[Jinja2: layouts/**.txt]\n\n", "") + CONTENT_SECTIONS)
    code, out, _ = run_cli("--root", str(root), "extract")
    assert code == 0, out
    pot = (root / "i18n/messages.pot").read_text(encoding="utf-8")
    assert 'msgid "Hello"' in pot and "Not ours" not in pot


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (
            "../../../../../etc/**",
            "pattern '../../../../../etc/**' reaches outside the project:"
            " name the project's own files by their path in it (layouts/**.html) [input.outside]",
        ),
        (
            "/etc/**",
            "pattern '/etc/**' reaches outside the project:"
            " name the project's own files by their path in it (layouts/**.html) [input.outside]",
        ),
        (
            "layouts/ext/**.html",
            "pattern 'layouts/ext/**.html' is in 'layouts/ext', which resolves to '{outside}', outside the project:"
            " copy the files here instead of linking to them [input.outside]",
        ),
    ],
)
@pytest.mark.parametrize("verb", BABEL_VERBS)
def test_a_babel_cfg_pattern_outside_the_project_is_one_error_and_never_walked(
    tmp_path: Path,
    fixed_today: None,
    monkeypatch: pytest.MonkeyPatch,
    verb: tuple[str, ...],
    pattern: str,
    message: str,
) -> None:
    """`check` walked /etc for `[jinja2: ../../../../../etc/**]` and listed its files in the coverage note: 0 errors."""
    root = make_project(tmp_path, "i18n-untranslated")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "host.html").write_text('<p>{{ _("Host") }}</p>\n', encoding="utf-8")
    (root / "layouts").mkdir()
    (root / "layouts/ext").symlink_to(outside)
    (root / "i18n/babel.cfg").write_text(f"[jinja2: {pattern}]\n\n{CONTENT_SECTIONS}", encoding="utf-8")
    walked = []
    real_walk = os.walk

    def walk(
        top: str | os.PathLike[str], *args: object, **kwargs: object
    ) -> Iterator[tuple[str, list[str], list[str]]]:
        walked.append(Path(top).resolve())
        return real_walk(top, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "walk", walk)
    pot = (root / "i18n/messages.pot").read_bytes()
    code, out, err = run_cli("--root", str(root), *verb)
    assert [line for line in finding_lines(out) if ": error: " in line] == [
        f"i18n/babel.cfg:1:10: error: {message.format(outside=outside)}"
    ]
    assert code == 1
    assert [top for top in walked if not top.is_relative_to(root.resolve())] == []
    assert "not counting" not in out and "host.html" not in out  # the coverage note listed what it walked
    _babel_cfg_refused(root, verb, pot, out, err)


def test_check_judges_babel_cfg_in_a_project_with_no_language_to_translate(tmp_path: Path, fixed_today: None) -> None:
    """English alone: `check` never read babel.cfg and said "0 errors", where `extract` refuses it."""
    root = make_project(tmp_path)
    (root / "i18n").mkdir()
    (root / "i18n/babel.cfg").write_text(f"[os.system: layouts/**.html]\n\n{CONTENT_SECTIONS}", encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "check")
    assert finding_lines(out) == [f"i18n/babel.cfg:1:2: error: extraction method 'os.system' {NOT_OURS}"]
    assert code == 1


def test_a_babel_cfg_method_renamed_under_extractors_is_judged_by_the_name_babel_imports(tmp_path: Path) -> None:
    """Babel's `[extractors]` section gives a section's method another name: `jinja2 = os.system` is os.system."""
    raw = b"[extractors]\njinja2 = os.system\n\n[jinja2: layouts/**.html]\n"
    parsed, problems = parse_mapping(tmp_path, raw)
    assert parsed == ([], {})  # nor its options: Babel gives a file the first options whose pattern matches it
    assert [(str(problem.loc), problem.code, problem.message) for problem in problems] == [
        (
            "i18n/babel.cfg:4:1",
            "i18n.extract",
            f"extraction method 'os.system' {NOT_OURS.removesuffix(' [i18n.extract]')}",
        )
    ]


@pytest.mark.parametrize("verb", CHECK_AND_BUILD)
def test_a_dossier_linked_to_a_device_is_refused_without_reading_it(
    tmp_path: Path, fixed_today: None, verb: tuple[str, ...]
) -> None:
    """/dev/zero never ends: reading it whole ran out of memory ("internal error", exit 3)."""
    root = make_project(tmp_path)
    (root / "facilities" / "zero.yaml").symlink_to("/dev/zero")
    code, out, err = run_cli("--root", str(root), *verb)
    assert [line for line in finding_lines(out) if ": error: " in line] == [
        f"facilities/zero.yaml:1:1: error: file resolves to '/dev/zero', {OUTSIDE}"
    ]
    assert code == 1
    assert "Traceback" not in out + err


def test_a_folder_where_a_file_belongs_is_said_to_be_one(tmp_path: Path, fixed_today: None) -> None:
    root = make_project(tmp_path)
    (root / "report.yaml").unlink()
    (root / "report.yaml").mkdir()
    code, out, _ = run_cli("--root", str(root), "check")
    assert finding_lines(out) == [
        "report.yaml:1:1: error: file is a folder, not a regular file: put the file itself here [input.not-file]"
    ]
    assert code == 1


@pytest.mark.parametrize("listed", [True, False])
def test_a_folder_named_like_a_dossier_is_said_to_be_one(tmp_path: Path, fixed_today: None, listed: bool) -> None:
    """`facilities/other.yaml/`, a folder: listed in report.yaml, check said "no dossier
    'facilities/other.yaml'" at the list (it is there, in the file manager); unlisted, nothing."""
    root = make_project(tmp_path)
    (root / "facilities" / "other.yaml").mkdir()
    if listed:
        report = root / "report.yaml"
        report.write_text(
            report.read_text(encoding="utf-8").replace("facilities: [sample]", "facilities: [sample, other]")
        )
    code, out, _ = run_cli("--root", str(root), "check")
    assert [line for line in finding_lines(out) if ": error: " in line] == [
        "facilities/other.yaml:1:1: error: file is a folder, not a regular file: put the file itself here [input.not-file]"
    ]
    assert code == 1


def test_read_never_reads_more_than_the_limit_and_one_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that grows without end (a device: its size says 0) is cut at the limit + 1 and refused."""
    (tmp_path / "big.yaml").write_bytes(b"x" * 100)
    asked = []
    real_fdopen = os.fdopen

    def fdopen(fd: int, mode: str = "r") -> object:
        handle = real_fdopen(fd, mode)
        real_read = handle.read
        handle.read = lambda size=-1: asked.append(size) or real_read(size)  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr(os, "fdopen", fdopen)
    with pytest.raises(project.TooLarge) as raised:
        project.read(tmp_path, "big.yaml", 10)
    assert asked == [11]
    assert (raised.value.size, raised.value.limit) == (100, 10)
    assert project.read(tmp_path, "big.yaml", 100) == b"x" * 100


def test_every_input_kind_has_a_limit() -> None:
    assert set(MAX_BYTES) == {"dossier", "report", "sources", "catalog", "glossary", "mapping", "template", "atlas"}


NEWLINE = "save the file with LF line endings [yaml.newline]"
AS_UTF8 = "save it as UTF-8 [yaml.encoding]"


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        (b"a: 1\r\nb: 2\r\n", f"1:5: error: line ends with a carriage return (Windows CRLF line endings); {NEWLINE}"),
        (
            b"a: 1\rb: 2\r",
            f"1:5: error: lines end with a carriage return alone (CR, classic Mac line endings), not LF; {NEWLINE}",
        ),
        (
            b"a: 1\nb: x\ry\n",
            "2:5: error: a carriage return (CR) alone, with no line feed after it; delete it [yaml.newline]",
        ),
        *(
            (
                "a: \u00e9\n".encode(codec),
                f"1:1: error: file is {name} text, not UTF-8: it starts with a {name} byte order mark; {AS_UTF8}",
            )
            for codec, name in (("utf-16", "UTF-16"), ("utf-32", "UTF-32"))
        ),
        *(
            (
                bom + "a: \u00e9\n".encode(codec),
                f"1:1: error: file is {name} text, not UTF-8: it starts with a {name} byte order mark; {AS_UTF8}",
            )
            for bom, codec, name in (
                (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
                (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
            )
        ),
        *(
            (
                "a: \u00e9\n".encode(f"{name.lower()}-{order[0]}e"),
                f"1:1: error: file is {name} text ({order}-endian, without a byte order mark), not UTF-8; {AS_UTF8}",
            )
            for name in ("UTF-16", "UTF-32")
            for order in ("little", "big")
        ),
        (  # zero bytes, but no UTF-16 text: binary
            b"a\x00\x01\x00",
            "1:2: error: file contains the control character U+0000: it is binary or was pasted from another program;"
            " delete it [yaml.encoding]",
        ),
    ],
)
def test_a_text_file_in_another_form_is_refused_for_what_it_holds(raw: bytes, said: str) -> None:
    """A file of classic Mac line ends was refused for "Windows CRLF line endings", and a UTF-16 or
    UTF-32 file (Notepad's "Unicode") as "not valid UTF-8: byte 0xff cannot be decoded"."""
    text, findings = decode(raw, "facilities/x.yaml", "yaml")
    assert text is None
    assert [str(f) for f in findings] == [f"facilities/x.yaml:{said}"]


def test_a_babel_cfg_in_utf16_is_named_so(tmp_path: Path) -> None:
    """It was "i18n/babel.cfg cannot be read: 'utf-8' codec can't decode byte 0xff in position 0"."""
    mapping, findings = parse_mapping(tmp_path, "[jinja2: layouts/**.html]\n".encode("utf-16"))
    assert mapping is None
    assert [str(f) for f in findings] == [
        "i18n/babel.cfg:1:1: error: i18n/babel.cfg is UTF-16 text, not UTF-8: it starts with a UTF-16 byte order"
        " mark; save it as UTF-8 [i18n.extract]"
    ]
