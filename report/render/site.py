"""The HTML site: a language chooser, and per language an index and one page per facility.

Pages link to the same page in every other language, list each PDF's size and page count,
and use only local assets (copied from `layouts/css` and `layouts/fonts`, and dossier images
from `facilities/images/` into `dist/images/`): nothing on the site is fetched from elsewhere.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from babel import Locale
from babel.numbers import format_decimal

from .. import project
from ..content.model import Edition
from ..findings import Loc
from ..i18n.coverage import CATCH_UP, LanguageCoverage, pending_note
from ..i18n.localize import Localizer, read_localizer
from ..project import SITE_IMAGES_DIR
from ..publish import Output
from ..sandbox import CssImport, asset_paths, css_imports, image_path, inside, real_folder, sheet_imported
from . import cite
from .data import DATA_DIR, TABLES
from .html import Citer, LayoutModule, Renderer, draft_title, environment

NOT_FOUND_PAGE = "404.html"
"""What GitHub Pages, Netlify, Cloudflare Pages and GitLab Pages show at an address of the site that
has no page (S3 and others once set to): written only with report.yaml's base_url (see site/404.html)."""

PdfInfo = Mapping[tuple[str | None, str | None], tuple[str, int | None, int | None]]
"""Each PDF's (path, size, pages) by (language, facility id; None for the full report).

A size of None is a PDF being rebuilt (the preview's pages, `commands.build.pages`): its links
say "PDF updating" instead of a size and a page count."""


def site_pages(
    root: Path,
    edition: Edition,
    renderers: Mapping[str, Renderer],
    pdf_info: PdfInfo,
    coverage: Mapping[str, LanguageCoverage],
) -> list[Output]:
    """Return every site page and asset for the languages built, except each language's home page.

    Of `pdf_info` ((language, facility id) -> (path, size, pages)), these pages need only the
    per-facility PDFs': the build renders them while the full reports are still being assembled,
    and the home pages (`home_pages`) once they are.
    """
    outputs = [*_assets(root), *_images(root, edition)]
    languages = list(edition.settings.languages)  # pages link to every language, built now or before
    for lang, renderer in renderers.items():
        outputs.extend(_facility_pages(edition, lang, renderer, languages, pdf_info))
    choices, envs = [], {}
    for lang in languages:
        built = renderers.get(lang)
        # a language not built this time: its pages are linked to all the same
        localizer = built.localizer if built else read_localizer(root, edition.settings, lang, root / project.CACHE_DIR)
        env = envs[lang] = built.env if built else environment(root, localizer)
        words = LayoutModule(env, "partials/chooser.html")
        missing = LayoutModule(env, "partials/not_found.html")
        choices.append(
            {
                "lang": lang,
                "name": _language_name(lang),
                "title": localizer.plain(edition.settings.title),
                "subtitle": localizer.plain(edition.settings.subtitle),
                # English where the language's catalog has no translation yet: `lang` says so
                "title_lang": localizer.language_of(edition.settings.title),
                "subtitle_lang": localizer.language_of(edition.settings.subtitle),
                "heading": words["heading"](),
                "draft": words["draft"](),
                "skip": words["skip"](),
                "not_found": missing["heading"](),
                "not_found_text": missing["text"](),
                "home": missing["home"](),
            }
        )
    source = choices[languages.index(edition.settings.source_language)]
    draft = next(iter(renderers.values())).draft  # one edition: a draft in every language or none
    report = report_ld(edition, source["lang"], source["title"], source["subtitle"], draft=draft)
    report["workTranslation"] = [
        report_ld(edition, c["lang"], c["title"], c["subtitle"], (c["title_lang"], c["subtitle_lang"]), draft)
        for c in choices
        if c is not source
    ]
    title = draft_title(source["title"], source["draft"] if draft else "")
    # the source language's page, whichever languages are built: the same bytes from `--lang es`
    html = (
        envs[edition.settings.source_language]
        .get_template("site/chooser.html")
        .render(
            draft=draft,
            head=head(edition, source["lang"], "index.html", title, source["subtitle"], report),
            source_lang=edition.settings.source_language,
            choices=choices,
            publisher=edition.settings.publisher,
        )
    )
    outputs.append(Output("index.html", html.encode(), "page"))
    if edition.settings.base_url:  # a wrong address may be at any depth: only a path from the root is right
        page = (
            envs[edition.settings.source_language]
            .get_template("site/404.html")
            .render(
                source_lang=edition.settings.source_language,
                source=source,
                site_path=urlsplit(edition.settings.base_url).path,
                choices=choices,
                publisher=edition.settings.publisher,
            )
        )
        outputs.append(Output(NOT_FOUND_PAGE, page.encode(), "page"))
    for lang, found in sorted(coverage.items()):
        if lang in renderers:
            page = status_page_html(root, edition, found, draft=draft)
            outputs.append(Output(f"{lang}/{project.STATUS_PAGE}", page.encode(), "status", lang))
    return outputs  # the status pages (kind "status") are written beside dist/, not in it


def facility_pages(
    root: Path, edition: Edition, renderers: Mapping[str, Renderer], pdf_info: PdfInfo, ids: frozenset[str]
) -> list[Output]:
    """Return the pages of the facilities `ids` alone, in every language built, with their images:
    each exactly as `site_pages` renders it (the preview shows a saved dossier's pages first)."""
    outputs = _images(root, edition, ids)
    languages = list(edition.settings.languages)
    for lang, renderer in renderers.items():
        outputs.extend(_facility_pages(edition, lang, renderer, languages, pdf_info, ids))
    return outputs


def _assets(root: Path) -> list[Output]:
    """Return the site's stylesheets (each with its imports inlined), fonts and icons, never a link
    out of layouts/ (see `asset_findings`); a stylesheet inlined into another is not copied."""
    layouts = real_folder(root, "layouts")
    paths = [path for path in asset_paths(root) if inside(path, layouts)]
    stylesheets = {path.name: path for path in paths if path.suffix == ".css"}
    inlined: set[str] = set()
    bundles = {name: bundle(name, stylesheets, inlined) for name in stylesheets}
    return [
        Output(asset_address(path), bundles.get(path.name, path.read_bytes()), "asset")
        for path in paths
        if path.name not in inlined
    ]


def asset_address(path: Path) -> str:
    """Return where the site publishes a file of layouts/ (`layouts/css/site.css`): `assets/css/site.css`."""
    return f"assets/{path.parent.name}/{path.name}"


def bundle(name: str, stylesheets: Mapping[str, Path], inlined: set[str]) -> bytes:
    """Return a stylesheet with every `@import` of a sibling stylesheet replaced by its text (once), so a
    page loads one file; the names inlined are added to `inlined`.

    Every form CSS has is inlined where the `@import` is, depth first, as `paginate.sheet_texts` reads
    them: quoted or in `url()`, and under what it is imported with, each as the block that says the
    same (`layer(x)` as `@layer x { }`, `supports(…)` as `@supports`, a media query list as `@media`).
    An import of anything else stays: `sandbox.asset_findings` makes it an error, and no build gets here.
    """
    seen: set[str] = set()
    published = {os.path.normpath(path.absolute()): path for path in stylesheets.values()}

    def expand(current: str) -> str:
        seen.add(current)
        text = stylesheets[current].read_text(encoding="utf-8")
        parts: list[str] = []
        end = 0
        for rule in css_imports(text):
            path = None if rule.ignored else sheet_imported(stylesheets[current], rule.ref, published)
            if path is None:
                continue
            imported = path.name
            parts.append(text[end : rule.start])
            end = rule.end
            inlined.add(imported)
            if imported not in seen:
                parts.append(f"/* {imported} */\n{_within(rule, expand(imported).rstrip())}\n")
        return "".join(parts) + text[end:]

    return expand(name).encode()


def _within(rule: CssImport, css: str) -> str:
    """Return an imported stylesheet's text in the blocks that say what its `@import` says after the address."""
    if rule.media:
        css = f"@media {rule.media} {{\n{css}\n}}"
    if rule.supports:
        condition = f"({rule.supports})" if _DECLARATION.match(rule.supports) else rule.supports
        css = f"@supports {condition} {{\n{css}\n}}"
    if rule.layer is not None:
        css = f"@layer {rule.layer + ' ' if rule.layer else ''}{{\n{css}\n}}"
    return css


_DECLARATION = re.compile(r"-*[A-Za-z_][\w-]*\s*:")
"""A `supports()` that holds a declaration (`display: grid`), which `@supports` takes in parentheses;
a condition (`not (…)`, `(a) and (b)`, `selector(…)`) it takes as it is."""


def _images(root: Path, edition: Edition, ids: frozenset[str] | None = None) -> list[Output]:
    """Return the dossier images (of the facilities `ids`, if given), for dist/images/ (`check` has
    made sure each is a real image there)."""
    outputs = {}
    for facility in edition.facilities:
        image = facility.image if ids is None or facility.id in ids else None
        path = image_path(root, image.src) if image else None
        if image and path:
            outputs[image.src] = Output(f"{SITE_IMAGES_DIR}/{image.src}", path.read_bytes(), "image")
    return [outputs[name] for name in sorted(outputs)]


def human_size(size: int, locale: Locale) -> str:
    """Return a file size for people: '840 KB', '1.2 MB', in the locale's number format."""
    if size < 1_000_000:
        return f"{format_decimal(max(1, round(size / 1000)), locale=locale)} KB"
    return f"{format_decimal(round(size / 1_000_000, 1), format='#,##0.0', locale=locale)} MB"


def _download(localizer: Localizer, pdf_info: PdfInfo, facility_id: str | None) -> dict[str, Any]:
    path, size, pages = pdf_info[(localizer.lang, facility_id)]
    if size is None:
        return {"href": path.split("/", 1)[1], "updating": True}
    return {
        "href": path.split("/", 1)[1],
        "updating": False,
        "size": human_size(size, localizer.locale),
        "pages": pages,
    }


def _alternates(lang: str, languages: list[str], page: str) -> list[dict[str, Any]]:
    """Return the language switch's links to this page in every language (relative: they work anywhere)."""
    if len(languages) < 2:
        return []
    return [
        {
            "lang": other,
            "href": f"../{other}/{page}",
            "name": _language_name(other),
            "current": other == lang,
        }
        for other in languages
    ]


def home_pages(edition: Edition, renderers: Mapping[str, Renderer], pdf_info: PdfInfo) -> list[Output]:
    """Return each language's home page, which lists every PDF of the language (the full report too)."""
    languages = list(edition.settings.languages)
    outputs = []
    for lang, renderer in renderers.items():
        localizer, env = renderer.localizer, renderer.env
        report = cite.report_work(
            edition, lang, renderer.report_title, renderer.report_kind(), renderer.draft_words()[0] or None
        )
        citer: Citer = renderer.citer("site", lambda s: f"#src-{s.id}")
        subtitle = localizer.plain(edition.settings.subtitle)
        languages_of = (localizer.language_of(edition.settings.title), localizer.language_of(edition.settings.subtitle))
        ld = report_ld(edition, lang, renderer.report_title, subtitle, languages_of, renderer.draft)
        title = renderer.draft_title(renderer.report_title)
        base = renderer.common(citer) | {
            "root": "../",
            "home": "index.html",
            "hashtags": edition.settings.hashtags,
            "description": subtitle,
        }
        index = env.get_template("site/index.html").render(
            base
            | {
                "head": head(
                    edition,
                    lang,
                    f"{lang}/index.html",
                    title,
                    subtitle,
                    ld,
                    languages_of=languages_of,
                ),
                "page_title": title,
                "body_class": "home",
                "alternates": _alternates(lang, languages, "index.html"),
                "report_pdf": _download(localizer, pdf_info, None),
                "facility_items": [
                    {"facility": f, "pdf": _download(localizer, pdf_info, f.id)} for f in edition.facilities
                ],
                "open_data": _open_data(edition),
                "citation": _citation(lang, project.REPORT_CITATION, (report,)),
            }
        )
        outputs.append(Output(f"{lang}/{project.HOME_PAGE}", index.encode(), "page", lang))
        outputs += cite.downloads(project.REPORT_CITATION, (report,), lang)
    return outputs


def _open_data(edition: Edition) -> dict[str, Any]:
    """Return what the index says of the open data: its tables' files and the license, if stated."""
    tables = [
        {"name": t.name, "csv": f"../{DATA_DIR}/{t.name}.csv", "json": f"../{DATA_DIR}/{t.name}.json"} for t in TABLES
    ]
    return {"package": f"../{DATA_DIR}/datapackage.json", "tables": tables, "license": edition.settings.license}


def _citation(lang: str, stem: str, works: tuple[cite.Work, ...]) -> dict[str, Any]:
    """Return a page's "Cite this" context: the works, first the page's own, and its downloads."""
    paths = project.citation_paths(lang, stem)
    files = [
        {"href": path.split("/", 1)[1], "format": name, "type": cite.MEDIA_TYPES[ext]}
        for path, (ext, name) in zip(paths, cite.FORMATS, strict=True)
    ]
    return {"works": works, "files": files}


def _facility_pages(
    edition: Edition,
    lang: str,
    renderer: Renderer,
    languages: list[str],
    pdf_info: PdfInfo,
    ids: frozenset[str] | None = None,
) -> list[Output]:
    outputs = []
    env = renderer.env
    facilities = edition.facilities
    status = renderer.draft_words()[0] or None  # a draft's citations say so
    report = cite.report_work(edition, lang, renderer.report_title, renderer.report_kind(), status)
    localizer = renderer.localizer
    subtitle = localizer.plain(edition.settings.subtitle)
    languages_of = (localizer.language_of(edition.settings.title), localizer.language_of(edition.settings.subtitle))
    ld = report_ld(edition, lang, renderer.report_title, subtitle, languages_of, renderer.draft)
    for number, facility in enumerate(facilities, 1):
        if ids is not None and facility.id not in ids:
            continue
        works = (cite.chapter_work(edition, lang, renderer.report_title, facility, status), report)
        context, _ = renderer.chapter_context(facility, number, "site")
        # A chapter under review says so where a link preview or a search engine looks: its title
        # carries the review mark, and its description starts with its editor's note.
        title = renderer.draft_title(f"{renderer.facility_title(facility)} · {renderer.report_title}")
        note = renderer.editors_note(facility)
        summary = (first_sentence(renderer.localizer.plain(facility.summary)), localizer.language_of(facility.summary))
        description = " ".join(text for text, _ in (note, summary) if text)
        description_lang = mostly(note, summary)
        chapter = chapter_ld(edition, lang, facility.name, description, ld, description_lang)
        share = (project.share_image_path(lang, facility.id), renderer.share_alt(facility))
        page = env.get_template("site/facility.html").render(
            context
            | {
                "head": head(
                    edition,
                    lang,
                    f"{lang}/{facility.id}.html",
                    title,
                    description,
                    ld,
                    chapter,
                    share,
                    languages_of=(languages_of[0], description_lang),
                ),
                "root": "../",
                "home": "index.html",
                "hashtags": edition.settings.hashtags,
                "page_title": title,
                "description": description,
                "body_class": "facility-page",
                "alternates": _alternates(lang, languages, f"{facility.id}.html"),
                "pdf": _download(renderer.localizer, pdf_info, facility.id),
                "previous": facilities[number - 2] if number > 1 else None,
                "next": facilities[number] if number < len(facilities) else None,
                "citation": _citation(lang, facility.id, works),
            }
        )
        outputs.append(Output(project.facility_page_path(lang, facility.id), page.encode(), "page", lang))
        outputs += cite.downloads(facility.id, works, lang)
    return outputs


# -- what search engines and link previews read ------------------------------------------------------

DRAFT_STATUS = "Draft"
"""A draft's `creativeWorkStatus` in its pages' JSON-LD: schema.org's own term (the example its
definition gives), for search engines, not readers, so the same in every language."""

SHARE_SIZE = (1200, 630)
"""A share image's size in CSS pixels: the 1.91:1 card that link previews show."""

_CITATIONS = re.compile(r"\s*\[@[^\]]*\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<![A-Z]\.)\s+(?=[A-Z\u00BF\u00A1\u201C\"])")
"""A sentence ends at '.', '!' or '?' and a space before a capital: not after an initial ('U.S. Marshals')."""


def first_sentence(text: str) -> str:
    """Return the first sentence of plain prose, without its `[@id]` citations."""
    plain = " ".join(_CITATIONS.sub("", text).split())
    return _SENTENCE_END.split(plain, maxsplit=1)[0]


_WORDS = re.compile(r"[^\W\d_]+")


def mostly(*parts: tuple[str, str]) -> str:
    """Return the language most words of `parts` (each a text and the language it prints in) are in,
    as `Localizer.language_of` judges a template string's fallback: the last part's on a tie."""
    counts: dict[str, int] = {}
    for text, lang in parts:
        counts[lang] = counts.get(lang, 0) + len(_WORDS.findall(text))
    last = parts[-1][1]
    return max(counts, key=lambda lang: (counts[lang], lang == last))


def head(
    edition: Edition,
    lang: str,
    page: str,
    title: str,
    description: str,
    report: dict[str, Any],
    chapter: dict[str, Any] | None = None,
    image: tuple[str, str] | None = None,
    translated: bool = True,
    languages_of: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """Return what a page's <head> says to search engines and link previews (`partials/head.html`).

    `page` is the page's path under dist/; `title` the page's, a draft's marked so
    (`Renderer.draft_title`); `report` the schema.org Report (`report_ld`), and
    `chapter` a facility's Chapter in it; `image` a share image's (path under dist/, description);
    `translated` is False for a page that exists in one language only (no alternates);
    `languages_of` the languages the title and the description print in where one fell back to
    English (`Localizer.language_of`), which their elements then say (`lang`).
    Without `base_url` there is no canonical link, no alternate-language link and no image:
    search engines and previews take only absolute URLs, and a relative one would be wrong.
    """
    base = edition.settings.base_url
    languages = list(edition.settings.languages)
    url = f"{base}{page}" if base else None
    alternates = []
    if base and translated and len(languages) > 1:
        name = page.split("/", 1)[-1]  # the language chooser, index.html, stands for every index
        alternates = [{"lang": other, "href": f"{base}{other}/{name}"} for other in languages]
        if name == "index.html":
            alternates.append({"lang": "x-default", "href": f"{base}index.html"})
    thing = dict(chapter or report)
    if url:
        thing["url"] = url
    if image and base:
        thing["image"] = f"{base}{image[0]}"
    title_lang, description_lang = languages_of or (lang, lang)
    name = thing.get("isPartOf", thing)["name"]
    return {
        "site_name": name["@value"] if isinstance(name, dict) else name,  # the report's title, as text
        "title": title,
        "title_lang": title_lang,
        "description": description,
        "description_lang": description_lang,
        "locale": edition.settings.locale(lang),  # the CLDR locale report.yaml names ("es_US")
        "locale_alternates": [edition.settings.locale(other) for other in languages if other != lang],
        "type": "article" if chapter else "website",
        "canonical": url,
        "alternates": alternates,
        "image": {"url": f"{base}{image[0]}", "alt": image[1], "width": SHARE_SIZE[0], "height": SHARE_SIZE[1]}
        if image and base
        else None,
        "linked_data": {"@context": "https://schema.org", **thing},
    }


def ld_text(text: str, text_lang: str, lang: str) -> str | dict[str, str]:
    """Return a text for a page's JSON-LD: as it is when it is in the page's language, which the
    item's `inLanguage` says, else (an English fallback) as a JSON-LD value object that says its
    own, `{"@value": …, "@language": "en"}`, as the element of a fallback says `lang="en"`."""
    return text if text_lang == lang else {"@value": text, "@language": text_lang}


def report_ld(
    edition: Edition,
    lang: str,
    title: str,
    subtitle: str,
    languages_of: tuple[str, str] | None = None,
    draft: bool = False,
) -> dict[str, Any]:
    """Return the report as a schema.org Report, in one language; `languages_of` the languages the
    title and the subtitle print in where one fell back to English (`Localizer.language_of`). A
    draft's says so as schema.org does, `"creativeWorkStatus": "Draft"` (a release's says nothing)."""
    s = edition.settings
    title_lang, subtitle_lang = languages_of or (lang, lang)
    found: dict[str, Any] = {
        "@type": "Report",
        "name": ld_text(title, title_lang, lang),
        "alternativeHeadline": ld_text(subtitle, subtitle_lang, lang),
        "inLanguage": lang,
        "datePublished": s.edition.isoformat(),
        "publisher": {"@type": "Organization", "name": s.publisher, "email": s.contact},
    }
    if draft:
        found["creativeWorkStatus"] = DRAFT_STATUS
    if s.base_url:
        found["url"] = f"{s.base_url}{lang}/index.html"
    return found


def chapter_ld(
    edition: Edition,
    lang: str,
    name: str,
    description: str,
    report: dict[str, Any],
    description_lang: str | None = None,
) -> dict[str, Any]:
    """Return a facility's chapter as a schema.org Chapter of the report; `description_lang` the
    language its description prints in, if not `lang` (an English fallback). A chapter of a draft
    is a draft too (`creativeWorkStatus`)."""
    status = {"creativeWorkStatus": report["creativeWorkStatus"]} if "creativeWorkStatus" in report else {}
    return {
        "@type": "Chapter",
        "name": name,
        "description": ld_text(description, description_lang or lang, lang),
        "inLanguage": lang,
        "datePublished": edition.settings.edition.isoformat(),
        "publisher": report["publisher"],
        "isPartOf": report,
        **status,
    }


# -- the translator status page ----------------------------------------------------------------------


def status_page_html(root: Path, edition: Edition, coverage: LanguageCoverage, *, draft: bool = True) -> str:
    """Return the HTML of the translation status page of one language, `<lang>/translation-status.html`.

    Needs the project root (for `layouts/site/status.html` and `layouts/site/base.html`), the
    loaded edition (report title, publisher, contact, hashtags) and that language's
    `LanguageCoverage` from `check_translations`. The page is for translators, not readers: it
    is published beside the edition, not in it (`publish.REVIEW_KINDS`), and the preview serves
    it where it would sit in `dist/`, beside `<lang>/index.html` (its links are relative to that
    folder). Its chrome is in the source language, for the
    translators who read the English: the page adds no strings to the catalogs it reports on.

    It says which edition it goes with (`draft` or a release, and its date): it counts the catalog
    as the build that made it read it, which a later edit or a failed build leaves behind. Each
    listed entry names where its English is now (`coverage.used`: the content and templates, not
    the catalog's `#:` references, which may be out of date): a string only a PDF prints, or only
    the site, says so by its file.
    """
    source = edition.settings.source_language
    localizer = read_localizer(root, edition.settings, source)
    env = environment(root, localizer)
    title = localizer.plain(edition.settings.title)
    page_title = f"Translation status: {coverage.name} · {title}"
    description = f"What is left to translate into {coverage.name}"
    report = report_ld(edition, source, title, localizer.plain(edition.settings.subtitle))
    return env.get_template("site/status.html").render(
        head=head(
            edition,
            source,
            f"{coverage.lang}/translation-status.html",
            page_title,
            description,
            report,
            translated=False,
        ),
        lang=source,
        page_title=page_title,
        description=description,
        root="../",
        home="index.html",
        alternates=[],
        body_class="translation-status",
        draft=False,  # a worksheet for translators, never part of an edition
        report_title=title,
        publisher=edition.settings.publisher,
        contact=edition.settings.contact,
        hashtags=edition.settings.hashtags,
        coverage=coverage,
        target_lang=coverage.lang,
        pending_note=pending_note(coverage),
        catch_up=CATCH_UP,
        template_file=project.TEMPLATE_FILE,
        edition_kind="draft" if draft else "release",
        edition_date=localizer.iso(edition.settings.edition),
        places={message.key: _places(message.loc, *message.also) for message in coverage.used},
    )


def _places(*locs: Loc) -> list[str]:
    """Return where a string's English is, as `path:line` (the path alone where the line is not known)."""
    return [f"{loc.path}:{loc.line}" if loc.line else loc.path for loc in locs]


def _language_name(lang: str) -> str:
    """Return the language's name in itself, capitalized ("Español"); its code if Babel has none."""
    return (Locale.parse(lang).get_display_name(lang) or lang).capitalize()
