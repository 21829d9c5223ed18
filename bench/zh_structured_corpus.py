"""Generate a labelled corpus of structured Chinese PII embedded in realistic sentences.

Deterministic (seeded ``random.Random``, no external data). Writes JSON Lines in the
shared/data format ``{"id", "text", "entities": [{"start", "end", "label", "text"}]}``,
offsets in code points, end exclusive. Labels: CN_ID, PHONE, BANK_CARD, PASSPORT, PLATE,
EMAIL, ADDRESS (an ID with a wrong check character, a typo that still identifies a
person, is a CN_ID). About one record in four is a decoy with no labels: prices, dates,
times, order and tracking numbers and card numbers failing Luhn, so that detections on
them count against precision. Templates contain no personal
names, so a person recognizer run on the corpus does not add unlabelled spans.

Usage: .venv/bin/python bench/zh_structured_corpus.py --out FILE [--n 600] [--seed 1]
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

ID_REGIONS = (
    "110101", "110105", "120101", "130102", "140105", "150102", "210102", "220102",
    "230102", "310104", "310115", "320102", "330106", "340102", "350203", "360102",
    "370102", "410105", "420102", "430103", "440106", "440305", "450103", "460105",
    "500103", "510107", "520102", "530102", "540102", "610113", "620102", "630102",
    "640104", "650102",
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "147", "150", "151",
    "152", "153", "155", "156", "157", "158", "159", "166", "170", "173", "175", "176",
    "177", "178", "180", "181", "182", "183", "185", "186", "187", "188", "189", "191",
    "198", "199",
)
AREA_CODES = ("010", "020", "021", "022", "023", "024", "025", "027", "028", "029", "0571",
              "0755", "0512", "0531", "0532", "0591", "0731", "0871", "0898", "0351")
CARD_PREFIXES = (  # (issuer prefix, lengths)
    ("622202", (16, 19)), ("621700", (19,)), ("622848", (19,)), ("623668", (19,)),
    ("622588", (16,)), ("621226", (19,)), ("628888", (16,)), ("4", (16,)), ("51", (16,)),
    ("53", (16,)), ("55", (16,)), ("356", (16,)),
)
PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
EMAIL_LOCALS = ("zhangwei", "li.na", "wang_fang", "liuyang", "chen.jing", "yangli",
                "huangmin", "zhao.lei", "wu_qiang", "xiaoming", "service", "hr", "tony.z")
EMAIL_DOMAINS = ("qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "gmail.com",
                 "outlook.com", "aliyun.com", "sohu.com", "mail.tsinghua.edu.cn",
                 "huawei-tech.com.cn", "example.org.cn")
# (province, city or "" for a municipality, districts)
PLACES = (
    ("广东省", "深圳市", ("南山区", "福田区", "宝安区", "龙岗区")),
    ("广东省", "广州市", ("天河区", "越秀区", "海珠区")),
    ("北京市", "", ("朝阳区", "海淀区", "东城区", "丰台区")),
    ("上海市", "", ("浦东新区", "徐汇区", "静安区", "闵行区")),
    ("浙江省", "杭州市", ("西湖区", "余杭区", "拱墅区")),
    ("江苏省", "南京市", ("鼓楼区", "玄武区", "江宁区")),
    ("江苏省", "苏州市", ("姑苏区", "吴中区", "昆山市")),
    ("四川省", "成都市", ("武侯区", "锦江区", "双流区")),
    ("湖北省", "武汉市", ("洪山区", "江汉区", "武昌区")),
    ("陕西省", "西安市", ("雁塔区", "碑林区", "长安区")),
    ("山东省", "青岛市", ("市南区", "崂山区", "黄岛区")),
    ("重庆市", "", ("渝中区", "江北区", "沙坪坝区")),
    ("湖南省", "长沙市", ("岳麓区", "芙蓉区", "雨花区")),
    ("福建省", "厦门市", ("思明区", "湖里区")),
    ("河南省", "郑州市", ("金水区", "二七区", "中原区")),
    ("新疆维吾尔自治区", "乌鲁木齐市", ("天山区", "沙依巴克区")),
    ("广西壮族自治区", "南宁市", ("青秀区", "兴宁区")),
    ("云南省", "昆明市", ("五华区", "盘龙区")),
)
TOWNS = ("粤海街道", "张江镇", "西湖街道", "城关镇", "华侨城街道", "北新泾街道")
ROADS = ("科技园南路", "建国路", "人民路", "解放大道", "南京东路", "长安街", "文三路",
         "天府大道", "中山路", "珠江路", "香港中路", "学院路", "幸福巷", "南锣鼓巷",
         "东三环中路", "延安西路", "滨江大道", "中关村大街")
COMMUNITIES = ("阳光花园", "翠苑小区", "华润大厦", "幸福家园", "万科城市花园", "锦绣公寓",
               "金地广场", "碧桂园", "龙湖时代天街", "世纪新村", "软件园")


def id_check_char(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def luhn_check_digit(body: str) -> str:
    total = 0
    for i, char in enumerate(reversed(body)):
        d = int(char)
        if i % 2 == 0:  # doubled: these sit at odd positions once the check digit is added
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def birth_date(rng: random.Random, first: int = 1950, last: int = 2010) -> date:
    return date(first, 1, 1) + timedelta(days=rng.randrange((last - first) * 365))


def cn_id(rng: random.Random) -> str:
    style = rng.choice(("plain", "plain", "plain", "x", "x_lower", "6-8-4", "6-4-4-4", "15"))
    region = rng.choice(ID_REGIONS)
    if style == "15":
        return region + birth_date(rng, 1930, 1999).strftime("%y%m%d") + digits(rng, 3)
    born = birth_date(rng).strftime("%Y%m%d")
    while True:
        first17 = region + born + digits(rng, 3)
        check = id_check_char(first17)
        if check == "X" or style not in ("x", "x_lower"):
            break
    full = first17 + (check.lower() if style == "x_lower" else check)
    if style == "6-8-4":
        return f"{full[:6]} {full[6:14]} {full[14:]}"
    if style == "6-4-4-4":
        return f"{full[:6]} {full[6:10]} {full[10:14]} {full[14:]}"
    return full


def bad_cn_id(rng: random.Random) -> str:
    """An 18-character ID-shaped string with a wrong check character."""
    first17 = rng.choice(ID_REGIONS) + birth_date(rng).strftime("%Y%m%d") + digits(rng, 3)
    good = id_check_char(first17)
    return first17 + rng.choice([c for c in "0123456789X" if c != good])


def phone(rng: random.Random) -> str:
    mobile = rng.choice(MOBILE_PREFIXES) + digits(rng, 8)
    a, b, c = mobile[:3], mobile[3:7], mobile[7:]
    area = rng.choice(AREA_CODES)
    # Three-digit area codes have 8-digit local numbers; four-digit ones 7 or 8.
    local_len = 8 if len(area) == 3 or rng.random() < 0.7 else 7
    local = rng.choice("23456789") + digits(rng, local_len - 1)
    styles: tuple[str, ...] = (
        mobile, mobile, mobile, f"{a} {b} {c}", f"{a}-{b}-{c}", f"+86 {mobile}",
        f"+86-{a}-{b}-{c}", f"+86{mobile}", f"0086 {mobile}", f"86-{mobile}",
        f"(+86) {a} {b} {c}", f"（+86）{mobile}",
        f"{area}-{local}", f"{area}-{local}", f"({area}) {local}", f"（{area}）{local}",
        f"{area}-{local}转{rng.randint(100, 9999)}", f"{area}-{local}-{rng.randint(10, 999)}",
        f"+86 {area[1:]} {local}",
    )
    return rng.choice(styles)


def card_number(rng: random.Random, valid: bool = True) -> str:
    prefix, lengths = rng.choice(CARD_PREFIXES)
    body = prefix + digits(rng, rng.choice(lengths) - len(prefix) - 1)
    check = luhn_check_digit(body)
    if not valid:
        check = str((int(check) + rng.randint(1, 9)) % 10)
    number = body + check
    grouped = [number[i : i + 4] for i in range(0, len(number), 4)]
    return rng.choice((number, number, " ".join(grouped), "-".join(grouped)))


def passport(rng: random.Random) -> str:
    letter = rng.choice(PLATE_LETTERS)
    return rng.choice((
        "E" + digits(rng, 8), "E" + digits(rng, 8), f"E{letter}" + digits(rng, 7),
        "G" + digits(rng, 8), rng.choice(("DE", "SE", "PE", "D", "S", "P")) + digits(rng, 7),
        "C" + digits(rng, 8), f"C{letter}" + digits(rng, 7),
    ))


def plate(rng: random.Random) -> str:
    head = rng.choice(PLATE_PROVINCES) + rng.choice(PLATE_LETTERS)
    sep = rng.choice(("", "", "·", " ", "-"))
    alnum = PLATE_LETTERS + "0123456789" * 4  # mostly digits, as on real plates
    kind = rng.random()
    if kind < 0.3:  # new-energy
        tail = rng.choice(("D", "F")) + rng.choice(PLATE_LETTERS + "0123456789") + digits(rng, 4)
        if rng.random() < 0.3:
            tail = digits(rng, 5) + rng.choice(("D", "F"))
    elif kind < 0.4:
        tail = digits(rng, 4) + rng.choice("警学挂港领")
    else:
        tail = "".join(rng.choice(alnum) for _ in range(5))
        if sum(c.isalpha() for c in tail) > 2:
            tail = digits(rng, 5)
    return head + sep + tail


def email(rng: random.Random) -> str:
    local = rng.choice(EMAIL_LOCALS)
    if rng.random() < 0.5:
        local += str(rng.randint(1, 2024))
    if rng.random() < 0.15:
        local = str(rng.randint(10000, 3999999999))  # QQ number mailboxes
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


def address(rng: random.Random) -> str:
    province, city, districts = rng.choice(PLACES)
    district = rng.choice(districts)
    road = rng.choice(ROADS) + f"{rng.randint(1, 999)}号"
    unit = rng.choice((
        f"{rng.choice(COMMUNITIES)}{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元"
        f"{rng.randint(1, 33)}{rng.randint(1, 4):02d}室",
        f"{rng.choice(COMMUNITIES)}{rng.choice('ABCD')}座{rng.randint(2, 40)}层",
        f"{rng.randint(1, 20)}号楼{rng.randint(101, 2808)}室",
        "",
    ))
    town = rng.choice(TOWNS) if rng.random() < 0.2 else ""
    style = rng.random()
    if style < 0.5:
        return province + city + district + town + road + unit
    if style < 0.7:
        return (city or province) + district + road + unit
    if style < 0.85:
        return district + road + unit
    return road + (unit or f"{rng.choice(COMMUNITIES)}{rng.randint(1, 30)}栋")


def order_number(rng: random.Random) -> str:
    return rng.choice((
        f"2023{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" + digits(rng, 10),
        "4200001" + digits(rng, 21), "2" + digits(rng, 18),
        "SF" + digits(rng, 13), "YT" + digits(rng, 13), "JD00" + digits(rng, 11),
        "75" + digits(rng, 12),
    ))


GENERATORS: dict[str, Callable[[random.Random], str]] = {
    "CN_ID": cn_id, "PHONE": phone, "BANK_CARD": card_number, "PASSPORT": passport,
    "PLATE": plate, "EMAIL": email, "ADDRESS": address, "CN_ID_MISTYPED": bad_cn_id,
}

TEMPLATES = (
    "【快递单】收件地址：{ADDRESS}，收件人电话：{PHONE}，请工作日派送。",
    "寄件人手机{PHONE}，寄往{ADDRESS}，保价金额500元。",
    "订单备注：到了请打{PHONE}，放在{ADDRESS}门卫处，谢谢！",
    "个人简历 邮箱：{EMAIL} 手机：{PHONE} 现居住地：{ADDRESS}",
    "求职意向：产品经理。联系方式{PHONE}，简历请发送至{EMAIL}。",
    "报案记录：报案人身份证号{CN_ID}，称其驾驶的车牌为{PLATE}的小型汽车在{ADDRESS}附近被剐蹭。",
    "经查，当事人（公民身份号码：{CN_ID}）于当晚驾驶{PLATE}离开现场。",
    "退款请打到我的银行卡{BANK_CARD}，开户行是建设银行，有问题打{PHONE}。",
    "工资卡卡号：{BANK_CARD}，请财务核对后发放。",
    "出境旅客护照号码：{PASSPORT}，航班号CA1234，请于起飞前两小时到达。",
    "办理签证需提供护照号{PASSPORT}及身份证{CN_ID}复印件。",
    "往来港澳通行证号码{PASSPORT}已过期，请尽快补办。",
    "您好，我的邮箱是{EMAIL}，麻烦把合同发过来。",
    "业主登记：房屋地址{ADDRESS}，联系电话{PHONE}，车辆号牌{PLATE}。",
    "停车场记录 车牌{PLATE} 入场，缴费后离场。",
    "客户信息：证件号码{CN_ID}，手机{PHONE}，邮箱{EMAIL}。",
    "信用卡还款提醒：尾号提醒已开启，卡号{BANK_CARD}本期应还2,358.00元。",
    "会议通知发送到{EMAIL}，如有疑问致电{PHONE}。",
    "我家住在{ADDRESS}，欢迎来玩。",
    "公司位于{ADDRESS}，前台电话{PHONE}。",
    "违章通知：{PLATE}于2023年10月12日在{ADDRESS}违反禁令标志指示。",
    "身份证：{CN_ID}；银行卡：{BANK_CARD}；手机：{PHONE}。",
    "系统提示：身份证号{CN_ID_MISTYPED}校验失败，请重新输入。",
)

DECOYS: tuple[Callable[[random.Random], str], ...] = (
    lambda r: f"本店新品上架，原价¥{r.randint(100, 9999)}.00，现价{r.randint(50, 999)}元，"
    f"满{r.randint(1, 9)}00减{r.randint(10, 99)}。",
    lambda r: f"会议定于2023-{r.randint(1, 12):02d}-{r.randint(1, 28):02d} "
    f"{r.randint(8, 20)}:{r.randint(0, 59):02d}在三楼会议室召开。",
    lambda r: f"您的订单号{order_number(r)}已发货，预计{r.randint(2, 5)}天内送达。",
    lambda r: f"快递单号：{order_number(r)}，请注意查收。",
    lambda r: f"卡号{card_number(r, valid=False)}无效，请检查后重试。",
    lambda r: f"本季度营收{r.randint(1000, 99999)}万元，"
    f"同比增长{r.randint(1, 40)}.{r.randint(0, 9)}%。",
    lambda r: f"{r.randint(2000, 2024)}年{r.randint(1, 12)}月{r.randint(1, 28)}日，"
    f"气温{r.randint(-10, 38)}℃，湿度{r.randint(10, 99)}%。",
    lambda r: f"发票代码0{digits(r, 11)}，发票号码{digits(r, 8)}，"
    f"金额{r.randint(10, 9999)}.{r.randint(0, 99):02d}元。",
    lambda r: f"航班MU{r.randint(1000, 9999)}于{r.randint(0, 23):02d}:{r.randint(0, 59):02d}"
    f"起飞，登机口{r.choice('ABCDE')}{r.randint(1, 40)}。",
    lambda r: f"库存编号SKU{digits(r, 10)}，批次{r.randint(2019, 2024)}{digits(r, 6)}，"
    f"数量{r.randint(1, 5000)}件。",
    lambda r: f"请在城市的超市里买{r.randint(2, 12)}斤苹果，路上注意安全。",
    # Letter-digit codes shaped like passport numbers: only a low score without context.
    lambda r: f"设备序列号{r.choice('EGC')}{digits(r, 8)}，"
    f"固件版本v{r.randint(1, 9)}.{r.randint(0, 9)}。",
)

_FIELD = re.compile(r"\{([A-Z_]+)\}")


def fill(template: str, rng: random.Random) -> tuple[str, list[Entity]]:
    """Replace each {LABEL} by a generated value; return the text and its entities."""
    text = ""
    entities: list[Entity] = []
    last = 0
    for field in _FIELD.finditer(template):
        text += template[last : field.start()]
        label = field.group(1)
        value = GENERATORS[label](rng)
        entities.append({"start": len(text), "end": len(text) + len(value),
                         "label": label.removesuffix("_MISTYPED"), "text": value})
        text += value
        last = field.end()
    return text + template[last:], entities


def generate(n: int, seed: int) -> list[Record]:
    rng = random.Random(seed)
    records: list[Record] = []
    for i in range(n):
        entities: list[Entity] = []
        if i % 4 == 3:
            text = rng.choice(DECOYS)(rng)
        else:
            text, entities = fill(rng.choice(TEMPLATES), rng)
        records.append({"id": f"zh_structured_{seed}_{i}", "text": text, "entities": entities})
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with args.out.open("w", encoding="utf-8") as out:
        for record in generate(args.n, args.seed):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
