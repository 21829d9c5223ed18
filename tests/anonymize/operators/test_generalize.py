from __future__ import annotations

from typing import Any

import pytest
from presidio_anonymizer.entities import InvalidParamError

from anonymize.operators import Generalize
from tests.anonymize.operators.helpers import run

OP = Generalize()


@pytest.mark.parametrize(
    ("entity_type", "text", "expected"),
    [
        ("CN_ADDRESS", "北京市海淀区中关村大街1号", "北京市"),
        ("CN_ADDRESS", "上海浦东新区世纪大道100号", "上海"),
        ("CN_ADDRESS", "广东省深圳市南山区科技园科苑路15号", "广东省深圳市"),
        ("CN_ADDRESS", "广东省广州市天河区体育西路", "广东省广州市"),
        ("CN_ADDRESS", "江苏省苏州市昆山市玉山镇", "江苏省苏州市"),
        ("CN_ADDRESS", "杭州市西湖区文三路", "杭州市"),
        ("CN_ADDRESS", "广州天河区体育西路", "广州"),
        ("CN_ADDRESS", "新疆维吾尔自治区乌鲁木齐市天山区", "新疆维吾尔自治区乌鲁木齐市"),
        ("CN_ADDRESS", "吉林省延边朝鲜族自治州延吉市", "吉林省延边朝鲜族自治州"),
        ("CN_ADDRESS", "内蒙古自治区锡林郭勒盟锡林浩特市", "内蒙古自治区锡林郭勒盟"),
        ("CN_ADDRESS", "浙江省", "浙江省"),
        ("CN_ADDRESS", "中关村大街1号", "某地"),
        ("LOCATION", "南山区华润超市", "某地"),
        ("LOCATION", "1 Main St, Springfield, IL 62704", "Springfield, IL"),
        ("LOCATION", "Paris", "Paris"),
        ("LOCATION", "221B Baker Street", "[LOCATION]"),
        ("DATE_TIME", "2023-10-12", "2023"),
        ("DATE_TIME", "2023/10/12 08:30", "2023"),
        ("DATE_TIME", "2023年10月12日", "2023年"),
        ("DATE_TIME", "10/12/2023", "2023"),
        ("DATE_TIME", "October 12, 2023", "2023"),
        ("DATE_TIME", "昨天下午", "[DATE_TIME]"),
        ("AGE", "34岁", "30–39岁"),
        ("AGE", "34", "30-39"),
        ("PERSON", "张三", "[PERSON]"),
        ("CN_PHONE", "13812345678", "[CN_PHONE]"),
    ],
)
def test_generalize(entity_type: str, text: str, expected: str) -> None:
    assert run(OP, text, entity_type) == expected


def test_fallback_placeholder() -> None:
    assert run(OP, "张三", "PERSON", placeholder="某人") == "某人"
    assert run(OP, "某时", "DATE_TIME", placeholder="某时") == "某时"


@pytest.mark.parametrize("params", [{"placeholder": ""}, {"entity_type": 1}])
def test_validate_rejects(params: dict[str, Any]) -> None:
    with pytest.raises(InvalidParamError):
        OP.validate({"entity_type": "CN_ADDRESS", **params})
