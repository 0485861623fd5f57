import { activeJobsStartingSql } from '@calbridge/scheduling';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface BookingRow {
  id: string;
  jobId: string;
  venueId: string;
  serviceId: string;
  customerId: string | null;
  salt: Buffer;
  status: 'active' | 'cancelled';
}

@Injectable()
export class BookingsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(
    em: EntityManager,
    b: { jobId: string; venueId: string; serviceId: string; customerId: string; salt: Buffer },
  ): Promise<string> {
    const [row] = await em.query(
      `INSERT INTO bookings (job_id, venue_id, service_id, customer_id, manage_salt) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [b.jobId, b.venueId, b.serviceId, b.customerId, b.salt],
    );
    return row.id;
  }

  async find(id: string, em: EntityManager = this.dataSource.manager, lock = false): Promise<BookingRow | null> {
    const rows = await em.query(
      `SELECT id, job_id, venue_id, service_id, customer_id, manage_salt, status FROM bookings WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    const r = rows[0];
    return r
      ? {
          id: r.id,
          jobId: r.job_id,
          venueId: r.venue_id,
          serviceId: r.service_id,
          customerId: r.customer_id,
          salt: r.manage_salt,
          status: r.status,
        }
      : null;
  }

  async markCancelled(em: EntityManager, id: string): Promise<void> {
    await em.query(`UPDATE bookings SET status = 'cancelled', cancelled_at = now(), updated_at = now() WHERE id = $1`, [id]);
  }

  async touch(em: EntityManager, id: string): Promise<void> {
    await em.query(`UPDATE bookings SET updated_at = now() WHERE id = $1`, [id]);
  }

  /**
   * The candidates in round-robin order: fewest active bookings starting in [from, to) (the
   * venue's local day) first, staff id as the tie-break.
   */
  async roundRobinOrder(staffIds: string[], from: Date, to: Date): Promise<string[]> {
    if (staffIds.length < 2) return staffIds;
    const rows: Array<{ staff_id: string }> = await this.dataSource.query(
      `SELECT c.staff_id
         FROM unnest($1::uuid[]) AS c(staff_id)
        ORDER BY (SELECT count(*) FROM bookings b
                   WHERE b.status = 'active' AND b.job_id IN (${activeJobsStartingSql('c.staff_id', '$2', '$3')})), c.staff_id`,
      [staffIds, from, to],
    );
    return rows.map((r) => r.staff_id);
  }
}
