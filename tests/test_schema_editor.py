"""The editor's squiggles and `check` agree.

Writers edit with the YAML language server, which validates each file against the schema its
first line names (`# yaml-language-server: $schema=…`) as a plain JSON Schema validator does: the
draft the schema declares, its relative `$ref`s resolved against the schema file's own address, no
keyword of ours (`x-…`) and no format checker, and YAML 1.2's scalars (`yes` is text, `2021-02-25`
is text). `plain_errors` is that validator. A value it refuses, `check` refuses too, and a value
`check` refuses for its form alone (not for what another file says), the schema refuses in the
editor as it is typed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import yaml
from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for
from referencing import Registry, Resource

from report.content.load import read_dossier, read_settings, read_sources
from report.content.model import PartialDate
from report.content import schema
from report.content.schema import url_problem

from .conftest import REPO

MODELINE = re.compile(r"# yaml-language-server: \$schema=(\S+)\n")


class _Yaml12(yaml.SafeLoader):
    """YAML 1.2's core schema, as the language server reads a file: only true and false are
    true/false, a date is text, and a number is written in decimal."""


_Yaml12.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _schema_path(text: str, where: Path) -> Path:
    """Return the schema file a YAML file's modeline names, resolved as the language server does."""
    found = MODELINE.match(text)
    assert found, f"{where}: its first line names no schema for editors"
    return (where.parent / found.group(1)).resolve()


def plain_errors(text: str, where: Path) -> list[tuple[str, str]]:
    """Return what a plain validator says of a YAML file's text: (path, keyword) of each error."""
    schema_file = _schema_path(text, where)
    registry: Registry = Registry()
    for each in schema_file.parent.glob("*.schema.json"):  # a relative $ref is a file beside it
        registry = registry.with_resource(each.as_uri(), Resource.from_contents(json.loads(each.read_text("utf-8"))))
    schema = {**json.loads(schema_file.read_text("utf-8")), "$id": schema_file.as_uri()}  # its address, as retrieved
    cls = validator_for(schema)
    assert cls is Draft202012Validator  # the draft the schemas declare
    cls.check_schema(schema)
    errors = cls(schema, registry=registry).iter_errors(yaml.load(text, Loader=_Yaml12))  # noqa: S506 - a SafeLoader
    return sorted(("/".join(map(str, err.absolute_path)), str(err.validator)) for err in errors)


SHIPPED = sorted(str(path.relative_to(REPO)) for path in [REPO / "report.yaml", *(REPO / "facilities").glob("*.yaml")])


@pytest.mark.parametrize("rel", SHIPPED)
def test_every_shipped_file_names_its_schema_and_passes_the_plain_validator(rel: str) -> None:
    """A squiggle on shipped content would be false."""
    text = (REPO / rel).read_text("utf-8")
    kind = "report" if rel == "report.yaml" else "sources" if rel.endswith("/sources.yaml") else "dossier"
    assert _schema_path(text, REPO / rel) == REPO / "report" / "schemas" / f"{kind}.schema.json"
    assert plain_errors(text, REPO / rel) == []


Reader = Callable[[bytes, str], tuple[Any, list[Any]]]
WINN, SOURCES, REPORT = "facilities/winn.yaml", "facilities/sources.yaml", "report.yaml"
READERS: dict[str, Reader] = {WINN: read_dossier, SOURCES: read_sources, REPORT: read_settings}
AS_OF = "    as_of: 2025-05\n"
URL = "    url: https://docslib.org/doc/13289081/otay-mesa-detention-center\n"
SOURCE_DATE = "    date: 2021-04\n    url: https://docslib"
EDITION = 'edition: "2026-11-24"'
NEAR = "  near: true\n"


def _check(rel: str, text: str) -> list[str]:
    """Return `check`'s errors and warnings about one file's text, as `line:col: code: message`."""
    _, findings = READERS[rel](text.encode(), rel)
    return [f"{f.loc.line}:{f.loc.col}: {f.code}: {f.message}" for f in findings]


@pytest.mark.parametrize(
    ("rel", "old", "new", "plain", "check"),
    [
        # A date the calendar does not have: the editor said nothing, `check` refused it.
        (
            WINN,
            AS_OF,
            "    as_of: 2021-02-30\n",
            [("capacity/0/as_of", "pattern")],
            ["27:12: date.invalid: impossible date '2021-02-30': day 30 does not exist in February 2021"],
        ),
        (
            WINN,
            AS_OF,
            "    as_of: 2021-13\n",
            [("capacity/0/as_of", "pattern")],
            ["27:12: date.invalid: impossible date '2021-13': month 13 does not exist"],
        ),
        (
            WINN,
            AS_OF,
            "    as_of: 2023-02-29/2024-02-29\n",
            [("capacity/0/as_of", "pattern")],
            ["27:12: date.invalid: impossible date '2023-02-29/2024-02-29': day 29 does not exist in February 2023"],
        ),
        (
            WINN,
            AS_OF,
            "    as_of: 0019\n",
            [("capacity/0/as_of", "pattern")],
            [
                "27:12: date.invalid: date '0019' is in the year 19, before 1000, the earliest a date here may be:"
                " write the year's four digits as the source gives them"
            ],
        ),
        (
            SOURCES,
            SOURCE_DATE,
            "    date: 2021-04-31\n    url: https://docslib",
            [("sources/0/date", "oneOf")],
            ["8:11: date.invalid: impossible date '2021-04-31': day 31 does not exist in April 2021"],
        ),
        (
            REPORT,
            EDITION,
            'edition: "2026-02-30"',
            [("edition", "pattern")],
            ["5:10: date.invalid: impossible date '2026-02-30': day 30 does not exist in February 2026"],
        ),
        # A leap day is a date; a date's form was refused by both already.
        (WINN, AS_OF, "    as_of: 2024-02-29\n", [], []),
        (
            WINN,
            AS_OF,
            "    as_of: 05/2025\n",
            [("capacity/0/as_of", "pattern"), ("capacity/0/as_of", "pattern")],
            [
                "27:12: date.invalid: capacity[1].as_of: '05/2025' is not valid;"
                " write 2021, 2021-02 or 2021-02-25, or a range like 2015-11-26/2015-12-09"
            ],
        ),
        # A web address a reader cannot follow: the editor said nothing, `check` refused it.
        (
            SOURCES,
            URL,
            "    url: https://docslib.org/doc/otay mesa\n",
            [("sources/0/url", "pattern")],
            [
                "9:10: schema.pattern: sources[1].url: 'https://docslib.org/doc/otay mesa' is not a valid web address:"
                " it contains white space; delete it, or write %20 where the page's address has one"
            ],
        ),
        (
            SOURCES,
            URL,
            "    url: docslib.org/doc\n",
            [("sources/0/url", "pattern")],
            [
                "9:10: schema.pattern: sources[1].url: 'docslib.org/doc' is not a valid web address: it is not an"
                " http:// or https:// address; write the full address, like https://example.org/page"
            ],
        ),
        (
            SOURCES,
            URL,
            "    url: ftp://docslib.org/x\n",
            [("sources/0/url", "pattern")],
            [
                "9:10: schema.pattern: sources[1].url: 'ftp://docslib.org/x' is not a valid web address: it is not an"
                " http:// or https:// address; write the full address, like https://example.org/page"
            ],
        ),
        (
            SOURCES,
            URL,
            "    url: https://user:pw@docslib.org/x\n",
            [("sources/0/url", "pattern")],
            [
                "9:10: schema.pattern: sources[1].url: 'https://user:pw@docslib.org/x' is not a valid web address:"
                " it holds a user name or password (before @), which every reader would see; delete it and the @"
            ],
        ),
        (
            SOURCES,
            URL,
            "    url: 'https://docslib.org/{x}'\n",
            [("sources/0/url", "pattern")],
            [
                "9:10: schema.pattern: sources[1].url: 'https://docslib.org/{x}' is not a valid web address:"
                " it contains the character {; delete it, or write %7B where the page's address has one"
            ],
        ),
        (
            SOURCES,
            URL,
            "    url: https://docslib.org/a%0Ab\n",
            [("sources/0/url", "pattern")],
            [
                "9:10: schema.pattern: sources[1].url: 'https://docslib.org/a%0Ab' is not a valid web address:"
                " it contains %0A, an encoded line feed; delete it"
            ],
        ),
        (SOURCES, URL, "    url: HTTPS://docslib.org/doc?q=a@b#top\n", [], []),
        # What the schema cannot say: a host on a private network is `check`'s alone.
        (
            SOURCES,
            URL,
            "    url: http://10.0.0.5/x\n",
            [],
            [
                "9:10: schema.pattern: sources[1].url: 'http://10.0.0.5/x' is not a valid web address: its host is"
                " 10.0.0.5, an address of a private network, which no reader can open and `check --online` must not ask;"
                " write the page's public address"
            ],
        ),
        # YAML 1.2, which editors read, has only true and false: YAML 1.1 read `near: yes` as true (a
        # squiggle on a value `check` accepted) and `city: No` as false (refused, though the editor took it).
        (
            WINN,
            NEAR,
            "  near: yes\n",
            [("location/near", "type")],
            ["9:9: schema.type: location.near: expected true or false, got text 'yes'; write true"],
        ),
        (
            WINN,
            NEAR,
            "  near: Off\n",
            [("location/near", "type")],
            ["9:9: schema.type: location.near: expected true or false, got text 'Off'; write false"],
        ),
        (WINN, NEAR, "  near: True\n", [], []),
        (WINN, "  city: Winnfield\n", "  city: No\n", [], []),
        # Other files' facts are `check`'s alone: an unknown source id is a valid id.
        (WINN, "  sources: [wikial-de-winn, latinorebels-2019-10-09-ap-winn]", "  sources: [nope-not-here]", [], []),
    ],
)
def test_the_plain_validator_and_check_agree_on_a_writers_mistake(
    rel: str, old: str, new: str, plain: list[tuple[str, str]], check: list[str]
) -> None:
    text = (REPO / rel).read_text("utf-8")
    assert text.count(old) == 1
    mutated = text.replace(old, new)
    assert plain_errors(mutated, REPO / rel) == sorted(plain)
    assert _check(rel, mutated) == check


def test_the_calendar_pattern_is_the_calendar_checks_rule() -> None:
    """Every date of the form, from month 00 to 13 and day 00 to 32 of years around the edges
    (leap years, centuries, the year 1000): the schema's calendar pattern accepts exactly the dates
    `check`'s calendar check (`PartialDate.parse`, from the year 1000) accepts."""
    defs = json.loads((REPO / "report" / "schemas" / "defs.schema.json").read_text("utf-8"))
    calendar = re.compile(defs["$defs"]["calendar"]["pattern"].removesuffix("$") + r"\Z")
    leap_or_not = (1100, 1200, 1600, 1700, 1900, 1996, 2000, 2001, 2023, 2024, 2100, 2400, 9996, 9999)
    years = [*range(995, 1010), *leap_or_not, 0, 19]
    texts = [f"{y:04d}" for y in years]
    texts += [f"{y:04d}-{m:02d}" for y in years for m in range(14)]
    texts += [f"{y:04d}-{m:02d}-{d:02d}" for y in years for m in range(14) for d in range(33)]

    def in_calendar(text: str) -> bool:
        try:
            return PartialDate.parse(text).year >= defs["$defs"]["date"]["minimum"]
        except ValueError:
            return False

    assert [t for t in texts if (calendar.match(t) is not None) != in_calendar(t)] == []
    assert calendar.match("2024-02-29/2023-02-28") and not calendar.match("2024-02-29/2023-02-29")


def test_the_url_pattern_refuses_nothing_check_accepts() -> None:
    """Each character after an address, in its host or in its scheme: where the editor's pattern
    refuses the address, `url_problem` does too (with the words that say why). The pattern names
    no character above U+3000 (IDEOGRAPHIC SPACE); a few above it stand for the rest."""
    defs = json.loads((REPO / "report" / "schemas" / "defs.schema.json").read_text("utf-8"))
    pattern = re.compile(defs["$defs"]["url"]["pattern"].removesuffix("$") + r"\Z")
    refused_alone = []
    for code in [*range(0x3001), 0xFEFF, 0xFF0E, 0x1D400, 0x10FFFF]:
        for url in (
            f"https://example.org/a{chr(code)}b",
            f"https://exa{chr(code)}mple.org/",
            f"https{chr(code)}://example.org/",
        ):
            if pattern.match(url) is None and url_problem(url) is None:
                refused_alone.append(url)
    assert refused_alone == []


def _nodes(node: Any, base: str, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield every field of a schema, followed through `$ref`s and list items, with its node."""
    for name, child in node.get("properties", {}).items():
        child, child_base = schema.resolve(child, base)
        yield f"{path}{name}", child
        if child.get("type") == "array":
            child, child_base = schema.resolve(child.get("items", {}), child_base)
            yield from _nodes(child, child_base, f"{path}{name}[].")
        else:
            yield from _nodes(child, child_base, f"{path}{name}.")


def test_every_field_says_in_its_hover_text_what_to_write() -> None:
    """The editor shows a field's `description` on hover: a field without one shows nothing."""
    silent = [
        f"{kind}: {path}"
        for kind in schema.KINDS
        for path, node in _nodes(*schema.resolve(schema.raw(kind), f"{kind}.schema.json"), "")
        if not node.get("description")
    ]
    assert silent == []


@pytest.mark.parametrize(
    ("rel", "old", "new", "found"),
    [
        (
            SOURCES,
            "    via: docslib.org\n",
            "    lang: EN\n",
            "7:11: schema.pattern: sources[1].lang: 'EN' is not valid; use the language's two-letter ISO 639-1 code"
            " in lower case, like 'es'",
        ),
        (
            REPORT,
            'hashtags: ["#FirstTen", "#CommunitiesNotCages"]',
            'hashtags: ["FirstTen"]',
            "23:12: schema.pattern: hashtags[1]: 'FirstTen' is not valid; write # and then ASCII letters and digits"
            " only, like #FirstTen",
        ),
    ],
)
def test_a_pattern_error_says_what_to_write(rel: str, old: str, new: str, found: str) -> None:
    """A pattern's error said only "check the format", which told a writer nothing the editor had not."""
    text = (REPO / rel).read_text("utf-8")
    assert text.count(old) == 1
    assert _check(rel, text.replace(old, new)) == [found]
