import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { WebUiController } from './web-ui.controller';
import { WebUiMiddleware } from './web-ui.middleware';
import { WEB_PAGES } from './web-pages';

/** The web app (apps/web, built into dist/web) under each page's prefix, e.g. /app/ (api only). */
@Module({ controllers: [WebUiController], providers: [WebUiMiddleware] })
export class WebUiHttpModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(WebUiMiddleware)
      .forRoutes(...WEB_PAGES.flatMap((p) => [{ path: p.prefix, method: RequestMethod.GET }, { path: `${p.prefix}/*path`, method: RequestMethod.GET }]));
  }
}
