import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Queue } from 'bullmq';

/**
 * Every BullMQ queue this process knows: whatever lib registered it (`BullModule.registerQueue`),
 * found among the application's providers, so that nothing keeps a central list. Read after the
 * application started (the set does not change afterwards).
 */
@Injectable()
export class KnownQueues {
  private found?: Queue[];

  constructor(private readonly discovery: DiscoveryService) {}

  all(): Queue[] {
    if (!this.found) {
      const byName = new Map<string, Queue>();
      for (const wrapper of this.discovery.getProviders()) {
        const instance: unknown = wrapper.isDependencyTreeStatic() ? wrapper.instance : undefined;
        if (instance instanceof Queue && !byName.has(instance.name)) byName.set(instance.name, instance);
      }
      this.found = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
    }
    return this.found;
  }
}
