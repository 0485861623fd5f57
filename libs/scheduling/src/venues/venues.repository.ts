import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import type { VenueBookingPolicy } from './dto/venue-booking-policy.dto';
import { Venue } from './venue.entity';

@Injectable()
export class VenuesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  insert(em: EntityManager, venue: Pick<Venue, 'name' | 'timezone'>): Promise<Venue> {
    return em.getRepository(Venue).save(em.getRepository(Venue).create(venue));
  }

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<Venue | null> {
    return em.getRepository(Venue).findOneBy({ id });
  }

  findByIds(ids: string[], em: EntityManager = this.dataSource.manager): Promise<Venue[]> {
    if (!ids.length) return Promise.resolve([]);
    return em.getRepository(Venue).findBy({ id: In(ids) });
  }

  /** Locks the venue row for the rest of the transaction. */
  lock(em: EntityManager, id: string): Promise<Venue | null> {
    return em.getRepository(Venue).createQueryBuilder('v').where('v.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  /** Writes the booking policy (all five fields). */
  /** Name and/or zone (feeds notice through the venues trigger). */
  async rename(em: EntityManager, id: string, data: { name?: string; timezone?: string }): Promise<void> {
    const defined = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
    if (Object.keys(defined).length) await em.getRepository(Venue).update({ id }, defined);
  }

  async updateBookingPolicy(em: EntityManager, id: string, policy: VenueBookingPolicy): Promise<void> {
    await em.getRepository(Venue).update(
      { id },
      {
        bookingEnabled: policy.enabled,
        bookingMinNoticeMinutes: policy.minNoticeMinutes,
        bookingHorizonDays: policy.horizonDays,
        bookingSlotIntervalMinutes: policy.slotIntervalMinutes,
        bookingCancellationCutoffMinutes: policy.cancellationCutoffMinutes,
      },
    );
  }

  async venueIdsOfStaff(staffId: string, em: EntityManager = this.dataSource.manager): Promise<string[]> {
    const rows: Array<{ venue_id: string }> = await em.query('SELECT venue_id FROM staff_venues WHERE staff_id = $1', [
      staffId,
    ]);
    return rows.map((r) => r.venue_id);
  }

  /** All venues, or those listed (undefined = all), ordered by name. */
  list(ids?: string[]): Promise<Venue[]> {
    const qb = this.dataSource.getRepository(Venue).createQueryBuilder('v').orderBy('v.name').addOrderBy('v.id');
    if (ids) qb.where('v.id = ANY(:ids::uuid[])', { ids });
    return qb.getMany();
  }
}
