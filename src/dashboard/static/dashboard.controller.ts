import { Controller, Get, Header, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';

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
  index(@Req() req: Request, @Res() res: Response): void {
    this.send('index.html', req, res, 'no-cache');
  }

  @Get('assets/:name')
  @Header('Content-Security-Policy', CSP)
  asset(@Param('name') name: string, @Req() req: Request, @Res() res: Response): void {
    if (name !== 'app.js' && name !== 'app.css') {
      res.status(404).type('text/plain').send('not found');
      return;
    }
    this.send(name, req, res, 'no-cache');
  }

  private send(name: DashboardFile, req: Request, res: Response, cache: string): void {
    const asset: DashboardAsset | undefined = this.assets?.get(name);
    if (!asset) {
      res.status(503).type('text/plain').send('the dashboard is not built: run npm run build');
      return;
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const etag = gzip ? asset.etag.replace(/"$/, '-gz"') : asset.etag;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', cache);
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    if (gzip) res.setHeader('Content-Encoding', 'gzip');
    res
      .status(200)
      .type(asset.contentType)
      .send(gzip ? asset.gzipped : asset.body);
  }
}
