// Every route the running app registered, and the spellings of its path an attacker would try.
// Used by the route-access tests in both modes, so a route added anywhere is probed without
// anyone listing it.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

import { RouteTable } from '../../src/admin/http/route-table';

export interface RegisteredRoute {
  method: string;
  /** The route pattern as registered, e.g. /v1/jobs/:id. */
  pattern: string;
  /** The pattern with every parameter filled in with a harmless value. */
  path: string;
}

/** What the router holds: Nest controllers and what was mounted on the adapter (Swagger). */
export function registeredRoutes(app: INestApplication): RegisteredRoute[] {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  return RouteTable.of(fastify)
    .routes()
    .map(({ method, pattern }) => ({
      method,
      pattern,
      path: pattern.replace(/:[A-Za-z_]\w*/g, 'probe-1').replace(/\*\w*/g, 'probe-1'),
    }));
}

const encodeFirst = (segment: string): string =>
  segment === '' ? segment : `%${segment.charCodeAt(0).toString(16).toUpperCase()}${segment.slice(1)}`;

/**
 * The path as registered and the spellings that routers and proxies disagree on: case, percent
 * encoding of plain characters, doubled and trailing slashes, dot segments, an encoded slash.
 */
export function pathVariants(path: string): string[] {
  const segments = path.split('/');
  const first = segments.findIndex((s) => s !== '');
  const capitalised = segments.map((s, i) => (i === first ? s.charAt(0).toUpperCase() + s.slice(1) : s));
  const variants = [
    path,
    path.toUpperCase(),
    capitalised.join('/'),
    segments.map(encodeFirst).join('/'),
    segments.map((s, i) => (i === first ? encodeFirst(s) : s)).join('/'),
    `/${path}`,
    path.replace(/\/(?=[^/]*$)/, '//'),
    `${path}/`,
    `${path.toUpperCase()}/`,
    `${path}//`,
    path.replace(/^\//, '/./'),
    path.replace(/^\/([^/]+)\//, '/$1/../$1/'),
    path.replace(/\/(?=[^/]*$)/, '%2F'),
    `${path}?x=1`,
    `${path}%20`,
    `${path};x`,
  ];
  return [...new Set(variants)];
}

export interface ProbeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The header lines as sent, in order: name as spelled, value. */
  rawHeaders: Array<[string, string]>;
  body: string;
  /** The body parsed as JSON, or undefined. */
  json: { code?: string; errors?: Array<{ field: string; message: string }> } & Record<string, unknown>;
}

/**
 * One request with the path and body sent byte for byte (no client-side normalisation or
 * re-encoding, unlike URL-based clients); by default a `{}` JSON body for methods that take one.
 */
export function probe(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  payload?: Buffer | string,
): Promise<ProbeResponse> {
  const url = new URL(baseUrl);
  const withBody = payload !== undefined || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(method);
  const body = withBody ? Buffer.from(payload ?? '{}') : undefined;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: {
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': String(body.length) }),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: ProbeResponse['json'] = {};
          try {
            json = JSON.parse(text) as ProbeResponse['json'];
          } catch {
            // not JSON: json stays empty
          }
          const rawHeaders: Array<[string, string]> = [];
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
            rawHeaders.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders, body: text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Starts the app's server on an ephemeral loopback port and returns its base URL. */
export async function listenLocally(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}
