"""Reading YAML safely while keeping the line and column of every key and value.

PyYAML's loaders throw positions away and silently keep the last of two duplicate keys.
We compose the node graph instead (safe tags only) and build plain data from it ourselves.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

import yaml

from .findings import Finding, Loc, error

try:  # libyaml is much faster; fall back to the pure-Python loader where it is missing.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path_ = tuple[Any, ...]
"""A path into the data: mapping keys and list indexes."""

_SCALARS = yaml.constructor.SafeConstructor()
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML file: its data, and where each value and key starts."""

    path: str
    text: str
    data: Any
    values: dict[Path_, Loc]
    keys: dict[Path_, Loc]
    spans: dict[Path_, tuple[int, int]]

    def loc(self, path: Path_) -> Loc:
        """Return the location of the value at `path`, or of its nearest located parent."""
        path = tuple(path)
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, Loc(self.path, 1, 1))

    def key_loc(self, path: Path_) -> Loc:
        """Return the location of the key that holds `path`, falling back to the value."""
        return self.keys.get(tuple(path)) or self.loc(path)

    def source(self, path: Path_) -> tuple[int, str]:
        """Return the raw text of the value at `path` and the character index where it starts."""
        start, end = self.spans.get(tuple(path), (0, 0))
        return start, self.text[start:end]

    def loc_at(self, index: int) -> Loc:
        """Return the location of a character index in the file."""
        line = self.text.count("\n", 0, index) + 1
        col = index - (self.text.rfind("\n", 0, index) + 1) + 1
        return Loc(self.path, line, col)


def decode(raw: bytes, rel: str) -> tuple[str | None, list[Finding]]:
    """Return the UTF-8 text of a file, or a finding at the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        head = raw[: exc.start]
        line = head.count(b"\n") + 1
        col = len(head) - (head.rfind(b"\n") + 1) + 1
        message = (
            f"file is not valid UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded;"
            " save the file as UTF-8"
        )
        return None, [error("yaml.encoding", Loc(rel, line, col), message)]


def parse(raw: bytes, rel: str) -> tuple[YamlDoc | None, list[Finding]]:
    """Return the located data of one YAML file, or None and the findings that stopped it."""
    text, findings = decode(raw, rel)
    if text is None:
        return None, findings
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Loc(rel, mark.line + 1, mark.column + 1) if mark else Loc(rel, 1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            problem = f"{exc.problem} ({exc.context})"
        return None, [error("yaml.syntax", loc, f"YAML syntax error: {problem}")]
    except yaml.YAMLError as exc:
        return None, [error("yaml.syntax", Loc(rel, 1, 1), f"YAML error: {exc}")]
    if root is None:
        return None, [error("yaml.empty", Loc(rel, 1, 1), "file is empty")]
    doc = YamlDoc(rel, text, None, {}, {}, {})
    data = _build(root, (), doc, findings)
    return YamlDoc(rel, text, data, doc.values, doc.keys, doc.spans), findings


def _loc(node: yaml.Node, rel: str) -> Loc:
    return Loc(rel, node.start_mark.line + 1, node.start_mark.column + 1)


def _build(node: yaml.Node, path: Path_, doc: YamlDoc, findings: list[Finding]) -> Any:
    doc.values[path] = _loc(node, doc.path)
    doc.spans[path] = (node.start_mark.index, node.end_mark.index)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        first: dict[Any, Loc] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                findings.append(error("yaml.key", _loc(key_node, doc.path), "a key must be a plain word"))
                continue
            key = _scalar(key_node)
            key_loc = _loc(key_node, doc.path)
            if key in first:
                findings.append(
                    error(
                        "yaml.duplicate-key",
                        key_loc,
                        f"duplicate key '{key}' (first defined at line {first[key].line});"
                        " YAML would silently keep only the last one",
                    )
                )
                continue
            first[key] = key_loc
            doc.keys[path + (key,)] = key_loc
            out[key] = _build(value_node, path + (key,), doc, findings)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (i,), doc, findings) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.ScalarNode) -> Any:
    # Dates stay text: we parse them ourselves so that an impossible date is a finding, not a crash.
    if node.tag == _TIMESTAMP:
        return node.value
    return _SCALARS.construct_object(node)


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """Return ' (did you mean 'x'?)' for the closest choice, or ''."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
