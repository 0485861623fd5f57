import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface BookableService {
  id: string;
  venueId: string;
  name: string;
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  bookable: boolean;
  staffIds: string[];
  createdAt: Date;
  updatedAt: Date;
}

export type ServiceFields = Pick<BookableService, 'name' | 'durationMinutes' | 'bufferBeforeMinutes' | 'bufferAfterMinutes' | 'bookable'>;

const SELECT = `
  SELECT s.id, s.venue_id, s.name, s.duration_minutes, s.buffer_before_minutes, s.buffer_after_minutes, s.bookable,
         s.created_at, s.updated_at,
         coalesce((SELECT array_agg(p.staff_id ORDER BY p.staff_id) FROM booking_service_performers p WHERE p.service_id = s.id), '{}') AS staff_ids
    FROM booking_services s`;

@Injectable()
export class ServicesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(em: EntityManager, venueId: string, fields: ServiceFields): Promise<string> {
    const [row] = await em.query(
      `INSERT INTO booking_services (venue_id, name, duration_minutes, buffer_before_minutes, buffer_after_minutes, bookable)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [venueId, fields.name, fields.durationMinutes, fields.bufferBeforeMinutes, fields.bufferAfterMinutes, fields.bookable],
    );
    return row.id;
  }

  async update(em: EntityManager, id: string, fields: ServiceFields): Promise<void> {
    await em.query(
      `UPDATE booking_services SET name = $2, duration_minutes = $3, buffer_before_minutes = $4, buffer_after_minutes = $5,
              bookable = $6, updated_at = now() WHERE id = $1`,
      [id, fields.name, fields.durationMinutes, fields.bufferBeforeMinutes, fields.bufferAfterMinutes, fields.bookable],
    );
  }

  async setPerformers(em: EntityManager, serviceId: string, staffIds: string[]): Promise<void> {
    await em.query(`DELETE FROM booking_service_performers WHERE service_id = $1 AND NOT (staff_id = ANY($2::uuid[]))`, [
      serviceId,
      staffIds,
    ]);
    await em.query(
      `INSERT INTO booking_service_performers (service_id, staff_id) SELECT $1, s FROM unnest($2::uuid[]) s ON CONFLICT DO NOTHING`,
      [serviceId, staffIds],
    );
  }

  async findById(id: string, em: EntityManager = this.dataSource.manager, lock = false): Promise<BookableService | null> {
    const rows = await em.query(`${SELECT} WHERE s.id = $1${lock ? ' FOR UPDATE OF s' : ''}`, [id]);
    return rows[0] ? toService(rows[0]) : null;
  }

  async listForVenue(venueId: string, onlyBookable = false): Promise<BookableService[]> {
    const rows = await this.dataSource.query(
      `${SELECT} WHERE s.venue_id = $1 AND (NOT $2 OR s.bookable) ORDER BY s.name, s.id`,
      [venueId, onlyBookable],
    );
    return rows.map(toService);
  }
}

function toService(r: Record<string, unknown>): BookableService {
  return {
    id: r.id as string,
    venueId: r.venue_id as string,
    name: r.name as string,
    durationMinutes: Number(r.duration_minutes),
    bufferBeforeMinutes: Number(r.buffer_before_minutes),
    bufferAfterMinutes: Number(r.buffer_after_minutes),
    bookable: r.bookable as boolean,
    staffIds: r.staff_ids as string[],
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
  };
}
