"""Fact + its sentence + the article's date -> the time the text gives for the fact.

A pass of its own, after extraction: it reads the fact's sentence for time
expressions (years, dates, weekdays, "last month", "a year ago"), decides from
the words before each one whether it marks a start ("since 2016", "began with
the P9 in 2016"), an end ("until 2025", "stepped down on Tuesday") or a
founding ("founded in 1869", which dates only founding relations), and
normalises it against the article's ``dcterms:date`` with python-dateutil.
The cue words are data (``ontologies/time.yaml``).

>>> fact_time("The deal began in 2016.", "partnersWith", "asserted", "2022-05-25")
FactTime(start=When(value='2016', words='began in 2016'), end=None)
>>> fact_time("Ann Lee will step down as CEO on Jan. 13.", "ceoOf", "asserted", "2022-01-04").end
When(value='2022-01-13', words='step down as CEO on Jan. 13')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

import yaml
from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta, weekday
from dateutil.relativedelta import weekdays as WEEKDAYS

from kg.ontology import ontology_dir
from kg.spans import time_rules

MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
UNITS = {"day": "days", "week": "weeks", "month": "months", "year": "years"}

# Longest forms first: a month-day with its year is one expression, not a date and a year.
EXPRESSION = re.compile(
    rf"""(?ix)
    (?P<monthday>\b{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+(?:1[89]|20)\d\d\b)?)
  | (?P<daymonth>\b\d{{1,2}}\s+{MONTH}(?:\s+(?:1[89]|20)\d\d)?\b)
  | (?P<month>\b(?<=in\s){MONTH}(?:\s+(?:1[89]|20)\d\d)?\b)
  | (?P<weekday>\b(?:{"|".join(DAY_NAMES)})\b)
  | (?P<ago>\b(?:{"|".join(NUMBERS)}|\d+)\s+(?:day|week|month|year)s?\s+ago\b)
  | (?P<relative>\b(?:last|this|next)\s+(?:week|month|year)\b)
  | (?P<yesterday>\byesterday\b)
  | (?P<year>\b(?:1[89]|20)\d\d\b(?![-/]\d))
    """
)


@dataclass(frozen=True)
class When:
    """A time the text gives: ``value`` is ``YYYY`` (a year) or ``YYYY-MM-DD``."""

    value: str
    words: str

    @property
    def is_year(self) -> bool:
        return len(self.value) == 4


@dataclass(frozen=True)
class FactTime:
    start: When | None = None
    end: When | None = None


@dataclass(frozen=True)
class TimeCues:
    """The words of ``ontologies/time.yaml``, lower-cased."""

    window: int
    start: tuple[str, ...]
    end: tuple[str, ...]
    founding: tuple[str, ...]
    founding_relations: frozenset[str]
    ends_on_the_day: tuple[str, ...]
    departure_relations: frozenset[str]
    states: frozenset[str]
    future: tuple[str, ...]


@cache
def load_time_cues(directory: Path | None = None) -> TimeCues:
    """Read ``time.yaml``; an unknown or missing key is an error naming it."""
    path = (directory or ontology_dir()) / "time.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    fields = set(TimeCues.__dataclass_fields__)
    if not isinstance(raw, dict) or set(raw) != fields:
        got = set(raw) if isinstance(raw, dict) else set()
        raise ValueError(
            f"{path}: keys must be {sorted(fields)}; unknown {sorted(got - fields)}, "
            f"missing {sorted(fields - got)}"
        )
    words = {k: tuple(str(w).lower() for w in v) for k, v in raw.items() if isinstance(v, list)}
    return TimeCues(
        window=int(raw["window"]),
        start=words["start"],
        end=words["end"],
        founding=words["founding"],
        founding_relations=frozenset(raw["founding_relations"]),
        ends_on_the_day=words["ends_on_the_day"],
        departure_relations=frozenset(raw["departure_relations"]),
        states=frozenset(raw["states"]),
        future=words["future"],
    )


def fact_time(
    sentence: str,
    predicate: str,
    modality: str,
    published: str | None,
    closing: frozenset[str] | None = None,
    cues: TimeCues | None = None,
) -> FactTime:
    """The start and end the sentence gives for a fact of ``predicate``.

    ``closing`` are the relations that state another's end (``kg:endOf``): for them a
    time with no cue is the end, and an end word ("has ended") with no time
    ends them on the article's date. Relative times need the article's date.
    """
    cues = cues or load_time_cues()
    closing = time_rules().ending if closing is None else closing
    anchor = article_day(published)
    lowered = sentence.lower()
    start: When | None = None
    end: When | None = None
    for value, kind, words in time_expressions(sentence, published, cues):
        if kind == "founding" and predicate not in cues.founding_relations:
            continue
        if kind is None and predicate in cues.states:
            continue
        if kind is None:
            kind = "end" if predicate in closing else "start"
        if kind == "end":
            end = end or When(value, words)
        else:
            start = start or When(value, words)
    if (
        end is None
        and anchor is not None
        and ends_today(lowered, predicate, modality, closing, cues)
    ):
        cue = next(w for w in cues.ends_on_the_day if has_words(lowered, w))
        end = When(anchor.isoformat(), cue)
    return FactTime(start, end)


class TimeExpression(NamedTuple):
    """A time expression of a sentence, whatever the fact: its normalised ``value``, the
    kind of cue before it (``cue_before``; None: no cue) and its words, cue included."""

    value: str
    cue: str | None
    words: str


@lru_cache(maxsize=1024)
def time_expressions(
    sentence: str, published: str | None, cues: TimeCues
) -> tuple[TimeExpression, ...]:
    """The sentence's time expressions, read once per sentence: several facts share a
    sentence, and scanning it is most of ``fact_time``'s cost."""
    anchor = article_day(published)
    lowered = sentence.lower()
    future = has_any_words(lowered, cues.future)
    found = []
    for match in EXPRESSION.finditer(sentence):
        value = normalise(match, anchor, future)
        if value is None:
            continue
        kind, cue_at = cue_before(lowered, match.start(), cues)
        words = " ".join(
            sentence[cue_at if cue_at is not None else match.start() : match.end()].split()
        )
        found.append(TimeExpression(value, kind, words))
    return tuple(found)


def ends_today(
    lowered: str, predicate: str, modality: str, closing: frozenset[str], cues: TimeCues
) -> bool:
    """Whether words alone ("stepped down", "no longer") end this fact on the article's date."""
    if not has_any_words(lowered, cues.ends_on_the_day):
        return False
    if str(modality) == "negated":
        return has_words(lowered, "no longer")
    return predicate in cues.departure_relations or predicate in closing


def has_words(lowered: str, phrase: str) -> bool:
    return words_pattern(phrase).search(lowered) is not None


def has_any_words(lowered: str, phrases: tuple[str, ...]) -> bool:
    """``any(has_words(lowered, p) for p in phrases)`` in one search."""
    pattern = any_words_pattern(phrases)
    return pattern is not None and pattern.search(lowered) is not None


@cache
def any_words_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """Any of ``phrases`` as whole words, compiled once; None for no phrases."""
    if not phrases:
        return None
    either = "|".join(re.escape(p) for p in phrases)
    return re.compile(rf"(?<![\w-])(?:{either})(?![\w-])")


@cache
def words_pattern(phrase: str) -> re.Pattern[str]:
    """``phrase`` as whole words, compiled once (``re``'s own cache holds 512 patterns)."""
    return re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])")


def cue_before(lowered: str, at: int, cues: TimeCues) -> tuple[str | None, int | None]:
    """The kind of the nearest cue in the ``cues.window`` words before ``at``, and its start."""
    words = list(re.finditer(r"[\w'-]+", lowered[:at]))[-cues.window :]
    if not words:
        return None, None
    window_start = words[0].start()
    window = lowered[window_start:at]
    best: tuple[int, str] | None = None
    for kind in ("start", "end", "founding"):
        phrases = getattr(cues, kind)
        if not has_any_words(window, phrases):
            continue  # one search rules out the kind's every phrase
        for phrase in phrases:
            for found in words_pattern(phrase).finditer(window):
                place = window_start + found.start()
                if best is None or place > best[0]:
                    best = (place, kind)
    return (best[1], best[0]) if best else (None, None)


def article_day(published: str | None) -> date | None:
    """The article's date as a day, when it has one (``2022-05-25``, or a timestamp)."""
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def normalise(match: re.Match[str], anchor: date | None, future: bool) -> str | None:
    """The expression as ``YYYY`` or ``YYYY-MM-DD``; None when it needs a date the article lacks."""
    text = match.group(0)
    kind = match.lastgroup
    if kind == "year":
        return text
    if anchor is None and not (
        kind in ("monthday", "daymonth", "month") and re.search(r"\d{4}", text)
    ):
        return None
    base = anchor or date(2000, 1, 1)
    if kind in ("monthday", "daymonth", "month"):
        return calendar_date(text, base, future, has_year=re.search(r"\d{4}", text) is not None)
    if kind == "weekday":
        day: weekday = WEEKDAYS[DAY_NAMES.index(text.lower())]
        step = (
            relativedelta(days=+1, weekday=day(+1))
            if future
            else relativedelta(days=-1, weekday=day(-1))
        )
        return (base + step).isoformat()
    if kind == "ago":
        count, unit = text.lower().split()[:2]
        amount = NUMBERS.get(count) or int(count)
        return (base - relativedelta(**{UNITS[unit.rstrip("s")]: amount})).isoformat()
    if kind == "relative":
        which, unit = text.lower().split()
        shift = {"last": -1, "this": 0, "next": 1}[which]
        return relative_period(base, unit, shift)
    return (base - timedelta(days=1)).isoformat()  # yesterday


def calendar_date(text: str, base: date, future: bool, has_year: bool) -> str:
    """A month-day ("Jan. 13") or month ("in March") read by dateutil; without a year,
    the one before the article's date (after it, when the sentence speaks of the future)."""
    default = base.replace(day=1)
    parsed = date_parser.parse(text.replace(".", ""), default=default_datetime(default)).date()
    if has_year:
        return parsed.isoformat()
    if parsed > base and not future:
        parsed = parsed - relativedelta(years=1)
    elif parsed < base.replace(day=1) and future:
        parsed = parsed + relativedelta(years=1)
    return parsed.isoformat()


def default_datetime(day: date):
    from datetime import datetime

    return datetime(day.year, day.month, day.day)


def relative_period(base: date, unit: str, shift: int) -> str:
    """The start of last/this/next week, month or year (a year as ``YYYY``)."""
    if unit == "year":
        return str(base.year + shift)
    if unit == "month":
        return (base.replace(day=1) + relativedelta(months=shift)).isoformat()
    monday = base - timedelta(days=base.weekday())
    return (monday + timedelta(weeks=shift)).isoformat()
