"""EnglishAddressRecognizer: street cores in English and international shapes, extended over
units and place lines; decoys that share a shape (scores, years, table rows) stay clear."""

from __future__ import annotations

import pytest

from anonymize.recognizers.en_address import EnglishAddressRecognizer
from tests.anonymize.recognizers.engine_helper import spans

RECOGNIZER = EnglishAddressRecognizer()


def outermost(text: str) -> list[str]:
    """The reported spans not inside another one, as text."""
    found = spans(RECOGNIZER, text)
    return [text[s:e] for s, e in found
            if not any((o, p) != (s, e) and o <= s and e <= p for o, p in found)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Send it to 217 Lovers Lane please.", ["217 Lovers Lane"]),
        ("I live at 1668 Glyn St.", ["1668 Glyn St."]),
        ("Office: 350 Fifth Avenue, New York, NY 10118, USA",
         ["350 Fifth Avenue, New York, NY 10118, USA"]),
        ("Ship to 14 Crown Street West\n Suite 321\n LONDON\n United Kingdom 75419?",
         ["14 Crown Street West\n Suite 321\n LONDON\n United Kingdom 75419"]),
        ("The address is 6750 Koskikatu 25 Apt. 864\nArtilleros\n, CO\n Uruguay 64677",
         ["6750 Koskikatu 25 Apt. 864\nArtilleros\n, CO\n Uruguay 64677"]),
        ("Dexter lives on Ziegelgasse 19 street.", ["Ziegelgasse 19"]),
        ("Meet at Rua Diadema 1903 tonight", ["Rua Diadema 1903"]),
        ("Her flat: ul. Zakrzowska 92 Apt. 399, Kraków, Poland 31-234",
         ["ul. Zakrzowska 92 Apt. 399, Kraków, Poland"]),
        ("Write to Rákóczi út 66., Budapest", ["Rákóczi út 66., Budapest"]),
        ("lives at 36 rue de la Paix, Paris", ["36 rue de la Paix, Paris"]),
        ("He moved to 4844 Søndergade 52\n Apt. 656\n Brønderslev\n\n Denmark 35018",
         ["4844 Søndergade 52\n Apt. 656\n Brønderslev\n\n Denmark 35018"]),
        ("Meet me at PSC 1437, Box 3833\nAPO AA 66791", ["PSC 1437, Box 3833\nAPO AA 66791"]),
        ("USNS Bergman\nFPO AP 93757", ["USNS Bergman\nFPO AP 93757"]),
        ("It is at the corner of Main Street and Elm Avenue.",
         ["the corner of Main Street and Elm Avenue."]),
        ("Flat 4B, 10 Downing Street, London SW1A 2AA",
         ["Flat 4B", "10 Downing Street, London SW1A 2AA"]),
        ("Use Suite 932 for deliveries", ["Suite 932"]),
        # a house number with a letter; postcodes next to the address are part of it
        ("Contact: 221B Baker Street, London NW1 6XE, UK",
         ["221B Baker Street, London NW1 6XE, UK"]),
        ("2B Park Lane London W1K 1AA", ["2B Park Lane London W1K 1AA"]),
        ("Mail to 1600 Pennsylvania Ave NW, Washington, DC 20500-0003, USA",
         ["1600 Pennsylvania Ave NW, Washington, DC 20500-0003, USA"]),
        ("We met at 10 Main Street Leeds yesterday", ["10 Main Street"]),  # no postcode
        # no match
        ("During 2017, Allstate Insurance Group grew.", []),
        ("Leeds 2 York 3 after extra time", []),
        ("TSV 1860 Munich 1 Bayern 2", []),
        ("He was ranked #15 in the charts.", []),
        ("Windows 10 ships with 5 Musicians Of The 70s", []),
        ("The meeting is on Friday at 10 am.", []),
        ("Chapter 12 covers 300 pages.", []),
    ],
)
def test_addresses(text: str, expected: list[str]) -> None:
    assert outermost(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Let's meet on Kestrel Street after work.", ["Kestrel Street"]),
    ("turn left into Orchard Mill Lane", ["Orchard Mill Lane"]),
    ("The shop moved to Harlow Road, Bristol", ["Harlow Road, Bristol"]),
    ("Sherlock lives at 221B Baker Street", ["221B Baker Street"]),
    ("A man crossing Kestrel Street at night", ["Kestrel Street"]),
    ("She left Orchard Mill Lane in a hurry", ["Orchard Mill Lane"]),
])
def test_a_street_without_a_number_after_a_preposition(text: str,
                                                       expected: list[str]) -> None:
    assert outermost(text) == expected


@pytest.mark.parametrize("text", [
    "Street food is cheap here.",  # no preposition of place before it
    "We met at Hyde Park on Sunday.",  # a park, not a street
    "the road to Kestrel was closed",
])
def test_no_street_without_a_street_word_and_a_preposition(text: str) -> None:
    assert outermost(text) == []
