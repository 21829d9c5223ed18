"""Master key rotation: rewrap every data key, then retire the old master key."""

from __future__ import annotations

from airlock.instance import Instance
from audit import Actor
from audit.events import MasterKeyRotated
from retention.signing import rewrap_signing_key
from vault import KmsMasterKey, LocalMasterKey, MasterKey


def rotate_master_key(instance: Instance, actor: Actor,
                      new_kms_key_id: str | None) -> tuple[str, str, int]:
    """Returns (old master key id, new master key id, data keys rewrapped)."""
    old = instance.master_key
    new = _next_master_key(instance, old, new_kms_key_id)
    with instance.transaction(actor) as tx:
        count = instance.vault.rewrap_all(tx, new)
        rewrap_signing_key(tx.session, old, new)
        tx.record(MasterKeyRotated(old_master_key_id=old.key_id, new_master_key_id=new.key_id,
                                   keys_rewrapped=count))
    if isinstance(new, LocalMasterKey):
        # Only after the rewrapped keys are committed may the old key material go.
        new.retire_old_keys(instance.settings.master_key_file)
    return old.key_id, new.key_id, count


def _next_master_key(instance: Instance, old: MasterKey, new_kms_key_id: str | None) -> MasterKey:
    if isinstance(old, LocalMasterKey):
        if new_kms_key_id:
            raise ValueError("--kms-key-id applies only when AIRLOCK_KMS_KEY_ID is set")
        return old.rotate(instance.settings.master_key_file)
    if not new_kms_key_id:
        raise ValueError("with a KMS master key, pass --kms-key-id NEW_KEY_ID")
    return KmsMasterKey(instance.aws_client("kms", instance.settings.kms_endpoint_url),
                        new_kms_key_id)
