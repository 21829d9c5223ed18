"""Catalog values sealed under a dataset's data key: bound to dataset and column, gone with
the key."""

from __future__ import annotations

import pickle

import pytest

from vault import DataKey, IntegrityError
from vault.fields import ITEM_CLASS_NAME, ITEM_PATH, VALIDATION_REPORT, FieldCipher

NAME = "images/张三_身份证.jpg"


def test_a_value_round_trips_and_is_never_in_the_clear() -> None:
    fields = FieldCipher(DataKey.generate(), "d1")
    sealed = fields.seal(ITEM_PATH, NAME)
    assert NAME.encode() not in sealed and "张三".encode() not in sealed
    assert fields.open(ITEM_PATH, sealed) == NAME
    assert fields.seal(ITEM_PATH, NAME) != sealed  # a fresh nonce each time
    report = {"problems": [{"file": NAME}]}
    assert fields.open_json(VALIDATION_REPORT, fields.seal_json(VALIDATION_REPORT, report)) \
        == report
    assert fields.seal_optional(ITEM_CLASS_NAME, None) is None


def test_the_same_key_opens_it_after_a_round_trip_through_its_serialised_form() -> None:
    key = DataKey.generate()
    sealed = FieldCipher(key, "d1").seal(ITEM_PATH, NAME)
    assert FieldCipher(DataKey.deserialize(key.serialize()), "d1").open(ITEM_PATH, sealed) == NAME


@pytest.mark.parametrize(("dataset", "column", "other_key"), [
    ("d2", ITEM_PATH, False),  # copied to another dataset
    ("d1", ITEM_CLASS_NAME, False),  # copied to another column
    ("d1", ITEM_PATH, True),  # another key (a destroyed one cannot be had back)
])
def test_a_value_opens_only_for_its_dataset_column_and_key(dataset: str, column: str,
                                                           other_key: bool) -> None:
    key = DataKey.generate()
    sealed = FieldCipher(key, "d1").seal(ITEM_PATH, NAME)
    reader = FieldCipher(DataKey.generate() if other_key else key, dataset)
    with pytest.raises(IntegrityError):
        reader.open(column, sealed)


def test_tampering_and_pickling_are_refused() -> None:
    fields = FieldCipher(DataKey.generate(), "d1")
    sealed = bytearray(fields.seal(ITEM_PATH, NAME))
    sealed[-1] ^= 1
    with pytest.raises(IntegrityError):
        fields.open(ITEM_PATH, bytes(sealed))
    with pytest.raises(IntegrityError):
        fields.open(ITEM_PATH, b"\x02" + bytes(sealed[1:]))
    with pytest.raises(TypeError):
        pickle.dumps(fields)
    assert "d1" in repr(fields)
