"""The retention sweep and purges, assembled from the instance's parts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from airlock.instance import Instance
from audit import Actor
from retention.due import Clock
from retention.purge import Purger
from retention.sweep import Sweeper

SWEEPER = Actor(id="retention-sweep", role="system")
"""Who purges: the scheduled job, whether the worker, cron or a CronJob started it."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def purger(instance: Instance, clock: Clock = utc_now, actor: Actor = SWEEPER) -> Purger:
    return Purger(transactions=instance.transactions(actor), vault=instance.vault,
                  signer=instance.signer, clock=clock)


def sweeper(instance: Instance, clock: Clock = utc_now) -> Sweeper:
    return Sweeper(engine=instance.engine, reading=instance.readers,
                   transactions=instance.transactions(SWEEPER), purger=purger(instance, clock),
                   max_untrained=timedelta(days=instance.settings.max_untrained_days))
