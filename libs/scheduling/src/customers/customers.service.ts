import { ApiError, Principal } from '@calbridge/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { assertRole } from '../common/access';
import { actorOf, customerActor } from '../common/actor';
import { JobsService } from '../jobs/jobs.service';
import { Customer } from './customer.entity';
import { CustomersRepository } from './customers.repository';
import { CreateCustomerDto, UpdateCustomerDto } from './dto/create-customer.dto';

export interface CustomerView {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toCustomerView(c: Customer): CustomerView {
  return {
    id: c.id,
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email,
    phone: c.phone,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** Audit rows keep who the customer is, not how to reach them. */
const auditable = (c: Pick<Customer, 'firstName' | 'lastName'>) => ({ firstName: c.firstName, lastName: c.lastName });

@Injectable()
export class CustomersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersRepository,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
  ) {}

  async create(principal: Principal, dto: CreateCustomerDto): Promise<CustomerView> {
    assertRole(principal, 'admin', 'dispatcher');
    return this.dataSource.transaction(async (em) => {
      const customer = await this.customers.insert(em, {
        firstName: dto.firstName,
        lastName: dto.lastName,
        email: dto.email ?? null,
        phone: dto.phone ?? null,
      });
      await this.audit.record(em, {
        actor: actorOf(principal),
        action: 'customer.created',
        entityType: 'customer',
        entityId: customer.id,
        after: auditable(customer),
      });
      return toCustomerView(customer);
    });
  }

  /**
   * Inside the caller's transaction: the venue's customer with this email, or a new one. An
   * existing customer's details are left as they are (whoever knows an email must not be able
   * to rename its owner). Returns whether the customer was created.
   */
  async findOrCreateByEmail(
    em: EntityManager,
    venueId: string,
    data: { firstName: string; lastName: string; email: string; phone: string | null },
  ): Promise<{ customer: Customer; created: boolean }> {
    await this.customers.lockEmailInVenue(em, venueId, data.email);
    const existing = await this.customers.findByEmailInVenue(em, venueId, data.email);
    if (existing) return { customer: existing, created: false };
    const customer = await this.customers.insert(em, data);
    await this.customers.linkToVenue(em, customer.id, venueId);
    await this.audit.record(em, {
      actor: customerActor(customer.id),
      action: 'customer.created',
      entityType: 'customer',
      entityId: customer.id,
      venueId,
      after: auditable(customer),
    });
    return { customer, created: true };
  }

  async get(principal: Principal, id: string): Promise<CustomerView> {
    assertRole(principal, 'admin', 'dispatcher');
    const customer = await this.customers.findById(id);
    if (!customer) throw ApiError.notFound('CUSTOMER_NOT_FOUND', `Customer ${id} does not exist`);
    return toCustomerView(customer);
  }

  /** A name change reaches every feed and calendar that shows it (jobs touched in the same transaction). */
  async update(principal: Principal, id: string, dto: UpdateCustomerDto): Promise<CustomerView> {
    assertRole(principal, 'admin', 'dispatcher');
    return this.dataSource.transaction(async (em) => {
      const customer = await this.customers.lock(em, id);
      if (!customer) throw ApiError.notFound('CUSTOMER_NOT_FOUND', `Customer ${id} does not exist`);
      const patch: Partial<Customer> = {};
      if (dto.firstName !== undefined) patch.firstName = dto.firstName;
      if (dto.lastName !== undefined) patch.lastName = dto.lastName;
      if (dto.email !== undefined) patch.email = dto.email;
      if (dto.phone !== undefined) patch.phone = dto.phone;
      await this.customers.update(em, id, patch);
      const after = (await this.customers.findById(id, em))!;
      const renamed = after.firstName !== customer.firstName || after.lastName !== customer.lastName;
      if (renamed) await this.jobs.customerChanged(em, id);
      await this.audit.record(em, {
        actor: actorOf(principal),
        action: 'customer.updated',
        entityType: 'customer',
        entityId: id,
        before: auditable(customer),
        after: auditable(after),
      });
      return toCustomerView(after);
    });
  }
}
