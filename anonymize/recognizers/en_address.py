"""Street addresses in English text, including the international shapes English text carries.

A street core is one of: house number + name + English suffix ("217 Lovers Lane"); a street
word + name + number ("Rua Diadema 1903", "ul. Miła 53"); a name built on a street morpheme +
number ("Søndergade 52", "Koskikatu 25"); house number + capitalised name + number
("6639 Canónigo Valiño 70"); or a military address ("PSC 1437, Box 3833\\nAPO AA 66791").
The core is extended over an apartment part ("Apt. 864", "Suite 321", "#4") and then across
commas and line breaks over up to four short place parts: a capitalised city, a state
abbreviation, a country, a postal code (US ZIP and ZIP+4, UK postcode, 4-6 digits), or
without a comma a town with its postcode: postcodes next to an address are part of it. A
house number may carry a letter ("221B"). A unit part on its own ("Suite 932") is an
address too, at a lower score.
"""

from __future__ import annotations

from re import MULTILINE  # the same flag value in the `regex` module Presidio uses

from presidio_analyzer import PatternRecognizer

from anonymize.recognizers.compiled_pattern import CompiledPattern

# Suffixes after the name ("Lovers Lane", "Glyn St"): English, US/UK/AU/NZ.
STREET_SUFFIXES = (
    "Street", "St", "Avenue", "Ave", "Av", "Road", "Rd", "Boulevard", "Blvd", "Lane", "Ln",
    "Drive", "Dr", "Court", "Ct", "Place", "Pl", "Way", "Terrace", "Tce", "Ter", "Square",
    "Squares", "Sq", "Highway", "Hwy", "Parkway", "Pkwy", "Circle", "Cir", "Crescent", "Cres",
    "Close", "Grove", "Alley", "Trail", "Row", "Walk", "Gardens", "Mews", "Parade",
    "Esplanade", "Loop", "Plaza", "Ridge", "Crossing", "Greens", "Points", "Expressway",
    "Freeway", "Heights", "Hollow", "Junction", "Landing", "Meadows", "Park", "Pass",
    "Pike", "Point", "Port", "Ramp", "Causeway", "Wharf", "Quay", "Hill", "Hills",
    "Streets", "Roads", "Crossroad", "Cliffs", "Cliff", "Rapids", "Summit", "Prairie",
    "Courts", "Flat", "Flats", "Isle", "Turnpike", "Dale", "Creek", "Brook", "Brooks",
    "Valley", "Vista", "Village", "Ville", "Spur", "Spurs", "Shore", "Shores", "Meadow",
    "Manor", "Lodge", "Knoll", "Inlet", "Haven", "Harbor", "Harbour", "Glen", "Gateway",
    "Estate", "Estates", "Cove", "Crest", "Canyon", "Bypass", "Bluff", "Bend", "Orchard",
    "Overpass", "Underpass", "Viaduct", "Skyway", "Stravenue", "Trace", "Track", "Tunnel",
    "Motorway", "Oval", "Rise", "Chase", "Gate", "Green",
)
# Compass words after a suffix ("Devon Street West").
DIRECTIONS = ("North", "South", "East", "West", "N", "S", "E", "W", "NE", "NW", "SE", "SW")
# Small words inside place and street names ("Soto del Barco", "Chomutice u Horic").
PARTICLES = ("de", "la", "le", "les", "del", "della", "du", "des", "da", "do", "dos", "das",
             "di", "el", "al", "am", "an", "im", "in", "der", "den", "van", "von", "ten",
             "sur", "upon", "on", "nad", "na", "pod", "u", "v", "y", "e", "i", "en")
# Street words that follow a name ("Rákóczi út 66.", "Király u. 15.", "Merineitsi põik 87").
STREET_WORDS_AFTER = ("út", "útja", "utca", "u.", "tér", "körút", "sor", "kapu", "köz",
                      "põik", "puiestee", "tee", "allee", "gränd", "vej", "gade")
# Street words before the name ("Rua Diadema 1903", "Avda. Rio Nalon 58", "ul. Miła 53").
STREET_PREFIXES = (
    "Rua", "Rúa", "Rue", "Calle", "C/", "Avenida", "Avda.", "Av.", "Avenue", "Via", "Viale",
    "Piazza", "Piazzale", "Corso", "Largo", "Travessa", "Praça", "Alameda", "Estrada",
    "Rodovia", "Paseo", "Camino", "Carrer", "Passeig", "Ronda", "Plaza", "Plaça", "ul.",
    "ulica", "al.", "aleja", "os.", "pl.", "Chemin", "Impasse", "Allée", "Quai", "Route",
    "Boulevard", "Bd", "Cours", "Ulitsa", "prospekt", "Jalan", "Jl.", "Calzada", "Carrera",
    "Vicolo", "Strada", "Str.", "trg", "Odos", "Οδός", "Leoforos", "Λεωφόρος", "Sokak", "Caddesi",
)
# Endings of one-word street names ("Koskikatu", "Søndergade", "Wingertweg", "Rákóczi út").
STREET_MORPHEMES = (
    "straße", "strasse", "str.", "gasse", "weg", "allee", "platz", "damm", "ufer",
    "steig", "pfad", "gade", "vej", "vænget", "stræde", "gata", "gatan", "vägen", "väg",
    "gränd", "veien", "vegen", "veg", "gata", "katu", "kuja", "tie", "polku", "kaari",
    "tori", "katu", "laan", "straat", "plein", "gracht", "kade", "dreef", "singel", "stræti",
    "braut", "vegur", "stígur", "utca", "út", "útja", "tér", "körút", "sor", "ulica", "cesta",
    "trg", "ulice", "náměstí", "nábřeží", "gatvė", "iela", "tänav", "centret", "torget",
)
COUNTRIES = (
    "Afghanistan", "Albania", "Algeria", "Argentina", "Armenia", "Australia", "Austria",
    "Belgium", "Bolivia", "Brazil", "Bulgaria", "Canada", "Chile", "China", "Colombia",
    "Croatia", "Cyprus", "Czech Republic", "Czechia", "Denmark", "Ecuador", "Egypt",
    "Estonia", "Finland", "France", "Germany", "Greece", "Greenland", "Hungary", "Iceland",
    "India", "Indonesia", "Ireland", "Israel", "Italy", "Japan", "Latvia", "Lithuania",
    "Luxembourg", "Malaysia", "Malta", "Mexico", "Netherlands", "New Zealand", "Norway",
    "Paraguay", "Peru", "Philippines", "Poland", "Portugal", "Romania", "Russia", "Serbia",
    "Singapore", "Slovakia", "Slovenia", "South Africa", "Spain", "Sweden", "Switzerland",
    "Taiwan", "Thailand", "Turkey", "Ukraine", "United Kingdom", "United States", "UK", "USA",
    "Uruguay", "Venezuela", "Vietnam",
)
UNIT_WORDS = ("Apt.", "Apt", "Apartment", "Suite", "Ste.", "Ste", "Unit", "Flat", "Room",
              "Floor", "Fl.", "#")


def _alternation(words: tuple[str, ...]) -> str:
    escaped = sorted({w.replace(".", r"\.").replace("/", r"\/") for w in words},
                     key=len, reverse=True)
    return "(?:" + "|".join(escaped) + ")"


_CAP = r"\p{Lu}[\p{L}\p{M}'’\-]*+(?!\d)\.?"  # a capitalised word
_NAME = r"[\p{L}\p{M}][\p{L}\p{M}'’\-]*\.?"  # any word
_NUM = r"\d{1,5}[A-Za-z]?(?:[/-]\d{1,4})?"  # a house number ("12", "12b", "12/3")
_HOUSE = r"(?<![\w.,/-])\d{1,6}[A-Za-z]?"  # a leading number ("221B", or Faker's building)
_SUFFIX = r"(?i:" + _alternation(STREET_SUFFIXES) + r")(?![\p{L}\d])\.?"
_PREFIX = r"(?i:" + _alternation(STREET_PREFIXES) + r")"
# The whole word first, then a look back at its ending: linear, no backtracking per letter.
_MORPHEME = (r"[\p{L}\p{M}'’\-]++\.?(?<=(?i:" + _alternation(STREET_MORPHEMES)
             + r"))(?=[ ]\d)")
_UNIT = r"(?i:" + _alternation(UNIT_WORDS) + r")[ ]?\d{1,5}[A-Za-z]?(?![\d])"
_PARTICLE = r"(?:" + _alternation(PARTICLES) + r")"
_STREET_AFTER = r"(?i:" + _alternation(STREET_WORDS_AFTER) + r")"
_DIRECTION = r"(?:[ ]" + _alternation(DIRECTIONS) + r"(?![\p{L}]))?"
_COUNTRY = r"(?i:" + _alternation(COUNTRIES) + r")(?![\p{L}])"
_POSTAL = (r"(?:\d{4,6}(?:-\d{3,4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})(?![\w])")
# A place part: capitalised words (a city, "Port Whangarei"), a state code, a country,
# lower-case words that end their line or precede a comma/postcode, each with a postcode.
_PLACE = (r"(?:(?:" + _COUNTRY + r"(?:[ ]\(\p{L}+\))?|" + _CAP
          + r"(?:[ ](?:" + _CAP + r"|" + _PARTICLE + r")){0,4}"
          + r"(?:[ ]\(\p{L}+\))?"
          + r"|\p{Ll}[\p{Ll}\p{M}'’\-]*(?:[ ]\p{Ll}[\p{Ll}\p{M}'’\-]*){0,2}"
          + r"(?=[ ]" + _POSTAL + r"|[ \t]*(?:[,\n]|$)))"
          + r"(?:[ ]" + _POSTAL + r")?|" + _POSTAL + r"|\d{1,3}(?=[ ]" + _POSTAL
          + r"|[ \t]*\n))")
_SEP = r"(?:[ \t]*[,\n][ \t\n,>?*•]*)"  # commas and line breaks (">" for quoted mail)
_AFTER_UNIT_PLACE = r"(?:[ ](?:" + _CAP + r"[ ]){0,3}(?:" + _COUNTRY + r"|" + _CAP + r"))?"
_TAIL = (r"(?:(?:(?:[ ,]+|" + _SEP + r")" + _UNIT + r"){1,2}" + _AFTER_UNIT_PLACE + r")?"
         + r"(?:" + _SEP + _PLACE + r"|[ ](?:" + _COUNTRY + r"|" + _POSTAL
         # a town and its postcode without a comma: "2B Park Lane London W1K 1AA"
         + r"|" + _CAP + r"(?:[ ]" + _CAP + r"){0,2}[ ]" + _POSTAL
         + r"|\p{Lu}{2,}(?:[ -]\p{Lu}{2,})*(?![\p{L}])|nan(?![\p{L}])))"
         + r"{0,4}")
# Extra street-name words after the number or suffix ("Tungata 11 Rott Crossroad").
_MORE = r"(?:[ ](?:" + _CAP + r"[ ]){1,2}" + _SUFFIX + r")?"
_NAME_WORDS = r"(?:[ ](?:" + _CAP + r"|" + _PARTICLE + r")){0,4}[ ]" + _CAP
_LOWER_WORDS = r"(?:[ ]" + _NAME + r"){1,3}(?=[ \t]*(?:[,\n]|$))"

_ENGLISH = (_HOUSE + r"[ ](?:\d{1,5}[ ])?(?:" + _NAME + r"[ ]){0,3}" + _CAP + r"[ ]" + _SUFFIX
            + _DIRECTION + _MORE)
_PREFIXED = (r"(?:" + _HOUSE + r"[ ])?(?<![\p{L}])" + _PREFIX + r"[ ](?:" + _NAME
             + r"[ ]){0,5}" + _NUM + r"(?![\d])\.?" + _MORE)
# French and Spanish order: number first ("31 Rue Al Imam Al Bakri", "36 rue de pologne").
_NUMBER_PREFIXED = (_HOUSE + r"[ ](?:\d{1,5}[ ])?" + _PREFIX + r"(?:" + _NAME_WORDS + r"|"
                    + _LOWER_WORDS + r")(?:[ ]" + _SUFFIX + r")?")
_MORPHEMIC = (r"(?:" + _HOUSE + r"[ ])?(?<![\p{L}])(?:" + _CAP + r"[ ]){0,2}" + _MORPHEME
              + r"[ ]" + _NUM + r"(?![\d])\.?" + _MORE)
_WORD_AFTER = (r"(?:" + _HOUSE + r"[ ])?(?<![\p{L}])" + _CAP + r"(?:[ ]" + _NAME + r")?[ ]"
               + _STREET_AFTER + r"[ ]" + _NUM + r"(?![\d])\.?" + _MORE)
# Faker's building + street shapes: "4844 Søndergade 52", "9816 214 Pavlou Drandaki".
# Three or more digits first and no capitalised word just before: not a score "Leeds 2 York 3".
_NOT_AFTER_NAME = r"(?<![\p{L}\d])(?<!\p{Lu}\p{L}*[ ])"
_NUMBERED = (_NOT_AFTER_NAME + r"(?<![\w.,/-])\d{3,6}[ ]" + _CAP + r"(?:[ ]" + _NAME
             + r"){0,3}[ ]" + _NUM + r"(?![\d\-–:.,]\d)(?![\d])\.?" + _MORE)
_TWO_NUMBERS = (_NOT_AFTER_NAME + r"(?<![\w.,/-])\d{3,6}[ ]\d{1,5}[ ]" + _CAP
                + r"(?:[ ](?:" + _CAP + r"|" + _PARTICLE + r")){0,3}")
_CORNER = (r"(?i:(?:the[ ])?corner[ ]of)[ ][^\n,;:?!]{2,40}?[ ](?i:and|&)[ ](?:"
           + _CAP + r"(?:[ ](?:" + _CAP + r"|" + _PARTICLE + r")){0,3}|(?:" + _NAME
           + r"[ ]){1,3}" + _SUFFIX + r")")
# A name and number where a residence verb or "street" says it is a street: "lives on
# Grössgstötten 50", "the north side of Joaquin Suarez 2906", "Ziegelgasse 19 street".
_RESIDENCE = (r"(?:(?<=(?i:\b(?:lives?|lived|living|located|situated|stays?)[ ](?:on|at|in)"
              r"|\bside[ ]of)[ ])" + _CAP + r"(?:[ ]" + _CAP + r"){0,2}[ ]" + _NUM
              + r"(?![\d\p{L}])\.?|" + _CAP + r"(?:[ ]" + _CAP + r"){0,2}[ ]" + _NUM
              + r"(?=[ ](?i:street|road|avenue)(?![\p{L}])))")
# A street named without a house number, where a preposition of place or a verb of crossing,
# entering or leaving says it is one: "meet me on Baker Street", "turn into Mill Lane",
# "crossing Baker Street". Only suffixes that name nothing but a
# street ("Park", "Hill" and "Court" also name parks, districts and courts).
STREET_ONLY_SUFFIXES = ("Street", "St.", "Road", "Rd.", "Avenue", "Ave.", "Boulevard", "Blvd.",
                        "Lane", "Drive", "Terrace", "Crescent", "Highway", "Parkway")
_LOCATIVE = ("on", "at", "in", "into", "onto", "off", "down", "along", "up", "near", "from",
             "to", "via", "past", "across", "toward", "towards", "round", "around", "of",
             "cross", "crosses", "crossed", "crossing", "enter", "enters", "entered",
             "entering", "leave", "leaves", "left", "leaving")
_NAMED_STREET = (r"(?<=(?<![\p{L}])(?i:" + "|".join(_LOCATIVE) + r")[ ])"
                 + r"(?:" + _CAP + r"[ ]){1,3}(?-i:" + _alternation(STREET_ONLY_SUFFIXES)
                 + r")(?![\p{L}])" + _DIRECTION)
_MILITARY = (r"(?i:(?:PSC[ ]\d{3,5},?[ ]Box[ ]\d{3,5}|Unit[ ]\d{3,5},?[ ]Box[ ]\d{3,5}"
             r"|US(?:NS|NV|S|CGC)[ ][\p{L}' -]{2,40}?)[ \t]*[\n,][ \t]*)?"
             r"(?i:[ADF]PO[ ]A[AEP][ ]\d{5})(?!\d)")

FLAGS = MULTILINE  # the recognizer's: its patterns are compiled with them, once
PATTERNS = (
    CompiledPattern("street with suffix", _ENGLISH + _TAIL, 0.6, FLAGS),
    CompiledPattern("street word and number", _PREFIXED + _TAIL, 0.6, FLAGS),
    CompiledPattern("street-named word and number", _MORPHEMIC + _TAIL, 0.55, FLAGS),
    CompiledPattern("number and street word", _NUMBER_PREFIXED + _TAIL, 0.55, FLAGS),
    CompiledPattern("name, street word, number", _WORD_AFTER + _TAIL, 0.55, FLAGS),
    CompiledPattern("number, name, number", _NUMBERED + _TAIL, 0.45, FLAGS),
    CompiledPattern("two numbers and a name", _TWO_NUMBERS + _TAIL, 0.4, FLAGS),
    CompiledPattern("street corner", _CORNER, 0.45, FLAGS),
    CompiledPattern("name and number where a street is meant", _RESIDENCE + _TAIL, 0.35, FLAGS),
    CompiledPattern("military address", _MILITARY, 0.7, FLAGS),
    CompiledPattern("street named after a preposition", _NAMED_STREET + _TAIL, 0.4, FLAGS),
    CompiledPattern("apartment or suite", r"(?<![\p{L}\d#])(?!#)" + _UNIT, 0.3, FLAGS),
)
CONTEXT = ["address", "live", "lives", "lived", "street", "road", "sent", "send", "ship",
           "deliver", "mail", "avenue", "apartment", "suite"]


class EnglishAddressRecognizer(PatternRecognizer):
    """Street addresses in English text, with their unit, city, region, postcode, country."""

    ENTITY = "ADDRESS"

    def __init__(self, supported_language: str = "en",
                 name: str = "EnglishAddressRecognizer") -> None:
        super().__init__(supported_entity=self.ENTITY, name=name,
                         supported_language=supported_language, patterns=list(PATTERNS),
                         context=CONTEXT, global_regex_flags=FLAGS)
