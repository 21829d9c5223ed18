"""English names the small spaCy model misses or invents, through the whole engine:
text typed without case, names of many countries (Faker's lists), initials, and the
teams, plurals and common nouns it calls people. Sentences made up for these tests."""

from __future__ import annotations

import pytest

from anonymize.engine import PiiEngine
from anonymize.recognizers.person.name_lists import name_lists


def people(engine: PiiEngine, text: str) -> list[str]:
    return [text[d.start:d.end] for d in engine.detect([text])[0] if d.type == "PERSON"]


def covered(engine: PiiEngine, text: str, part: str) -> bool:
    start = text.index(part)
    return any(d.start <= start and start + len(part) <= d.end
               for d in engine.detect([text])[0])


def test_name_lists_hold_many_countries() -> None:
    given, surnames = name_lists()
    for name in ("wei", "priya", "chinedu", "aarav", "fatima", "mandla", "kwame"):
        assert name in given, name
    for name in ("zhang", "sharma", "okafor", "hoffmann", "nakamura"):
        assert name in surnames, name
    assert all(w == w.lower() for w in given | surnames)


@pytest.mark.parametrize(("text", "name"), [
    ("can you ask priya sharma to call back tomorrow", "priya sharma"),
    ("i had lunch with zhang wei and his sister today", "zhang wei"),
    ("please forward this to ngozi and the team", "ngozi"),
    ("MEETING MOVED: ZHANG WEI TO PRESENT ON FRIDAY", "ZHANG WEI"),
])
def test_names_in_text_typed_without_case(pii_engine: PiiEngine, text: str, name: str) -> None:
    assert covered(pii_engine, text, name)


@pytest.mark.parametrize("text", [
    "please send the invoice to the office before noon",
    "THE OFFICE WILL BE CLOSED ON FRIDAY FOR MAINTENANCE",
])
def test_caseless_text_without_names_has_none(pii_engine: PiiEngine, text: str) -> None:
    assert people(pii_engine, text) == []


@pytest.mark.parametrize(("text", "name"), [
    ("The form was signed by Tünde Hoffmann yesterday.", "Tünde Hoffmann"),
    ("J. R. Smith approved the budget.", "J. R. Smith"),
    ("Chukwuemeka Okonkwo and Aarav Patel joined the call.", "Chukwuemeka Okonkwo"),
])
def test_names_of_many_countries(pii_engine: PiiEngine, text: str, name: str) -> None:
    assert covered(pii_engine, text, name)


@pytest.mark.parametrize("text", [
    "Riverton Rovers 14 9 3 2 31 12 30",
    "Riverton 2 Lakeside 1",
])
def test_teams_in_tables_and_score_lines_are_no_people(pii_engine: PiiEngine,
                                                       text: str) -> None:
    assert people(pii_engine, text) == []


def test_a_golfers_rounds_keep_the_golfer(pii_engine: PiiEngine) -> None:
    assert covered(pii_engine, "Thomas Brennan 70 68 71 69 278", "Thomas Brennan")


@pytest.mark.parametrize("text", [
    "Flights to Mauritius were cancelled.",
    "She thanked the Salesperson warmly.",
])
def test_places_and_common_nouns_are_no_people(pii_engine: PiiEngine, text: str) -> None:
    assert people(pii_engine, text) == []


@pytest.mark.parametrize(("text", "handle"), [
    ("thanks to mike123 for the photos", "mike123"),
    ("ping @jsmith99 about the release", "@jsmith99"),
    ("ask @priya_s for the keys", "@priya_s"),
])
def test_names_glued_to_digits_or_written_as_handles(pii_engine: PiiEngine, text: str,
                                                     handle: str) -> None:
    assert handle in people(pii_engine, text)


@pytest.mark.parametrize("text", ["version abc123 deployed", "the X200 and Z300 models"])
def test_codes_with_digits_are_no_handles(pii_engine: PiiEngine, text: str) -> None:
    assert people(pii_engine, text) == []
