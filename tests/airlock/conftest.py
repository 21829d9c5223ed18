from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from airlock.admin import approve, create_token, new_tenant
from airlock.anonymisation import anonymise
from airlock.api.app import create_app
from airlock.auth import IssuedToken
from airlock.instance import InitResult, Instance, init_instance
from airlock.pii_engine import PiiEngineLoader
from airlock.settings import Settings
from audit import SYSTEM, Actor, Transaction
from catalog import Role
from intake import add_contract, receive_upload, validate_dataset
from tests.intake.datasets import contract_yaml, dataset_files, image, pack
from tests.snapshots import InstanceSnapshot, restore_instance, save_instance
from vocabulary import Layout

DEIDENTIFIED = "anonymisation: {mode: deidentify, images: redact}\n"


@dataclass(frozen=True)
class World:
    """Two tenants, each with a contract and a dataset, and a token for every role."""

    own_tenant: str
    other_tenant: str
    tokens: dict[str, str]
    objects: dict[str, str]
    upload: bytes

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who in self.tokens else {}


def compliance_actor(token_id: str) -> Actor:
    """The actor a compliance token authenticates as."""
    return Actor(id=f"token:{token_id}", role="compliance")


@pytest.fixture
def world(instance: Instance) -> World:
    return build_world(instance)


def tokens_for_every_role(tx: Transaction) -> dict[str, IssuedToken]:
    """A token per role, the tenant-bound ones for the tenant named `own`."""
    return {
        "admin": create_token(tx, name="a", role=Role.ADMIN, tenant=None),
        "client": create_token(tx, name="c", role=Role.CLIENT, tenant="own"),
        "compliance": create_token(tx, name="k", role=Role.COMPLIANCE, tenant=None),
        "operator": create_token(tx, name="o", role=Role.OPERATOR, tenant=None),
        # A client's own training pipeline: an operator confined to its tenant.
        "tenant_operator": create_token(tx, name="t", role=Role.OPERATOR, tenant="own"),
        "reidentifier": create_token(tx, name="r", role=Role.REIDENTIFIER, tenant="own"),
    }


def build_world(instance: Instance) -> World:
    """Two tenants with a contract and an anonymised dataset each, and a token per role."""
    with instance.transaction(SYSTEM) as tx:
        own = new_tenant(tx, "own")
        other = new_tenant(tx, "other")
        tokens = tokens_for_every_role(tx)
    with instance.transaction(compliance_actor(tokens["compliance"].token_id)) as tx:
        approve(tx, tokens["reidentifier"].token_id)
    with instance.transaction(SYSTEM) as tx:
        contracts = {name: add_contract(tx, name, contract_yaml(
            Layout.CLASS_FOLDERS, extra=DEIDENTIFIED))[0] for name in ("own", "other")}
    # A file name with a person's name in it: de-identification keeps a mapping for it.
    upload = pack({**dataset_files(Layout.CLASS_FOLDERS), "data/cat/张三.jpg": image(99)}, "zip")
    datasets = {name: receive_upload(instance.transactions(SYSTEM), instance.vault,
                                     contracts[name], io.BytesIO(upload), 10**9)
                for name in ("own", "other")}
    for dataset in datasets.values():
        validate_dataset(instance.transactions(SYSTEM), instance.vault, dataset.id,
                         instance.validation_options(), signer=instance.signer)
        anonymise(instance, SYSTEM, dataset.id)
    objects = {"own_contract": contracts["own"].id, "other_contract": contracts["other"].id,
               "own_dataset": datasets["own"].id, "other_dataset": datasets["other"].id}
    return World(own.id, other.id, {k: v.plaintext for k, v in tokens.items()}, objects,
                 upload)


@dataclass(frozen=True)
class SavedWorld:
    initialised: InitResult
    world: World
    snapshot: InstanceSnapshot


@pytest.fixture(scope="module")
def saved_worlds() -> dict[str, SavedWorld]:
    """The module's world per database backend, built by its first test."""
    return {}


@pytest.fixture
def restored_world(settings: Settings, database_url: str, saved_worlds: dict[str, SavedWorld],
                   pii_engine_loader: PiiEngineLoader,
                   tmp_path_factory: pytest.TempPathFactory) -> SavedWorld:
    """The instance initialised with the world in it, as `initialised` and `world` make it,
    but built once per module and backend and restored for each test (building it anonymises
    two datasets: seconds, most of a short test's time). A module whose tests all use the
    world opts in by overriding `initialised` and `world` with this fixture's."""
    backend = database_url.split(":", 1)[0]
    saved = saved_worlds.get(backend)
    if saved is not None:
        restore_instance(saved.snapshot, settings)
        return saved
    initialised = init_instance(settings)
    instance = Instance(settings, pii_engine=pii_engine_loader)
    try:
        world = build_world(instance)
    finally:
        instance.dispose()
    snapshot = save_instance(settings, tmp_path_factory.mktemp("world"))
    saved_worlds[backend] = saved = SavedWorld(initialised, world, snapshot)
    return saved


@pytest.fixture
def client(instance: Instance) -> Iterator[TestClient]:
    with TestClient(create_app(instance)) as test_client:
        yield test_client
