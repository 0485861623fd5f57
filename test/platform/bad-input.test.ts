import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { at } from '../support/factory';
import { TestSystem } from '../support/test-system';

/**
 * Walks every route the api serves (found through Nest's metadata, so a new controller is probed
 * without touching this file) and sends it input that must never cause a 500: NUL bytes and lone
 * UTF-16 surrogates in every path parameter, query field and body field, `null` and wrong types
 * for every body field, out-of-range instants and numbers, deeply nested documents, compressed
 * bodies that are not compressed, bodies that are not objects. Every answer must be below 500,
 * every refusal a 4xx with a stable `code`, and a refused request must leave the database
 * exactly as it was.
 */

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  params: string[];
  queryFields: string[];
  bodyFields: string[];
}

const METHODS: Partial<Record<RequestMethod, Route['method']>> = {
  [RequestMethod.GET]: 'GET',
  [RequestMethod.POST]: 'POST',
  [RequestMethod.PUT]: 'PUT',
  [RequestMethod.PATCH]: 'PATCH',
  [RequestMethod.DELETE]: 'DELETE',
};

/** Property names class-validator knows for a DTO class (its own and inherited). */
function fieldsOf(type: unknown): string[] {
  if (typeof type !== 'function' || [String, Number, Boolean, Object, Array].includes(type as never)) return [];
  const metas = getMetadataStorage().getTargetValidationMetadatas(type as new () => object, '', true, false);
  return [...new Set(metas.map((m) => m.propertyName))];
}

/** Every controller route of the application, with its parameters and the fields of its query and body DTOs. */
function discoverRoutes(app: INestApplication): Route[] {
  const routes: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new () => object) | undefined;
      if (!type?.prototype) continue;
      const base = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, type) ?? '')[0];
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = METHODS[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (!method || sub === undefined) continue;
        const path = `/${[base, ([] as string[]).concat(sub)[0]].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/');
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, type, name) ?? {}) as Record<string, { index: number; data?: unknown }>;
        const types = (Reflect.getMetadata('design:paramtypes', type.prototype, name) ?? []) as unknown[];
        const queryFields: string[] = [];
        const bodyFields: string[] = [];
        for (const [key, arg] of Object.entries(args)) {
          const kind = Number(key.split(':')[0]);
          if (kind === RouteParamtypes.QUERY) queryFields.push(...(arg.data ? [String(arg.data)] : fieldsOf(types[arg.index])));
          if (kind === RouteParamtypes.BODY) bodyFields.push(...(arg.data ? [String(arg.data)] : fieldsOf(types[arg.index])));
        }
        const params = [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
        routes.push({ method, path, params, queryFields, bodyFields });
      }
    }
  }
  return routes;
}

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'x\ud800y';
const deep = (levels: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
};
/** A document far deeper than any parser-recursion limit yet well under the body size limit. */
const DEEP_JSON_TEXT = `{"a":${'['.repeat(60_000)}${']'.repeat(60_000)}}`;

/** Values every body field gets, one at a time, on top of a valid body where the test knows one. */
const BODY_VALUES: Array<[string, unknown]> = [
  ['NUL', NUL],
  ['lone surrogate', LONE_SURROGATE],
  ['null', null],
  ['empty string', ''],
  ['long string', 'x'.repeat(20_000)],
  ['array', ['a', 'b']],
  ['object', { x: 1 }],
  ['nested 40 deep', deep(40)],
  ['boolean', true],
  ['huge number', 1e308],
  ['negative number', -1],
  ['fraction', 0.5],
  ['instant past year 9999', '+275760-09-13T00:00:00.000Z'],
  ['instant in year 9999', '9999-12-31T23:59:59Z'],
  ['instant in year 0', '0000-01-01T00:00:00Z'],
  ['date far away', '9999-12-31'],
];

/** Values every path parameter and query field gets (already percent-encoded). */
const URL_VALUES: Array<[string, string]> = [
  ['NUL', '%00'],
  ['NUL inside', 'a%00b'],
  ['lone surrogate (CESU)', '%ED%A0%80'],
  ['truncated UTF-8', '%F0%9F%98'],
  ['bad escape', '%zz'],
  ['long', 'x'.repeat(3000)],
  ['uuid with NUL', `${randomUUID().slice(0, 35)}%00`],
];

/** Each walk sends some hundreds of requests: bounded by the number of routes, not by a clock. */
const WALK_TIMEOUT_MS = 600_000;

describe('bad input anywhere: a 4xx with a stable code, never a 500, and nothing written', () => {
  let system: TestSystem;
  let admin: string;
  let routes: Route[];
  let ids: Record<string, string>;
  let failures: string[] = [];
  beforeEach(() => {
    failures = [];
  });

  beforeAll(async () => {
    system = await TestSystem.start();
    admin = system.adminToken();
    routes = discoverRoutes(system.api!);
    const venue = await system.factory.venue();
    const staff = await system.factory.staff({ venueIds: [venue.id] });
    const customer = await system.factory.customer({ email: 'probe@example.com' });
    const job = await system.factory.job({ venueId: venue.id, customerId: customer.id });
    await system.factory.assign(job.id, staff.id);
    const slot = await system.factory.blockedSlot(staff.id, { startsAt: at(3, '10:00'), endsAt: at(3, '11:00') });
    ids = { venue: venue.id, staff: staff.id, customer: customer.id, job: job.id, slot: slot.id };
  });
  afterAll(async () => {
    // Before the database is dropped (WITH (FORCE) would terminate this connection).
    await fingerprintClient?.end();
    await system?.stop();
  });

  /** A real id for a parameter, by its name and the collection it follows; a random one otherwise. */
  function valueOf(route: Route, param: string): string {
    const before = route.path.split('/')[route.path.split('/').indexOf(`:${param}`) - 1];
    const byName: Record<string, string | undefined> = {
      jobId: ids.job,
      staffId: ids.staff,
      venueId: ids.venue,
      slotId: ids.slot,
      provider: 'google',
      file: 'x.ics',
      id: { jobs: ids.job, customers: ids.customer, venues: ids.venue, staff: ids.staff }[before],
    };
    return byName[param] ?? randomUUID();
  }

  /** Bodies that pass validation, so that a bad field reaches as far as it can get. */
  function validBody(route: Route): Record<string, unknown> {
    const bodies: Record<string, Record<string, unknown>> = {
      'POST /v1/venues': { name: 'Probe', timezone: 'Europe/Berlin' },
      'POST /v1/staff': { name: 'Probe', email: `probe-${randomUUID()}@example.com`, venueIds: [ids.venue] },
      'PATCH /v1/staff/:id': { name: 'Probe' },
      'POST /v1/customers': { firstName: 'Probe', lastName: 'Person', email: 'p@example.com', phone: '+49 30 1234567' },
      'PATCH /v1/customers/:id': { firstName: 'Probe' },
      'POST /v1/jobs': { venueId: ids.venue, title: 'Probe', startsAt: at(20, '10:00'), endsAt: at(20, '11:00') },
      'PATCH /v1/jobs/:id': { title: 'Probe', startsAt: at(21, '10:00'), endsAt: at(21, '11:00') },
      'POST /v1/jobs/:jobId/assignments': { staffId: ids.staff },
      'POST /v1/staff/:staffId/blocked-slots': { startsAt: at(30, '10:00'), endsAt: at(30, '11:00'), reason: 'Probe' },
      'PATCH /v1/staff/:id/feeds/:venueId': { includeClientNames: true },
    };
    return bodies[`${route.method} ${route.path}`] ?? {};
  }

  const fingerprintSql = async (): Promise<string> => {
    const tables: Array<{ table_name: string }> = await system.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'migrations' ORDER BY 1`,
    );
    return tables
      // Every insert and update writes a row version with a newer xmin; a delete lowers the count.
      .map((t) => `SELECT '${t.table_name}' AS t, count(*) || '/' || coalesce(max(xmin::text::bigint), 0) AS h FROM "${t.table_name}" x`)
      .join(' UNION ALL ');
  };
  let sql: string;
  /** The database as the previous probe left it. */
  let last: string | undefined;
  /**
   * One connection of its own with the fingerprint as a named prepared statement: planned once,
   * not before each of the thousands of probes (planning a UNION over every table costs more
   * than running it).
   */
  let fingerprintClient: Client | undefined;
  const fingerprint = async (): Promise<string> => {
    sql ??= await fingerprintSql();
    if (!fingerprintClient) {
      fingerprintClient = new Client({ connectionString: system.databaseUrl });
      await fingerprintClient.connect();
    }
    const { rows } = await fingerprintClient.query<{ t: string; h: string }>({ name: 'fingerprint', text: sql });
    return rows.map((r) => `${r.t}:${r.h}`).join(' ');
  };

  function parseUnlessStream(answer: request.Response, callback: (error: Error | null, body: unknown) => void): void {
    // superagent hands parsers the raw Node response.
    const res = answer as unknown as import('node:http').IncomingMessage;
    if (/text\/event-stream/.test(String(res.headers['content-type']))) {
      res.destroy();
      callback(null, {});
      return;
    }
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.on('end', () => {
      try {
        callback(null, text ? JSON.parse(text) : {});
      } catch {
        callback(null, text);
      }
    });
  }

  /** Sends one probe and records what is wrong with the answer. */
  async function probe(what: string, send: (agent: ReturnType<typeof request>) => request.Test, auth = true): Promise<void> {
    const before = (last ??= await fingerprint());
    let test = send(request(system.api!.getHttpServer()));
    if (auth) test = test.set('Authorization', `Bearer ${admin}`);
    // A valid request to an event stream (GET /v1/venues/:id/stream) is answered with a stream that
    // never ends: read its head, and bodies only of answers that are not streams.
    const res = await test.ok(() => true).buffer(true).parse(parseUnlessStream);
    const healthReport = res.status === 503 && typeof res.body?.status === 'string'; // /health: a report, not a failure
    if (res.status >= 500 && !healthReport) {
      failures.push(`${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      last = undefined;
      return;
    }
    last = await fingerprint();
    if (res.status >= 400) {
      const isJson = /json/.test(String(res.headers['content-type']));
      if (isJson && !healthReport && typeof res.body?.code !== 'string') failures.push(`${what}: ${res.status} without a code`);
      if (last !== before) failures.push(`${what}: refused with ${res.status} but the database changed`);
    }
  }

  const call = (agent: ReturnType<typeof request>, method: Route['method'], path: string) =>
    agent[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](path);

  function pathOf(route: Route, override: Record<string, string> = {}): string {
    return route.path.replace(/:([A-Za-z]+)/g, (_m, p: string) => override[p] ?? encodeURIComponent(valueOf(route, p)));
  }

  it('finds the routes to probe', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['PATCH /v1/jobs/:id', 'GET /v1/audit']));
  });

  it('path parameters and query fields with NUL bytes, surrogates and bad escapes', async () => {
    for (const route of routes) {
      for (const param of route.params) {
        for (const [label, value] of URL_VALUES) {
          await probe(`${route.method} ${route.path} :${param}=${label}`, (a) => {
            const t = call(a, route.method, pathOf(route, { [param]: value }));
            return route.method === 'GET' || route.method === 'DELETE' ? t : t.send(validBody(route));
          });
        }
      }
      for (const field of [...route.queryFields, 'unknownField']) {
        for (const [label, value] of URL_VALUES) {
          await probe(`${route.method} ${route.path} ?${field}=${label}`, (a) => call(a, route.method, `${pathOf(route)}?${field}=${value}`));
        }
      }
    }
    expect(failures).toEqual([]);
  }, WALK_TIMEOUT_MS);

  it('every body field: NUL, surrogates, null, wrong types, out-of-range instants and numbers, deep nesting', async () => {
    for (const route of routes.filter((r) => r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH')) {
      for (const field of [...route.bodyFields, 'unknownField']) {
        for (const [label, value] of BODY_VALUES) {
          await probe(`${route.method} ${route.path} body.${field}=${label}`, (a) =>
            call(a, route.method, pathOf(route)).send({ ...validBody(route), [field]: value }),
          );
        }
      }
    }
    expect(failures).toEqual([]);
  }, WALK_TIMEOUT_MS);

  it('whole bodies: deep documents, non-objects, prototype keys, gzip that is not, with and without a token', async () => {
    for (const route of routes.filter((r) => r.method !== 'GET')) {
      const path = pathOf(route);
      const raw = (label: string, body: string | Buffer, headers: Record<string, string>, auth = true) =>
        probe(`${route.method} ${route.path} ${label}${auth ? '' : ' (no token)'}`, (a) => {
          let t = call(a, route.method, path);
          for (const [k, v] of Object.entries(headers)) t = t.set(k, v);
          return t.send(body);
        }, auth);
      const json = { 'Content-Type': 'application/json' };
      await raw('60,000 levels of JSON', DEEP_JSON_TEXT, json);
      await raw('lone surrogate escape', '{"name":"\\ud800"}', json);
      await raw('NUL escape in a key', '{"na\\u0000me":"x"}', json);
      await raw('null body', 'null', json);
      await raw('array body', '[1,2]', json);
      await raw('string body', '"text"', json);
      await raw('__proto__ key', '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}', json);
      await raw('invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), json);
      await raw('unknown charset', '{}', { 'Content-Type': 'application/json; charset=klingon' });
      for (const auth of [true, false]) {
        await raw('gzip header on a plain body', JSON.stringify(validBody(route)), { ...json, 'Content-Encoding': 'gzip' }, auth);
        await raw('deflate header on a plain body', JSON.stringify(validBody(route)), { ...json, 'Content-Encoding': 'deflate' }, auth);
        await raw('unknown encoding', '{}', { ...json, 'Content-Encoding': 'zstd-nope' }, auth);
      }
    }
    expect(failures).toEqual([]);
  }, WALK_TIMEOUT_MS);
});
