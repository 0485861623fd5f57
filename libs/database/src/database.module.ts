import { DynamicModule, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigModule, ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseConfig } from './database.config';
import { DeploymentIdentity } from './deployment-identity';
import { pendingMigrations } from './migrate';
import { MIGRATIONS } from './migrations';

/**
 * The TypeORM data source for api, worker and CLI. Entities register themselves through
 * `TypeOrmModule.forFeature` in their libraries (`autoLoadEntities`). Schema changes only ever
 * come from migrations (`synchronize` is off); they are applied by `npm start` / `cli migrate`.
 */
@Module({})
export class DatabaseModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(DatabaseModule.name);

  constructor(private readonly dataSource: DataSource) {}

  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [DeploymentIdentity],
      exports: [DeploymentIdentity],
      imports: [
        ConfigModule.forFeature(databaseConfig),
        TypeOrmModule.forRootAsync({
          imports: [ConfigModule.forFeature(databaseConfig)],
          inject: [databaseConfig.KEY],
          useFactory: (db: ConfigType<typeof databaseConfig>) => ({
            type: 'postgres' as const,
            url: db.url,
            autoLoadEntities: true,
            synchronize: false,
            migrationsRun: false,
            migrations: MIGRATIONS,
            migrationsTableName: 'migrations',
            logging: db.logQueries ? ['query', 'error'] : false,
            poolSize: db.poolSize,
            // JIT off: calbridge runs short OLTP statements, for which compiling (triggered by
            // pessimistic row estimates, e.g. of generate_series) costs far more than it saves.
            extra: { application_name: 'calbridge', options: '-c jit=off' },
          }),
        }),
      ],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    const pending = await pendingMigrations(this.dataSource);
    if (pending.length) {
      throw new Error(
        `The database has ${pending.length} pending migration(s) (${pending.join(', ')}). Run "npm run migrate" (or "npm start", which migrates first).`,
      );
    }
    this.logger.log('Database schema is up to date');
  }
}
