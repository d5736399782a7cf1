import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

import { DataSource } from 'typeorm';

import { dataSourceOptions } from '../../../src/persistence/data-source';

// GHSA-3f6p-5ww8-9rcr: mysql2 before 3.22.0 answered a server's switch to `mysql_clear_password`
// with the password in clear. A hostile server on loopback asks for exactly that; the service's
// own DataSource options must refuse, and the password must never reach the wire.
const PASSWORD = 'canary-Pa55word-never-on-the-wire';

function packet(sequence: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header.writeUInt8(sequence, 3);
  return Buffer.concat([header, payload]);
}

/** HandshakeV10 offering mysql_native_password, as any MySQL 5.7+ server sends first. */
function greeting(): Buffer {
  const capabilities = 0x1 | 0x8 | 0x200 | 0x8000 | 0x80000; // long password, db, 4.1, secure, plugin auth
  const lower = Buffer.alloc(2);
  lower.writeUInt16LE(capabilities & 0xffff);
  const upper = Buffer.alloc(2);
  upper.writeUInt16LE(capabilities >>> 16);
  return packet(
    0,
    Buffer.concat([
      Buffer.from([10]),
      Buffer.from('8.0.40-hostile\0'),
      Buffer.from([1, 0, 0, 0]),
      Buffer.from('abcdefgh'),
      Buffer.from([0]),
      lower,
      Buffer.from([0x21, 0x02, 0x00]),
      upper,
      Buffer.from([21]),
      Buffer.alloc(10),
      Buffer.from('ijklmnopqrst\0'),
      Buffer.from('mysql_native_password\0'),
    ]),
  );
}

/** After the client's handshake response, switches it to mysql_clear_password and records what follows. */
function hostileServer(): { server: Server; received: Buffer[] } {
  const received: Buffer[] = [];
  const server = createServer((socket: Socket) => {
    let answered = false;
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      received.push(chunk);
      if (answered) return;
      answered = true;
      socket.write(packet(2, Buffer.concat([Buffer.from([0xfe]), Buffer.from('mysql_clear_password\0')])));
    });
    socket.write(greeting());
  });
  return { server, received };
}

describe('mysql_clear_password stays off', () => {
  let server: Server;
  let received: Buffer[];

  beforeAll(async () => {
    ({ server, received } = hostileServer());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });

  afterAll(async () => {
    server.close();
  });

  it('refuses a server that asks for the password in clear, and never sends it', async () => {
    const { port } = server.address() as AddressInfo;
    const dataSource = new DataSource(
      dataSourceOptions(`mysql://scheduler:${PASSWORD}@127.0.0.1:${port}/scheduler`, { poolSize: 1 }),
    );

    await expect(dataSource.initialize()).rejects.toMatchObject({
      code: 'MYSQL_CLEAR_PASSWORD_NOT_ENABLED',
    });

    expect(received.length).toBeGreaterThan(0); // the client did talk to the hostile server
    expect(Buffer.concat(received).includes(PASSWORD)).toBe(false);
  });

  it('does not enable the plugin in the options the service builds', () => {
    const options = dataSourceOptions('mysql://u:p@127.0.0.1:3306/db') as unknown as Record<string, unknown>;
    const extra = (options.extra ?? {}) as Record<string, unknown>;
    expect(extra.enableCleartextPlugin).not.toBe(true);
    expect(extra.authPlugins).toBeUndefined();
  });
});
