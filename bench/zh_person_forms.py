"""Chinese names in form and message sentences: every template with every name.

Templates and names are made up here (the shapes of contact forms, delivery notices,
records and greetings; common, compound, rare and minority names), not taken from a
corpus. Each record labels the one name as PERSON, in the shared/data format, so that
the shared scorer's rules apply: recall of the names, and person precision (a person span
that overlaps no name, such as a label word like 车主, counts against it).
"""

from __future__ import annotations

from typing import Any

TEMPLATES = (
    "联系人：{n}，电话13812345678",
    "收件人 {n} 13912345678",
    "姓名:{n} 性别:男",
    "持卡人{n}的银行卡尾号1234",
    "车主：{n}，车牌粤B12345",
    "经办人{n}2023年5月1日签字",
    "请联系{n}(021-12345678)",
    "收货人：{n}；地址：北京市朝阳区",
    "患者{n}，男，45岁",
    "申请人：{n}，身份证号110101199001011234",
    "{n}13912345678",
    "紧急联系人：{n}",
    "法定代表人：{n}",
    "客户{n}于昨日办理了业务",
    "{n}，电话：0755-12345678",
    "投保人 {n} 护照号 E12345678",
    "致{n}：您的订单已发货",
    "【快递】{n}您好，取件码1234",
    "学生{n}，学号2020123456",
    "房东{n}的微信号是abc123",
)

NAMES = (
    "王小明", "李静", "张伟", "刘洋", "陈思远", "杨帆", "黄丽娟", "赵磊", "周杰", "吴敏",
    "徐海峰", "孙晓燕", "马超", "朱婷婷", "胡建国", "郭芳", "何俊", "林雪", "高志强", "罗丹",
    "欧阳娜娜", "司马相宜", "诸葛明", "上官云", "皇甫嵩", "令狐冲", "慕容秋", "东方白",
    "阿不都·热合曼", "买买提·艾力", "古丽娜尔·吐尔逊", "努尔艾力·买买提", "扎西次仁", "卓玛",
    "尼玛·扎西", "覃秀兰", "褚卫国", "傅雷鸣", "洪秀英", "赖文峰", "萧雅", "韦春花", "蒙小龙",
    "农建新", "莫凡",
)


def records() -> list[dict[str, Any]]:
    out = []
    for t, template in enumerate(TEMPLATES):
        for n, name in enumerate(NAMES):
            text = template.format(n=name)
            start = text.index(name)
            out.append({"id": f"form_{t}_{n}", "text": text,
                        "entities": [{"start": start, "end": start + len(name),
                                      "label": "PERSON", "text": name}]})
    return out
