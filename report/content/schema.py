"""The JSON Schemas in `report/schemas/`: the one description of the dossier, sources and report.

The loader, editors' completion, the README's field reference and `new` all read them. Our own
`x-` keywords are listed in docs/architecture.md.
"""

from __future__ import annotations

import ipaddress
import json
import re
import socket
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, ValidationError, validators
from referencing import Registry, Resource

from ..findings import prints_nothing, says_nothing
from .model import CITE_RE

SCHEMA_DIR = Path(__file__).parent.parent / "schemas"  # where the dossiers' modelines point editors
KINDS = ("dossier", "sources", "report")


@cache
def raw(name: str) -> dict[str, Any]:
    """Return one schema file (`dossier`, `sources`, `report` or `defs`) as data."""
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


@cache
def registry() -> Registry:
    """Return a registry in which the schemas' relative `$ref`s resolve to each other."""
    reg: Registry = Registry()
    for name in (*KINDS, "defs"):
        reg = reg.with_resource(f"{name}.schema.json", Resource.from_contents(raw(name)))
    return reg


def _max_citations(_validator: Any, limit: Any, instance: Any, _schema: Any) -> Iterator[ValidationError]:
    """Refuse prose with more inline citations than `x-max-citations` (each one is a footnote to lay out)."""
    if isinstance(instance, str) and isinstance(limit, int):
        count = sum(1 for _ in CITE_RE.finditer(instance))
        if count > limit:
            yield ValidationError(f"{count} citations, more than {limit}")


def _pattern(_validator: Any, pattern: Any, instance: Any, _schema: Any) -> Iterator[ValidationError]:
    """`pattern` as JSON Schema means it (ECMA-262): a final `$` ends the text, as Python's `\\Z` does.

    Python's `$` also matches before a last newline, so `id: |` (a block that ends in one) would
    pass `^[a-z0-9]+(-[a-z0-9]+)*$` and put the newline in a file name; editors' schema checks
    would refuse it.
    """
    if isinstance(instance, str) and isinstance(pattern, str) and not matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _min_length(_validator: Any, length: Any, instance: Any, node: Any) -> Iterator[ValidationError]:
    """`minLength`, with a text that prints nothing (`prints_nothing`: `" "`, a no-break space) as
    short as an empty one: wherever `""` is refused, a name, a paragraph or a title that is only
    white space would print a blank heading, a title of nothing, a note number alone.

    So is a text with no letter or digit (`says_nothing`): a death's `name` of combining accents
    alone printed a lone accent where the name was. Prose says so by its own `pattern`, whose
    finding (`x-code: schema.empty`) gives the better hint; there a text that is not blank passes here.
    """
    if isinstance(instance, str) and isinstance(length, int) and length > 0:
        wordless = says_nothing(instance) and not (isinstance(node, dict) and node.get("x-code") == "schema.empty")
        if len(instance) < length or prints_nothing(instance) or wordless:
            yield ValidationError(f"{instance!r} is shorter than {length} characters, or says nothing")
    elif isinstance(instance, str) and isinstance(length, int) and len(instance) < length:
        yield ValidationError(f"{instance!r} is shorter than {length} characters")


def matches(pattern: str, text: str) -> bool:
    """Return True if `text` matches a schema `pattern` as JSON Schema means it (see `_pattern`)."""
    ecma = pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith("\\$") else pattern
    return re.search(ecma, text) is not None


_ENCODED_BREAK_RE = re.compile(r"%0[0AD]", re.IGNORECASE)
_ENCODED = {"%00": "an encoded NUL", "%0A": "an encoded line feed", "%0D": "an encoded carriage return"}


_UNSAFE = "\"'<>{}|\\^`"
"""The characters besides spaces and controls that a URL holds only percent-encoded: RFC 3986
allows none of them raw but `'`. Quotes and angle brackets end an HTML attribute, braces the
BibTeX field `url = {…}` of every citation, and a browser reads `\\` as `/`."""


def url_problem(url: str) -> str | None:
    """Return why `url` is not a web address a reader can follow, saying what to do, or None if it is one.

    It must be an http(s) URL the standard library reads, with a host name and no user name or
    password (`user:password@`: printed, they would be every reader's), no host that is this machine
    or a network other than the internet (`internal_host`: `localhost`, `10.0.0.5`), a host name of ASCII and
    the Latin letters of U+00C0–U+017F but look-alikes (`bücher.example`; `exаmple.org` with a
    Cyrillic а, `ɡithub.com` with IPA's ɡ, are other sites), and hold no space,
    quote, angle bracket, brace, `|`, `\\`, `^`, backtick or control character, raw or (for CR,
    LF and NUL) percent-encoded: such a character breaks the link, or the attribute, header or
    citation field it is written into.
    """
    for ch in url:
        if ch == "\\":
            return "it contains the character \\, which a browser reads as /; write / instead"
        if ch.isspace() or ch in _UNSAFE:
            what = "white space" if ch.isspace() else f"the character {ch}"
            return f"it contains {what}; delete it, or write %{ord(ch):02X} where the page's address has one"
        if unicodedata.category(ch) == "Cc":
            return f"it contains the control character U+{ord(ch):04X}; delete it"
    encoded = _ENCODED_BREAK_RE.search(url)
    if encoded:
        return f"it contains {encoded.group(0)}, {_ENCODED[encoded.group(0).upper()]}; delete it"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"the standard library cannot read it ({exc}); write the address as the browser shows it"
    if parts.scheme not in ("http", "https"):
        return "it is not an http:// or https:// address; write the full address, like https://example.org/page"
    internal = internal_host(parts.hostname or "")
    if internal:
        return (
            f"its host is {internal}, which no reader can open and `check --online` must not ask;"
            " write the page's public address"
        )
    if not parts.hostname or "." not in parts.hostname:
        return "it names no host; write the full address, like https://example.org/page"
    if parts.username is not None or parts.password is not None:
        return "it holds a user name or password (before @), which every reader would see; delete it and the @"
    foreign = next((ch for ch in parts.hostname if not _latin(ch)), None)
    if foreign is not None and foreign.isalpha() and not unicodedata.name(foreign, "").startswith("LATIN "):
        return (
            f"its host name has {_named(foreign)}, a letter of another alphabet that can look like a Latin one"
            " and lead a reader to another site; type the host in Latin letters, or a name in another"
            " alphabet in its xn-- form"
        )
    if foreign is not None:
        return (
            f"its host name has {_named(foreign)}, which can look like a plain Latin letter and lead a reader"
            " to another site; type the host in a-z, digits and the letters of U+00C0–U+017F (é, ü, ł)"
            " except ı, ĸ and ſ, or a name with other letters in its xn-- form"
        )
    return None


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def internal_host(host: str) -> str | None:
    """Return what `host` names if it is this machine or a network that is not the internet, or None.

    That is `localhost` (with a final dot too, and every `*.localhost`), and an IP address that is
    not globally routable (`private_address`), in any form a resolver reads: `127.0.0.1`, `[::1]`,
    and the old forms `127.1`, `0x7f.0.0.1` and `2130706433`. A pull request must not make
    `check --online` ask a cloud's metadata service (169.254.169.254) or a service of the
    network CI runs in.
    """
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return f"{host}, this machine"
    address = _ip_literal(name)
    kind = private_address(address) if address is not None else None
    if not kind:
        return None
    return f"{host}, {kind}" if str(address) == name else f"{host} ({address}), {kind}"


def _ip_literal(name: str) -> IPAddress | None:
    """Return the IP address a host name writes literally, in any form `inet_aton` reads too, or None."""
    try:
        return ipaddress.ip_address(name.partition("%")[0])
    except ValueError:
        pass
    if not re.fullmatch(r"[0-9a-fx.]+", name):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(name))
    except OSError:
        return None


def private_address(address: IPAddress) -> str | None:
    """Return what kind of address `address` is if the internet cannot reach it (it is not
    `is_global`, or it is multicast), or None for a public one. An IPv6 form of an IPv4 address
    (`::ffff:127.0.0.1`) is that IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_global and not address.is_multicast:
        return None
    if address.is_loopback:
        return "this machine's own address"
    if address.is_link_local:
        return "a link-local address (where a cloud server's metadata service answers)"
    if address.is_private:
        return "an address of a private network"
    return "an address reserved for other uses than the internet's sites"


_LOOK_ALIKES = frozenset("\u0131\u0138\u017f")
"""ı (dotless i), ĸ (kra) and ſ (long s): letters of Latin Extended-A that pass for i, k and f."""


def _latin(ch: str) -> bool:
    """Return whether a host name may hold `ch`: ASCII, or a letter of Latin-1 Supplement or Latin
    Extended-A (`ü`, `ł`) that is no look-alike. IPA's `ɡ`, the small capital `ᴇ`, a letter of
    another alphabet and a combining mark (the `i̇` that `İ` becomes) are each another site's."""
    return ch.isascii() or ("\u00c0" <= ch <= "\u017f" and ch.isalpha() and ch not in _LOOK_ALIKES)


def _named(ch: str) -> str:
    """Return a character as `U+0430 CYRILLIC SMALL LETTER A`."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'an unnamed character')}"


def _url(_validator: Any, wanted: Any, instance: Any, _schema: Any) -> Iterator[ValidationError]:
    """Refuse, under `x-url: true`, a value that is not a web address a reader can follow (`url_problem`)."""
    if wanted is True and isinstance(instance, str):
        problem = url_problem(instance)
        if problem:
            yield ValidationError(problem)


_Validator = validators.extend(
    Draft202012Validator,
    {"x-max-citations": _max_citations, "pattern": _pattern, "minLength": _min_length, "x-url": _url},
)


@cache
def validator(kind: str) -> Any:
    """Return the validator for one kind of file, with every `$ref` inlined for speed.

    It is JSON Schema 2020-12 plus our `x-max-citations` and `x-url` keywords, which editors ignore, with
    `pattern` matched as JSON Schema says (`_pattern`) and a text that prints nothing too short for
    any `minLength` (`_min_length`).
    """
    return _Validator(inlined(kind), registry=registry())


def inlined(kind: str) -> dict[str, Any]:
    """Return a file kind's schema with every `$ref` replaced by what it points at.

    The schemas have no recursion, so this is finite; validating against it skips the
    reference lookups that otherwise take most of the validation time.
    """

    def walk(node: Any, base: str) -> Any:
        if isinstance(node, dict):
            node, base = resolve(node, base)
            return {key: walk(value, base) for key, value in node.items() if key != "$defs"}
        if isinstance(node, list):
            return [walk(item, base) for item in node]
        return node

    return walk(raw(kind), f"{kind}.schema.json")


def resolve(node: dict[str, Any], base: str) -> tuple[dict[str, Any], str]:
    """Return a schema node with its `$ref` followed (siblings win), and the file it lives in."""
    while "$ref" in node:
        ref = node["$ref"]
        file, _, pointer = ref.partition("#")
        base = file or base
        target: Any = raw(base.removesuffix(".schema.json"))
        for part in filter(None, pointer.split("/")):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node, base


def subschema(kind: str, path: tuple[Any, ...]) -> dict[str, Any] | None:
    """Return the schema node that describes the value at `path` in a file of `kind`."""
    node, base = resolve(raw(kind), f"{kind}.schema.json")
    for part in path:
        child = node.get("items") if isinstance(part, int) else node.get("properties", {}).get(part)
        if child is None:
            return None
        node, base = resolve(child, base)
    return node


def unknown_key(kind: str, path: tuple[Any, ...]) -> bool:
    """Return True if `path` passes through a key the schema does not allow (a misspelt `txt:`).

    A value under such a key is no field: the `schema.unknown-key` error is all there is to say.
    """
    node, base = resolve(raw(kind), f"{kind}.schema.json")
    for part in path:
        if isinstance(part, int):
            child = node.get("items")
        else:
            child = node.get("properties", {}).get(part)
            if child is None and node.get("additionalProperties") is False:
                return True
        if child is None:
            return False
        node, base = resolve(child, base)
    return False


def keyword(kind: str, path: tuple[Any, ...], name: str) -> Any:
    """Return the value of keyword `name` on the node at `path` (for example `x-hint`), or None."""
    node = subschema(kind, path)
    return node.get(name) if node else None


def is_translatable(kind: str, path: tuple[Any, ...]) -> bool:
    """Return True if the value at `path` is prose for translators (`x-translatable`)."""
    node = subschema(kind, path)
    return bool(node and node.get("x-translatable"))


def field_reference(kind: str) -> str:
    """Return a Markdown table of every field of a file kind, generated from its schema."""
    rows = ["| Field | Type | Required | Description |", "|---|---|---|---|"]
    node, base = resolve(raw(kind), f"{kind}.schema.json")
    for name, typ, required, description in _fields(node, base, ""):
        rows.append(f"| `{name}` | {typ} | {'yes' if required else ''} | {description} |")
    return "\n".join(rows)


def _fields(node: dict[str, Any], base: str, prefix: str) -> Iterator[tuple[str, str, bool, str]]:
    required = set(node.get("required", ()))
    for name, child in node.get("properties", {}).items():
        child, child_base = resolve(child, base)
        full = f"{prefix}{name}"
        yield full, _type_name(child, child_base), name in required, _describe(child)
        if child.get("type") == "object":
            yield from _fields(child, child_base, f"{full}.")
        elif child.get("type") == "array":
            items, items_base = resolve(child.get("items", {}), child_base)
            if items.get("type") == "object":
                yield from _fields(items, items_base, f"{full}[].")


def _type_name(node: dict[str, Any], base: str) -> str:
    if "enum" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
    if "oneOf" in node and node.get("x-date"):
        return "date or `undated`"
    if "oneOf" in node:
        return " or ".join(_type_name(*resolve(alternative, base)) for alternative in node["oneOf"])
    if node.get("x-date"):
        return "date"
    typ = node.get("type")
    if isinstance(typ, list):
        return " or ".join(typ)
    if typ == "array":
        items = node.get("items", {})
        if "$ref" in items and items["$ref"].endswith("/id"):
            return "list of ids"
        return "list"
    if typ == "string" and node.get("x-translatable"):
        return "prose (translated)"
    return {
        "object": "mapping",
        "string": "text",
        "integer": "whole number",
        "number": "number",
        "boolean": "true/false",
    }.get(typ or "", typ or "")


def _describe(node: dict[str, Any]) -> str:
    text = " ".join(node.get("description", "").split()).replace("|", "\\|")
    return " ".join(filter(None, (text, limits(node))))


def limits(node: dict[str, Any]) -> str:
    """Return the content limits a schema node sets, as a sentence ("At most 4,000 characters."), or ''."""
    parts = []
    if "maxLength" in node:
        parts.append(f"{node['maxLength']:,} characters")
    if "x-max-citations" in node:
        parts.append(f"{node['x-max-citations']:,} inline citations")
    if "maxItems" in node:
        parts.append(f"{node['maxItems']:,} entries")
    return f"At most {' and '.join(parts)}." if parts else ""


def dates(kind: str, data: Any) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Yield (path, value) for every value in `data` that the schema declares a date."""
    node, base = resolve(raw(kind), f"{kind}.schema.json")
    yield from _dates(data, node, base, ())


def _is_date(node: dict[str, Any], base: str) -> bool:
    return bool(node.get("x-date"))


def _dates(value: Any, node: dict[str, Any], base: str, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if _is_date(node, base) and isinstance(value, (str, int)):
        yield path, value
    elif isinstance(value, dict):
        for key, child in value.items():
            sub = node.get("properties", {}).get(key)
            if sub is not None:
                yield from _dates(child, *resolve(sub, base), path + (key,))
    elif isinstance(value, list) and "items" in node:
        items, items_base = resolve(node["items"], base)
        for i, child in enumerate(value):
            yield from _dates(child, items, items_base, path + (i,))


README_MARKERS = {kind: (f"<!-- fields:{kind} -->", f"<!-- /fields:{kind} -->") for kind in KINDS}


def refresh_readme(text: str) -> str:
    """Return README text with each generated field reference replaced by the current one."""
    for kind, (start, end) in README_MARKERS.items():
        if start in text and end in text:
            head, rest = text.split(start, 1)
            _, tail = rest.split(end, 1)
            text = f"{head}{start}\n{field_reference(kind)}\n{end}{tail}"
    return text


def refresh_file(target: Path) -> str:
    """Refresh the field reference in the file `target` (written only if that changes it); return
    what was done, in a line for the terminal."""
    text = target.read_text(encoding="utf-8")
    if not any(start in text and end in text for start, end in README_MARKERS.values()):
        return f"{target}: no field reference to refresh (no <!-- fields:… --> markers)"
    new = refresh_readme(text)
    if new == text:
        return f"{target}: the field reference already matches report/schemas/"
    target.write_text(new, encoding="utf-8")
    return f"{target}: the field reference was refreshed from report/schemas/"


if __name__ == "__main__":  # python -m report.content.schema README.md: regenerate the field reference
    import sys

    print(refresh_file(Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")))
