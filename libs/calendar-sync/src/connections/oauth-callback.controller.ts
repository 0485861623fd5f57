import { Public } from '@calbridge/core';
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { OAuthConnectService } from './oauth-connect.service';

@ApiTags('calendar sync')
@Controller('oauth')
@Public()
export class OAuthCallbackController {
  constructor(private readonly oauth: OAuthConnectService) {}

  @Get(':provider/callback')
  @ApiOperation({
    summary:
      'Where Google / Microsoft send the user back: the code is exchanged, the connection created and its first sync started, then a ' +
      'redirect to /app/#connected=<provider>&connectionId=<id> (or #error=<code>); a bad, expired or replayed state answers 400',
  })
  async callback(
    @Param('provider') provider: string,
    @Query('code') code: unknown,
    @Query('state') state: unknown,
    @Query('error') error: unknown,
    @Res() res: Response,
  ): Promise<void> {
    res.redirect(302, await this.oauth.callback(provider, { code, state, error }));
  }
}
