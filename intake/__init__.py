"""Intake: contracts, streamed encrypted uploads, safe validation, one report.

The service API is listed in `__init__.pyi` and imported on first use: the contract's models
alone (`intake.contract_format`, which `airlock image` needs) must not load the catalog and the
database layer."""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
