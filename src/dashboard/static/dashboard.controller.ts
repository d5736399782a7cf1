import { Controller, Get, Header, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { Public } from '../../admin/security/public-route';
import { loadDashboardAssets, type DashboardAsset, type DashboardFile } from './dashboard-assets';

/** No inline script or style, nothing from another origin; data comes from /v1 with the key. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The dashboard's static shell (HTML, one script, one stylesheet), public: it holds no data. Every
 * figure it shows comes from the admin API, which needs the API key the user signs in with.
 */
@ApiExcludeController()
@Public()
@Controller('dashboard')
export class DashboardController {
  private readonly assets = loadDashboardAssets();

  @Get()
  @Header('Content-Security-Policy', CSP)
  index(@Req() req: FastifyRequest, @Res() res: FastifyReply): void {
    this.send('index.html', req, res, 'no-cache');
  }

  @Get('assets/:name')
  @Header('Content-Security-Policy', CSP)
  asset(@Param('name') name: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): void {
    if (name !== 'app.js' && name !== 'app.css') {
      void res.status(404).type('text/plain; charset=utf-8').send('not found');
      return;
    }
    this.send(name, req, res, 'no-cache');
  }

  private send(name: DashboardFile, req: FastifyRequest, res: FastifyReply, cache: string): void {
    const asset: DashboardAsset | undefined = this.assets?.get(name);
    if (!asset) {
      void res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('the dashboard is not built: run npm run build');
      return;
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const etag = gzip ? asset.etag.replace(/"$/, '-gz"') : asset.etag;
    // On the raw response, as helmet sets its own: the header lines keep their spelling.
    res.raw.setHeader('ETag', etag);
    res.raw.setHeader('Cache-Control', cache);
    res.raw.setHeader('Vary', 'Accept-Encoding');
    res.raw.setHeader('X-Content-Type-Options', 'nosniff');
    res.raw.setHeader('Referrer-Policy', 'no-referrer');
    if (req.headers['if-none-match'] === etag) {
      void res.status(304).send();
      return;
    }
    if (gzip) void res.header('Content-Encoding', 'gzip');
    void res
      .status(200)
      .type(asset.contentType)
      .send(gzip ? asset.gzipped : asset.body);
  }
}
