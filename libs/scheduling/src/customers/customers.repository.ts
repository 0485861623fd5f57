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

  lock(em: EntityManager, id: string): Promise<Customer | null> {
    return em.getRepository(Customer).createQueryBuilder('c').where('c.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  async update(em: EntityManager, id: string, patch: Partial<Customer>): Promise<void> {
    await em.getRepository(Customer).update({ id }, patch);
  }
}
