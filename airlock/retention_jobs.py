"""The retention sweep and purges, assembled from the instance's parts."""

from __future__ import annotations

from datetime import timedelta

from airlock.instance import Instance
from audit import Actor
from catalog import Clock, utcnow
from retention import DueRules, Purger, Sweeper

SWEEPER = Actor(id="retention-sweep", role="system")
"""Who purges: the scheduled job, whether the worker, cron or a CronJob started it."""


def purger(instance: Instance, clock: Clock = utcnow, actor: Actor = SWEEPER) -> Purger:
    return Purger(transactions=instance.transactions(actor), vault=instance.vault,
                  signer=instance.signer, clock=clock)


def sweeper(instance: Instance, clock: Clock = utcnow) -> Sweeper:
    return Sweeper(engine=instance.engine, reading=instance.readers,
                   transactions=instance.transactions(SWEEPER), purger=purger(instance, clock),
                   rules=due_rules(instance))


def due_rules(instance: Instance) -> DueRules:
    settings = instance.settings
    return DueRules(max_untrained=timedelta(days=settings.max_untrained_days),
                    rejected_report=timedelta(seconds=settings.rejected_report_seconds))
