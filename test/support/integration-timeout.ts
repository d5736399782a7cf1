// Integration tests wait on real servers (consumer group joins, broker restarts): 5 s is too short.
// Jest 29 has no per-project testTimeout option, hence this setup file.
jest.setTimeout(120_000);
