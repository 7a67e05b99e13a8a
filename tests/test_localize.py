"""Locale and data: numbers and dates in each language's locale, places, source titles, lists."""

from __future__ import annotations

import datetime as dt

from report.content.load import load_edition
from report.content.model import PartialDate
from report.i18n.localize import Localizer

from .conftest import REPO


def test_each_language_formats_in_the_locale_report_yaml_names() -> None:
    edition, _ = load_edition(REPO, use_cache=False)
    assert edition is not None
    assert [(lang.code, lang.locale) for lang in edition.settings.editions] == [("en", "en_US"), ("es", "es_US")]
    spanish = Localizer("es", "en", None, edition.settings.locale("es"))
    assert spanish.number(1940) == "1,940" and spanish.number(13.5) == "13.5"
    assert spanish.iso(dt.date(2026, 11, 24)) == "24 de noviembre de 2026"
    assert spanish.partial_date(PartialDate(2021, 2)) == "febrero de 2021"
    spain = Localizer("es", "en", None, "es_ES")  # what `es` alone gives: not for readers in the US
    assert spain.number(1940) == "1.940" and spain.number(13.5) == "13,5"
