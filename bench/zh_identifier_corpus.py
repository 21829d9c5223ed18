"""Generate labelled Chinese sentences holding identifiers, written from the standards.

Each value is made from its standard, not from Airlock's recognizers:

- 居民身份证 (GB 11643-1999): region code (GB/T 2260 province prefixes), birth date,
  sequence, ISO 7064 MOD 11-2 check character; 15-digit legacy numbers (two-digit year);
- licence plates (GA 36-2018): ordinary (five letters or digits, any letter but I and O,
  all-letter serials included), new-energy (8 characters, D/F and the newer A–K letters in
  position 3, or D/F in position 8 for large vehicles), 使 embassy, 领 consulate, 警
  police, 学 learner, 挂 trailer, 港/澳 (粤Z) plates, military (two letters and five digits)
  and armed police (WJ); written 京A·12345, 京A12345, 京 A12345, 京A 12345;
- mobiles (MIIT numbering plan: 13x–19x, 14x data-only, 16x/17x virtual operators), with
  +86 / 0086 / 86 prefixes, spaces or dashes 3-4-4; landlines with area codes (010, 02x,
  0xxx; 7 or 8 digits), dashes, brackets, extensions (转, -);
- bank cards: UnionPay (62) and co-branded 4/5 cards, 16–19 digits, Luhn, in groups of 4;
- addresses: province, prefecture, district or county, street or town, road and number,
  estate, building, unit and room; rural 县/乡/镇/村/组; a 邮编 (six digits) after them;
- passports (E/G/D/S/P series), e-mail;
- new types, labelled ID: unified social credit codes (GB 32100-2015, with the GB 11714
  organisation code check and the mod-31 check character), 往来港澳通行证 (C/W + 8), 港澳居民
  来往内地通行证 (H/M + 8 or 10), 台胞证 (8 digits; older 10 with a bracketed letter), Hong
  Kong identity cards (mod-11 check digit), Macau identity cards (1/5/7 + 6 + check), WeChat
  ids and QQ numbers after their cue words, VINs (ISO 3779; check digit in position 9 on
  most), medical record and student numbers after their cue words.

Deterministic (seeded ``random.Random``, no external data; the place names are general
knowledge). Writes JSON Lines in the shared/data format ``{"id", "text", "entities":
[{"start", "end", "label", "text"}]}``, code-point offsets, end exclusive. About one record
in five is a decoy with no labels (prices, dates, order, tracking and invoice numbers,
model numbers), so that detections on them count against precision. Sentences contain no
personal names.

Usage: .venv/bin/python bench/zh_identifier_corpus.py --out FILE [--n 1500] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

Entity = dict[str, Any]
Record = dict[str, Any]
Generator = Callable[[random.Random], str]

DIGITS = "0123456789"
LETTERS_NO_IO = "ABCDEFGHJKLMNPQRSTUVWXYZ"

# GB/T 2260 province-level prefixes; 81–83: residence permits of Hong Kong, Macau, Taiwan.
PROVINCE_CODES = (
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65",
)
PERMIT_REGIONS = ("810000", "820000", "830000")
ID_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(DIGITS) for _ in range(n))


def chars(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def a_date(rng: random.Random, first: int, last: int) -> date:
    return date(first, 1, 1) + timedelta(days=rng.randrange((last - first + 1) * 365))


# --- 居民身份证 (GB 11643) -------------------------------------------------------------

def id_check(first17: str) -> str:
    """ISO 7064 MOD 11-2 over the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def region_code(rng: random.Random) -> str:
    if rng.random() < 0.04:
        return rng.choice(PERMIT_REGIONS)
    city = rng.choice(("01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11",
                       "13", "21", "22", "23", "24", "25", "26", "27", "28", "29", "90"))
    return rng.choice(PROVINCE_CODES) + city + f"{rng.randint(1, 40):02d}"


def cn_id(rng: random.Random) -> str:
    first17 = region_code(rng) + a_date(rng, 1935, 2022).strftime("%Y%m%d") + digits(rng, 3)
    full = first17 + id_check(first17)
    style = rng.random()
    if style < 0.08:
        full = full[:-1] + full[-1].lower()
    elif style < 0.14:
        return f"{full[:6]} {full[6:14]} {full[14:]}"
    elif style < 0.18:
        return f"{full[:6]} {full[6:10]} {full[10:14]} {full[14:]}"
    elif style < 0.22:  # a mistyped check character: still someone's number
        return first17 + rng.choice([c for c in "0123456789X" if c != full[-1]])
    return full


def cn_id_legacy(rng: random.Random) -> str:
    return region_code(rng) + a_date(rng, 1920, 1999).strftime("%y%m%d") + digits(rng, 3)


# --- licence plates (GA 36) -------------------------------------------------------------

PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
SERIAL = LETTERS_NO_IO + DIGITS
# 2018-standard service letters of military plates (陆军 V/K..., 海军 N, 空军 K, ...).
MILITARY_FIRST = "VKHBSLJNGQCE"


def plate_head(rng: random.Random, province: str | None = None) -> tuple[str, str]:
    return province or rng.choice(PLATE_PROVINCES), rng.choice(LETTERS_NO_IO)


def joined(rng: random.Random, province: str, authority: str, rest: str) -> str:
    sep = rng.choice(("", "", "·", "·", " ", "-"))
    if rng.random() < 0.08:
        return f"{province} {authority}{rest}"
    return f"{province}{authority}{sep}{rest}"


def ordinary_serial(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.45:
        return digits(rng, 5)
    if kind < 0.9:  # one or two letters anywhere
        serial = list(digits(rng, 5))
        for i in rng.sample(range(5), rng.choice((1, 1, 2))):
            serial[i] = rng.choice(LETTERS_NO_IO)
        return "".join(serial)
    return chars(rng, SERIAL if rng.random() < 0.5 else LETTERS_NO_IO, 5)


def plate_ordinary(rng: random.Random) -> str:
    return joined(rng, *plate_head(rng), ordinary_serial(rng))


def plate_new_energy(rng: random.Random) -> str:
    if rng.random() < 0.3:  # large vehicles: D/F last
        rest = digits(rng, 5) + rng.choice("DF")
    else:  # small: D/F (2017), A–E / F–K (2022 extension) first
        energy = rng.choice("DDDFFF" + "ABCEGHJK")
        rest = energy + rng.choice(SERIAL) + digits(rng, 4)
    return joined(rng, *plate_head(rng), rest)


def plate_special(rng: random.Random) -> str:
    kind = rng.choice(("警", "学", "挂", "领", "港澳", "使", "military", "wj", "应急"))
    if kind == "使":
        code, serial = digits(rng, 3), digits(rng, 3)
        return rng.choice((f"使{code}{serial}", f"使{code}·{serial}", f"{code}·{serial}使"))
    if kind == "military":
        head = rng.choice(MILITARY_FIRST) + rng.choice(LETTERS_NO_IO)
        return head + rng.choice(("", "·", " ", "-")) + digits(rng, 5)
    if kind == "wj":
        return "WJ" + rng.choice(PLATE_PROVINCES) + rng.choice(("", "·", " ")) + \
            digits(rng, 4) + rng.choice("XBTSJHD" + DIGITS)
    if kind == "港澳":
        serial = rng.choice(LETTERS_NO_IO + DIGITS) + digits(rng, 3)
        return joined(rng, "粤", "Z", serial + rng.choice("港澳"))
    if kind == "领":
        return joined(rng, *plate_head(rng, rng.choice("京沪粤川辽桂云")), digits(rng, 4) + "领")
    serial = digits(rng, 4) if rng.random() < 0.8 else rng.choice(LETTERS_NO_IO) + digits(rng, 3)
    return joined(rng, *plate_head(rng), serial + kind)


def plate(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.45:
        return plate_ordinary(rng)
    if kind < 0.7:
        return plate_new_energy(rng)
    return plate_special(rng)


# --- phones -------------------------------------------------------------------------------

def mobile_number(rng: random.Random) -> str:
    second = rng.choice("3456789")
    third = rng.choice("01456789") if second == "4" else rng.choice(DIGITS)
    return "1" + second + third + digits(rng, 8)


def mobile(rng: random.Random) -> str:
    m = mobile_number(rng)
    a, b, c = m[:3], m[3:7], m[7:]
    sep = rng.choice((" ", "-"))
    grouped = f"{a}{sep}{b}{sep}{c}"
    body = rng.choice((m, m, m, grouped, grouped))
    prefix = rng.choice(("", "", "", "", "+86", "+86 ", "+86-", "0086", "0086 ", "86-",
                         "(+86)", "（+86）", "+86 "))
    return prefix + body


AREA_3 = ("010", "020", "021", "022", "023", "024", "025", "027", "028", "029")
AREA_4 = ("0311", "0351", "0371", "0411", "0431", "0451", "0471", "0510", "0512", "0513",
          "0516", "0531", "0532", "0551", "0571", "0574", "0577", "0591", "0592", "0631",
          "0731", "0755", "0756", "0757", "0760", "0769", "0771", "0773", "0791", "0851",
          "0871", "0891", "0898", "0931", "0951", "0971", "0991", "0816", "0335", "0377")


def landline(rng: random.Random) -> str:
    area = rng.choice(AREA_3 + AREA_4)
    length = 8 if len(area) == 3 or rng.random() < 0.6 else 7
    local = rng.choice("2345678") + digits(rng, length - 1)
    local_text = f"{local[:4]} {local[4:]}" if length == 8 and rng.random() < 0.2 else local
    style = rng.choice(("dash", "dash", "dash", "plain", "paren", "fullparen", "space",
                        "intl"))
    text = {
        "dash": f"{area}-{local_text}",
        "plain": area + local,
        "paren": f"({area}){local_text}",
        "fullparen": f"（{area}）{local_text}",
        "space": f"{area} {local_text}",
        "intl": f"+86 {area[1:]} {local}" if rng.random() < 0.5 else f"+86-{area[1:]}-{local}",
    }[style]
    extension = rng.random()
    if extension < 0.12:
        text += f"转{rng.randint(1, 9999)}"
    elif extension < 0.18:
        text += f"-{rng.randint(10, 999)}"
    elif extension < 0.22:
        text += f" 转 {rng.randint(100, 999)}"
    return text


def phone(rng: random.Random) -> str:
    return mobile(rng) if rng.random() < 0.65 else landline(rng)


# --- bank cards ---------------------------------------------------------------------------

def luhn_check(body: str) -> str:
    total = 0
    for i, char in enumerate(reversed(body)):
        d = int(char)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def bank_card(rng: random.Random) -> str:
    if rng.random() < 0.8:
        body = "62" + digits(rng, rng.choice((16, 17, 18, 19)) - 3)
    else:
        body = rng.choice("45") + digits(rng, 14)
    number = body + luhn_check(body)
    groups = [number[i:i + 4] for i in range(0, len(number), 4)]
    style = rng.random()
    if style < 0.45:
        return " ".join(groups)
    if style < 0.55:
        return "-".join(groups)
    return number


# --- passports, e-mail ---------------------------------------------------------------------

def passport(rng: random.Random) -> str:
    return rng.choice((
        "E" + digits(rng, 8), "E" + digits(rng, 8),
        "E" + rng.choice(LETTERS_NO_IO) + digits(rng, 7),
        "G" + digits(rng, 8), rng.choice(("D", "S", "P")) + digits(rng, 7),
        rng.choice(("DE", "SE", "PE")) + digits(rng, 7),
    ))


EMAIL_WORDS = ("zhang", "wang", "li", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou",
               "xu", "sun", "ma", "zhu", "hu", "guo", "he", "lin", "gao", "luo", "xiao",
               "wei", "jun", "ming", "hua", "fang", "lei", "jing", "ying", "tao", "office",
               "hr", "info", "sales", "kefu", "admin")
EMAIL_DOMAINS = ("qq.com", "163.com", "126.com", "sina.com", "sina.cn", "sohu.com",
                 "foxmail.com", "yeah.net", "139.com", "189.cn", "aliyun.com", "gmail.com",
                 "outlook.com", "hotmail.com", "pku.edu.cn", "zju.edu.cn", "mails.ucas.ac.cn",
                 "company.com.cn", "gov.cn", "example.net")


def email(rng: random.Random) -> str:
    if rng.random() < 0.25:
        local = str(rng.randint(10000, 3999999999))
    else:
        words = rng.sample(EMAIL_WORDS, rng.choice((1, 2, 2)))
        local = rng.choice((".", "_", "-", "")).join(words)
        if rng.random() < 0.5:
            local += str(rng.randint(1, 2025))
    domain = rng.choice(EMAIL_DOMAINS)
    if rng.random() < 0.08:
        local, domain = local.upper(), domain.upper()
    return f"{local}@{domain}"


# --- addresses ------------------------------------------------------------------------------

# (province, prefecture cities, districts and counties); municipalities have no prefecture.
PLACES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("北京市", (), ("东城区", "西城区", "朝阳区", "海淀区", "丰台区", "昌平区", "通州区",
                   "大兴区", "密云区", "延庆区")),
    ("上海市", (), ("黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区",
                   "浦东新区", "闵行区", "宝山区", "嘉定区", "松江区", "崇明区")),
    ("天津市", (), ("和平区", "河西区", "南开区", "滨海新区", "武清区", "蓟州区")),
    ("重庆市", (), ("渝中区", "江北区", "南岸区", "九龙坡区", "万州区", "巫山县", "秀山县")),
    ("河北省", ("石家庄市", "保定市", "唐山市", "邯郸市"), ("长安区", "桥西区", "竞秀区",
                                                     "路北区", "正定县", "涿州市")),
    ("山西省", ("太原市", "大同市", "晋中市"), ("小店区", "迎泽区", "平城区", "平遥县")),
    ("内蒙古自治区", ("呼和浩特市", "包头市", "鄂尔多斯市"), ("新城区", "赛罕区", "昆都仑区",
                                                         "东胜区")),
    ("辽宁省", ("沈阳市", "大连市", "鞍山市"), ("和平区", "沈河区", "中山区", "甘井子区",
                                              "铁东区")),
    ("吉林省", ("长春市", "吉林市"), ("朝阳区", "南关区", "船营区", "农安县")),
    ("黑龙江省", ("哈尔滨市", "齐齐哈尔市", "大庆市"), ("南岗区", "道里区", "香坊区",
                                                   "萨尔图区", "五常市")),
    ("江苏省", ("南京市", "苏州市", "无锡市", "徐州市", "南通市"), ("玄武区", "鼓楼区",
                                                               "江宁区", "姑苏区",
                                                               "吴中区", "昆山市",
                                                               "梁溪区", "沛县",
                                                               "如皋市")),
    ("浙江省", ("杭州市", "宁波市", "温州市", "金华市", "湖州市"), ("西湖区", "上城区",
                                                               "拱墅区", "余杭区",
                                                               "鄞州区", "鹿城区",
                                                               "义乌市", "安吉县",
                                                               "桐庐县")),
    ("安徽省", ("合肥市", "芜湖市", "黄山市"), ("蜀山区", "包河区", "肥西县", "镜湖区",
                                              "黟县")),
    ("福建省", ("福州市", "厦门市", "泉州市"), ("鼓楼区", "仓山区", "思明区", "湖里区",
                                              "晋江市", "安溪县")),
    ("江西省", ("南昌市", "九江市", "赣州市"), ("东湖区", "红谷滩区", "濂溪区", "章贡区",
                                              "婺源县")),
    ("山东省", ("济南市", "青岛市", "烟台市", "潍坊市"), ("历下区", "市中区", "市南区",
                                                     "崂山区", "芝罘区", "寿光市",
                                                     "平阴县")),
    ("河南省", ("郑州市", "洛阳市", "开封市", "南阳市"), ("金水区", "二七区", "中原区",
                                                     "涧西区", "兰考县", "新郑市")),
    ("湖北省", ("武汉市", "宜昌市", "襄阳市"), ("武昌区", "洪山区", "江汉区", "硚口区",
                                              "西陵区", "秭归县")),
    ("湖南省", ("长沙市", "株洲市", "湘潭市", "岳阳市"), ("岳麓区", "芙蓉区", "雨花区",
                                                     "天元区", "宁乡市", "韶山市",
                                                     "平江县")),
    ("广东省", ("广州市", "深圳市", "佛山市", "东莞市", "珠海市", "汕头市"), (
        "天河区", "越秀区", "海珠区", "番禺区", "南山区", "福田区", "宝安区", "龙岗区",
        "禅城区", "顺德区", "香洲区", "金平区", "博罗县")),
    ("广西壮族自治区", ("南宁市", "桂林市", "柳州市"), ("青秀区", "西乡塘区", "秀峰区",
                                                    "阳朔县", "城中区")),
    ("海南省", ("海口市", "三亚市"), ("龙华区", "美兰区", "天涯区", "吉阳区", "琼海市")),
    ("四川省", ("成都市", "绵阳市", "乐山市", "宜宾市"), ("武侯区", "锦江区", "青羊区",
                                                     "成华区", "双流区", "涪城区",
                                                     "峨眉山市", "汶川县")),
    ("贵州省", ("贵阳市", "遵义市"), ("南明区", "云岩区", "观山湖区", "汇川区", "湄潭县")),
    ("云南省", ("昆明市", "大理白族自治州", "丽江市"), ("五华区", "盘龙区", "官渡区",
                                                    "大理市", "古城区", "宾川县")),
    ("西藏自治区", ("拉萨市", "日喀则市"), ("城关区", "堆龙德庆区", "桑珠孜区")),
    ("陕西省", ("西安市", "宝鸡市", "咸阳市"), ("雁塔区", "碑林区", "未央区", "长安区",
                                              "渭滨区", "秦都区", "周至县")),
    ("甘肃省", ("兰州市", "天水市", "酒泉市"), ("城关区", "七里河区", "秦州区", "敦煌市")),
    ("青海省", ("西宁市", "海东市"), ("城东区", "城西区", "湟中区", "互助土族自治县")),
    ("宁夏回族自治区", ("银川市", "石嘴山市"), ("兴庆区", "金凤区", "大武口区", "贺兰县")),
    ("新疆维吾尔自治区", ("乌鲁木齐市", "喀什地区", "伊犁哈萨克自治州"), (
        "天山区", "沙依巴克区", "喀什市", "伊宁市", "疏勒县")),
)
STREET_HEADS = ("人民", "解放", "中山", "建设", "和平", "新华", "长江", "黄河", "胜利",
                "光明", "文化", "朝阳", "东风", "团结", "青年", "工业", "学府", "滨河",
                "环城", "府前", "振兴", "幸福", "迎宾", "站前", "科技", "创业", "金融",
                "花园", "南京", "北京", "延安", "复兴", "建国", "五一", "八一", "红旗",
                "丰收", "桃源", "翠湖", "星光", "龙华", "凤凰", "天府", "钱江", "珠江")
STREET_TAILS = ("路", "路", "路", "大道", "街", "大街", "东路", "西路", "南路", "北路",
                "中路", "一路", "二路", "三路", "巷", "胡同", "里", "弄", "大街东段")
ESTATE_HEADS = ("阳光", "金色", "碧水", "锦绣", "翠湖", "紫荆", "香榭", "枫林", "绿洲",
                "华府", "名都", "御景", "滨江", "世纪", "天鹅湖", "丽景", "书香", "银河",
                "东方", "盛世", "恒大", "万科", "保利", "龙湖", "融创", "富力", "海棠")
ESTATE_TAILS = ("花园", "小区", "家园", "苑", "公寓", "新村", "名苑", "雅居", "华庭",
                "山庄", "嘉园", "城", "大厦", "广场", "公馆", "一期", "二期")
TOWN_HEADS = ("城关", "新城", "东关", "西关", "南街", "北城", "桥头", "石桥", "白沙",
              "黄土", "青山", "柳林", "杨柳", "马家", "李家", "王庄", "河口", "三里屯",
              "龙泉", "清水", "高桥", "古城")


def street(rng: random.Random) -> str:
    return rng.choice(STREET_HEADS) + rng.choice(STREET_TAILS)


def estate(rng: random.Random) -> str:
    return rng.choice(ESTATE_HEADS) + rng.choice(ESTATE_TAILS)


def building(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.3:
        return (f"{estate(rng)}{rng.randint(1, 40)}{rng.choice(('栋', '幢', '号楼'))}"
                f"{rng.randint(1, 6)}单元{rng.randint(1, 33)}{rng.randint(1, 6):02d}室")
    if kind < 0.5:
        return (f"{estate(rng)}{rng.randint(1, 30)}号楼{rng.randint(1, 6)}单元"
                f"{rng.randint(101, 2806)}")
    if kind < 0.65:
        return f"{estate(rng)}{rng.choice('ABCDE')}座{rng.randint(2, 45)}{rng.choice(('层', '楼'))}"
    if kind < 0.8:
        return f"{rng.randint(1, 20)}号院{rng.randint(1, 12)}号楼{rng.randint(101, 1806)}室"
    return ""


def town(rng: random.Random) -> str:
    return rng.choice(TOWN_HEADS) + rng.choice(("街道", "镇", "镇", "乡"))


def urban_address(rng: random.Random) -> str:
    province, cities, districts = rng.choice(PLACES)
    city = rng.choice(cities) if cities else ""
    parts = [province, city, rng.choice(districts)]
    if rng.random() < 0.2:
        parts.append(town(rng))
    parts.append(street(rng) + f"{rng.randint(1, 1200)}号")
    parts.append(building(rng))
    start = rng.choice((0, 0, 0, 1, 1, 2)) if city else rng.choice((0, 0, 2))
    parts = [p for p in parts[start:] if p]
    return rng.choice(("", "", "", "", " ")).join(parts)


def rural_address(rng: random.Random) -> str:
    province, cities, districts = rng.choice(PLACES)
    county = rng.choice([d for d in districts if d.endswith("县")] or
                        [rng.choice(TOWN_HEADS) + "县"])
    village = rng.choice(TOWN_HEADS) + rng.choice(("村", "村", "庄村", "屯"))
    parts = [province, rng.choice(cities) if cities else "", county,
             rng.choice(TOWN_HEADS) + rng.choice(("镇", "乡")), village]
    tail = rng.choice((f"{rng.randint(1, 12)}组{rng.randint(1, 99)}号",
                       f"{rng.choice('一二三四五六七八')}组", f"{rng.randint(1, 300)}号", ""))
    start = rng.choice((0, 0, 1, 2)) if cities else 0
    return "".join(p for p in parts[start:] if p) + tail


def postcode_for(rng: random.Random) -> str:
    return f"{rng.randint(10, 85)}{digits(rng, 4)}"


def address(rng: random.Random) -> str:
    text = urban_address(rng) if rng.random() < 0.75 else rural_address(rng)
    if rng.random() < 0.35:
        code = postcode_for(rng)
        text += rng.choice((f"，邮编{code}", f" 邮编：{code}", f"（邮编{code}）",
                            f"，邮政编码：{code}", f" {code}"))
    return text


# --- new types ------------------------------------------------------------------------------

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
USCC_WEIGHTS = tuple(3 ** i % 31 for i in range(17))
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code(rng: random.Random) -> str:
    """GB 11714 organisation code: 8 characters and a check character."""
    body = chars(rng, DIGITS + "ABCDEFGHJKLMNPQRTUWXY", 8) if rng.random() < 0.3 else digits(rng, 8)
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def uscc_check(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def social_credit_code(rng: random.Random) -> str:
    authority, category = rng.choice((("9", "1"), ("9", "1"), ("9", "2"), ("9", "3"),
                                      ("1", "1"), ("1", "2"), ("5", "1"), ("5", "2"),
                                      ("5", "3"), ("Y", "1")))
    region = rng.choice(PROVINCE_CODES) + rng.choice(("0000", "0100", "0105", "0302", "1100"))
    organisation = org_code(rng)
    if rng.random() < 0.3:  # codes issued since 2015 to new companies: MA + 7 characters
        organisation = "MA" + chars(rng, USCC_CHARS, 7)
    first17 = authority + category + region + organisation[:9]
    return first17 + uscc_check(first17)


def hk_macau_permit(rng: random.Random) -> str:
    """往来港澳通行证 (C + 8, older W + 8) and 港澳居民来往内地通行证 (H/M + 8 or 10)."""
    return rng.choice((
        "C" + digits(rng, 8), "C" + digits(rng, 8),
        "C" + rng.choice(LETTERS_NO_IO) + digits(rng, 7),
        "W" + digits(rng, 8), rng.choice("HM") + digits(rng, 8), rng.choice("HM") + digits(rng, 10),
    ))


def taiwan_permit(rng: random.Random) -> str:
    """台湾居民来往大陆通行证: 8 digits since 2015; older booklets 10 digits with a bracketed
    letter or digit."""
    return rng.choice((
        digits(rng, 8), digits(rng, 8), digits(rng, 10),
        digits(rng, 10) + f"({rng.choice('ABCDEFG')})",
        digits(rng, 8) + f"({rng.choice('ABCDEFG' + DIGITS)})",
        digits(rng, 10) + f"（{rng.choice('ABC')}）",
    ))


def hk_identity_card(rng: random.Random) -> str:
    letters = chars(rng, "ABCDEFGHJKLMNPRSTVWXYZ", rng.choice((1, 1, 1, 2)))
    number = digits(rng, 6)
    values = ([36] if len(letters) == 1 else []) + [ord(c) - 55 for c in letters] + \
        [int(d) for d in number]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    check_char = "A" if check == 10 else str(check)
    return rng.choice((f"{letters}{number}({check_char})", f"{letters}{number}({check_char})",
                       f"{letters}{number}（{check_char}）", f"{letters}{number}{check_char}"))


def macau_identity_card(rng: random.Random) -> str:
    first, body, check = rng.choice("157"), digits(rng, 6), rng.choice(DIGITS)
    return rng.choice((f"{first}{body}({check})", f"{first}{body}({check})",
                       f"{first}/{body}/{check}", f"{first}{body}（{check}）"))


def wechat_id(rng: random.Random) -> str:
    head = rng.choice("abcdefghijklmnopqrstuvwxyz" + "ABCDEFGHJKLMNPQRSTUVWXYZ")
    body_alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_-"
    if rng.random() < 0.5:
        word = rng.choice(EMAIL_WORDS) + rng.choice(("", "_", "-")) + rng.choice(EMAIL_WORDS)
        text = (head + word + str(rng.randint(0, 99999)))[:20]
    else:
        text = head + chars(rng, body_alphabet, rng.randint(5, 19))
    return text if len(text) >= 6 else text + digits(rng, 6 - len(text))


def qq_number(rng: random.Random) -> str:
    return str(rng.randint(1, 9)) + digits(rng, rng.randint(4, 10))


VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
VIN_VALUES = dict(zip("ABCDEFGHJKLMNPRSTUVWXYZ", (1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9,
                                                  2, 3, 4, 5, 6, 7, 8, 9), strict=True))
VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VIN_YEARS = "ABCDEFGHJKLMNPRSTVWXY123456789"
WMIS = ("LSV", "LFV", "LGB", "LVS", "LHG", "LBV", "LGW", "LSG", "LDC", "LZW", "LNB", "LB3",
        "LFP", "LGX", "LJD", "LRW", "LVG", "WBA", "WDD", "WVW", "JTD", "1HG", "5YJ", "KMH")


def vin_check(vin: str) -> str:
    total = sum((VIN_VALUES.get(c) or int(c)) * w for c, w in zip(vin, VIN_WEIGHTS, strict=True))
    return "X" if total % 11 == 10 else str(total % 11)


def vin(rng: random.Random) -> str:
    body = rng.choice(WMIS) + chars(rng, VIN_CHARS, 5) + "0" + rng.choice(VIN_YEARS) + \
        chars(rng, VIN_CHARS, 1) + digits(rng, 6)
    if rng.random() < 0.8:
        return body[:8] + vin_check(body) + body[9:]
    return body[:8] + rng.choice(VIN_CHARS) + body[9:]  # a European VIN: no check digit


def medical_record_number(rng: random.Random) -> str:
    return rng.choice((
        digits(rng, rng.randint(6, 10)), f"{rng.randint(2015, 2025)}{digits(rng, 6)}",
        rng.choice(("ZY", "MZ", "BA", "H", "M")) + digits(rng, rng.randint(6, 10)),
        f"{rng.choice(('ZY', 'MZ'))}{rng.randint(2018, 2025)}-{digits(rng, 5)}",
    ))


def student_number(rng: random.Random) -> str:
    year = rng.randint(2010, 2025)
    return rng.choice((
        f"{year}{digits(rng, rng.randint(4, 8))}",
        f"{str(year)[2:]}{digits(rng, rng.randint(6, 8))}",
        rng.choice(("S", "B", "M", "D", "SY", "BY")) + f"{year}{digits(rng, 4)}",
    ))


# --- sentences ------------------------------------------------------------------------------

# Carrier sentences per generator: "{}" is the value. Each generator's label is the scorer's.
TEMPLATES: dict[str, tuple[str, tuple[str, ...]]] = {
    "cn_id": ("CN_ID", (
        "身份证号：{}", "公民身份号码{}，请核对。", "本人身份证{}，申请补办社保卡。",
        "证件号码：{}；证件类型：居民身份证", "经查，当事人（身份证号码{}）已签字确认。",
        "报名信息——身份证：{}，手机已验证。", "请提供身份证号，例如{}，以便实名认证。",
        "{}这个号码是我的身份证。", "入住登记 证件号 {} 房号 1208", "居住证号码{}已激活",
        "乘客证件：{}（身份证）", "他的身份证号码是{}吧？",
    )),
    "cn_id_legacy": ("CN_ID", (
        "旧身份证号{}（15位）已升级。", "老身份证：{}", "一代身份证号码为{}，请换领新证。",
        "证件号码{}，系十五位旧号。",
    )),
    "plate": ("PLATE", (
        "车牌号：{}", "违章车辆{}于昨日在高架上超速。", "停车场记录：{} 入场 08:32，出场 17:45。",
        "我的车是{}，白色的。", "车辆号牌{}已年检。", "{}的车主请尽快挪车！",
        "号牌号码：{}，号牌种类：小型汽车", "监控拍到一辆{}闯红灯", "请{}车主到前台缴费",
        "车牌{}，车型轿车，颜色黑", "挂牌{}的货车被拦下",
        "你的车牌是不是{}？",
    )),
    "phone": ("PHONE", (
        "联系电话：{}", "手机{}，微信同号。", "有事请拨打{}。", "客服热线 {} 工作日 9:00-18:00",
        "电话：{}（办公室）", "如有疑问请致电{}咨询。", "收件人电话{}，请送货前联系。",
        "我的号码是{}，换号了", "紧急联系人电话 {}", "座机{}，传真同号。", "打{}找前台就行",
        "报修请打{}或者在线提交。",
    )),
    "bank_card": ("BANK_CARD", (
        "银行卡号：{}", "请将款项汇入{}（工商银行）。", "工资卡{}，开户行建设银行。",
        "退款账户 {} 户名已核对", "卡号{}已挂失。", "借记卡：{}", "转账到这张卡{}就行",
        "收款账号：{}，开户行：农业银行城关支行",
    )),
    "passport": ("PASSPORT", (
        "护照号码：{}", "护照号{}，有效期至2030年。", "旅客护照 {} 已办理登机。",
        "请携带护照（{}）原件办理。", "Passport No. {}，签发地北京",
    )),
    "email": ("EMAIL", (
        "邮箱：{}", "简历请发送至{}，注明应聘岗位。", "有问题发邮件到{}吧", "电子邮件 {} 已验证",
        "联系邮箱{}（工作日回复）", "Email: {}",
    )),
    "address": ("ADDRESS", (
        "地址：{}", "收货地址：{}", "家住{}。", "公司位于{}，欢迎来访。", "请寄到{}，谢谢！",
        "户籍地址{}", "现居住于{}", "通讯地址：{}", "事发地点：{}附近。", "快递放{}门口就行",
        "我们搬到了{}，有空来玩",
    )),
    "social_credit_code": ("ID", (
        "统一社会信用代码：{}", "纳税人识别号{}，开票时请填写。", "公司统一社会信用代码为{}。",
        "信用代码 {} 法定代表人已变更", "营业执照（{}）已年检。",
    )),
    "hk_macau_permit": ("ID", (
        "港澳通行证号码：{}", "往来港澳通行证{}已签注。", "回乡证号{}，请核对。",
        "通行证号码{}已过期，请补办。", "证件：港澳通行证 {}",
    )),
    "taiwan_permit": ("ID", (
        "台胞证号码：{}", "台胞证{}，有效期五年。", "台湾居民来往大陆通行证号码{}",
        "证件类型：台胞证；证件号：{}",
    )),
    "hk_identity_card": ("ID", (
        "香港身份证号码：{}", "香港身份证{}，请核对。", "HKID {}", "持香港永久性居民身份证（{}）",
        "身份证号码{}（香港）",
    )),
    "macau_identity_card": ("ID", (
        "澳门身份证号码：{}", "澳门居民身份证{}已登记。", "澳门身份证 {}",
    )),
    "wechat_id": ("ID", (
        "微信：{}", "微信号{}，加我备注来意。", "加我wx：{}", "WeChat: {}", "vx {} 欢迎咨询",
        "有事加微信{}", "微信号：{}（非手机号）",
    )),
    "qq_number": ("ID", (
        "QQ：{}", "QQ号{}，加好友请备注。", "扣扣{}", "联系qq {}", "QQ群 {} 欢迎加入",
    )),
    "vin": ("ID", (
        "车架号：{}", "车辆识别代号{}，发动机号另附。", "VIN：{}", "VIN码 {} 已核验",
        "车架号码{}，请核对行驶证。", "{}（车架号）",
    )),
    "medical_record_number": ("ID", (
        "病历号：{}", "住院号{}，床号12。", "门诊号 {} 请到三楼取药", "病案号：{}",
        "患者住院号：{}，入院日期2023年5月。",
    )),
    "student_number": ("ID", (
        "学号：{}", "学号{}，班级三班。", "学生学号 {} 已注册", "请填写学号（{}）后提交。",
    )),
}

GENERATORS: dict[str, Generator] = {
    "cn_id": cn_id, "cn_id_legacy": cn_id_legacy, "plate": plate, "phone": phone,
    "bank_card": bank_card, "passport": passport, "email": email, "address": address,
    "social_credit_code": social_credit_code, "hk_macau_permit": hk_macau_permit,
    "taiwan_permit": taiwan_permit, "hk_identity_card": hk_identity_card,
    "macau_identity_card": macau_identity_card, "wechat_id": wechat_id,
    "qq_number": qq_number, "vin": vin, "medical_record_number": medical_record_number,
    "student_number": student_number,
}
# How often each generator is drawn: the established types most (the figures).
WEIGHTS: dict[str, int] = {
    "cn_id": 6, "cn_id_legacy": 2, "plate": 10, "phone": 10, "bank_card": 5, "passport": 3,
    "email": 3, "address": 10, "social_credit_code": 2, "hk_macau_permit": 2,
    "taiwan_permit": 2, "hk_identity_card": 2, "macau_identity_card": 1, "wechat_id": 2,
    "qq_number": 2, "vin": 2, "medical_record_number": 2, "student_number": 2,
}

JOINERS = ("，", "；", "。", " ", "\n", "，另外")

DECOYS: tuple[Generator, ...] = (
    lambda r: f"原价¥{r.randint(100, 9999)}.00，现价{r.randint(50, 999)}元，"
    f"满{r.randint(1, 9)}00减{r.randint(10, 99)}。",
    lambda r: f"会议定于{r.randint(2019, 2025)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d} "
    f"{r.randint(8, 20)}:{r.randint(0, 59):02d}在三楼会议室召开。",
    lambda r: f"订单号{r.randint(2019, 2025)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}"
    f"{digits(r, 10)}已发货。",
    lambda r: f"快递单号：{r.choice(('SF', 'YT', 'JT', 'ZTO'))}{digits(r, 13)}，请注意查收。",
    lambda r: f"发票代码0{digits(r, 11)}，发票号码{digits(r, 8)}，"
    f"金额{r.randint(10, 9999)}.{r.randint(0, 99):02d}元。",
    lambda r: f"本季度营收{r.randint(1000, 99999)}万元，"
    f"同比增长{r.randint(1, 40)}.{r.randint(0, 9)}%。",
    lambda r: f"产品型号{r.choice(('XR', 'MX', 'GT'))}-{r.randint(100, 9999)}，"
    f"库存{r.randint(1, 5000)}件。",
    lambda r: f"航班{r.choice(('CA', 'MU', 'CZ'))}{r.randint(1000, 9999)}"
    f"于{r.randint(0, 23):02d}:{r.randint(0, 59):02d}起飞。",
    lambda r: f"{r.randint(2000, 2025)}年{r.randint(1, 12)}月{r.randint(1, 28)}日，"
    f"气温{r.randint(-10, 38)}℃。",
    lambda r: f"第{r.randint(1, 30)}届运动会共有{r.randint(100, 9999)}名运动员参加，"
    f"历时{r.randint(2, 15)}天。",
    lambda r: f"请把第{r.randint(1, 12)}章的习题做完，共{r.randint(10, 60)}题。",
)


def sentence(rng: random.Random, name: str) -> tuple[str, Entity]:
    """A carrier sentence for one value of generator ``name``; the entity's offsets are in
    the sentence."""
    label, templates = TEMPLATES[name]
    before, _, after = rng.choice(templates).partition("{}")
    value = GENERATORS[name](rng)
    return before + value + after, {"start": len(before), "end": len(before) + len(value),
                                    "label": label, "text": value}


def record(rng: random.Random, names: list[str]) -> tuple[str, list[Entity]]:
    """One to three sentences, one value each, joined as in a message or a form."""
    text, entities = "", []
    for i, name in enumerate(names):
        if i:
            text += rng.choice(JOINERS)
        part, entity = sentence(rng, name)
        entity["start"] += len(text)
        entity["end"] += len(text)
        entities.append(entity)
        text += part
    return text, entities


def generate(n: int, seed: int) -> list[Record]:
    rng = random.Random(seed)
    names, weights = list(WEIGHTS), list(WEIGHTS.values())
    records: list[Record] = []
    for i in range(n):
        entities: list[Entity] = []
        if i % 5 == 4:
            text = rng.choice(DECOYS)(rng)
        else:
            text, entities = record(rng, rng.choices(names, weights, k=rng.choice((1, 1, 2, 3))))
        records.append({"id": f"zh_identifier_{seed}_{i}", "text": text, "entities": entities})
    return records


_SEPARATORS = re.compile(r"[\s·\-()（）/]")


def compact(value: str) -> str:
    """A value without its separators and brackets."""
    return _SEPARATORS.sub("", value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--n", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with args.out.open("w", encoding="utf-8") as out:
        for rec in generate(args.n, args.seed):
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
