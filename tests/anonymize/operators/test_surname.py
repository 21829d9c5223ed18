from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from presidio_anonymizer.entities import InvalidParamError
from presidio_anonymizer.operators import OperatorType

from anonymize.operators import Surname
from anonymize.recognizers.person.surnames import COMPOUND_SURNAMES, SINGLE_SURNAMES
from tests.anonymize.operators.helpers import run

OP = Surname()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张三", "张某"),
        ("王小明", "王某"),
        ("欧阳娜娜", "欧阳某"),
        ("司马相如", "司马某"),
        ("诸葛亮", "诸葛某"),
        ("上官婉儿", "上官某"),
        (" 李四 ", "李某"),
        ("张", "张某"),
        ("买买提·艾力", "某某"),  # no Han surname
        ("啊三", "某某"),  # not a surname
        ("John Smith", "S."),
        ("john smith", "S."),
        ("Smith, John", "S."),
        ("Mary Ann O'Brien", "O."),
        ("Dr. Jane Doe", "Dr. D."),
        ("Martin Luther King Jr.", "K."),
        ("Madonna", "M."),
        ("123", "某某"),
    ],
)
def test_surname(name: str, expected: str) -> None:
    assert run(OP, name, "PERSON") == expected


def test_given_mark_param() -> None:
    assert run(OP, "张三", "PERSON", given_mark="X") == "张X"


@pytest.mark.parametrize("bad", ["", "某某", 3])
def test_validate_rejects_bad_given_mark(bad: object) -> None:
    with pytest.raises(InvalidParamError):
        OP.validate({"entity_type": "PERSON", "given_mark": bad})


def test_identity() -> None:
    assert OP.operator_name() == "surname"
    assert OP.operator_type() is OperatorType.Anonymize


@given(
    st.sampled_from(sorted(SINGLE_SURNAMES | COMPOUND_SURNAMES)),
    st.text(alphabet="伟芳娜秀英敏静丽强磊军洋", min_size=1, max_size=3),
)
def test_only_the_surname_survives(surname: str, given_name: str) -> None:
    out = run(OP, surname + given_name, "PERSON")
    assert out.endswith("某")
    assert out[:-1] in (surname, (surname + given_name)[:2])
