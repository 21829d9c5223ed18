"""Latin words inside Chinese text: which of them may be a person's name.

In a Chinese sentence a lone Latin word is most often a product, game, team or
abbreviation ("《Achron》", "SoZ"); the English model, which sees it without its Chinese
context, still tags it PERSON. There a single word counts as a name only when it is a
given name or surname of the name lists; a run of words ("John Smith") keeps the English
model's decision.
"""

from __future__ import annotations

from anonymize.recognizers.person.name_lists import all_names


def plausible_embedded_name(span: str) -> bool:
    """Whether ``span``, a Latin-script person span found in Chinese text, may be a name."""
    words = span.split()
    return len(words) != 1 or words[0].lower().strip("'’-") in all_names()
