import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BlockedSlot } from './blocked-slot.entity';

@Injectable()
export class BlockedSlotsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  insert(em: EntityManager, slot: Partial<BlockedSlot>): Promise<BlockedSlot> {
    const repo = em.getRepository(BlockedSlot);
    return repo.save(repo.create(slot));
  }

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<BlockedSlot | null> {
    return em.getRepository(BlockedSlot).findOneBy({ id });
  }

  async delete(em: EntityManager, id: string): Promise<void> {
    await em.getRepository(BlockedSlot).delete({ id });
  }

  /** Slots of a staff member intersecting [from, to) (GiST on (staff_id, during)). */
  listForStaff(staffId: string, from: Date, to: Date): Promise<BlockedSlot[]> {
    return this.dataSource
      .getRepository(BlockedSlot)
      .createQueryBuilder('s')
      .where('s.staff_id = :staffId', { staffId })
      .andWhere(`s.during && tstzrange(:from, :to, '[)')`, { from, to })
      .orderBy('s.starts_at')
      .addOrderBy('s.id')
      .getMany();
  }

  /** Slots of every staff member of a venue intersecting [from, to) (the dispatcher board). */
  listForVenue(venueId: string, from: Date, to: Date): Promise<BlockedSlot[]> {
    return this.dataSource
      .getRepository(BlockedSlot)
      .createQueryBuilder('s')
      .where('s.staff_id IN (SELECT sv.staff_id FROM staff_venues sv WHERE sv.venue_id = :venueId)', { venueId })
      .andWhere(`s.during && tstzrange(:from, :to, '[)')`, { from, to })
      .orderBy('s.starts_at')
      .addOrderBy('s.id')
      .getMany();
  }

  /** Slots of a staff member overlapping [from, to), in the caller's transaction. */
  overlapping(em: EntityManager, staffId: string, from: Date, to: Date): Promise<BlockedSlot[]> {
    return em
      .getRepository(BlockedSlot)
      .createQueryBuilder('s')
      .where('s.staff_id = :staffId', { staffId })
      .andWhere(`s.during && tstzrange(:from, :to, '[)')`, { from, to })
      .orderBy('s.starts_at')
      .getMany();
  }
}
