"""Shared by the APScheduler side of the benchmark: database settings, the outbox table, job ids."""

import json
import sys
from datetime import datetime, timezone

import pymysql

OUTBOX_TABLE = "scheduler_outbox"

# Same columns as the service's scheduler_outbox. event_id is indexed but not unique here, so a
# doubled run shows up as a second row instead of failing inside the job.
OUTBOX_DDL = f"""
CREATE TABLE IF NOT EXISTS {OUTBOX_TABLE} (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  topic VARCHAR(249) NOT NULL,
  msg_key TEXT NULL,
  value LONGTEXT COLLATE utf8mb4_bin NOT NULL,
  headers JSON NOT NULL,
  created_at DATETIME(3) NOT NULL,
  sent_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  KEY idx_outbox_event (event_id),
  KEY idx_outbox_unsent (sent_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
"""


def load_spec():
    """The run's spec: a JSON file named by the first argument."""
    with open(sys.argv[1], encoding="utf-8") as f:
        return json.load(f)


def sqlalchemy_url(db):
    return (
        f"mysql+pymysql://{db['user']}:{db['password']}@{db['host']}:{db['port']}/{db['database']}"
        "?charset=utf8mb4"
    )


def connect(db, autocommit=True):
    return pymysql.connect(
        host=db["host"],
        port=int(db["port"]),
        user=db["user"],
        password=db["password"],
        database=db["database"],
        charset="utf8mb4",
        autocommit=autocommit,
    )


def due_ms(block, i):
    """Due time of job i of a block: start + i/perSec (perSec 0 = all at start). Same in the TS side."""
    per_sec = block["perSec"]
    return block["startMs"] if per_sec == 0 else block["startMs"] + (i * 1000) // per_sec


def utc_from_ms(ms):
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def iso_ms(dt):
    """2026-01-01T00:00:00.000Z, as JavaScript's toISOString (event ids hash it)."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def emit(line):
    print(line, flush=True)
