"""The job function APScheduler runs: writes the two outbox rows the service's order timeout writes.

APScheduler 3 does not tell a job its scheduled run time, so aps_run patches the pool executors'
run_job to leave the run times in a thread-local for emit_two to read.
"""

import json
import threading
import uuid
from datetime import datetime, timezone

from aps_common import OUTBOX_TABLE, connect, iso_ms

# The service's EVENT_NAMESPACE (src/scheduler/outbox.ts): same (job, run time, kind) -> same id.
EVENT_NAMESPACE = uuid.UUID("6f1c7a58-3c1e-4e7a-9d0b-6a8f3e0c2b41")
ITEMS = [{"skuId": "sku-1", "quantity": 1}]

local = threading.local()
settings = {"db": None, "cancel": "orders.cancel", "restock": "inventory.restock"}

INSERT = (
    f"INSERT INTO {OUTBOX_TABLE} (event_id, topic, msg_key, value, headers, created_at) "
    "VALUES (%s, %s, %s, %s, %s, %s), (%s, %s, %s, %s, %s, %s)"
)


def _connection():
    conn = getattr(local, "conn", None)
    if conn is None:
        conn = local.conn = connect(settings["db"])
    return conn


def emit_two(order_id):
    run_times = getattr(local, "run_times", None)
    scheduled = run_times.pop(0) if run_times else datetime.now(timezone.utc)
    scheduled_at = iso_ms(scheduled)
    fired_at = datetime.now(timezone.utc)
    cancel_id = str(uuid.uuid5(EVENT_NAMESPACE, f"{order_id}|{scheduled_at}|cancel"))
    restock_id = str(uuid.uuid5(EVENT_NAMESPACE, f"{order_id}|{scheduled_at}|restock"))
    cancel = {
        "eventId": cancel_id,
        "orderId": order_id,
        "reason": "payment_timeout",
        "items": ITEMS,
        "scheduledAt": scheduled_at,
        "firedAt": iso_ms(fired_at),
    }
    restock = {"eventId": restock_id, "orderId": order_id, "items": ITEMS, "reason": "order_cancelled"}
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    with _connection().cursor() as cur:
        cur.execute(
            INSERT,
            (
                cancel_id, settings["cancel"], order_id, json.dumps(cancel, separators=(",", ":")),
                json.dumps({"x-event-id": cancel_id}), now,
                restock_id, settings["restock"], order_id, json.dumps(restock, separators=(",", ":")),
                json.dumps({"x-event-id": restock_id}), now,
            ),
        )
