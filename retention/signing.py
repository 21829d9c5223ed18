"""The instance's Ed25519 signing key: it signs deletion certificates and audit checkpoints.

Made on first use and kept in the database (so every worker on it signs with the same
key), the private half wrapped by the master key like a data key; the public half is
published in every certificate and audit bundle."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from airlock_client.bundle_verifier import key_id
from catalog import InstanceKey, RetiredSigningKey
from vault import MasterKey

PURPOSE = "signing"
_CONTEXT = "airlock:instance-signing-key"


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key: the verifiers' one
    definition (`airlock_client.bundle_verifier.key_id`)."""
    return key_id(public_key.public_bytes_raw())


def public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()


class InstanceSigner:
    """Signs with the instance key; never printed, never pickled."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private = private_key
        self.public_key = private_key.public_key()
        self.key_id = key_id_of(self.public_key)

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)

    @property
    def public_pem(self) -> str:
        return public_pem(self.public_key)

    def __repr__(self) -> str:
        return f"InstanceSigner(key_id={self.key_id!r})"

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("the signing key cannot be pickled")


def instance_signer(session: Session, master: MasterKey) -> InstanceSigner:
    """The instance's signer, made and stored on first use. Two processes making it at once:
    the second insert fails on the primary key and the first one's key is used."""
    record = session.get(InstanceKey, PURPOSE)
    if record is None:
        record = _create(session, master)
    raw = master.unwrap(record.wrapped_private_key, _CONTEXT)
    return InstanceSigner(Ed25519PrivateKey.from_private_bytes(raw))


def load_signer(session: Session, master: MasterKey) -> InstanceSigner | None:
    """The stored signer, or None when the instance has none yet; never makes one (a
    backup's copy is checked with it, read-only)."""
    record = session.get(InstanceKey, PURPOSE)
    if record is None:
        return None
    return InstanceSigner(Ed25519PrivateKey.from_private_bytes(
        master.unwrap(record.wrapped_private_key, _CONTEXT)))


def rewrap_signing_key(session: Session, old: MasterKey, new: MasterKey) -> None:
    """Master key rotation: the signing key is wrapped like a data key, so it is rewrapped
    with them (else retiring the old master key would lose it)."""
    record = session.get(InstanceKey, PURPOSE, with_for_update=True)
    if record is None:
        return
    record.wrapped_private_key = new.wrap(old.unwrap(record.wrapped_private_key, _CONTEXT),
                                          _CONTEXT)
    record.master_key_id = new.key_id


def rotate_signing_key(session: Session, master: MasterKey, now: datetime
                       ) -> tuple[str, InstanceSigner]:
    """Replace the signing key with a new one, keeping the old public half with the dates it
    was in use. Returns the old key id and the new signer."""
    record = session.get(InstanceKey, PURPOSE, with_for_update=True)
    if record is None:
        raise ValueError("this instance has no signing key yet; nothing to rotate")
    old_key_id = record.key_id
    session.add(RetiredSigningKey(key_id=old_key_id, public_key=record.public_key,
                                  active_from=record.created_at, retired_at=now))
    private = Ed25519PrivateKey.generate()
    signer = InstanceSigner(private)
    record.key_id, record.public_key = signer.key_id, signer.public_pem.encode()
    record.wrapped_private_key = master.wrap(_raw(private), _CONTEXT)
    record.master_key_id, record.created_at = master.key_id, now
    session.flush()
    return old_key_id, signer


def signing_keys(session: Session) -> dict[str, Ed25519PublicKey] | None:
    """Every public key the instance has signed with, by key id: the current one and the
    retired ones. None when it has none yet."""
    current = stored_public_key(session)
    if current is None:
        return None
    keys = {record.key_id: _load_public(record.public_key)
            for record in session.execute(select(RetiredSigningKey)).scalars()}
    keys[key_id_of(current)] = current
    return keys


def retired_public_keys(session: Session) -> dict[str, str]:
    """The keys retired by rotations: key id -> public key PEM (for audit bundles)."""
    return {record.key_id: record.public_key.decode()
            for record in session.execute(select(RetiredSigningKey)).scalars()}


def stored_public_key(session: Session) -> Ed25519PublicKey | None:
    record = session.get(InstanceKey, PURPOSE)
    return None if record is None else _load_public(record.public_key)


def _load_public(pem: bytes) -> Ed25519PublicKey:
    loaded = serialization.load_pem_public_key(pem)
    if not isinstance(loaded, Ed25519PublicKey):
        raise ValueError("a stored signing key is not an Ed25519 key")
    return loaded


def _raw(private: Ed25519PrivateKey) -> bytes:
    return private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                 serialization.NoEncryption())


def _create(session: Session, master: MasterKey) -> InstanceKey:
    private = Ed25519PrivateKey.generate()
    record = InstanceKey(purpose=PURPOSE, key_id=key_id_of(private.public_key()),
                         public_key=public_pem(private.public_key()).encode(),
                         wrapped_private_key=master.wrap(_raw(private), _CONTEXT),
                         master_key_id=master.key_id)
    try:
        with session.begin_nested():
            session.add(record)
    except IntegrityError:
        existing = session.get(InstanceKey, PURPOSE)
        assert existing is not None
        return existing
    return record
