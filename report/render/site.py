"""The HTML site: a language chooser, and per language an index and one page per facility.

Pages link to the same page in every other language, list each PDF's size and page count,
and use only local assets (copied from `layouts/css` and `layouts/fonts`, and dossier images
from `facilities/images/` into `dist/images/`): nothing on the site is fetched from elsewhere.
"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path
from typing import Any, Sequence

from babel import Locale
from babel.numbers import format_decimal

from ..findings import Finding, Loc, error
from ..content.model import Edition
from ..publish import Output
from ..sandbox import image_path, inside, real_folder


def site_outputs(root: Path, edition: Edition, builds: Sequence[Any], pdf_info: dict, gathered: Any) -> list[Output]:
    """Return every site page and asset for the languages built, except each language's home page.

    Of `pdf_info` ((language, facility id) -> (path, size, pages)), these pages need only the
    per-facility PDFs': the build renders them while the full reports are still being assembled,
    and the home pages (`home_pages`) once they are.
    """
    from .html import environment

    outputs = [*_assets(root), *_images(root, edition)]
    languages = list(edition.settings.languages)  # pages link to every language, built now or before
    for b in builds:
        outputs.extend(_facility_pages(edition, b, languages, pdf_info))
    choices, skip_label = [], ""
    for lang in languages:
        built = next((b for b in builds if b.lang == lang), None)
        loc = built.loc if built else _localizer(root, edition, lang)
        env = built.renderer.env if built else environment(root, loc)
        choices.append(
            {
                "lang": lang,
                "name": Locale.parse(lang).get_display_name(lang).capitalize(),
                "title": loc.plain(edition.settings.title),
                "subtitle": loc.plain(edition.settings.subtitle),
                "heading": env.get_template("partials/chooser.html").module.heading(),  # type: ignore[attr-defined]
            }
        )
        if lang == edition.settings.source_language:
            skip_label = loc.gettext("Skip to content")  # the chooser's chrome is in the source language
    first = builds[0]
    html = first.renderer.env.get_template("site/chooser.html").render(
        source_lang=edition.settings.source_language,
        choices=choices,
        publisher=edition.settings.publisher,
        skip_label=skip_label,
    )
    outputs.append(Output("index.html", html.encode(), "page"))
    from ..i18n.coverage import status_page_html

    built_langs = {b.lang for b in builds}
    for lang, coverage in sorted(gathered.coverage.items()):
        if lang in built_langs:
            page = status_page_html(root, edition, coverage)
            outputs.append(Output(f"{lang}/translation-status.html", page.encode(), "status", lang))
    return outputs


def _localizer(root: Path, edition: Edition, lang: str) -> Any:
    from ..i18n.catalogs import catalog_path, read_catalog
    from ..commands.gather import CACHE_DIR
    from ..i18n.localize import Localizer

    source = edition.settings.source_language
    messages = None if lang == source else read_catalog(root, catalog_path(lang), lang, root / CACHE_DIR)
    return Localizer(lang, source, messages)


PRINT_ONLY = ("print.css", "folios.css", "fonts-print.css", "*.ttf")


def _asset_paths(root: Path) -> list[Path]:
    """Return the stylesheets and fonts the site uses (not the print ones), links out of layouts/ included."""
    folders = [root / "layouts" / name for name in ("css", "fonts")]
    return [
        path
        for folder in folders
        if folder.is_dir()
        for path in sorted(folder.iterdir())
        if path.is_file() and not any(fnmatch(path.name, pattern) for pattern in PRINT_ONLY)
    ]


def asset_findings(root: Path) -> list[Finding]:
    """Return an error for every site asset that is a link out of layouts/: the site never copies one."""
    layouts = real_folder(root, "layouts")
    return [
        error(
            "site.asset",
            Loc(path.relative_to(root).as_posix()),
            f"resolves to '{path.resolve()}', outside layouts/: the site copies only files that live there",
        )
        for path in _asset_paths(root)
        if not inside(path, layouts)
    ]


def _assets(root: Path) -> list[Output]:
    """Return the site's stylesheets and fonts, never a link out of layouts/ (see `asset_findings`)."""
    layouts = real_folder(root, "layouts")
    return [
        Output(f"assets/{path.parent.name}/{path.name}", path.read_bytes(), "asset")
        for path in _asset_paths(root)
        if inside(path, layouts)
    ]


def _images(root: Path, edition: Edition) -> list[Output]:
    """Return the dossier images, for dist/images/ (`check` has made sure each is a real image there)."""
    from .html import SITE_IMAGES_DIR

    outputs = {}
    for facility in edition.facilities:
        image = facility.image
        path = image_path(root, image.src) if image else None
        if image and path:
            outputs[image.src] = Output(f"{SITE_IMAGES_DIR}/{image.src}", path.read_bytes(), "image")
    return [outputs[name] for name in sorted(outputs)]


def human_size(size: int, lang: str) -> str:
    """Return a file size for people: '840 KB', '1.2 MB', in the language's number format."""
    if size < 1_000_000:
        return f"{format_decimal(max(1, round(size / 1000)), locale=lang)} KB"
    return f"{format_decimal(round(size / 1_000_000, 1), format='#,##0.0', locale=lang)} MB"


def _download(b: Any, pdf_info: dict, facility_id: str | None) -> dict[str, Any]:
    path, size, pages = pdf_info[(b.lang, facility_id)]
    return {"href": path.split("/", 1)[1], "size": human_size(size, b.lang), "pages": pages}


def _alternates(b: Any, languages: list[str], page: str) -> list[dict[str, Any]]:
    # Every version, this one included: search engines want the same set on each of them.
    if len(languages) < 2:
        return []
    return [
        {
            "lang": other,
            "href": f"../{other}/{page}",
            "name": Locale.parse(other).get_display_name(other).capitalize(),
            "current": other == b.lang,
        }
        for other in languages
    ]


def home_pages(edition: Edition, builds: Sequence[Any], pdf_info: dict) -> list[Output]:
    """Return each language's home page, which lists every PDF of the language (the full report too)."""
    from .html import Citer

    languages = list(edition.settings.languages)
    outputs = []
    for b in builds:
        renderer, loc, env = b.renderer, b.loc, b.renderer.env
        citer = Citer(dict(edition.sources), "site", lambda s: f"#src-{s.id}", loc)
        base = renderer._common(citer) | {
            "root": "../",
            "home": "index.html",
            "hashtags": edition.settings.hashtags,
            "description": loc.plain(edition.settings.subtitle),
        }
        index = env.get_template("site/index.html").render(
            base
            | {
                "page_title": renderer.report_title,
                "body_class": "home",
                "alternates": _alternates(b, languages, "index.html"),
                # the language chooser, for readers of any other language
                "x_default": "../index.html" if len(languages) > 1 else None,
                "report_pdf": _download(b, pdf_info, None),
                "facility_items": [{"facility": f, "pdf": _download(b, pdf_info, f.id)} for f in edition.facilities],
            }
        )
        outputs.append(Output(f"{b.lang}/index.html", index.encode(), "page", b.lang))
    return outputs


def _facility_pages(edition: Edition, b: Any, languages: list[str], pdf_info: dict) -> list[Output]:
    outputs = []
    renderer, env = b.renderer, b.renderer.env
    facilities = edition.facilities
    for number, facility in enumerate(facilities, 1):
        context, _ = renderer.chapter_context(facility, number, "site")
        page = env.get_template("site/facility.html").render(
            context
            | {
                "root": "../",
                "home": "index.html",
                "hashtags": edition.settings.hashtags,
                "page_title": f"{facility.name} · {renderer.report_title}",
                "description": renderer.facility_description(facility),
                "body_class": "facility-page",
                "alternates": _alternates(b, languages, f"{facility.id}.html"),
                "x_default": None,
                "pdf": _download(b, pdf_info, facility.id),
                "previous": facilities[number - 2] if number > 1 else None,
                "next": facilities[number] if number < len(facilities) else None,
            }
        )
        outputs.append(Output(f"{b.lang}/{facility.id}.html", page.encode(), "page", b.lang))
    return outputs
