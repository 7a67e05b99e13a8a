"""What the tool says is so (issue 15): gather once with the policy, "up to date" only when it is,
the same findings from `check` and `build`, schema errors as findings, a crash as exit code 3."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, Iterator

import pytest
import yaml
from jsonschema import Draft202012Validator

from report import cache, stamp
from report.content.load import schema_findings
from report.content.yamldoc import parse

from .conftest import FIXTURES, REPO, build, copy_project, make_project, run_cli
from .test_fixtures import finding_lines

EMIT_CODE = re.compile(r"^(?!layouts/css/).*\[pdf\.(?!css\])[a-z-]+\]$")
"""Findings only laying out can know (a lost note, a line cut off, at the chunk's source): everything else
`check` must print too, English fallbacks and whatever is located in a stylesheet included."""


# -- gather once, decide once ----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.private_chunks("checks that no chunk was laid out")
def test_strict_fails_before_any_chunk_is_laid_out(tmp_path: Path, fixed_today: None) -> None:
    root = make_project(tmp_path, "review-pending")  # warnings only
    code, out, _ = build(root, "--strict")
    assert code == 1
    assert out.rstrip().endswith(
        "build failed with 2 errors (2 warnings counted as errors under --strict): nothing was written to dist/"
    )
    assert finding_lines(out) == [
        line.replace(": warning: ", ": error: ")
        for line in (FIXTURES / "review-pending" / "expected.txt").read_text().splitlines()
    ]
    assert not (root / ".cache" / "chunks").exists()


def coverage_part(output: str) -> list[str]:
    """Return what `check` or `build` prints between its findings' counts and its summary line."""
    lines = output.rstrip("\n").splitlines()
    ends = [i for i, line in enumerate(lines) if re.fullmatch(r"\d+ errors?, \d+ warnings?", line)]
    return "\n".join(lines[ends[-1] + 1 if ends else 0 : -1]).strip("\n").splitlines()


@pytest.mark.slow
@pytest.mark.parametrize(
    "case",
    [
        "unknown-key",
        "bad-date",
        "cite-unknown",
        "review-pending",
        "strict",
        "i18n-pending",
        "i18n-fuzzy",
        "i18n-untranslated",
        "i18n-citations",
    ],
)
def test_build_prints_the_findings_check_prints(case: str, tmp_path: Path, fixed_today: None) -> None:
    root = make_project(tmp_path, case)
    shutil.copytree(REPO / "layouts", root / "layouts")  # the fixtures hold content only
    args_file = FIXTURES / case / "args"
    extra = args_file.read_text().split() if args_file.exists() else []
    _, checked, _ = run_cli("--root", str(root), "check", *extra)
    code, built, err = build(root, *extra)
    assert "Traceback" not in built + err
    emitted = [line for line in finding_lines(built) if not EMIT_CODE.search(line)]
    assert emitted == finding_lines(checked)
    assert (code == 1) == any(": error: " in line for line in finding_lines(checked))
    assert coverage_part(built) == coverage_part(checked)
    if code == 0:  # a build with nothing to do prints the same again
        _, again, _ = build(root, *extra)
        assert "dist/ is up to date" in again
        assert finding_lines(again) == finding_lines(built) and coverage_part(again) == coverage_part(built)


@pytest.mark.slow
def test_check_says_what_weasyprint_skips_in_the_stylesheets(tmp_path: Path, fixed_today: None) -> None:
    """A declaration WeasyPrint ignores is a finding of `check` too, and `--strict` fails on it before layout."""
    root = make_project(tmp_path)
    shutil.copytree(REPO / "layouts", root / "layouts")
    css = root / "layouts" / "css" / "print.css"
    text = css.read_text(encoding="utf-8").rstrip("\n") + "\n"
    css.write_text(text + ".x { colr: red; }\n", encoding="utf-8")
    line = text.count("\n") + 1
    _, checked, _ = run_cli("--root", str(root), "check")
    assert f"layouts/css/print.css:{line}:6: warning: Ignored `colr: red`, unknown property. [pdf.css]" in checked
    code, built, _ = build(root, "--strict")
    assert code == 1 and not (root / ".cache" / "chunks").exists()  # known before anything was laid out
    assert finding_lines(built) == [line.replace(": warning: ", ": error: ") for line in finding_lines(checked)]
    shutil.rmtree(root / ".cache")  # a build with nothing cached: its fork server loads the stylesheets
    code, built, _ = build(root)
    assert code == 0 and finding_lines(built) == finding_lines(checked)


@pytest.mark.slow
def test_check_and_build_agree_on_strings_not_in_the_catalog_yet(tmp_path: Path, fixed_today: None) -> None:
    """The pending strings `check` counts are the ones the build prints in English."""
    root = make_project(tmp_path, "i18n-pending")
    shutil.copytree(REPO / "layouts", root / "layouts")
    _, checked, _ = run_cli("--root", str(root), "check")
    code, built, _ = build(root, "--lang", "es")
    assert code == 0, built
    pending = [line for line in coverage_part(checked) if line.startswith("  sample: ")]
    assert pending == [
        "  sample: facilities/sample.yaml:38 (new) 'Inspectors also found grievances that no one had recorded.'",
        "  sample: facilities/sample.yaml:43 (other English in the catalog: 'A man died after weeks without care.')"
        " 'A man died after weeks without medical care.'",
    ]
    fallbacks = [line for line in finding_lines(built) if line.startswith("facilities/sample.yaml:")]
    assert [line.split(": warning: ")[0] for line in fallbacks if "[i18n.fallback]" in line] == [
        "facilities/sample.yaml:38:11",
        "facilities/sample.yaml:43:11",
    ]
    assert re.search(r"; es (\d+\.\d)% translated", checked.splitlines()[-1]).group(1) != "100.0"


@pytest.mark.slow
def test_check_and_build_agree_that_an_unused_entry_blocks_nothing(tmp_path: Path, fixed_today: None) -> None:
    """A mistake in the translation of a sentence the writer deleted was an error: the build stopped
    over a sentence it no longer prints, where no output carries the catalog. Now `check` and the
    build both say it is an unused entry (`i18n.stale`, a warning), and the build goes on."""
    root = make_project(tmp_path, "i18n-unused-entry")
    shutil.copytree(REPO / "layouts", root / "layouts")
    unused = (
        "i18n/es/LC_MESSAGES/messages.po:94:1: warning: entry no longer used (nothing prints it): citation markers"
        " differ from the English 'A man died after weeks without care.': extra [@news-2021];"
        " run: ./build.py extract && ./build.py update (they drop the entry or keep it obsolete, or give its"
        " translation to the new English as a fuzzy entry, this mistake included: correct it there) [i18n.stale]"
    )
    code, checked, _ = run_cli("--root", str(root), "check")
    assert code == 0 and unused in finding_lines(checked)
    code, built, _ = build(root)
    assert code == 0, built
    assert [line for line in finding_lines(built) if not EMIT_CODE.search(line)] == finding_lines(checked)
    assert (root / "dist/es/sample.html").exists()


# -- "up to date" only when it is ------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_en(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("stamp") / "project", ["lasalle"])
    code, out, err = build(root, "--lang", "en")
    assert code == 0, out + err
    return root


def up_to_date(root: Path) -> bool:
    code, out, err = build(root, "--lang", "en")
    assert code == 0, out + err
    return "dist/ is up to date" in out


def errors(output: str) -> list[str]:
    """Return the error lines of `check` or `build` (an English build does not foresee Spanish fallbacks)."""
    return [line for line in finding_lines(output) if ": error: " in line]


@pytest.mark.slow
def test_nothing_changed_is_up_to_date(built_en: Path) -> None:
    assert up_to_date(built_en)


@pytest.mark.slow
def test_a_same_size_edit_of_a_dossier_is_rebuilt(built_en: Path) -> None:
    dossier = built_en / "facilities" / "lasalle.yaml"
    text = dossier.read_text(encoding="utf-8")
    edited = re.sub(
        r"(summary: >-\n\s+)(\w)", lambda m: m.group(1) + ("X" if m.group(2) != "X" else "Y"), text, count=1
    )
    assert len(edited) == len(text) and edited != text
    dossier.write_text(edited, encoding="utf-8")
    assert not up_to_date(built_en)
    assert up_to_date(built_en)


@pytest.mark.slow
def test_an_extra_or_changed_file_in_dist_is_rebuilt(built_en: Path) -> None:
    extra = built_en / "dist" / "en" / "stray.html"
    extra.write_text("not ours", encoding="utf-8")
    code, out, err = build(built_en, "--lang", "en")
    assert code == 0 and re.search(r"dist/: \d+ written, \d+ unchanged, 1 removed;", out), out + err  # and says so
    assert not extra.exists()  # dist/ holds exactly the manifest's files again
    page = built_en / "dist" / "en" / "lasalle.html"
    data = page.read_bytes()
    page.unlink()  # a new file, not the published folder's hard link
    page.write_bytes(data.replace(b"<html", b"<HTML", 1))  # same size, other content
    assert not up_to_date(built_en)
    assert page.read_bytes() == data


@pytest.mark.slow
def test_an_empty_folder_or_a_link_in_dist_is_rebuilt(built_en: Path, tmp_path: Path) -> None:
    stray = built_en / "dist" / "en" / "stray"
    stray.mkdir()
    assert not up_to_date(built_en)
    assert not stray.exists()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = built_en / "dist" / "en" / "elsewhere"
    link.symlink_to(elsewhere)
    assert not up_to_date(built_en)
    assert not link.exists() and not link.is_symlink()


def fails_as_check_does(root: Path, code: str) -> None:
    """Assert that `check` finds a `code` error in the tree and that the build fails with the same errors."""
    _, checked, _ = run_cli("--root", str(root), "check")
    status, built, _ = build(root, "--lang", "en")
    assert f"[{code}]" in checked and status == 1
    assert errors(built) == errors(checked)


@pytest.mark.slow
def test_a_layout_replaced_by_a_link_out_of_the_project_is_not_up_to_date(built_en: Path, tmp_path: Path) -> None:
    """The same bytes, but from outside layouts/: `check` refuses them, so the build must too."""
    tokens = built_en / "layouts" / "css" / "tokens.css"
    data = tokens.read_bytes()
    outside = tmp_path / "tokens.css"
    outside.write_bytes(data)
    tokens.unlink()
    tokens.symlink_to(outside)
    try:
        fails_as_check_does(built_en, "site.asset")
    finally:
        tokens.unlink()
        tokens.write_bytes(data)
    assert up_to_date(built_en)


@pytest.mark.slow
def test_an_edited_glossary_is_not_up_to_date(built_en: Path) -> None:
    glossary = built_en / "i18n" / "es" / "glossary.csv"
    data = glossary.read_bytes()
    glossary.write_bytes(data + b'"hunger strike","",""\n')
    try:
        fails_as_check_does(built_en, "i18n.glossary")
    finally:
        glossary.write_bytes(data)
    assert up_to_date(built_en)


@pytest.mark.slow
def test_an_edited_message_template_is_rebuilt(built_en: Path) -> None:
    pot = built_en / "i18n" / "messages.pot"
    pot.write_text(pot.read_text(encoding="utf-8") + '\nmsgid "Gone"\nmsgstr ""\n', encoding="utf-8")
    code, out, _ = build(built_en, "--lang", "en")
    assert code == 0 and "dist/ is up to date" not in out
    assert "[i18n.stale]" in out  # what `check` says of the same tree


@pytest.mark.slow
@pytest.mark.private_chunks("patches the code fingerprint the cache keys hold")
def test_a_changed_module_in_the_import_closure_is_rebuilt(built_en: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert up_to_date(built_en)
    monkeypatch.setattr(stamp, "code_signature", lambda: "the files of the package changed")
    assert up_to_date(built_en)  # the same code after all (a touched file): the fingerprint says so
    monkeypatch.setattr(cache, "fingerprint", lambda module: "another closure")
    assert not up_to_date(built_en)


@pytest.mark.slow
def test_the_fingerprint_covers_the_import_closure_and_the_distributions() -> None:
    modules, third_party = cache.import_closure("report.content.load")
    assert {"report.content.yamldoc", "report.content.textfile", "report.content.schema", "report.findings"} <= modules
    assert not any(m.startswith(("report.render", "report.pdf", "report.commands")) for m in modules)
    assert {"yaml", "jsonschema"} <= third_party
    dists = dict(cache.distributions(frozenset({"weasyprint"})))
    assert {"weasyprint", "pydyf", "fonttools"} <= set(dists)  # what WeasyPrint requires shapes a PDF too
    build_closure, _ = cache.import_closure("report.commands.build")
    assert {"report.pdf.paginate", "report.sandbox", "report.i18n.coverage", "report.render.site"} <= build_closure


@pytest.fixture
def kept_fingerprints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Keep fingerprints in a file of the test's, with this process's remembered ones forgotten
    before and after."""
    memo = tmp_path / "fingerprints.json"
    monkeypatch.setattr(cache, "_MEMO", memo)
    cache.fingerprint.cache_clear()
    yield memo
    cache.fingerprint.cache_clear()


def test_fingerprints_are_kept_for_the_same_code_only(kept_fingerprints: Path) -> None:
    module = "report.content.load"
    computed = cache._fingerprint(module)
    assert cache.fingerprint(module) == computed
    kept = json.loads(kept_fingerprints.read_text())
    assert kept == {"signature": cache.code_signature(), "fingerprints": {module: computed}}

    planted = "f" * 64  # what the file says is used, for the code it was computed under ...
    kept_fingerprints.write_text(json.dumps({"signature": cache.code_signature(), "fingerprints": {module: planted}}))
    cache.fingerprint.cache_clear()
    assert cache.fingerprint(module) == planted
    for other in (  # ... and nothing else is
        {"signature": "other code", "fingerprints": {module: planted}},
        {"signature": cache.code_signature(), "fingerprints": {module: "not a hash"}},
        {"signature": cache.code_signature(), "fingerprints": [module, planted]},
        "[not json",
    ):
        kept_fingerprints.write_text(other if isinstance(other, str) else json.dumps(other))
        cache.fingerprint.cache_clear()
        assert cache.fingerprint(module) == computed


def test_an_edited_schema_changes_the_keys_of_what_it_shapes(tmp_path: Path) -> None:
    """The schemas live in report/schemas/, not beside report/content/schema.py: they count all the same."""
    import subprocess
    import sys

    shutil.copytree(REPO / "report", tmp_path / "report", ignore=shutil.ignore_patterns("__pycache__"))
    script = "from report import cache; print(cache.fingerprint('report.content.load'))"

    def fingerprint() -> str:
        run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True)
        return run.stdout.strip()

    before = fingerprint()
    assert fingerprint() == before
    schema = tmp_path / "report/schemas/defs.schema.json"
    schema.write_text(schema.read_text().replace('"type"', '"type" ', 1))
    assert fingerprint() != before


# -- every schema error is a finding ---------------------------------------------------------------

CASES: dict[str, tuple[dict, object]] = {
    "additionalProperties": ({"additionalProperties": False}, {"a": 1}),
    "allOf": ({"allOf": [{"type": "string"}]}, 1),
    "anyOf": ({"anyOf": [{"type": "string"}, {"type": "boolean"}]}, 1),
    "const": ({"const": "x"}, "y"),
    "contains": ({"contains": {"type": "string"}}, [1]),
    "dependentRequired": ({"dependentRequired": {"a": ["b"]}}, {"a": 1}),
    "dependentSchemas": ({"dependentSchemas": {"a": {"required": ["b"]}}}, {"a": 1}),
    "enum": ({"enum": ["x"]}, "y"),
    "exclusiveMaximum": ({"exclusiveMaximum": 1}, 1),
    "exclusiveMinimum": ({"exclusiveMinimum": 1}, 1),
    "format": ({"format": "email"}, "not an address"),
    "if": ({"if": {"type": "string"}, "then": {"minLength": 3}}, "ab"),
    "items": ({"items": {"type": "string"}}, [1]),
    "maxContains": ({"contains": {"type": "string"}, "maxContains": 1}, ["a", "b"]),
    "maxItems": ({"maxItems": 1}, [1, 2]),
    "maxLength": ({"maxLength": 2}, "abc"),
    "maxProperties": ({"maxProperties": 1}, {"a": 1, "b": 2}),
    "maximum": ({"maximum": 1}, 2),
    "minContains": ({"contains": {"type": "string"}, "minContains": 2}, ["a", 1]),
    "minItems": ({"minItems": 2}, [1]),
    "minLength": ({"minLength": 2}, "a"),
    "minProperties": ({"minProperties": 2}, {"a": 1}),
    "minimum": ({"minimum": 2}, 1),
    "multipleOf": ({"multipleOf": 2}, 3),
    "not": ({"not": {"type": "string"}}, "a"),
    "oneOf": ({"oneOf": [{"type": "string"}, {"type": "string"}]}, "a"),
    "pattern": ({"pattern": "^a"}, "b"),
    "patternProperties": ({"patternProperties": {"^a": {"type": "string"}}}, {"a": 1}),
    "prefixItems": ({"prefixItems": [{"type": "string"}]}, [1]),
    "properties": ({"properties": {"a": {"type": "string"}}}, {"a": 1}),
    "propertyNames": ({"propertyNames": {"maxLength": 1}}, {"ab": 1}),
    "required": ({"required": ["a"]}, {"b": 1}),
    "type": ({"type": "string"}, 1),
    "unevaluatedItems": ({"prefixItems": [{"type": "string"}], "unevaluatedItems": False}, ["a", 1]),
    "unevaluatedProperties": ({"unevaluatedProperties": False}, {"a": 1}),
    "uniqueItems": ({"uniqueItems": True}, [1, 1]),
}
NEVER_FAIL_ALONE = {
    "$ref",
    "$dynamicRef",
    "then",
    "else",
    "$defs",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
}


def test_every_keyword_jsonschema_knows_is_covered() -> None:
    assert set(Draft202012Validator.VALIDATORS) - NEVER_FAIL_ALONE <= set(CASES)  # (min|max)Contains: part of contains


@pytest.mark.parametrize("keyword", sorted(CASES))
def test_every_schema_error_is_a_finding_at_the_values_line(keyword: str) -> None:
    node, value = CASES[keyword]
    text = "title: x\nfield: " + yaml.safe_dump(value, default_flow_style=True).strip().removesuffix("\n...") + "\n"
    doc, found = parse(text.encode(), "facilities/sample.yaml")
    assert doc is not None and found == []
    schema = {"properties": {"field": node}}
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = list(validator.iter_errors(doc.data))
    assert errors, keyword
    for err in errors:
        findings = schema_findings(doc, "dossier", err)
        assert findings, (keyword, err.message)
        assert all(f.level == "error" and f.loc.path == "facilities/sample.yaml" and f.loc.line == 2 for f in findings)


# -- a bug in the tool -----------------------------------------------------------------------------


def test_an_internal_error_exits_3_and_says_where_the_traceback_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixed_today: None
) -> None:
    from report.commands import check

    def broken(*args: object) -> None:
        raise RuntimeError("something the tool did not expect")

    monkeypatch.setattr(check, "check", broken)
    root = make_project(tmp_path)
    code, out, err = run_cli("--root", str(root), "check")
    assert code == 3 and out == ""
    (line,) = err.splitlines()
    match = re.fullmatch(
        r"build\.py: internal error \(RuntimeError: something the tool did not expect\): this is a bug in the tool,"
        r" not a problem in your content; the full traceback is in (\.cache/crashes/crash-\S+\.txt)",
        line,
    )
    assert match, line
    assert (
        "Traceback" in (root / match[1]).read_text()
        and "something the tool did not expect" in (root / match[1]).read_text()
    )


@pytest.mark.parametrize("verb", [("check",), ("build",)])
def test_output_piped_to_a_reader_that_stops_early_is_not_a_bug(
    tmp_path: Path, fixed_today: None, verb: tuple[str, ...], reap: Callable[..., subprocess.Popen]
) -> None:
    """`./build.py check | head -1`: the pipe closes while check prints; exit 141, as shells report it,
    and nothing on stderr. Stdout is block-buffered as in a shell (no PYTHONUNBUFFERED, which the tests'
    environment may set), so the output meets the closed pipe when it is flushed, not when it is printed."""
    root = make_project(tmp_path, "cite-unknown")  # findings to print; the build fails before any layout
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    check = reap(
        subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "--root", str(root), *verb],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        ),
        group=False,
    )
    assert check.stdout is not None and check.stderr is not None
    check.stdout.close()  # before check has printed anything: its first line meets a closed pipe
    assert check.wait(timeout=60) == 141
    with check.stderr:
        assert check.stderr.read() == b""
    assert not (root / ".cache" / "crashes").exists()
