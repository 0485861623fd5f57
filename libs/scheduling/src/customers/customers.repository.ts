import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Customer } from './customer.entity';

@Injectable()
export class CustomersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  insert(em: EntityManager, data: Partial<Customer>): Promise<Customer> {
    const repo = em.getRepository(Customer);
    return repo.save(repo.create(data));
  }

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<Customer | null> {
    return em.getRepository(Customer).findOneBy({ id });
  }

  /**
   * A venue's customers whose first name, last name, "first last" or email contains `text`
   * (case-insensitive; all of them, by name, when `text` is empty), with their venues.
   */
  async search(venueId: string, text: string, limit: number): Promise<Array<{ customer: Customer; venueIds: string[] }>> {
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows: Array<{ id: string; venue_ids: string[] }> = await this.dataSource.query(
      `SELECT c.id, ARRAY(SELECT v.venue_id::text FROM customer_venues v WHERE v.customer_id = c.id ORDER BY v.venue_id) AS venue_ids
         FROM customers c JOIN customer_venues cv ON cv.customer_id = c.id AND cv.venue_id = $1
        WHERE $2 = '%%' OR c.first_name ILIKE $2 OR c.last_name ILIKE $2 OR (c.first_name || ' ' || c.last_name) ILIKE $2 OR c.email ILIKE $2
        ORDER BY lower(c.last_name), lower(c.first_name), c.id
        LIMIT $3`,
      [venueId, like, limit],
    );
    if (!rows.length) return [];
    const found = await this.dataSource.getRepository(Customer).findBy(rows.map((r) => ({ id: r.id })));
    const byId = new Map(found.map((c) => [c.id, c]));
    return rows.filter((r) => byId.has(r.id)).map((r) => ({ customer: byId.get(r.id)!, venueIds: r.venue_ids }));
  }

  lock(em: EntityManager, id: string): Promise<Customer | null> {
    return em.getRepository(Customer).createQueryBuilder('c').where('c.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  async update(em: EntityManager, id: string, patch: Partial<Customer>): Promise<void> {
    await em.getRepository(Customer).update({ id }, patch);
  }

  /** The customer belongs to the venue from now on (created there, or a job of theirs is there). */
  async linkToVenue(em: EntityManager, customerId: string, venueId: string): Promise<void> {
    await em.query('INSERT INTO customer_venues (customer_id, venue_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [customerId, venueId]);
  }

  async venueIdsOf(customerId: string, em: EntityManager = this.dataSource.manager): Promise<string[]> {
    const rows: Array<{ venue_id: string }> = await em.query(
      'SELECT venue_id FROM customer_venues WHERE customer_id = $1 ORDER BY venue_id',
      [customerId],
    );
    return rows.map((r) => r.venue_id);
  }

  /** The venue's customer with this email (case-insensitive); the oldest when several share it. */
  async findByEmailInVenue(em: EntityManager, venueId: string, email: string): Promise<Customer | null> {
    const rows: Array<{ id: string }> = await em.query(
      `SELECT c.id FROM customers c JOIN customer_venues cv ON cv.customer_id = c.id
        WHERE cv.venue_id = $1 AND lower(c.email) = lower($2)
        ORDER BY c.created_at, c.id LIMIT 1`,
      [venueId, email],
    );
    return rows[0] ? this.findById(rows[0].id, em) : null;
  }

  /** Serialises writers that look a customer up by email in a venue (until their transaction ends). */
  async lockEmailInVenue(em: EntityManager, venueId: string, email: string): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`customer:${venueId}:${email.toLowerCase()}`]);
  }
}
