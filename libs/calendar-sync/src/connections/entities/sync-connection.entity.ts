import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const CONNECTION_STATUSES = ['active', 'syncing', 'needs_reauth', 'error', 'disconnected'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** Statuses in which the engine still talks to the provider. */
export const LIVE_STATUSES: readonly ConnectionStatus[] = ['active', 'syncing', 'error'];

/** A staff member's account at a calendar provider. Credentials are sealed (AES-256-GCM). */
@Entity('sync_connections')
export class SyncConnection {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'staff_id', type: 'uuid' })
  staffId: string;

  @Column({ type: 'text' })
  provider: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ name: 'account_email', type: 'text' })
  accountEmail: string;

  @Column({ name: 'server_url', type: 'text', nullable: true })
  serverUrl: string | null;

  @Column({ type: 'text' })
  status: ConnectionStatus;

  /** Sealed envelope; never leaves the vault in clear, never logged. */
  @Column({ type: 'text', nullable: true, select: true })
  credentials: string | null;

  @Column({ name: 'credentials_key_id', type: 'text', nullable: true })
  credentialsKeyId: string | null;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  metadata: Record<string, unknown>;

  @Column({ name: 'include_client_names', type: 'boolean', default: false })
  includeClientNames: boolean;

  @Column({ name: 'last_synced_at', type: 'timestamptz', nullable: true })
  lastSyncedAt: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'failure_count', type: 'integer', default: 0 })
  failureCount: number;

  /** Rate limits met in a row (reset by a success); not failures. */
  @Column({ name: 'rate_limited_count', type: 'integer', default: 0 })
  rateLimitedCount: number;

  @Column({ name: 'backoff_until', type: 'timestamptz', nullable: true })
  backoffUntil: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
