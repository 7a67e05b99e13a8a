"""An unquoted value that a ' #' cuts short: `name: LaSalle #1 ICE Processing Center` printed "LaSalle"."""

from __future__ import annotations

import re

import pytest

from report.content.load import read_dossier, read_sources
from report.content.yamldoc import parse

from .conftest import BASE, make_project, replace, run_cli

WARNED = [
    ("name: LaSalle #1 ICE Processing Center\n", "name", "LaSalle", (1, 15)),
    ("tags:\n  - x #hashtag\n", "tags", ["x"], (2, 7)),
    ("text: A long value\n  over two lines #2 and more\n", "text", "A long value over two lines", (2, 18)),
    ("name: Example\t#1\n", "name", "Example", (1, 15)),
    ("text: A long value\n  #2 and more\n", "text", "A long value", (2, 3)),  # a wrapped line's #
    ("tags:\n  - x\n    #hashtag\n", "tags", ["x"], (3, 5)),
    ("text: A long\n  value\n\n  \t#2 and more\n", "text", "A long value", (4, 4)),
]
LEFT_ALONE = [
    "count: 1320  # per ICE\n",  # a comment written as one
    "name: LaSalle # the official name\n",
    "count: 1320 #approx\n",  # a number: nothing printed is lost
    'name: "LaSalle #1 ICE Processing Center"\n',  # quoted: the # is text
    "name: LaSalle#1\n",  # no space before it: the # is text
    "name: LaSalle #\n",
    "sources: [a, b] #c\n",  # after a list, not a value
    "text: >-\n  A folded #1 text\n",  # in a block scalar the # is text
    "# a whole-line comment\nname: LaSalle\n#second\n",
    "text: A long value\n  over two lines\n#2 at the key's column\n",  # on a line of its own
    "a:\n  text: A long value\n  #2 at the key's column\n",
    "tags:\n  - x\n  #2 at the dash's column\n",
    "tags: [x\n  #2\n  , y]\n",  # in a flow list
]


@pytest.mark.parametrize(("text", "key", "value", "at"), WARNED)
def test_a_comment_right_after_an_unquoted_text_is_a_warning_at_the_hash(
    text: str, key: str, value: object, at: tuple[int, int]
) -> None:
    doc, findings = parse(text.encode(), "facilities/x.yaml")
    assert doc is not None and doc.data[key] == value
    assert [(f.level, f.code, (f.loc.line, f.loc.col)) for f in findings] == [("warning", "yaml.comment", at)]
    assert text.split("\n")[at[0] - 1][at[1] - 1] == "#"
    assert "is not printed" in findings[0].message and "quotes" in findings[0].message


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_ordinary_comments_and_quoted_hashes_are_left_alone(text: str) -> None:
    doc, findings = parse(text.encode(), "facilities/x.yaml")
    assert doc is not None and findings == []


def test_a_source_with_the_warning_is_still_a_source() -> None:
    raw = (BASE / "facilities" / "sources.yaml").read_bytes().replace(b"The Daily Example", b"The Daily #1 Example")
    sources, findings = read_sources(raw, "facilities/sources.yaml")
    assert [f.code for f in findings] == ["yaml.comment"]
    assert sources is not None and sources.sources["news-2021"].publisher == ("The Daily",)
    assert not sources.broken


@pytest.mark.parametrize("date", ["2025-03", "2015-11-26/2015-12-09", "2025-02-30"])
def test_a_comment_right_after_a_date_loses_nothing_and_is_left_alone(date: str) -> None:
    raw = (BASE / "facilities" / "sample.yaml").read_text(encoding="utf-8")
    dated = re.sub(r"(\n  date: )\S+", rf"\g<1>{date} #approx", raw, count=1)
    named = dated.replace("\nname: ", "\nname: Sample #1 ", 1)
    assert dated != raw and named != dated
    _, findings = read_dossier(named.encode(), "facilities/sample.yaml")
    codes = [f.code for f in findings]
    assert codes.count("yaml.comment") == 1  # the name's, not the date's
    assert ("date.invalid" in codes) == date.endswith("-30")  # the date is still checked


def test_a_release_refuses_a_value_a_comment_cut_short(tmp_path, fixed_today) -> None:
    """`address: 830 Pinehill Road #12, Jena` would be published as "830 Pinehill Road": a warning
    a draft may carry, an error a release may not."""
    root = make_project(tmp_path)
    replace(root, "facilities/sample.yaml", "name: Sample Detention Center", "name: Sample Detention Center #2")
    _, drafted, _ = run_cli("--root", str(root), "check")
    code, released, _ = run_cli("--root", str(root), "check", "--release")
    cut = [line for line in released.splitlines() if line.endswith("[yaml.comment]")]
    assert len(cut) == 1 and ": error: " in cut[0] and code == 1
    assert cut[0].replace(": error: ", ": warning: ") in drafted


SAMPLE = (BASE / "facilities" / "sample.yaml").read_text(encoding="utf-8")
HELD = "    text: Inspectors found that medical requests went unanswered.\n"


@pytest.mark.parametrize(
    ("line", "level", "message"),
    [
        (
            "    text: He was held in pod # 4 for 30 days [@gov-report-2020].\n",
            "error",
            "YAML reads ' #' as the start of a comment, so the value ends at 'He was held in pod' and"
            " '# 4 for 30 days [@gov-report-…' is not printed, with its citation [@gov-report-2020]; if the #"
            ' belongs to the text, quote the whole value ("…"), or use a block value (>-); a note that cites'
            " a source goes on a line of its own",
        ),
        (
            "    text: He was held in pod #4 for 30 days [@gov-report-2020].\n",
            "error",
            "YAML reads ' #' as the start of a comment, so the value ends at 'He was held in pod' and"
            " '#4 for 30 days [@gov-report-2…' is not printed, with its citation [@gov-report-2020]; if the #"
            ' belongs to the text, quote the whole value ("…"), or use a block value (>-); a note that cites'
            " a source goes on a line of its own",
        ),
        (
            "    text: He was held in pod # 4 for 30 days.\n",
            "warning",
            "YAML reads ' #' as the start of a comment, so the value ends at 'He was held in pod' and"
            " '# 4 for 30 days.' is not printed; if the # belongs to the text, quote the whole value (\"…\"),"
            " or use a block value (>-)",
        ),
    ],
)
def test_a_comment_that_cuts_prose_short_is_a_finding_at_the_hash(line: str, level: str, message: str) -> None:
    """`text: He was held in pod # 4 for 30 days [@id].` was printed "He was held in pod", its note
    lost, and check said nothing: YAML read the rest as a comment written as one."""
    raw = SAMPLE.replace(HELD, line, 1)
    assert raw != SAMPLE
    number = raw.split("\n").index(line.rstrip("\n")) + 1
    _, findings = read_dossier(raw.encode(), "facilities/sample.yaml")
    cut = [(f.level, f.loc.line, f.loc.col, f.message) for f in findings if f.code == "yaml.comment"]
    assert cut == [(level, number, line.index("#") + 1, message)]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (HELD, "    text: Inspectors found that medical requests went unanswered. # per the 2020 report\n"),
        (HELD, "    text: 'Inspectors found that medical requests went unanswered' # a note [@gov-report-2020]\n"),
        (HELD, "    text: >-\n      Inspectors found that requests went unanswered # 4 times\n"),
        (HELD, HELD + "    # a whole-line note, not after a value [@gov-report-2020]\n"),
        ("    date: 2020-04\n", "    date: 2020-04  # approximate\n"),
        ("\nname: Sample Detention Center\n", "\nname: Sample Detention Center # the official name\n"),
        ("      role: led the shutdown campaign\n", "      role: led the shutdown campaign  # keep it short\n"),
        ("      role: led the shutdown campaign\n", "      role: led the shutdown campaign # TODO: check the date\n"),
        ("\nname: Sample Detention Center\n", "\nname: Sample Detention Center # Keep it short\n"),
        (
            HELD,
            "    text: Inspectors found that medical requests went unanswered. [@gov-report-2020] # per the report\n",
        ),
        ("    date: 2020-04\n", "    date: 2020-04 # 2 sources agree\n"),
    ],
)
def test_a_comment_after_a_sentence_quoted_or_block_prose_or_a_field_not_prose_is_left_alone(
    old: str, new: str
) -> None:
    raw = SAMPLE.replace(old, new, 1)
    assert raw != SAMPLE
    facility, findings = read_dossier(raw.encode(), "facilities/sample.yaml")
    assert facility is not None and findings == []


@pytest.mark.parametrize(
    ("old", "new", "level", "message"),
    [
        (
            "\nname: Sample Detention Center\n",
            "\nname: Sample Detention Center # 2 West Wing\n",
            "warning",
            "YAML reads ' #' as the start of a comment, so the value ends at 'Sample Detention Center' and"
            " '# 2 West Wing' is not printed; if the # belongs to the text, quote the whole value (\"…\"), or"
            " use a block value (>-)",
        ),
        (
            "      role: led the shutdown campaign\n",
            "      role: led the shutdown campaign # 4 for 30 days\n",
            "warning",
            "YAML reads ' #' as the start of a comment, so the value ends at 'led the shutdown campaign' and"
            " '# 4 for 30 days' is not printed; if the # belongs to the text, quote the whole value (\"…\"), or"
            " use a block value (>-)",
        ),
        (
            "      name: Sample Coalition\n",
            "      name: Sample Coalition # renamed in 2022, per [@news-2021]\n",
            "error",
            "YAML reads ' #' as the start of a comment, so the value ends at 'Sample Coalition' and '# renamed"
            " in 2022, per [@news…' is not printed, with its citation [@news-2021]; if the # belongs to the text,"
            ' quote the whole value ("…"), or use a block value (>-); a note that cites a source goes on a line'
            " of its own",
        ),
    ],
)
def test_a_comment_that_continues_a_value_or_cites_is_a_finding_in_any_field(
    old: str, new: str, level: str, message: str
) -> None:
    """`name: Sample Processing Center # 2 West Wing` printed "Sample Processing Center" and check said
    nothing: the rule read only prose. A digit right after `# ` continues the value in any field, and
    a citation marker in the comment is an error in any field; a comment that starts with a word
    (`heading: Why it matters  # keep it short`) is a note, left alone even in a heading or a role."""
    raw = SAMPLE.replace(old, new, 1)
    assert raw != SAMPLE
    number = raw.split("\n").index(new.strip("\n")) + 1
    _, findings = read_dossier(raw.encode(), "facilities/sample.yaml")
    assert [(f.level, f.code, f.loc.line, f.loc.col, f.message) for f in findings] == [
        (level, "yaml.comment", number, new.index("#") + 1 - new.startswith("\n"), message)
    ]


def test_a_note_after_a_heading_in_report_yaml_is_left_alone(tmp_path, fixed_today) -> None:
    """`heading: Why it matters  # keep it short: it is the running head` was a warning, an error
    with `--release`: a heading never ends with a sentence stop, so every note after one was taken
    for lost words. A note that starts with a word is a note."""
    root = make_project(tmp_path)
    replace(root, "report.yaml", "    heading: Why\n", "    heading: Why  # keep it short: it is the running head\n")
    code, out, _ = run_cli("--root", str(root), "check", "--release")
    assert [line for line in out.splitlines() if "[yaml.comment]" in line] == []
    replace(root, "report.yaml", "  # keep it short: it is the running head\n", " # 2 words at most\n")
    code, out, _ = run_cli("--root", str(root), "check", "--release")
    assert [line for line in out.splitlines() if "[yaml.comment]" in line] == [
        "report.yaml:14:18: error: YAML reads ' #' as the start of a comment, so the value ends at 'Why' and"
        " '# 2 words at most' is not printed; if the # belongs to the text, quote the whole value (\"…\"), or"
        " use a block value (>-) [yaml.comment]"
    ]
    assert code == 1


@pytest.mark.parametrize(
    ("old", "new", "cut", "lost"),
    [
        (
            "    date: 2020-03-01\n",
            "    date: 2020-03-01\n    name: Jose Garcia # -Lopez\n",
            "Jose Garcia",
            "# -Lopez",
        ),
        (
            "\nname: Sample Detention Center\n",
            "\nname: Sample Processing Center # (West Wing)\n",
            "Sample Processing Center",
            "# (West Wing)",
        ),
        ("  city: Sampleton\n", "  city: Sampleton # №2\n", "Sampleton", "# №2"),
        (
            "      name: Sample Coalition\n",
            "      name: Sample Coalition # “Free them”\n",
            "Sample Coalition",
            "# “Free them”",
        ),
        ("  city: Sampleton\n", "  city: Sampleton # ２\n", "Sampleton", "# ２"),
    ],
    ids=["hyphen", "bracket", "numero-sign", "quote", "fullwidth-digit"],
)
def test_a_comment_that_starts_with_a_sign_a_bracket_or_a_quote_is_a_warning(
    old: str, new: str, cut: str, lost: str
) -> None:
    """`name: Jose Garcia # -Lopez`, `city: Sampleton # №2` and `name: Sample Coalition # “Free them”`
    printed "Jose Garcia", "Sampleton" and "Sample Coalition", and check said nothing, while `# ２`
    was reported: only a digit after `# ` was taken for the value's own words. Whatever does not
    start with a letter, as a note's first word does, is."""
    raw = SAMPLE.replace(old, new, 1)
    assert raw != SAMPLE
    line = next(line for line in new.split("\n") if "#" in line)
    number = raw.split("\n").index(line) + 1
    _, findings = read_dossier(raw.encode(), "facilities/sample.yaml")
    assert [(f.level, f.code, f.loc.line, f.loc.col, f.message) for f in findings] == [
        (
            "warning",
            "yaml.comment",
            number,
            line.index("#") + 1,
            f"YAML reads ' #' as the start of a comment, so the value ends at '{cut}' and '{lost}' is not"
            ' printed; if the # belongs to the text, quote the whole value ("…"), or use a block value (>-)',
        )
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("\nname: Sample Detention Center\n", "\nname: Sample Detention Center # per (ICE)\n"),
        (HELD, "    text: Inspectors found that medical requests went unanswered. # (per the 2020 report)\n"),
        ("    date: 2020-04\n", "    date: 2020-04 # (approximate)\n"),
        ("\nname: Sample Detention Center\n", "\nname: Sample Detention Center # éste es el nombre\n"),
    ],
)
def test_a_note_that_starts_with_a_word_or_follows_a_sentence_or_a_date_is_left_alone(old: str, new: str) -> None:
    raw = SAMPLE.replace(old, new, 1)
    assert raw != SAMPLE
    facility, findings = read_dossier(raw.encode(), "facilities/sample.yaml")
    assert facility is not None and findings == []


@pytest.mark.parametrize(
    ("new", "level", "message"),
    [
        (
            "    text: Inspectors found that medical requests went unanswered; detainees called it\n"
            "      #NoCare [@gov-report-2020], and staff did not reply.\n",
            "error",
            "YAML reads a '#' at the start of a wrapped line as the start of a comment, so the value ends at"
            " '…answered; detainees called it' and '#NoCare [@gov-report-2020], a…' is not printed, with its"
            ' citation [@gov-report-2020]; if the # belongs to the text, quote the whole value ("…"), or use a'
            " block value (>-); a note that cites a source goes on a line of its own",
        ),
        (
            "    text: Inspectors found\n      #12 deficiencies in medical care.\n",
            "warning",
            "YAML reads a '#' at the start of a wrapped line as the start of a comment, so the value ends at"
            " 'Inspectors found' and '#12 deficiencies in medical c…' is not printed; if the # belongs to the"
            ' text, put the whole value in quotes ("…")',
        ),
        (
            "    text: He was held in pod\n      # 4 for 30 days.\n",
            "warning",
            "YAML reads a '#' at the start of a wrapped line as the start of a comment, so the value ends at"
            " 'He was held in pod' and '# 4 for 30 days.' is not printed; if the # belongs to the text, quote"
            ' the whole value ("…"), or use a block value (>-)',
        ),
    ],
    ids=["hashtag-citing", "number", "spaced-number"],
)
def test_a_hash_that_starts_a_wrapped_line_is_a_finding_at_the_hash(new: str, level: str, message: str) -> None:
    """`mourned him as` and, on the next line, `#JusticeForJean [@id], and staff had not checked on
    him.` was printed "…mourned him as", its note lost, and check said nothing: only the rest of the
    value's own line was read, and YAML starts a comment at a # that begins a wrapped line too."""
    raw = SAMPLE.replace(HELD, new, 1)
    assert raw != SAMPLE
    line = new.split("\n")[1]
    number = raw.split("\n").index(line) + 1
    _, findings = read_dossier(raw.encode(), "facilities/sample.yaml")
    assert [(f.level, f.code, f.loc.line, f.loc.col, f.message) for f in findings] == [
        (level, "yaml.comment", number, line.index("#") + 1, message)
    ]


@pytest.mark.parametrize(
    "new",
    [
        HELD + "    # a note at the key's column [@gov-report-2020]\n",
        "    text: Inspectors found that medical requests\n      went unanswered.\n      # per the 2020 report\n",
    ],
)
def test_a_note_on_a_line_of_its_own_or_after_a_wrapped_sentence_is_left_alone(new: str) -> None:
    raw = SAMPLE.replace(HELD, new, 1)
    assert raw != SAMPLE
    facility, findings = read_dossier(raw.encode(), "facilities/sample.yaml")
    assert facility is not None and findings == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("  state: CA\n", "  state: CA  # 2 hours from Los Angeles\n"),
        ("    category: inspection-finding\n", "    category: inspection-finding  # 2 of 3 inspections\n"),
        ("    unit: beds\n", "    unit: beds #1\n"),
        ("    qualifier: about\n", "    qualifier: about # -ish\n"),
        ("  - id: beds\n", "  - id: beds # 2 wings\n"),
    ],
    ids=["state", "category", "unit", "qualifier", "id"],
)
def test_a_comment_after_a_whole_fixed_choice_or_id_is_left_alone(old: str, new: str) -> None:
    """`state: GA  # 2 hours from Atlanta` was a warning, an error with `--release`, that told the
    writer to quote the whole value: nothing was cut (GA is a whole state code), and "GA  # 2 hours
    from Atlanta" is no state. A value its field accepts, and would refuse with the comment's words,
    loses nothing."""
    raw = SAMPLE.replace(old, new, 1)
    assert raw != SAMPLE
    facility, findings = read_dossier(raw.encode(), "facilities/sample.yaml")
    assert facility is not None and findings == []


@pytest.mark.parametrize(
    ("old", "new", "kept"),
    [
        ("  state: CA\n", "  state: CA # per [@gov-report-2020]\n", "CA"),
        ("    date: 2020-04\n", "    date: 2020-04 # per [@gov-report-2020]\n", "2020-04"),
    ],
)
def test_a_citation_after_a_whole_value_is_an_error_that_does_not_ask_for_quotes(old: str, new: str, kept: str) -> None:
    """The note's citation is still lost, but quoting `CA # per [@…]` would make it no state: the
    advice is only to put the note on a line of its own."""
    raw = SAMPLE.replace(old, new, 1)
    number = raw.split("\n").index(new.rstrip("\n")) + 1
    _, findings = read_dossier(raw.encode(), "facilities/sample.yaml")
    assert [(f.level, f.code, f.loc.line, f.loc.col, f.message) for f in findings] == [
        (
            "error",
            "yaml.comment",
            number,
            new.index("#") + 1,
            f"YAML reads ' #' as the start of a comment, so the value ends at '{kept}' and '# per"
            " [@gov-report-2020]' is not printed, with its citation [@gov-report-2020]; a note that cites a"
            " source goes on a line of its own",
        )
    ]


CUT = "YAML reads ' #' as the start of a comment, so the value ends at '{}' and '{}' is not printed; if the # belongs to the text, quote the whole value (\"…\"), or use a block value (>-)"


@pytest.mark.parametrize(
    ("old", "new", "kept", "lost"),
    [
        (
            HELD,
            "    text: The # of men held who joined a hunger strike rose to two.\n",
            "The",
            "# of men held who joined a hu…",
        ),
        (HELD, "    text: The # of people held\n", "The", "# of people held"),
        (HELD, "    text: Detainees # were held for 30 days\n", "Detainees", "# were held for 30 days"),
        (
            HELD,
            "    text: Inspectors counted # people held for 30 days.\n",
            "Inspectors counted",
            "# people held for 30 days.",
        ),
        (
            HELD,
            "    text: Inspectors counted the # of people held there\n",
            "Inspectors counted the",
            "# of people held there",
        ),
        (
            "      role: led the shutdown campaign\n",
            "      role: led the # of people who campaigned\n",
            "led the",
            "# of people who campaigned",
        ),
        (
            HELD,
            "    text: Inspectors found that medical requests went # unanswered, per the report\n",
            "…nd that medical requests went",
            "# unanswered, per the report",
        ),
    ],
    ids=[
        "the-sentence",
        "the",
        "one-word",
        "comment-ends-the-sentence",
        "ends-with-the",
        "role-ends-with-the",
        "sentence-without-its-stop",
    ],
)
def test_a_comment_that_cuts_prose_mid_sentence_is_a_warning_even_when_it_starts_with_a_word(
    old: str, new: str, kept: str, lost: str
) -> None:
    """`note: The # of people ICE could hold at the jail.` printed "The" (and "4 The" in the PDF), and
    check said nothing: a comment that starts with a word was taken for a note. In the writer's
    prose it is not one when the text ends with a word no text ends with (`The`, `of`, `and`), or,
    in a field of sentences, when the text does not end with a sentence stop: `text: Inspectors found
    that medical requests went # unanswered, per the report` printed "…requests went", and check said
    nothing, for the comment neither was the text's only word nor ended with a stop."""
    raw = SAMPLE.replace(old, new, 1)
    assert raw != SAMPLE
    number = raw.split("\n").index(new.rstrip("\n")) + 1
    _, findings = read_dossier(raw.encode(), "facilities/sample.yaml")
    assert [(f.level, f.code, f.loc.line, f.loc.col, f.message) for f in findings] == [
        ("warning", "yaml.comment", number, new.index("#") + 1, CUT.format(kept, lost))
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("      role: led the shutdown campaign\n", "      role: organizer # keep it short.\n"),
        ("      role: led the shutdown campaign\n", "      role: led the shutdown campaign # per the coalition.\n"),
        (HELD, "    text: Inspectors found that medical requests went unanswered. # The end.\n"),
    ],
)
def test_a_note_after_a_whole_phrase_a_name_or_a_sentence_is_left_alone(old: str, new: str) -> None:
    raw = SAMPLE.replace(old, new, 1)
    assert raw != SAMPLE
    facility, findings = read_dossier(raw.encode(), "facilities/sample.yaml")
    assert facility is not None and findings == []
