import { Test } from '@nestjs/testing';

import { httpAdapter } from '../../../src/admin/http-setup';
import { AppModule } from '../../../src/app/app.module';
import { loadConfig } from '../../../src/app/config/load-config';
import { enableGracefulShutdown } from '../../../src/app/startup/shutdown-signals';
import { Scheduler } from '../../../src/scheduler';

const STOPPING = ['SIGTERM', 'SIGINT', 'SIGHUP'];
// SIGUSR2: Node's heap snapshot signal; SIGUSR1: its inspector; SIGQUIT: left to Node's default.
const NOT_STOPPING = ['SIGUSR2', 'SIGUSR1', 'SIGQUIT'];

describe('the signals that stop the service (main.ts)', () => {
  it('stops on SIGTERM, SIGINT and SIGHUP, and a heap snapshot signal leaves it running', async () => {
    const count = (signals: string[]): number[] => signals.map((s) => process.listenerCount(s));
    const before = { stopping: count(STOPPING), other: count(NOT_STOPPING) };
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot(loadConfig({}))],
    }).compile();
    const app = moduleRef.createNestApplication(httpAdapter());
    await app.init();
    try {
      enableGracefulShutdown(app);
      expect(count(STOPPING)).toEqual(before.stopping.map((n) => n + 1));
      expect(count(NOT_STOPPING)).toEqual(before.other);
      process.emit('SIGUSR2');
      expect(app.get(Scheduler).running).toBe(true);
    } finally {
      await app.close();
    }
    expect(count(STOPPING)).toEqual(before.stopping);
  });
});
