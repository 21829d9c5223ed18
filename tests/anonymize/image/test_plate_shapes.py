"""The plate-shape rule against plates generated from GA 36 and from common Western formats
(written from the standards, not from the rule), as the recogniser may render them: with or
without the separator dot, read as `·`, `.`, `-` or a space, in full-width forms."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from anonymize.image import plate_shapes
from anonymize.image.plate_shapes import PlateShape, is_lower_row, plate_shape
from anonymize.recognizers.zh_structured import cn_plate_recognizer

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
OFFICE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # GA 36: I and O are not issued
DIGITS = "0123456789"
SERIAL = OFFICE_LETTERS + DIGITS

province = st.sampled_from(PROVINCES)
letter = st.sampled_from(OFFICE_LETTERS)
digit = st.sampled_from(DIGITS)
separator = st.sampled_from(["", "·", ".", "-", " ", "•"])


def chars(alphabet: str, n: int) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(alphabet), min_size=n, max_size=n)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


ordinary = st.builds(lambda p, o, s, x: f"{p}{o}{s}{x}", province, letter, separator,
                     chars(SERIAL, 5))
new_energy_serial = st.one_of(  # small vehicles: D/F, a letter or digit, 4 digits; large:
    st.builds(lambda k, x, d: k + x + d, st.sampled_from("DF"),  # 5 digits and D/F
              st.sampled_from(SERIAL), chars(DIGITS, 4)),
    st.builds(lambda d, k: d + k, chars(DIGITS, 5), st.sampled_from("DF")))
new_energy = st.builds(lambda p, o, s, x: f"{p}{o}{s}{x}", province, letter, separator,
                       new_energy_serial)
special = st.builds(lambda p, o, s, x, u: f"{p}{o}{s}{x}{u}", province, letter, separator,
                    chars(SERIAL, 4), st.sampled_from("警领学挂"))
hong_kong_macau = st.builds(lambda s, x, u: f"粤Z{s}{x}{u}", separator, chars(SERIAL, 4),
                            st.sampled_from("港澳"))
embassy = st.builds(lambda a, b, form: form.format(a=a, b=b), chars(DIGITS, 3),
                    chars(DIGITS, 3), st.sampled_from(["使{a}{b}", "{a}{b}使", "{a}使{b}"]))
military = st.builds(lambda a, s, b: f"{a}{s}{b}", chars(OFFICE_LETTERS, 2), separator,
                     chars(DIGITS, 5))
whole_chinese = st.one_of(ordinary, new_energy, special, hong_kong_macau, embassy, military)

uk = st.builds(lambda a, b, c: f"{a}{b} {c}", chars(OFFICE_LETTERS, 2), chars(DIGITS, 2),
               chars(OFFICE_LETTERS, 3))
us = st.builds(lambda a, b, c: f"{a}{b}{c}", digit, chars(OFFICE_LETTERS, 3), chars(DIGITS, 3))
french = st.builds(lambda a, b, c: f"{a}-{b}-{c}", chars(OFFICE_LETTERS, 2), chars(DIGITS, 3),
                   chars(OFFICE_LETTERS, 2))
german = st.builds(lambda a, b, c: f"{a} {b} {c}", chars(OFFICE_LETTERS, 1),
                   chars(OFFICE_LETTERS, 2), chars(DIGITS, 4))
western = st.one_of(uk, us, french, german)


@given(whole_chinese)
def test_a_chinese_plate_on_one_line_is_whole(plate: str) -> None:
    assert plate_shape(plate) is PlateShape.WHOLE


@given(whole_chinese)
def test_full_width_readings_are_folded(plate: str) -> None:
    assert plate_shape(full_width(plate)) is PlateShape.WHOLE


@given(western)
def test_common_western_plates_are_whole(plate: str) -> None:
    assert plate_shape(plate) is PlateShape.WHOLE


@given(province, letter, chars(SERIAL, 4), chars(DIGITS, 1))
def test_two_row_plates_split_into_an_upper_and_a_lower_row(
        p: str, office: str, serial: str, last: str) -> None:
    assert plate_shape(p + office) is PlateShape.UPPER_ROW
    assert is_lower_row(serial + last)


@given(st.integers(0, 99_999), st.integers(0, 99), st.sampled_from(["RM", "$", "", "USD "]))
def test_amounts_are_not_plates(whole: int, cents: int, currency: str) -> None:
    assert plate_shape(f"{currency}{whole}.{cents:02d}") is None


@given(st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz "), min_size=1, max_size=12))
def test_lower_case_words_are_not_plates(word: str) -> None:
    assert plate_shape(word) is None


@given(chars(OFFICE_LETTERS, 5))
def test_letters_alone_are_no_row(letters: str) -> None:
    assert plate_shape(letters) is None
    assert not is_lower_row(letters)


def test_the_image_and_text_plate_searches_know_the_same_provinces() -> None:
    assert sorted(plate_shapes.PROVINCES) == sorted(cn_plate_recognizer.PROVINCES)
