import { CurrentPrincipal, ParseIdPipe, Principal, Roles } from '@calbridge/core';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateWebhookDto, ListDeliveriesQueryDto } from './dto/create-webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({ summary: 'Subscribe a URL to events (Standard Webhooks, or `slack` for Slack incoming webhooks); the secret is shown once' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateWebhookDto) {
    return this.webhooks.create(principal, dto);
  }

  @Get()
  list() {
    return this.webhooks.list();
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseIdPipe) id: string): Promise<void> {
    await this.webhooks.remove(id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Delivery attempts, newest first: status, HTTP status, response time' })
  deliveries(@Param('id', ParseIdPipe) id: string, @Query() query: ListDeliveriesQueryDto) {
    return this.webhooks.deliveries(id, query);
  }
}
