"""中国地址 (mainland Chinese postal addresses)."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from .zh_pattern_recognizer import ZhPatternRecognizer

# Function words and verbs that end an address on its left ("我住在…", "寄到…", "位于…").
# Place names may contain some of them (来宾市, 自贡市): those lose their first characters.
_STOP = "的了在住是我你他她它们到从于和与及为向给把被请将址寄送至往来自"
_HAN = rf"[^\P{{Han}}{_STOP}]"
# A name before an administrative suffix may not contain a higher-level suffix, so a
# district never swallows its city ("深圳市南山区" is two parts, not one).
_NAME = rf"[^\P{{Han}}{_STOP}省市区县]"
# Districts may contain 市 (青岛市市南区, 济南市市中区).
_DISTRICT_NAME = rf"[^\P{{Han}}{_STOP}省区县]"

_PROVINCE = (
    "(?:北京|天津|上海|重庆)市?"
    "|(?:河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南"
    "|四川|贵州|云南|陕西|甘肃|青海|台湾)省?"
    "|(?:内蒙古|广西壮族|广西|西藏|宁夏回族|宁夏|新疆维吾尔|新疆)(?:自治区)?"
    "|(?:香港|澳门)(?:特别行政区)?"
)
# Administrative names that hold a stop character (呼和浩特市, 和平区, 周至县, 从化区):
# general knowledge of the divisions, not a gazetteer.
_STOP_NAMES = (
    "呼和浩特|和林格尔|和平|和田|和顺|和龙|和政|和静|和硕|平和|永和|从化|从江|于都|于田|于洪"
    "|向阳|将乐|来宾|来凤|来安|自贡|自流井|周至|送桥"
)
# Counties named with one character (黟县, 歙县, 沛县): too short for the general name rule.
_ONE_CHARACTER_COUNTIES = ("[易雄蠡献磁涉魏唐代祁沁岚隰吉蒲绛盂黟歙萧泾沛"
                           "丰滑浚睢杞淇叶郏息莘冠单曹眉陇富佳理茂漳岷澧]县")
_CITY = rf"(?:{_STOP_NAMES}|{_NAME}{{2,7}})(?:自治州|地区|市|盟)"
_DISTRICT = (rf"(?:(?:{_STOP_NAMES}|{_DISTRICT_NAME}{{2,7}})(?:自治县|自治旗|区|县|旗)"
             rf"|{_ONE_CHARACTER_COUNTIES})")
_TOWN = rf"(?:{_STOP_NAMES}|{_NAME}{{2,7}})(?:街道|镇|乡)"
# A road may be cut into sections by direction (人民大街东段).
_ROAD = rf"{_NAME}{{1,8}}(?:大道|大街|路|街|巷|胡同|弄|道)(?:[东西南北中]段)?"
# Lanes named …里 (福安里, 仁和里) only before a house number: 里 alone means "in" (家里).
_LANE = rf"{_NAME}{{1,6}}里(?=[0-9一二三四五六七八九十百]{{1,5}}号(?!楼))"
_COMMUNITY = rf"{_HAN}{{2,10}}(?:小区|花园|大厦|公寓|广场|家园|新村|村|屯|苑|园|中心|社区|大楼)"
# House numbers: 100号, 3号楼, 2单元, 501室, A座, 12层, 二段, 100-2号, a village's 3组.
_NUMBER = (
    r"[0-9A-Za-z一二三四五六七八九十百零\u3007]{1,6}(?:-[0-9]{1,4})?"
    r"(?:号楼|号院|号|栋|幢|座|单元|层|楼|室|段|弄|期|区|组)"
)
# A room written as a bare number after its building or unit: "3单元502".
_ROOM = r"(?:(?<=单元|号楼|栋|幢|座)[0-9]{3,4}(?![0-9]))"
# A building or office named after the house number, then its own unit:
# "…56号华联商厦1203室", "…88号院内3号楼".
_UNIT = rf"{_NUMBER}(?: ?{_HAN}{{2,8}}{_NUMBER})?"
# A crossing and a distance from it: "…长江西路与合作化路交口东50米".
_CROSSING = rf"(?:与|和|、){_ROAD}(?:交叉口|交汇处|交界处|交口|路口)?"
_OFFSET = r"[东西南北]{1,2}[侧面]?约?[0-9]{1,4}米"
# A postcode after the address is part of it: "…1号 邮编100080", "…1号（邮政编码：100080）",
# "…1号 100080", "…1号（100080）".
_POSTCODE = (r"(?:[ ,，、]?[(（]?(?:邮编|邮政编码)[:：]?[ ]?[0-9]{6}(?![0-9])[)）]?"
             r"|[ ][1-8][0-9]{5}(?![0-9])|[(（][1-8][0-9]{5}[)）])")
# What any match needs (the engine's prefilter): every part but a bare province ends in
# one of these characters, and a run has two parts.
NEEDS = f"[省市州盟区县旗道镇乡路街巷同弄里园村屯苑厦场寓心楼号院栋幢座元层室段期组]|{_PROVINCE}"
_NAMED = f"(?:{_PROVINCE}|{_CITY}|{_DISTRICT}|{_TOWN}|{_ROAD}|{_LANE}|{_COMMUNITY})"
# Places that head an organisation's name (番禺区人民法院, 鄞州区政府, 武侯区人民检察院):
# the organisation, not a residence; LAC reports the whole name as ORG.
_ORGANISATION = re.compile(
    "(?:中级|高级)?人民(?:法院|检察院|政府)|法院|检察院|政府|公安局|公安分局|派出所|委员会"
    "|管委会|党委|办事处|司令部|信用社|信用联社|信用合作|银行|有限公司|总公司|公司|集团|股份"
    "|大学|学院|中学|小学|医院"
)
_ENDS_WITH_NUMBER = re.compile(rf"(?:{_NUMBER})$")


class CnAddressRecognizer(ZhPatternRecognizer):
    """Recognize addresses as runs of at least two administrative or street parts.

    Parts: province (closed list), city (…市/州/盟), district/county (…区/县/旗),
    street office or town (…街道/镇/乡), road (…路/街/大道/巷/胡同/弄), lane (…里, before
    a house number), community or building (…小区/村/花园/大厦/园…) and house numbers
    (…号/号楼/单元/室/栋/层/期/区/组), a named building after a number taking its own unit
    (…56号华联商厦1203室), a crossing and a distance from it (…路与…路交口东50米), and a
    邮编 right after it. A run starts with a named part;
    the span goes from its first to its last part, matched leftmost-longest (POSIX mode)
    so "科技园路" is one road, not a park and a stray 路. A run of place names directly
    followed by an organisation noun (…区人民法院, …市政府) names the organisation and is
    not reported.

    Trade-offs: a single part ("人民路", "深圳市") is a location, not an address, and is
    not reported. Without a gazetteer the left edge is found by stop characters (在, 住,
    到…) and punctuation, so a name written directly before an address ("张三深圳市…")
    is included; "广东省深圳市" alone counts as an address.
    """

    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "CN address",
            # Parts may stand a space apart, as in forms ("上海市 嘉定区 …").
            rf"(?p){_NAMED}(?: ?(?:{_NAMED}|{_UNIT}|{_CROSSING}|{_OFFSET}))+{_ROOM}?"
            rf"{_POSTCODE}?",
            0.5,
        ),
    ]

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Pattern matches, less the places that begin an organisation's name."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [r for r in results if not _heads_organisation(text, r.start, r.end)]

    ENTITY: ClassVar[str] = "CN_ADDRESS"
    CONTEXT: ClassVar[list[str]] = [
        "地址", "住址", "住在", "家住", "收货", "寄往", "送至", "位于", "居住", "户籍",
    ]



def _heads_organisation(text: str, start: int, end: int) -> bool:
    """True when an organisation noun follows a match that ends in a place name; a house
    number ("…1号联想公司") ends an address, whatever follows it."""
    if _ENDS_WITH_NUMBER.search(text, start, end):
        return False
    return _ORGANISATION.match(text, end) is not None
