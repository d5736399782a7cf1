"""Set-up (not measured): create APScheduler's job table and the outbox, then write the run's jobs
straight into the table, pickled exactly as SQLAlchemyJobStore pickles them (add_job one by one
would take minutes for 240,000 jobs; its rate is measured separately by aps_ingest.py)."""

import pickle
import time

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from aps_common import OUTBOX_DDL, connect, due_ms, emit, load_spec, sqlalchemy_url, utc_from_ms

CHUNK = 2000
FUNC = "aps_jobs:emit_two"


def state(job_id, trigger, next_run, grace):
    return {
        "version": 1,
        "id": job_id,
        "func": FUNC,
        "trigger": trigger,
        "executor": "default",
        "args": (job_id,),
        "kwargs": {},
        "name": "order-timeout",
        "misfire_grace_time": grace,
        "coalesce": True,
        "max_instances": 1,
        "next_run_time": next_run,
    }


def insert_rows(conn, rows):
    with conn.cursor() as cur:
        for i in range(0, len(rows), CHUNK):
            cur.executemany(
                "INSERT INTO apscheduler_jobs (id, next_run_time, job_state) VALUES (%s, %s, %s)",
                rows[i : i + CHUNK],
            )
            conn.commit()


def one_shots(block, grace):
    rows = []
    for i in range(block["count"]):
        job_id = f"{block['prefix']}{i}"
        run = utc_from_ms(due_ms(block, i))
        blob = pickle.dumps(state(job_id, DateTrigger(run), run, grace), pickle.HIGHEST_PROTOCOL)
        rows.append((job_id, run.timestamp(), blob))
    return rows


def recurring(block, grace):
    start, end = utc_from_ms(block["startMs"]), utc_from_ms(block["endMs"])
    rows = []
    for i in range(block["count"]):
        job_id = f"{block['prefix']}{i}"
        trigger = IntervalTrigger(seconds=block["periodS"], start_date=start, end_date=end, timezone="UTC")
        blob = pickle.dumps(state(job_id, trigger, start, grace), pickle.HIGHEST_PROTOCOL)
        rows.append((job_id, start.timestamp(), blob))
    return rows


def pending(conn, block, grace):
    """Far-future jobs, written server side: one pickled template, ids and times from a sequence."""
    far = utc_from_ms(block["startMs"])
    blob = pickle.dumps(state("pending", DateTrigger(far), far, grace), pickle.HIGHEST_PROTOCOL)
    with conn.cursor() as cur:
        for start in range(0, block["count"], 100_000):
            n = min(100_000, block["count"] - start)
            cur.execute(
                "INSERT INTO apscheduler_jobs (id, next_run_time, job_state) "
                f"SELECT CONCAT(%s, seq), %s + seq, %s FROM seq_{start}_to_{start + n - 1}",
                (block["prefix"], far.timestamp(), blob),
            )
            conn.commit()


def main():
    spec = load_spec()
    grace = spec.get("misfireGraceTime")
    store = SQLAlchemyJobStore(url=sqlalchemy_url(spec["db"]))
    store.jobs_t.metadata.create_all(store.engine)
    store.engine.dispose()
    conn = connect(spec["db"], autocommit=False)
    with conn.cursor() as cur:
        cur.execute(OUTBOX_DDL)
    t = time.time()
    if spec.get("pending"):
        pending(conn, spec["pending"], grace)
    for block in spec.get("oneShot", []):
        insert_rows(conn, one_shots(block, grace))
    if spec.get("recurring"):
        insert_rows(conn, recurring(spec["recurring"], grace))
    emit(f"LOADED {time.time() - t:.3f}")


if __name__ == "__main__":
    main()
