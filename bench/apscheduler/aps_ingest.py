"""Scheduling rate through APScheduler's own API: add_job on a started (paused) BackgroundScheduler
with SQLAlchemyJobStore, one job per call as the API offers; stops at `count` jobs or `seconds`."""

import json
import time

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from aps_common import emit, load_spec, sqlalchemy_url, utc_from_ms


def main():
    spec = load_spec()
    ingest = spec["ingest"]
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=sqlalchemy_url(spec["db"]))}, timezone="UTC"
    )
    scheduler.start(paused=True)
    emit("READY")
    deadline = time.monotonic() + ingest["seconds"]
    t = time.monotonic()
    n = 0
    while n < ingest["count"] and time.monotonic() < deadline:
        job_id = f"{ingest['prefix']}{n}"
        scheduler.add_job(
            "aps_jobs:emit_two",
            "date",
            run_date=utc_from_ms(ingest["startMs"] + n),
            args=(job_id,),
            id=job_id,
            misfire_grace_time=None,
        )
        n += 1
    seconds = time.monotonic() - t
    scheduler.shutdown(wait=False)
    emit("RESULT " + json.dumps({"jobs": n, "seconds": seconds}))


if __name__ == "__main__":
    main()
