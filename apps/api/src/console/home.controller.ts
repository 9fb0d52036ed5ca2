import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '@app/config';
import { isAuthorised } from '../dashboard/dashboard-auth';
import { sendPage } from './console-page';
import { html } from './views/html';
import { layout } from './views/layout';

/** `/`: a small page; an admin whose browser already sends the credential gets the console link. */
@ApiTags('console')
@Controller()
export class HomeController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'Home: links to the API docs, and to the console for an authenticated admin' })
  home(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const token = this.config.auth.adminToken;
    const admin = Boolean(token && isAuthorised(request.headers.authorization ?? '', token));
    const body = html`<section>
      <p>First-party journey store: touchpoints, forms, CRM webhooks and ad-platform dispatch.</p>
      <ul>
        ${
          admin
            ? html`<li><a href="/admin" id="console-link">Operator console</a></li>
                <li><a href="/admin/queues">Queue dashboard</a></li>`
            : html`<li>Operator console: <a href="/admin">log in</a> with the admin token</li>`
        }
        <li><a href="/docs">API documentation</a></li>
        <li><a href="/health/ready">Readiness</a></li>
      </ul>
    </section>`;
    return sendPage(reply, layout('home', 'Journey Store', body));
  }
}
