import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { jsonBody } from '../../../src/admin/http/json-body';
import { RequestBodyError } from '../../../src/admin/http/request-body-error';

/**
 * The JSON body reader's plain path (identity, content-length, application/json in UTF-8) against
 * body-parser, the reference: the same bytes sent with a content-length (plain path) and chunked
 * (body-parser's path) must give the same body or the same error, over a real HTTP server.
 */

const MAX = 4096;
const middleware = jsonBody(MAX);

interface Outcome {
  body?: unknown;
  error?: { status: number; code: string; field: string; message: string };
}

let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    middleware(req, res, (error?: unknown) => {
      const out: Outcome =
        error === undefined
          ? { body: (req as unknown as { body?: unknown }).body }
          : error instanceof RequestBodyError
            ? {
                error: { status: error.status, code: error.code, field: error.field, message: error.message },
              }
            : { error: { status: 500, code: String(error), field: '', message: '' } };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function send(bytes: Buffer, headers: Record<string, string>, chunked: boolean): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/',
        headers: chunked
          ? { ...headers, 'transfer-encoding': 'chunked' }
          : { ...headers, 'content-length': String(bytes.length) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(JSON.parse(text) as Outcome));
      },
    );
    req.on('error', reject);
    if (chunked && bytes.length > 1) {
      // Split inside the body (and inside multi-byte characters) to exercise the decoder.
      req.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      req.end(bytes.subarray(Math.floor(bytes.length / 2)));
    } else req.end(bytes);
  });
}

const nested = (n: number): string => '['.repeat(n) + ']'.repeat(n);
const BODIES: Array<string | Buffer> = [
  '{"trigger":{"type":"date","runDate":"2098-01-01T00:00:00.000Z"},"action":{"handler":"publish"}}',
  '{"id":"é-中文-🙂","n":1.5e3,"a":[true,false,null]}',
  '[]',
  '"just a string"',
  '42',
  'null',
  '   ',
  '{"unterminated":',
  '{"a":1}garbage',
  "{'single':1}",
  nested(20),
  nested(21),
  `{"a":${nested(25)}}`,
  '\ufeff{"bom":true}',
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d]), // invalid UTF-8 in a string
  Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x7b, 0x7d]), // two BOMs
  `{"pad":"${'x'.repeat(MAX - 12)}"}`,
  `{"pad":"${'x'.repeat(MAX)}"}`,
];
const TYPES = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON;charset="UTF-8"'];

describe('JSON body reader: plain path vs body-parser', () => {
  it.each(TYPES)('gives the same body or error for every test body (%s)', async (type) => {
    let plain = 0;
    for (const body of BODIES) {
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
      const viaPlain = await send(bytes, { 'content-type': type }, false);
      const viaBodyParser = await send(bytes, { 'content-type': type }, true);
      expect({ sent: bytes.toString('base64'), ...viaPlain }).toEqual({
        sent: bytes.toString('base64'),
        ...viaBodyParser,
      });
      if (viaPlain.body !== undefined) plain++;
    }
    expect(plain).toBeGreaterThan(5);
  });

  it('leaves other content types, charsets and encodings to body-parser, with its answers', async () => {
    const bytes = Buffer.from('{"a":1}');
    expect(await send(bytes, { 'content-type': 'application/json; charset=latin1' }, false)).toMatchObject({
      error: { status: 415, code: 'UNSUPPORTED_ENCODING' },
    });
    expect(await send(bytes, { 'content-type': 'application/merge-patch+json' }, false)).toEqual({
      body: { a: 1 },
    });
    expect(await send(bytes, { 'content-type': 'text/plain' }, false)).toMatchObject({
      error: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    });
    expect(
      await send(bytes, { 'content-type': 'application/json', 'content-encoding': 'compress' }, false),
    ).toMatchObject({ error: { status: 415, code: 'UNSUPPORTED_ENCODING' } });
  });

  it('reads no body with content-length 0, and an empty chunked body as {} (body-parser)', async () => {
    expect(await send(Buffer.alloc(0), { 'content-type': 'application/json' }, false)).toEqual({});
    expect(await send(Buffer.alloc(0), { 'content-type': 'application/json' }, true)).toEqual({ body: {} });
  });

  it('answers 413 past the limit on either path', async () => {
    const big = Buffer.from(`{"pad":"${'x'.repeat(MAX)}"}`);
    for (const chunked of [false, true])
      expect(await send(big, { 'content-type': 'application/json' }, chunked)).toMatchObject({
        error: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
      });
  });
});
