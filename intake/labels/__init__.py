"""Label parsers: one per dataset layout, fed the label files as the archive streams past.

Records and problems name places (file, line, JSON path, field) — never label values.
"""

from intake.labels.limits import LabelLimits
from intake.labels.record import LabelParser, LabelRecord
from intake.labels.registry import ParserFactory, build_parser, default_parsers
from intake.labels.rules import LABEL_RULES
from intake.labels.text import is_formula, read_label_text

__all__ = [
    "LABEL_RULES",
    "LabelLimits",
    "LabelParser",
    "LabelRecord",
    "ParserFactory",
    "build_parser",
    "default_parsers",
    "is_formula",
    "read_label_text",
]
