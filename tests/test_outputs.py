"""Where outputs are published: a facility id never names one of the report's own, and no two
outputs share a path; a symbolic link loop and a misnamed file get findings that say what is true."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
from pathlib import Path

import pytest

from report import project, publish
from report.publish import Output

from .conftest import make_project, run_cli

DOSSIER = "facilities/sample.yaml"


def _rename(root: Path, new_id: str) -> None:
    """Make the fixture's one dossier `facilities/<new_id>.yaml`, with that id, listed as such."""
    path = root / DOSSIER
    text = path.read_text(encoding="utf-8").replace("\nid: sample\n", f"\nid: {new_id}\n", 1)
    path.unlink()
    (root / "facilities" / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    report = root / "report.yaml"
    report.write_text(report.read_text().replace("facilities: [sample]", f"facilities: [{new_id}]"))


def _errors(root: Path, *names: str) -> list[str]:
    code, out, _ = run_cli("--root", str(root), "check", "-q", *names)
    assert code == 1, out
    return [line for line in out.splitlines() if ": error: " in line]


@pytest.mark.parametrize(
    ("facility_id", "taken"),
    [
        ("index", "dist/en/index.html is already one of the report's own files"),
        ("translation-status", "dist/en/translation-status.html is already one of the report's own files"),
        ("first-ten", "dist/en/first-ten-en.pdf is already one of the report's own files"),
        ("report", "dist/en/cite/report.bib is already one of the report's own files"),
        ("support", "'support' is an anchor of the report PDF's front or back matter"),
        ("cover", "'cover-tags' is an anchor of the report PDF's front or back matter"),
        ("main", "'main' is an anchor of every facility's page"),
        ("cite", "'cite-this' is an anchor of every facility's page"),
        ("ref", "'ref-1', 'ref-2'… are the anchors of a facility page's notes"),
    ],
)
def test_check_refuses_a_facility_id_the_report_uses_for_something_else(
    tmp_path: Path, fixed_today: None, facility_id: str, taken: str
) -> None:
    root = make_project(tmp_path)
    _rename(root, facility_id)
    assert _errors(root) == [
        f"facilities/{facility_id}.yaml:2:5: error: id '{facility_id}' is a name the report uses for something"
        f" else ({taken}): choose another id [id.reserved]"
    ]


@pytest.mark.parametrize("facility_id", ["index", "first-ten", "report", "support", "notice", "sources"])
def test_new_refuses_a_reserved_id_in_checks_words(tmp_path: Path, facility_id: str) -> None:
    root = make_project(tmp_path)
    code, out, err = run_cli("--root", str(root), "new", facility_id, "--name", "Example County Jail")
    taken = project.reserved_id(facility_id, "en")
    assert (code, out, taken is not None) == (2, "", True)
    assert err == (
        f"build.py: error: id '{facility_id}' is a name the report uses for something else ({taken}):"
        " choose another id\n"
    )
    assert not (root / "facilities" / f"{facility_id}.yaml").exists() or facility_id == "sources"


def test_a_facility_id_names_none_of_the_reports_own_outputs_in_any_language() -> None:
    """The reserved names are the build's own, derived from its path functions, in every language."""
    for lang in ("en", "es", "fr"):
        own = set(project.report_outputs(lang))
        assert project.report_pdf_path(lang) in own and f"{lang}/index.html" in own
        for facility_id in ("index", "first-ten", "report", "translation-status"):
            assert set(project.facility_outputs(lang, facility_id)) & own, (lang, facility_id)
            assert project.reserved_id(facility_id, lang) is not None
        assert not set(project.facility_outputs(lang, "lasalle")) & own
        assert project.reserved_id("lasalle", lang) is None


def test_every_anchor_of_the_front_and_back_matter_is_reserved(tmp_path: Path) -> None:
    """A chapter is the anchor `<id>` and `<id>-…`: none may repeat one of the front or back matter.

    The reserved anchors are listed by hand (`project.MATTER_ANCHORS`); this renders both
    matters in both languages and keeps the list true: every id there but the numbered ones (a
    source's `src-<id>`, a hashtag's `<list>-<n>`) is in it.
    """
    from report.commands.gather import GatherOptions, gather
    from report.render.html import Renderer, environment

    from .conftest import copy_project

    root = copy_project(tmp_path / "project")
    gathered = gather(root, GatherOptions(dt.date(2025, 1, 1), load_stylesheets=False))
    assert gathered.edition is not None and sorted(gathered.localizers) == ["en", "es"]
    sources = {f"src-{s}" for s in gathered.edition.sources}
    for lang, localizer in gathered.localizers.items():
        renderer = Renderer(gathered.edition, localizer, environment(root, localizer))
        html = renderer.front_chunk([]).html + renderer.back_chunk().html
        ids = set(re.findall(r'\sid="([^"]+)"', html)) - sources
        numbered = {i for i in ids if re.fullmatch(r"(.+)-[0-9]+", i) and i.rsplit("-", 1)[0] in ids}
        assert ids - numbered == project.MATTER_ANCHORS, lang
        for anchor in ids - numbered:
            assert project.reserved_id(anchor, lang) is not None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "  - id: 2020-04-inspection\n",
            "  - id: title\n",
            "facilities/sample.yaml:30:5: error: timeline entry 'title' of 'sample' and the title heading of 'sample'"
            " (facilities/sample.yaml:2) would both be the anchor 'sample-title' in the report PDF, where a link can"
            " lead to only one: change one of the ids [id.anchor]",
        ),
        (
            "  - id: unnamed-2020\n",
            "  - id: 2020-04-inspection\n",
            "facilities/sample.yaml:36:5: error: deaths entry '2020-04-inspection' of 'sample' and timeline entry"
            " '2020-04-inspection' of 'sample' (facilities/sample.yaml:30) would both be the anchor"
            " 'sample-2020-04-inspection' in the report PDF, where a link can lead to only one: change one of the ids"
            " [id.anchor]",
        ),
        (
            "  - id: unnamed-2020\n",
            "  - id: src-news-2021\n",
            "facilities/sample.yaml:36:5: error: deaths entry 'src-news-2021' of 'sample' and the chapter's entry for"
            " source 'news-2021' (facilities/sample.yaml:25) would both be the anchor 'sample-src-news-2021' in the"
            " report PDF, where a link can lead to only one: change one of the ids [id.anchor]",
        ),
    ],
    ids=["a-heading", "two-lists", "a-source"],
)
def test_check_refuses_two_things_of_a_chapter_with_one_anchor(
    tmp_path: Path, fixed_today: None, old: str, new: str, expected: str
) -> None:
    """A chapter's headings are `<id>-title`..., its entries `<id>-<entry id>`: no two may be the same."""
    root = make_project(tmp_path)
    path = root / DOSSIER
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert _errors(root) == [expected]


def test_check_refuses_a_facility_whose_anchors_another_chapter_has(tmp_path: Path, fixed_today: None) -> None:
    """Facility `sample-title` is the anchor of the heading of `sample`: the report PDF cannot hold both
    chapters (the build used to stop at assembly with no line: 'anchor ... is defined in chunks 1 and 2')."""
    root = make_project(tmp_path)
    text = (root / DOSSIER).read_text(encoding="utf-8")
    twin = text.replace("\nid: sample\n", "\nid: sample-title\n", 1).replace("\nname: Sample", "\nname: Other", 1)
    (root / "facilities" / "sample-title.yaml").write_text(twin, encoding="utf-8")
    report = root / "report.yaml"
    report.write_text(report.read_text().replace("facilities: [sample]", "facilities: [sample, sample-title]"))
    assert _errors(root) == [
        "facilities/sample-title.yaml:2:5: error: facility 'sample-title' and the title heading of 'sample'"
        " (facilities/sample.yaml:2) would both be the anchor 'sample-title' in the report PDF, where a link can"
        " lead to only one: change one of the ids [id.anchor]"
    ]


def test_the_anchors_check_predicts_are_the_ones_every_chapter_has(tmp_path: Path) -> None:
    """`validate.chapter_anchors` lists a chapter's anchors by hand; this renders every chapter of the
    shipped report, in the PDF and on its page, in both languages, and keeps the list true."""
    from report.commands.gather import GatherOptions, gather
    from report.content.validate import chapter_anchors
    from report.render.html import Renderer, environment
    from report.render.site import facility_pages

    from .conftest import copy_project

    root = copy_project(tmp_path / "project")
    gathered = gather(root, GatherOptions(dt.date(2025, 1, 1), load_stylesheets=False))
    edition = gathered.edition
    assert edition is not None and sorted(gathered.localizers) == ["en", "es"]
    renderers = {lang: Renderer(edition, loc, environment(root, loc)) for lang, loc in gathered.localizers.items()}
    ids = frozenset(f.id for f in edition.facilities)
    pdfs = {(lang, i): (project.facility_pdf_path(lang, i), None, None) for lang in renderers for i in ids}
    pages = {o.path: o.data.decode() for o in facility_pages(root, edition, renderers, pdfs, ids)}
    for lang, renderer in renderers.items():
        for number, facility in enumerate(edition.facilities, 1):
            chapter = re.findall(r'\sid="([^"]+)"', renderer.chapter_chunk(facility, number).html)
            assert sorted(chapter) == sorted(a.name for a in chapter_anchors(facility, "pdf")), (lang, facility.id)
            page = re.findall(r'\sid="([^"]+)"', pages[project.facility_page_path(lang, facility.id)])
            numbered = [i for i in page if re.fullmatch(r"(note|ref)-[1-9][0-9]*", i)]
            assert {i.split("-")[0] for i in numbered} == set(project.NUMBERED_PAGE_ANCHORS), (lang, facility.id)
            site = [a.name for a in chapter_anchors(facility, "site")]
            assert sorted(set(page) - set(numbered) - set(site)) == sorted(project.PAGE_ANCHORS), (lang, facility.id)
            assert len(page) == len(set(page)), (lang, facility.id)
            for anchor in project.PAGE_ANCHORS:
                assert project.reserved_id(anchor, lang) is not None


def _home_pages(root: Path) -> dict[str, list[str]]:
    """Return the ids of each language's home page of the project at `root`, in page order."""
    from report.commands.gather import GatherOptions, gather
    from report.render.html import Renderer, environment
    from report.render.site import home_pages

    gathered = gather(root, GatherOptions(dt.date(2025, 1, 1), load_stylesheets=False))
    edition = gathered.edition
    assert edition is not None
    renderers = {lang: Renderer(edition, loc, environment(root, loc)) for lang, loc in gathered.localizers.items()}
    ids = [None, *(f.id for f in edition.facilities)]
    pdfs = {(lang, i): (f"{lang}/{i}.pdf", 1000, 1) for lang in renderers for i in ids}
    return {
        o.lang: re.findall(r'\sid="([^"]+)"', o.data.decode())
        for o in home_pages(edition, renderers, pdfs)
        if o.lang and o.path == f"{o.lang}/{project.HOME_PAGE}"
    }


def test_no_two_facilities_share_an_id_of_the_home_page(tmp_path: Path) -> None:
    """The download link of the card of `sample` was `card-sample-pdf`, the id of the card of facility
    `sample-pdf`: the home page of a report with both held one id twice, and `check` said nothing."""
    from .conftest import REPO

    root = make_project(tmp_path)
    shutil.copytree(REPO / "layouts", root / "layouts")
    text = (root / DOSSIER).read_text(encoding="utf-8")
    twin = text.replace("\nid: sample\n", "\nid: sample-pdf\n", 1).replace("\nname: Sample", "\nname: Other", 1)
    (root / "facilities" / "sample-pdf.yaml").write_text(twin, encoding="utf-8")
    report = root / "report.yaml"
    report.write_text(report.read_text().replace("facilities: [sample]", "facilities: [sample, sample-pdf]"))
    page = _home_pages(root)["en"]
    assert [i for i in page if "sample" in i] == [
        *("card-sample", "pdf-sample", "card-sample-pdf", "pdf-sample-pdf"),
        *("download-sample", "download-sample-pdf"),
    ]
    assert len(page) == len(set(page))


def test_no_facility_id_can_repeat_an_id_of_the_home_page(tmp_path: Path) -> None:
    """The home page gives each facility ids of its own forms, a prefix and a suffix around its id
    (`card-<id>`); this renders the shipped one in both languages and reads the forms from it. No
    two forms may give one id for two facilities (`card-<id>-pdf` was the card of `<id>-pdf`), and
    every other id of the page one of them could give is reserved (`download-report`: `report`). A
    fixed id no form can give (`facilities`, `notes`, `downloads`) needs no reserving."""
    from .conftest import copy_project

    root = copy_project(tmp_path / "project")
    facility_ids = [path.stem for path in sorted((root / "facilities").glob("*.yaml")) if path.stem != "sources"]
    pages = _home_pages(root)
    assert sorted(pages) == ["en", "es"]
    for lang, page in pages.items():
        assert len(page) == len(set(page)), lang
        first = facility_ids[0]
        candidates = {(i[: i.index(first)], i[i.index(first) + len(first) :]) for i in page if first in i}
        forms = sorted(form for form in candidates if all(f"{form[0]}{f}{form[1]}" in page for f in facility_ids))
        assert forms == [("card-", ""), ("download-", ""), ("pdf-", "")], lang
        for (p1, s1), (p2, s2) in itertools.combinations(forms, 2):
            assert not (p1.startswith(p2) or p2.startswith(p1)) or not (s1.endswith(s2) or s2.endswith(s1))
        own = {f"{pre}{f}{suf}" for pre, suf in forms for f in facility_ids}
        for other in sorted(set(page) - own):
            for pre, suf in forms:
                if other.startswith(pre) and other.endswith(suf) and len(other) > len(pre) + len(suf):
                    taken = other[len(pre) : len(other) - len(suf)]
                    assert project.reserved_id(taken, lang) is not None, (lang, other, taken)


def test_publish_refuses_two_outputs_at_one_path(tmp_path: Path) -> None:
    outputs = [
        Output("en/index.html", b"home", "page", "en"),
        Output("en/lasalle.html", b"chapter", "page", "en"),
        Output("en/index.html", b"chapter", "page", "en"),
    ]
    with pytest.raises(publish.SamePath) as refused:
        publish.publish(tmp_path, outputs)
    assert str(refused.value) == (
        "two outputs would be published at dist/en/index.html (page and page): one would overwrite the other"
    )
    assert not (tmp_path / "dist").exists()


LOOP = "is a symbolic link loop (following its links leads back to them, never to a file)"


def test_a_dossier_that_is_a_symbolic_link_loop_is_a_finding(tmp_path: Path, fixed_today: None) -> None:
    root = make_project(tmp_path)
    (root / DOSSIER).unlink()
    (root / DOSSIER).symlink_to("sample.yaml")
    expected = [f"{DOSSIER}:1:1: error: file {LOOP}: put the file itself here [project.missing-file]"]
    assert _errors(root) == expected
    assert _errors(root, str(root / DOSSIER)) == expected


def test_an_image_that_is_a_symbolic_link_loop_is_a_finding(tmp_path: Path, fixed_today: None) -> None:
    root = make_project(tmp_path)
    (root / "facilities" / "images").mkdir()
    (root / "facilities" / "images" / "gate.jpg").symlink_to("gate.jpg")
    path = root / DOSSIER
    path.write_text(
        path.read_text().replace("\nname: ", "\nimage: {src: gate.jpg, alt: A gate, credit: A credit}\nname: ", 1)
    )
    assert _errors(root) == [
        f"{DOSSIER}:3:14: error: image 'gate.jpg' {LOOP}: put the file itself in facilities/images/ [image.missing]"
    ]


def test_a_template_that_is_a_symbolic_link_loop_is_a_finding(tmp_path: Path) -> None:
    from .conftest import copy_project

    root = copy_project(tmp_path / "project", ["lasalle"])
    (root / "layouts" / "pdf" / "loop.html").symlink_to("loop.html")
    assert _errors(root) == [
        f"layouts/pdf/loop.html:1:1: error: file {LOOP}: put the file itself here [project.missing-file]"
    ]


def test_check_names_a_folder_as_a_folder(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    code, out, err = run_cli("--root", str(root), "check", str(root / "facilities"))
    assert (code, out) == (2, "")
    assert err == (
        f"build.py: error: {root / 'facilities'} is a folder: name the files in it to check (like"
        f" {root / 'facilities' / 'sample.yaml'}), or name none to check them all\n"
    )


def test_a_dossier_saved_as_yml_is_told_to_be_renamed(tmp_path: Path, fixed_today: None) -> None:
    """`sample.yml` was "ignored: dossiers end in .yaml" with no advice, and report.yaml's "no dossier
    'facilities/sample.yaml'" beside it did not say the file was there under another ending."""
    root = make_project(tmp_path)
    (root / DOSSIER).rename(root / "facilities" / "sample.yml")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1
    assert [line for line in out.splitlines() if "sample" in line] == [
        "facilities/sample.yml: warning: ignored: dossiers end in .yaml; rename it to sample.yaml"
        " [project.ignored-file]",
        "report.yaml:8:14: error: no dossier 'facilities/sample.yaml' for facility 'sample';"
        " facilities/sample.yml is there: rename it to .yaml [report.unknown-facility]",
    ]


def test_a_file_of_another_kind_is_ignored_without_advice(tmp_path: Path, fixed_today: None) -> None:
    root = make_project(tmp_path)
    (root / "facilities" / "notes.txt").write_text("to do\n", encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0
    assert [line for line in out.splitlines() if "notes" in line] == [
        "facilities/notes.txt: warning: ignored: dossiers end in .yaml [project.ignored-file]"
    ]


def test_a_file_name_in_capitals_is_told_to_be_renamed_not_listed(tmp_path: Path, fixed_today: None) -> None:
    root = make_project(tmp_path)
    (root / DOSSIER).rename(root / "facilities" / "Sample.yaml")
    assert _errors(root) == [
        "facilities/Sample.yaml:2:5: error: id 'sample' does not match the file name 'Sample.yaml'; rename the"
        " file 'sample.yaml' (a file name is an id: lower-case letters, digits and single hyphens) [id.mismatch]",
        "report.yaml:8:14: error: no dossier 'facilities/sample.yaml' for facility 'sample'; rename"
        " 'facilities/Sample.yaml' to 'facilities/sample.yaml' [report.unknown-facility]",
    ]


LEFTOVERS = (".site.css.swp", "site.css~", "#site.css#", "site.css.bak", "4913", ".DS_Store")
"""What editors and systems leave beside a file being edited: Vim's swap file and write test, a backup,
Emacs's autosave, macOS's folder settings."""


def test_an_editors_swap_and_backup_files_are_never_published_nor_a_save(tmp_path: Path) -> None:
    """The site published every file of layouts/css, fonts, icons and js: a designer's open
    `site.css` in Vim put `.site.css.swp` (the whole buffer, with the user's and the machine's
    names) and Emacs's `site.css~` on the public site; and each swap file write was a save for
    `serve`, which built again."""
    from report import stamp
    from report.sandbox import asset_paths

    css = tmp_path / "layouts" / "css"
    css.mkdir(parents=True)
    (css / "site.css").write_text("p { color: black }\n", encoding="utf-8")
    watched, digest = stamp.watched_files(tmp_path), stamp.content_digest(tmp_path)
    for name in LEFTOVERS:
        (css / name).write_bytes(b"b0VIM 9.0\0writer\0laptop\0~writer/first-ten/layouts/css/site.css\0")
    (tmp_path / "facilities").mkdir()
    (tmp_path / "facilities" / ".sample.yaml.swp").write_bytes(b"b0VIM 9.0\0")
    assert asset_paths(tmp_path) == [css / "site.css"]
    assert (stamp.watched_files(tmp_path), stamp.content_digest(tmp_path)) == (watched, digest)
    assert project.is_leftover("site.css") is False and project.is_leftover("first-ten.css") is False


def test_an_editors_backup_of_a_dossier_is_no_dossier_and_no_finding(tmp_path: Path, fixed_today: None) -> None:
    """`sample.yaml~` (Emacs's backup) was a warning on every check, "ignored: dossiers end in .yaml";
    a hidden swap file was already passed over silently, as every editor's leftover now is."""
    root = make_project(tmp_path)
    _, clean, _ = run_cli("--root", str(root), "check")
    for name in ("sample.yaml~", "#sample.yaml#", "sample.yaml.bak", ".sample.yaml.swp"):
        (root / "facilities" / name).write_bytes((root / "facilities" / "sample.yaml").read_bytes())
    _, out, _ = run_cli("--root", str(root), "check")
    assert re.sub(r"\(\d+\.\d s\)", "", out) == re.sub(r"\(\d+\.\d s\)", "", clean)


def test_only_the_files_a_browser_loads_are_published_from_layouts(tmp_path: Path) -> None:
    """Every other file of layouts/css, fonts, icons and js was published: a designer's notes, a source
    map with the paths of their machine, a font's source archive, a patch's rejects."""
    from report.sandbox import asset_paths

    layouts = tmp_path / "layouts"
    published = ["css/site.css", "fonts/OFL.txt", "fonts/Plex.woff2", "icons/favicon.svg", "js/search.js"]
    stray = ["css/NOTES.md", "fonts/IBMPlexSans.zip", "icons/favicon.svg.rej", "js/search.js.map", "js/todo.txt"]
    for name in published + stray:
        (layouts / name).parent.mkdir(parents=True, exist_ok=True)
        (layouts / name).write_text('{"sources": ["/home/writer/first-ten/layouts/js/search.ts"]}\n', encoding="utf-8")
    assert [path.relative_to(layouts).as_posix() for path in asset_paths(tmp_path)] == published
