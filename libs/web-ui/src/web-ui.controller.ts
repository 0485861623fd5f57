import { Public } from '@calbridge/core';
import { Controller, Get, Redirect } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';

/** `/` sends people to the web app (served by WebUiMiddleware from the Vite build). */
@ApiExcludeController()
@Public()
@Controller()
export class WebUiController {
  @Get()
  @Redirect('/app/', 302)
  root(): void {}
}
