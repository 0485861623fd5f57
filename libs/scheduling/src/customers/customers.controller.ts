import { CurrentPrincipal, ParseIdPipe, Principal } from '@calbridge/core';
import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CustomersService } from './customers.service';
import { CreateCustomerDto, UpdateCustomerDto } from './dto/create-customer.dto';
import { SearchCustomersQueryDto } from './dto/search-customers-query.dto';

@ApiTags('scheduling')
@ApiBearerAuth()
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a customer (dispatchers, admins)' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateCustomerDto) {
    return this.customers.create(principal, dto);
  }

  @Get()
  @ApiOperation({ summary: "Search a venue's customers by name or email (`venueId` required, `q`, `limit` ≤ 50; dispatchers of the venue, admins)" })
  search(@CurrentPrincipal() principal: Principal, @Query() query: SearchCustomersQueryDto) {
    return this.customers.search(principal, query.venueId, query.q, query.limit);
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.customers.get(principal, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Edit a customer; a name change refreshes the feeds and calendars showing it' })
  update(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string, @Body() dto: UpdateCustomerDto) {
    return this.customers.update(principal, id, dto);
  }
}
