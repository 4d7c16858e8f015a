"""Function-worker test target: run_job() keeps every Job in a registry (VARIANT=leaky) or not."""

import os

_JOB_REGISTRY = []


class Job:
    def __init__(self, n):
        self.payload = bytearray(2048)


def run_job():
    job = Job(len(_JOB_REGISTRY))
    if os.environ.get("VARIANT") == "leaky":
        _JOB_REGISTRY.append(job)
    return 1
