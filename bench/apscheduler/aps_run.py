"""One APScheduler 3 replica for a measured run: BackgroundScheduler, SQLAlchemyJobStore on
MariaDB, ThreadPoolExecutor. Prints READY once started; on a 'stop' line (or end of input) shuts
down without waiting and prints the missed / max-instances counts as JSON."""

import json
import sys
import threading

import apscheduler.executors.pool as pool
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

import aps_jobs
from aps_common import emit, load_spec, sqlalchemy_url

_run_job = pool.run_job


def run_job_with_times(job, jobstore_alias, run_times, logger_name):
    """APScheduler's own run_job, after leaving the run times where the job function finds them."""
    aps_jobs.local.run_times = list(run_times)
    return _run_job(job, jobstore_alias, run_times, logger_name)


pool.run_job = run_job_with_times


def main():
    spec = load_spec()
    aps_jobs.settings.update(db=spec["db"], cancel=spec["topics"]["cancel"], restock=spec["topics"]["restock"])
    counts = {"missed": 0, "maxInstances": 0, "errors": 0}
    lock = threading.Lock()

    def listener(event):
        key = {EVENT_JOB_MISSED: "missed", EVENT_JOB_MAX_INSTANCES: "maxInstances"}.get(event.code, "errors")
        with lock:
            counts[key] += 1

    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=sqlalchemy_url(spec["db"]))},
        executors={"default": ThreadPoolExecutor(max_workers=spec["threads"])},
        job_defaults={"misfire_grace_time": spec.get("misfireGraceTime"), "coalesce": True, "max_instances": 1},
        timezone="UTC",
    )
    scheduler.add_listener(listener, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES | EVENT_JOB_ERROR)
    scheduler.start()
    emit("READY")
    for line in sys.stdin:
        if line.strip() == "stop":
            break
    scheduler.shutdown(wait=False)
    emit("COUNTS " + json.dumps(counts))


if __name__ == "__main__":
    main()
