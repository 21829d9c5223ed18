"""Contracts in the catalog: YAML in, validated rules stored as a new version, and read back."""

from __future__ import annotations

import hashlib
import json

from audit import Transaction
from catalog import Contract, add_contract_version, get_tenant
from intake.contract_format import ContractRules, parse_contract
from intake.events import ContractAdded


def add_contract(tx: Transaction, tenant: str, text: str,
                 source: str = "contract") -> tuple[Contract, bool]:
    """Validate the YAML `text` and store it as the tenant's next contract version.

    Returns (contract, created); the same rules again give back the latest version.
    """
    rules = parse_contract(text, source)
    tenant_id = get_tenant(tx.session, tenant).id
    body = rules.model_dump(mode="json")
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    contract, created = add_contract_version(tx.session, tenant_id, rules.name, body, digest)
    tx.record(ContractAdded(tenant=tenant_id, contract_id=contract.id, name=contract.name,
                            version=contract.version, new_version=created))
    return contract, created


def contract_rules(contract: Contract) -> ContractRules:
    return ContractRules.model_validate(contract.body)
