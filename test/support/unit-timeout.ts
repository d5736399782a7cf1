// Time budget of the unit project (Jest's default is 5 s; Jest 29 has no per-project testTimeout).
// Unit tests that boot the embedded Nest app and talk HTTP to it (test/unit/admin, test/unit/orders)
// took up to 5.0 s each on the shared 2-core machine (`jest --json` timings, 2026-12-01: "removes a
// job on resume…" 5.0 s, orders-flow 4.4 s, jobs-list 4.1 s; under 1 s on an idle one), so the
// default failed them only because the machine was busy. 20 s leaves room for that and still stops
// a hung test quickly. Tests measured longer than that carry their own budget next to them
// (crontab-schedule 300 s, bad-input-fuzz 120 s). Synchronous tests (the trigger oracles and
// properties, up to 9 s each) are not interrupted by any timeout.
jest.setTimeout(20_000);
