import fastifyCors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

import type { AppConfig } from '../../app/config/app-config';
import { API_KEY_HEADER } from '../security/api-key.guard';

/** JSON and metrics responses load nothing and are framed by nobody (exported for the header tests). */
export const API_POLICY: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
};

/**
 * Swagger UI (/docs): its script, styles and the document itself come from this origin; its styles
 * are partly inline and its logo a data: URI. No upgrade-insecure-requests: the service is often
 * reached over plain HTTP on a private network, where that directive would break the page.
 */
export const DOCS_POLICY: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
};

/** The page and assets of Swagger UI; only the choice of CSP depends on it, never access. */
const DOCS_PATH = /^\/docs(\/|$)/;

/**
 * Response headers for every route (helmet: nosniff, no X-Powered-By, frame and referrer policy,
 * a CSP), `Cache-Control: no-store` so no admin answer is kept by a browser or proxy (static
 * Swagger assets set their own), and CORS only for the configured origins.
 */
export function setupSecurityHeaders(fastify: FastifyInstance, config: AppConfig): void {
  const api = helmet(API_POLICY);
  const docs = helmet(DOCS_POLICY);
  // helmet's own middleware on the raw response, so the header lines are exactly helmet's.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.raw.setHeader('Cache-Control', 'no-store');
    const path = (request.raw.url ?? '/').split('?')[0];
    (DOCS_PATH.test(path) ? docs : api)(request.raw, reply.raw, (error?: unknown) =>
      done(error as Error | undefined),
    );
  });
  if (config.http.corsAllowedOrigins.length > 0) {
    // Registered here rather than through Nest's enableCors, whose hook runs before these: a
    // preflight answered by CORS carries the headers above and is logged, as every response is.
    void fastify.register(fastifyCors, {
      origin: config.http.corsAllowedOrigins,
      methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
      allowedHeaders: ['content-type', API_KEY_HEADER, 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    });
  }
}
