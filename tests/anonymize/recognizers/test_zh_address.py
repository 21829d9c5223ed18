from __future__ import annotations

import pytest

from anonymize.recognizers.zh_structured import CnAddressRecognizer
from tests.anonymize.recognizers.engine_helper import spans, where

RECOGNIZER = CnAddressRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我住在广东省深圳市南山区科技园路100号阳光花园3栋2单元501室，欢迎来玩",
         ["广东省深圳市南山区科技园路100号阳光花园3栋2单元501室"]),
        ("地址：北京市朝阳区建国路88号", ["北京市朝阳区建国路88号"]),
        ("寄到上海市浦东新区张江镇祖冲之路2288弄。", ["上海市浦东新区张江镇祖冲之路2288弄"]),
        ("收货地址：浙江省杭州市西湖区文三路478号华星时代广场A座12层",
         ["浙江省杭州市西湖区文三路478号华星时代广场A座12层"]),
        ("快递送至海淀区中关村大街27号", ["海淀区中关村大街27号"]),
        ("他来自湖南省长沙市", ["湖南省长沙市"]),
        ("公司位于山东省青岛市市南区香港中路10号", ["山东省青岛市市南区香港中路10号"]),
        ("新疆维吾尔自治区乌鲁木齐市天山区", ["新疆维吾尔自治区乌鲁木齐市天山区"]),
        ("放在人民路12号门卫处", ["人民路12号"]),
        # villages and their groups; parts a space apart; a bare room number; a road
        # section; a postcode after a space
        ("家住湖南省平江县东关镇河口村3组12号", ["湖南省平江县东关镇河口村3组12号"]),
        ("寄到桐庐县柳林镇白沙屯八组（邮编311500）", ["桐庐县柳林镇白沙屯八组（邮编311500）"]),
        ("地址：上海市 嘉定区 迎宾路679号 阳光雅居7号楼908室",
         ["上海市 嘉定区 迎宾路679号 阳光雅居7号楼908室"]),
        ("住在朝阳区望京花园3号楼2单元1502，", ["朝阳区望京花园3号楼2单元1502"]),
        ("广州市天河区中山大道西段185号 510630", ["广州市天河区中山大道西段185号 510630"]),
        ("寄到上海市徐汇区漕溪北路88号1801室（200030）",
         ["上海市徐汇区漕溪北路88号1801室（200030）"]),
        # lanes (…里) before a house number; estate phases and zones; a named building
        # or office after the house number, with its own unit
        ("寄到天津市南开区福安里16号", ["天津市南开区福安里16号"]),
        ("住在武侯区锦绣花园二期C座", ["武侯区锦绣花园二期C座"]),
        ("地址：海珠区江南花园3区8栋", ["海珠区江南花园3区8栋"]),
        ("地址：广州市越秀区中山五路56号华联商厦1203室",
         ["广州市越秀区中山五路56号华联商厦1203室"]),
        ("北京市海淀区中关村大街1号联想公司", ["北京市海淀区中关村大街1号"]),
        # a postcode next to the address is part of it; a longer number is not a postcode
        ("地址：北京市海淀区中关村大街1号 邮编100080", ["北京市海淀区中关村大街1号 邮编100080"]),
        ("寄到深圳市南山区科技园路1号（邮政编码：518057）谢谢",
         ["深圳市南山区科技园路1号（邮政编码：518057）"]),
        ("北京市海淀区中关村大街1号，邮编：100080。", ["北京市海淀区中关村大街1号，邮编：100080"]),
        ("北京市海淀区 邮编1000801", ["北京市海淀区"]),
        # no match: 里 meaning "in"; a place heading an organisation's name
        ("他在公司里3楼开会", []),
        ("约在建国路88号下午3点见", ["建国路88号"]),
        ("番禺区人民法院判决", []),
        ("浙江省杭州市人民政府发布", []),
        ("广东省深圳市公安局通报", []),
        ("江苏省南京市鼓楼区人民检察院", []),
        ("四川省成都市第一中学", ["四川省成都市"]),
        # no match: one part is a place, not an address
        ("我在超市买东西", []),
        ("他去了深圳市", []),
        ("人民路上车很多", []),
        ("南京市长江大桥", []),
        ("本市各区县", []),
        ("北京大学", []),
        ("10月3号5层开会", []),
    ],
)
def test_cn_address(text: str, expected: list[str]) -> None:
    assert spans(RECOGNIZER, text) == where(text, *expected)
