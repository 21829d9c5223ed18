"""The PII analyser: Presidio's engine with Airlock's recognizers, Chinese and English.

Built once per process (loading spaCy and LAC takes about a second) and passed to whoever
needs it. Texts are analysed in batches through `nlp.pipe`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from presidio_analyzer import (
    AnalyzerEngine,
    BatchAnalyzerEngine,
    EntityRecognizer,
    PatternRecognizer,
    RecognizerRegistry,
)
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
)

from anonymize.enhancer import ContextOnlyEnhancer
from anonymize.language import english_view, languages_of
from anonymize.nlp import OfflineSpacyNlpEngine, load_pipelines
from anonymize.recognizers.en_address import EnglishAddressRecognizer
from anonymize.recognizers.en_phone import EnglishPhoneRecognizer
from anonymize.recognizers.en_structured import (
    EnglishEmailRecognizer,
    IpWithPortRecognizer,
    RegistryIbanRecognizer,
    card_recognizer,
)
from anonymize.recognizers.person import LacModel, person_recognizers
from anonymize.recognizers.person.embedded_latin import plausible_embedded_name
from anonymize.recognizers.prefilter import PrefilteredRecognizer
from anonymize.recognizers.zh_places import ChinesePlaceRecognizer
from anonymize.recognizers.zh_structured import (
    CnIdRecognizer,
    CnPhoneRecognizer,
    HkIdRecognizer,
    MacauIdRecognizer,
    QqNumberRecognizer,
    VinRecognizer,
    WeChatIdRecognizer,
    zh_structured_recognizers,
)
from anonymize.recognizers.zh_structured.cn_address_recognizer import NEEDS as ADDRESS_NEEDS

DEFAULT_THRESHOLD = 0.0
# What every pattern of a recognizer class needs in a text to match at all, read off its
# patterns (case-insensitive where they are; tests/anonymize/test_prefilter.py checks each
# against its recognizer). Most label texts have no digit, "@" or dot before letters, and
# then those recognizers are skipped.
PREFILTERS: dict[str, str] = {
    "CardNumberRecognizer": r"\d{4}[- ]?\d{3}",
    "UsBankRecognizer": r"\d{8}",
    "UsLicenseRecognizer": r"[a-z]\d|\d[a-z]|\]\d|\d{6}",
    "UsItinRecognizer": r"9\d{2}[- ]?\d",
    "UsPassportRecognizer": r"\d{8}",
    "UsSsnRecognizer": r"\d{3}[- .]?\d{2}",
    "NhsRecognizer": r"\d{3}[- ]?\d{3}",
    "CryptoRecognizer": r"[b13][a-z0-9]{25}",
    "DateRecognizer": r"\d[-/.]\d|\d-[a-z]|[a-z]-\d",
    "RegistryIbanRecognizer": r"[a-z]{2}\d{2}",
    "IpRecognizer": r"[0-9a-f]:[0-9a-f]|::|\d\.\d",
    "IpWithPortRecognizer": r"\d:\d|\[[0-9a-f:]",
    "MedicalLicenseRecognizer": r"\d{7}",
    "MacAddressRecognizer": r"[0-9a-f]{2}[:-][0-9a-f]{2}|[0-9a-f]{4}\.[0-9a-f]{4}",
    "UuidRecognizer": r"[0-9a-f]{8}-",
    "UrlRecognizer": r"\.[a-z]{2}",
    "EnglishAddressRecognizer": (r"\d|(?i:corner)|Street|St\.|Road|Rd\.|Avenue|Ave\.|Boulevard"
                                 r"|Blvd\.|Lane|Drive|Terrace|Crescent|Highway|Parkway"),
    # 7 digits a few separators apart, or a toll-free number spelled in letters
    "EnglishPhoneRecognizer": r"\d(?:\D{0,4}\d){6}|8(?:00|88|77|66|55|44|33)\W{0,2}[a-z0-9]",
    "CnIdRecognizer": r"\d{6}",
    "CnAddressRecognizer": ADDRESS_NEEDS,
    "CnPhoneRecognizer": r"\d{3}[ -]?\d{3}",
    "BankCardRecognizer": r"\d{4}[ -]?\d{4}",
    "CnPassportRecognizer": r"\d{7}",
    # A province then the city letter; 使; two letters then digits (military, WJ).
    "CnPlateRecognizer": r"[\u4e00-\u9fff] ?[a-z]|使|[a-z]{2}\W?\d|wj",
    "ZhEmailRecognizer": r"@",
    "CnCreditCodeRecognizer": r"\d{6}",
    "TravelPermitRecognizer": r"\d{7}",
    "HkIdRecognizer": r"[a-z]\d{6}",
    "MacauIdRecognizer": r"\d{6}",
    "VinRecognizer": r"[a-z0-9]{17}",
    # The cue words their patterns start from.
    "WeChatIdRecognizer": r"微信|weixin|wechat|wx|vx|v信|薇信|加v",
    "QqNumberRecognizer": r"qq|扣扣|企鹅号",
    "MedicalRecordRecognizer": r"病历|住院|门诊|病案|就诊|急诊|体检",
    "StudentIdRecognizer": r"学号|学籍号|学生|student",
    "EnglishEmailRecognizer": r"@",
}
# Something for every English prefilter and Chinese recognizer (made up, nobody's data).
WARM_UP = ("Corner of A and B St: 1234-5678 9012 345678901, a@b.co http://x.org/ab12 "
           "10.0.0.1:80 [::1] bc1qqqqqqqqqqqqqqqqqqqqqqqqqqqq 0123abcd-0123 00:11:22:33:44:55 "
           "1-800-FLOWERS Ann Lee 张三 北京市海淀区中关村大街1号 13812345678 京A12345 "
           "微信wx_abc123 QQ 12345 住院号12345 学号20201234 LSVAB12C3D4567890")


@dataclass(frozen=True)
class Detection:
    type: str
    start: int
    end: int
    score: float


def build_registry(nlp_engine: OfflineSpacyNlpEngine, lac: LacModel) -> RecognizerRegistry:
    """Presidio's English recognizers, less the two that reach the network or miss China,
    plus Airlock's Chinese structured and person recognizers: an explicit list."""
    registry = RecognizerRegistry(supported_languages=["en", "zh"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp_engine)
    # EmailRecognizer validates with tldextract, which downloads its suffix list at first
    # use; PhoneRecognizer (libphonenumber, one pass per region: a third of the recognizer
    # time) is replaced by EnglishPhoneRecognizer, which finds what it found and the
    # formats it rejects (CN numbers included); spaCy's PERSON spans are
    # replaced by EnglishPersonRecognizer, which filters and extends them. Its other
    # entities stay: recall first (a name spaCy calls an organisation is still covered).
    # Cards and IBANs: Presidio's checks on every shape the standards allow (en_structured).
    for name in (EmailRecognizer.__name__, PhoneRecognizer.__name__,
                 SpacyRecognizer.__name__, CreditCardRecognizer.__name__,
                 IbanRecognizer.__name__):
        registry.remove_recognizer(name)
    registry.add_recognizer(SpacyRecognizer(
        supported_entities=[e for e in SpacyRecognizer.ENTITIES if e != "PERSON"]))
    registry.add_recognizer(EnglishEmailRecognizer(supported_language="en",
                                                   supported_entity="EMAIL_ADDRESS",
                                                   name="OfflineEmailRecognizer"))
    for structured in (card_recognizer(), RegistryIbanRecognizer(), IpWithPortRecognizer()):
        registry.add_recognizer(structured)
    # A Chinese ID or mobile number in English text is still one: spaCy would call the ID a
    # date, the English phone recognizer types the mobile PHONE_NUMBER.
    registry.add_recognizer(CnIdRecognizer(supported_language="en", name="EnglishCnIdRecognizer"))
    registry.add_recognizer(CnPhoneRecognizer(
        patterns=[p for p in CnPhoneRecognizer.PATTERNS
                  if p.name in CnPhoneRecognizer.UNAMBIGUOUS],
        supported_language="en", name="EnglishCnPhoneRecognizer"))
    # So are a VIN, a Hong Kong or Macau identity card (bracketed: bare, a Hong Kong number
    # is a passport's or a part's shape) and a WeChat id or QQ number after its cue word.
    registry.add_recognizer(VinRecognizer(supported_language="en", name="EnglishVinRecognizer"))
    registry.add_recognizer(HkIdRecognizer(
        patterns=[p for p in HkIdRecognizer.PATTERNS if p.name in HkIdRecognizer.UNAMBIGUOUS],
        supported_language="en", name="EnglishHkIdRecognizer"))
    for cued in (MacauIdRecognizer, WeChatIdRecognizer, QqNumberRecognizer):
        registry.add_recognizer(cued(supported_language="en", name=f"English{cued.__name__}"))
    # And a foreign number in Chinese text is a phone number too.
    registry.add_recognizer(EnglishPhoneRecognizer(supported_language="zh",
                                                   name="ChineseTextPhoneRecognizer"))
    for recognizer in (*zh_structured_recognizers(), *person_recognizers(lac),
                       ChinesePlaceRecognizer(lac), EnglishAddressRecognizer(),
                       EnglishPhoneRecognizer()):
        registry.add_recognizer(recognizer)
    registry.recognizers = [_prefiltered(r) for r in registry.recognizers]
    return registry


def _prefiltered(recognizer: EntityRecognizer) -> EntityRecognizer:
    needs = PREFILTERS.get(type(recognizer).__name__)
    if needs is None:
        return recognizer
    assert isinstance(recognizer, PatternRecognizer), type(recognizer).__name__
    return PrefilteredRecognizer(recognizer, needs)


CHUNK = 512  # texts per language analysed at a time (LAC prefetches a chunk at once)


class PiiEngine:
    def __init__(self, analyzer: AnalyzerEngine, batch_size: int = 128,
                 threshold: float = DEFAULT_THRESHOLD, lac: LacModel | None = None) -> None:
        """``lac``: the model the Chinese recognizers read, prefetched per chunk."""
        self._analyzer = analyzer
        self._batch = BatchAnalyzerEngine(analyzer_engine=analyzer)
        self._batch_size = batch_size
        self._threshold = threshold
        self._lac = lac

    def detect(self, texts: Sequence[str], language: str = "auto") -> list[list[Detection]]:
        """Entities per text (code-point offsets, end exclusive), in text order."""
        found: list[list[Detection]] = [[] for _ in texts]
        by_language: dict[str, list[int]] = {}
        for index, text in enumerate(texts):
            for lang in languages_of(text, language):
                by_language.setdefault(lang, []).append(index)
        for lang, indexes in by_language.items():
            view = english_view if lang == "en" else str
            for start in range(0, len(indexes), CHUNK):
                chunk = indexes[start:start + CHUNK]
                if lang == "zh" and self._lac is not None:
                    self._lac.prefetch([texts[i] for i in chunk])
                seen = [view(texts[i]) for i in chunk]
                results = self._batch.analyze_iterator(
                    seen, language=lang, batch_size=self._batch_size,
                    score_threshold=self._threshold)
                for index, text, result in zip(chunk, seen, results, strict=True):
                    detections = _detections(result, text, texts[index])
                    if lang == "en" and "zh" in languages_of(texts[index], language):
                        detections = _embedded(detections, texts[index])
                    found[index].extend(detections)
        if self._lac is not None:
            self._lac.forget()
        return [_merge(detections) for detections in found]


def _detections(results: Iterable[Any], seen: str, text: str) -> list[Detection]:
    """Spans of `text` from results on `seen` (the text, or its English view): cut where
    Chinese was blanked (an English entity never spans Chinese), without blanks at their
    edges (spaCy keeps trailing spaces in an entity); pieces with no letter or digit go."""
    found = []
    for r in results:
        score = round(float(r.score), 4)
        for start, end in _pieces(seen, text, r.start, r.end):
            found.append(Detection(r.entity_type, start, end, score))
    return found


def _embedded(detections: list[Detection], text: str) -> list[Detection]:
    """English detections in a Chinese text, less the lone Latin words that are nobody's
    name (the English model saw them without their Chinese context)."""
    return [d for d in detections
            if d.type != "PERSON" or plausible_embedded_name(text[d.start:d.end])]


def _pieces(seen: str, text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    cuts = [start - 1, *(i for i in range(start, end) if seen[i] != text[i]), end]
    for a, b in itertools.pairwise(cuts):
        a += 1
        while a < b and seen[a].isspace():
            a += 1
        while b > a and seen[b - 1].isspace():
            b -= 1
        if any(c.isalnum() for c in seen[a:b]):
            yield a, b


def _merge(detections: list[Detection]) -> list[Detection]:
    """One detection per (type, span), the highest score; spans inside a same-type span go."""
    best: dict[tuple[str, int, int], Detection] = {}
    for d in detections:
        key = (d.type, d.start, d.end)
        if key not in best or d.score > best[key].score:
            best[key] = d
    kept = sorted(best.values(), key=lambda d: (d.start, -d.end))
    # In (start, -end) order a span is inside a same-type span iff it ends no later than
    # the furthest end reached so far by that type.
    reach: dict[str, int] = {}
    out = []
    for d in kept:
        if reach.get(d.type, -1) >= d.end:
            continue
        out.append(d)
        reach[d.type] = d.end
    return out


def build_engine(lac: LacModel | None = None,
                 warm_up: Sequence[str] = ("en", "zh")) -> PiiEngine:
    """Load the models (from installed packages) and assemble the engine.

    ``warm_up``: the languages whose patterns are compiled now (Presidio compiles a
    recognizer's patterns when it first runs: a text that passes every prefilter compiles
    them all), so that a server's first requests do not wait. Chinese also loads LAC. A
    command reading a stream warms nothing up and compiles only what its texts reach."""
    nlp_engine = OfflineSpacyNlpEngine(load_pipelines())
    lac = lac or LacModel()
    registry = build_registry(nlp_engine, lac)
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine,
                              supported_languages=["en", "zh"],
                              context_aware_enhancer=ContextOnlyEnhancer())
    engine = PiiEngine(analyzer, lac=lac)
    for language in warm_up:
        engine.detect([WARM_UP], language)
    return engine
