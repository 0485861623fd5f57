import { Module } from '@nestjs/common';
import { WebUiController } from './web-ui.controller';

/** The web UI at /app/ (api only). */
@Module({ controllers: [WebUiController] })
export class WebUiHttpModule {}
