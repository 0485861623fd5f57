import { ApiError, Principal } from '@calbridge/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { assertCanActInVenue, assertRole } from '../common/access';
import { actorOf, customerActor } from '../common/actor';
import { JobsService } from '../jobs/jobs.service';
import { VenuesRepository } from '../venues/venues.repository';
import { Customer } from './customer.entity';
import { CustomersRepository } from './customers.repository';
import { CreateCustomerDto, UpdateCustomerDto } from './dto/create-customer.dto';

export interface CustomerView {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  /** The venues the customer belongs to (created there, or a job of theirs is there). */
  venueIds: string[];
  createdAt: string;
  updatedAt: string;
}

export function toCustomerView(c: Customer, venueIds: string[]): CustomerView {
  return {
    id: c.id,
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email,
    phone: c.phone,
    venueIds,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/**
 * Admins see every customer; a dispatcher those of their venues. Anyone else's customer answers
 * 404, as an unknown id does (no oracle for which ids exist).
 */
function canSee(principal: Principal, customerVenueIds: string[]): boolean {
  return principal.role === 'admin' || customerVenueIds.some((v) => principal.venueIds.includes(v));
}

const notFound = (id: string) => ApiError.notFound('CUSTOMER_NOT_FOUND', `Customer ${id} does not exist`);

/** Audit rows keep who the customer is, not how to reach them. */
const auditable = (c: Pick<Customer, 'firstName' | 'lastName'>) => ({ firstName: c.firstName, lastName: c.lastName });

@Injectable()
export class CustomersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersRepository,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly venues: VenuesRepository,
  ) {}

  /**
   * Dispatchers create customers for one of their venues (`venueId` required); admins for a
   * venue or for none (a customer without venues is seen by admins only, until a job links them).
   */
  async create(principal: Principal, dto: CreateCustomerDto): Promise<CustomerView> {
    assertRole(principal, 'admin', 'dispatcher');
    if (principal.role === 'dispatcher') {
      if (!principal.venueIds.length) throw ApiError.forbidden('A dispatcher without venues cannot create customers', 'NO_VENUES');
      if (!dto.venueId) throw ApiError.badRequest('VENUE_REQUIRED', 'venueId is required: the venue the customer is created for');
    }
    if (dto.venueId) {
      assertCanActInVenue(principal, dto.venueId);
      if (!(await this.venues.findById(dto.venueId))) {
        throw ApiError.unprocessable('VENUE_NOT_FOUND', `Venue ${dto.venueId} does not exist`);
      }
    }
    return this.dataSource.transaction(async (em) => {
      const customer = await this.customers.insert(em, {
        firstName: dto.firstName,
        lastName: dto.lastName,
        email: dto.email ?? null,
        phone: dto.phone ?? null,
      });
      if (dto.venueId) await this.customers.linkToVenue(em, customer.id, dto.venueId);
      await this.audit.record(em, {
        actor: actorOf(principal),
        action: 'customer.created',
        entityType: 'customer',
        entityId: customer.id,
        venueId: dto.venueId ?? null,
        after: auditable(customer),
      });
      return toCustomerView(customer, dto.venueId ? [dto.venueId] : []);
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

  /** Pick a customer for a new job: the venue's customers matching `q` (name or email), at most `limit` (20). */
  async search(principal: Principal, venueId: string, q = '', limit = 20): Promise<CustomerView[]> {
    assertRole(principal, 'admin', 'dispatcher');
    assertCanActInVenue(principal, venueId);
    return (await this.customers.search(venueId, q.trim(), limit)).map((r) => toCustomerView(r.customer, r.venueIds));
  }

  async get(principal: Principal, id: string): Promise<CustomerView> {
    assertRole(principal, 'admin', 'dispatcher');
    const customer = await this.customers.findById(id);
    const venueIds = customer ? await this.customers.venueIdsOf(id) : [];
    if (!customer || !canSee(principal, venueIds)) throw notFound(id);
    return toCustomerView(customer, venueIds);
  }

  /** A name change reaches every feed and calendar that shows it (jobs touched in the same transaction). */
  async update(principal: Principal, id: string, dto: UpdateCustomerDto): Promise<CustomerView> {
    assertRole(principal, 'admin', 'dispatcher');
    return this.dataSource.transaction(async (em) => {
      const customer = await this.customers.lock(em, id);
      const venueIds = customer ? await this.customers.venueIdsOf(id, em) : [];
      if (!customer || !canSee(principal, venueIds)) throw notFound(id);
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
      return toCustomerView(after, venueIds);
    });
  }
}
