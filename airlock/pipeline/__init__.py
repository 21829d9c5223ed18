"""The dataset pipeline: the one place that moves a dataset from state to state.

The API, the command line, `serve`'s start-up and the worker all call `Pipeline`, so there is
one table of steps, one actor, one retry policy and one logging policy.
"""

from airlock.pipeline.executor import Executor, LocalExecutor
from airlock.pipeline.policy import PIPELINE_ACTOR, Retries, log_failure
from airlock.pipeline.service import Advanced, Pipeline, Watch
from airlock.pipeline.steps import INTERRUPTED, NEXT_STEP, Step

__all__ = [
    "INTERRUPTED",
    "NEXT_STEP",
    "PIPELINE_ACTOR",
    "Advanced",
    "Executor",
    "LocalExecutor",
    "Pipeline",
    "Retries",
    "Step",
    "Watch",
    "log_failure",
]
