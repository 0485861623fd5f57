import { rowsOf } from '@calbridge/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { StaffVenue } from './staff-venue.entity';
import { Staff } from './staff.entity';

export interface StaffWithVenues {
  staff: Staff;
  venueIds: string[];
}

@Injectable()
export class StaffRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(em: EntityManager, data: { name: string; email: string }, venueIds: string[]): Promise<Staff> {
    const staff = await em.getRepository(Staff).save(em.getRepository(Staff).create(data));
    await this.setVenues(em, staff.id, venueIds);
    return staff;
  }

  async update(em: EntityManager, id: string, data: Partial<Pick<Staff, 'name' | 'email' | 'active'>>): Promise<void> {
    const defined = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
    if (Object.keys(defined).length) await em.getRepository(Staff).update({ id }, defined);
  }

  async setVenues(em: EntityManager, staffId: string, venueIds: string[]): Promise<void> {
    await em.query('DELETE FROM staff_venues WHERE staff_id = $1 AND NOT (venue_id = ANY($2::uuid[]))', [staffId, venueIds]);
    await em.query(
      `INSERT INTO staff_venues (staff_id, venue_id) SELECT $1, v FROM unnest($2::uuid[]) AS v ON CONFLICT DO NOTHING`,
      [staffId, venueIds],
    );
  }

  async findWithVenues(id: string, em: EntityManager = this.dataSource.manager): Promise<StaffWithVenues | null> {
    const staff = await em.getRepository(Staff).findOneBy({ id });
    if (!staff) return null;
    const venues = await em.getRepository(StaffVenue).find({ where: { staffId: id }, order: { venueId: 'ASC' } });
    return { staff, venueIds: venues.map((v) => v.venueId) };
  }

  /** Staff with their venues; `venueIds` filters to members of any of them (undefined = all). */
  async list(venueIds?: string[], includeInactive = false): Promise<StaffWithVenues[]> {
    const rows: Array<{ id: string; venue_ids: string[] }> = await this.dataSource.query(
      `SELECT s.id, coalesce(array_agg(sv.venue_id ORDER BY sv.venue_id) FILTER (WHERE sv.venue_id IS NOT NULL), '{}') AS venue_ids
         FROM staff s
         LEFT JOIN staff_venues sv ON sv.staff_id = s.id
        WHERE ($1::uuid[] IS NULL OR EXISTS (SELECT 1 FROM staff_venues f WHERE f.staff_id = s.id AND f.venue_id = ANY($1::uuid[])))
          AND (s.active OR $2::boolean)
        GROUP BY s.id`,
      [venueIds ?? null, includeInactive],
    );
    if (!rows.length) return [];
    const staff = await this.dataSource
      .getRepository(Staff)
      .createQueryBuilder('s')
      .where('s.id = ANY(:ids::uuid[])', { ids: rows.map((r) => r.id) })
      .orderBy('s.name')
      .addOrderBy('s.id')
      .getMany();
    const venuesById = new Map(rows.map((r) => [r.id, r.venue_ids]));
    return staff.map((s) => ({ staff: s, venueIds: venuesById.get(s.id) ?? [] }));
  }

  /** The venues any of these staff members work at. */
  async venueIdsOf(em: EntityManager, staffIds: string[]): Promise<string[]> {
    if (!staffIds.length) return [];
    const rows: Array<{ venue_id: string }> = await em.query(
      'SELECT DISTINCT venue_id FROM staff_venues WHERE staff_id = ANY($1::uuid[]) ORDER BY venue_id',
      [[...new Set(staffIds)]],
    );
    return rows.map((r) => r.venue_id);
  }

  async isMemberOf(em: EntityManager, staffId: string, venueId: string): Promise<boolean> {
    const rows = await em.query('SELECT 1 FROM staff_venues WHERE staff_id = $1 AND venue_id = $2', [staffId, venueId]);
    return rows.length > 0;
  }

  /**
   * Locks the staff rows (in id order, so concurrent writers never deadlock) and bumps their
   * schedule version. Every change to someone's schedule goes through here, inside its transaction.
   * Returns the ids that exist.
   */
  async touchSchedules(em: EntityManager, staffIds: string[]): Promise<string[]> {
    const ids = [...new Set(staffIds)].sort();
    if (!ids.length) return [];
    const result = await em.query(
      `UPDATE staff SET schedule_version = schedule_version + 1
        WHERE id IN (SELECT id FROM staff WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE)
        RETURNING id`,
      [ids],
    );
    return rowsOf<{ id: string }>(result).map((r) => r.id);
  }

  /**
   * Staff sharing a job with this person that has not ended before `since` (their calendars
   * and feeds show this person's name among the team).
   */
  async coworkerIds(em: EntityManager, staffId: string, since: Date): Promise<string[]> {
    const rows: Array<{ staff_id: string }> = await em.query(
      `SELECT DISTINCT o.staff_id
         FROM job_assignments m
         JOIN job_assignments o ON o.job_id = m.job_id AND o.staff_id <> m.staff_id
        WHERE m.staff_id = $1 AND m.ends_at >= $2`,
      [staffId, since],
    );
    return rows.map((r) => r.staff_id);
  }

  async emailTaken(em: EntityManager, email: string, exceptId?: string): Promise<boolean> {
    const rows = await em.query('SELECT 1 FROM staff WHERE lower(email) = lower($1) AND ($2::uuid IS NULL OR id <> $2)', [
      email,
      exceptId ?? null,
    ]);
    return rows.length > 0;
  }
}
