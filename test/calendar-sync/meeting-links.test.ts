import { DateTime } from 'luxon';
import { RunningGoogleEmulator, RunningMicrosoftEmulator, startGoogleEmulator, startMicrosoftEmulator } from '../../apps/emulators/src';
import { parseWithIcalJs } from '../ical-feed/support/parse-calendar';
import { feedPath, poll } from '../ical-feed/support/feeds';
import { assertEmulatorTlsTrusted } from '../support/emulators';
import { SmtpSink } from '../support/smtp-sink';
import type { TestSystem } from '../support/test-system';
import { waitFor } from '../support/wait';
import { connectThroughOAuth, runTick, startWebhookDrivenSystem, waitForPushes, waitUntilLive } from './oauth-fixture';

/**
 * Meeting links end to end: jobs with `remote.provider` google_meet / teams pushed through the
 * official SDKs to the Google and Graph emulators, which create the meetings as documented; the
 * join link lands on the job and from there in the iCal feed and the customer's invitation.
 */
const ALICE = 'alice@example.com'; // Google
const BOB = 'bob@example.com'; // Outlook
const ZONE = 'Europe/Berlin';

interface RemoteView {
  provider: string;
  url: string | null;
  meeting: { status: string; note: string | null } | null;
}

describe('meeting links (Google Meet and Teams through the push)', () => {
  let google: RunningGoogleEmulator;
  let graph: RunningMicrosoftEmulator;
  let smtp: SmtpSink;
  let system: TestSystem;
  let venue: { id: string };
  let alice: { id: string };
  let bob: { id: string };
  let aliceConnection: string;
  let bobConnection: string;

  beforeAll(async () => {
    google = await startGoogleEmulator({ accounts: [{ email: ALICE, displayName: 'Alice', timeZone: ZONE }] });
    graph = await startMicrosoftEmulator({ accounts: [{ email: BOB, displayName: 'Bob' }] });
    await assertEmulatorTlsTrusted(graph);
    smtp = await SmtpSink.start();
    system = await startWebhookDrivenSystem({
      ...google.calbridgeEnv(),
      ...graph.calbridgeEnv(),
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Studio <bookings@studio.example>',
      MAIL_BACKOFF_BASE_MS: '50',
      OUTBOX_POLL_INTERVAL_MS: '100',
    });
    const team = await system.factory.team(2, { timezone: ZONE });
    venue = team.venue;
    [alice, bob] = team.staff;
    aliceConnection = (await connectThroughOAuth(system, 'google', alice.id, ALICE)).connectionId;
    bobConnection = (await connectThroughOAuth(system, 'microsoft', bob.id, BOB)).connectionId;
    await waitUntilLive(system, aliceConnection);
    await waitUntilLive(system, bobConnection);
  });

  afterAll(async () => {
    await system?.stop();
    await google?.stop();
    await graph?.stop();
    await smtp?.stop();
  });

  const admin = () => system.http(system.adminToken());
  const start = (days: number, time: string) => {
    const [hour, minute] = time.split(':').map(Number);
    return DateTime.now().setZone(ZONE).startOf('day').plus({ days }).set({ hour, minute });
  };
  const remoteOf = async (jobId: string) => (await admin().get(`/v1/jobs/${jobId}`).expect(200)).body.remote as RemoteView;
  const waitForMeeting = (jobId: string, status: string) =>
    waitFor(
      async () => {
        const remote = await remoteOf(jobId);
        if (remote.meeting?.status !== status) throw new Error(`meeting ${JSON.stringify(remote.meeting)}`);
        return remote;
      },
      { what: `the job's meeting to be ${status}` },
    );
  const googleEvent = (jobId: string) =>
    google.controls.peekEvents(ALICE).find((e) => (e.extendedProperties as { private?: Record<string, string> } | undefined)?.private?.calbridgeJob === jobId);
  const graphEvent = (jobId: string) =>
    graph.controls.peekEvents(BOB).find((e) => e.transactionId && String((e.body as { content?: string } | undefined)?.content ?? '').includes(jobId));
  const feedEvent = async (staffId: string, jobId: string) => {
    const res = await poll(system, await feedPath(system, staffId, venue.id));
    expect(res.status).toBe(200);
    const event = parseWithIcalJs(res.text).events.find((e) => e.uid.includes(jobId));
    if (!event) throw new Error(`job ${jobId} not in the feed`);
    return { event, text: res.text };
  };
  let day = 4;
  async function confirmedJob(staffId: string, provider: 'google_meet' | 'teams', title: string, email?: string) {
    const customer = email ? await system.factory.customer({ firstName: 'Sam', lastName: 'Lee', email, venueId: venue.id }) : null;
    const s = start(day++, '10:00');
    const job = (
      await admin()
        .post('/v1/jobs', {
          venueId: venue.id,
          title,
          customerId: customer?.id,
          remote: { provider, details: 'Camera on, please' },
          status: 'confirmed',
          startsAt: s.toISO(),
          endsAt: s.plus({ hours: 1 }).toISO(),
        })
        .expect(201)
    ).body as { id: string; remote: RemoteView };
    expect(job.remote).toMatchObject({ provider, url: null, meeting: { status: 'requested' } });
    await system.factory.assign(job.id, staffId);
    return job;
  }

  it('Google Meet: the push asks for the conference, the link lands on the job, in the feed and in the invitation; an update creates no second meeting', async () => {
    const job = await confirmedJob(alice.id, 'google_meet', 'Video consultation', 'sam@example.com');
    const remote = await waitForMeeting(job.id, 'created');
    const event = googleEvent(job.id)!;
    expect(remote.url).toMatch(/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
    expect(event.hangoutLink).toBe(remote.url);
    const conference = event.conferenceData as { conferenceId: string; createRequest: { requestId: string; status: { statusCode: string } } };
    expect(conference.createRequest).toMatchObject({ requestId: expect.stringMatching(new RegExp(`^${event.id}-[0-9a-f]{10}$`)), status: { statusCode: 'success' } });
    await waitForPushes(system, aliceConnection, [job.id]);
    // The event shows the link in its description too (re-pushed once the job had it).
    expect(googleEvent(job.id)!.description).toContain(`Join: ${remote.url}`);

    const { event: inFeed, text } = await feedEvent(alice.id, job.id);
    expect(inFeed.description).toContain(`Join online: ${remote.url}`);
    expect(text).not.toMatch(/Sam Lee/); // client names stay off by default

    const mail = await waitFor(
      () => {
        const found = smtp.received.find((m) => m.to.includes('sam@example.com') && m.raw.includes('meet.google.com'));
        if (!found) throw new Error(`${smtp.received.length} mails, none with the link yet`);
        return found;
      },
      { what: 'an invitation carrying the Meet link' },
    );
    const ics = mail.parsed.attachments.find((a) => a.contentType === 'text/calendar')!.content.toString('utf8');
    const [invited] = parseWithIcalJs(ics).events;
    expect(invited.description).toContain(remote.url!);
    expect(ics.replace(/\r\n[ \t]/g, '')).toContain(`URL;VALUE=URI:${remote.url}`);

    // Moving the job rewrites the event without asking for another conference.
    const s = start(2, '15:00');
    await admin().patch(`/v1/jobs/${job.id}`, { startsAt: s.toISO(), endsAt: s.plus({ hours: 1 }).toISO() }).expect(200);
    await waitForPushes(system, aliceConnection, [job.id]);
    const moved = googleEvent(job.id)!;
    expect((moved.start as { dateTime: string }).dateTime).toMatch(/T15:00:00/);
    expect(moved.hangoutLink).toBe(remote.url);
    expect((moved.conferenceData as { conferenceId: string }).conferenceId).toBe(conference.conferenceId);
    expect((await remoteOf(job.id)).url).toBe(remote.url);

    // Handed over to a staff member on Outlook: the job keeps its Meet link, which their event carries
    // in its text (no Teams meeting asked for); Alice's event goes.
    await admin().post(`/v1/jobs/${job.id}/assignments`, { staffId: bob.id }).expect(201);
    await admin().delete(`/v1/jobs/${job.id}/assignments/${alice.id}`).expect(204);
    await waitForPushes(system, bobConnection, [job.id]);
    const handedOver = graphEvent(job.id)!;
    expect(String((handedOver.body as { content: string }).content)).toContain(`Join: ${remote.url}`);
    expect(handedOver).toMatchObject({ isOnlineMeeting: false, onlineMeeting: null });
    await waitFor(() => expect(googleEvent(job.id)).toBeUndefined(), { what: "Alice's event to go" });
    expect(await remoteOf(job.id)).toMatchObject({ url: remote.url, meeting: { status: 'created' } });
  });

  it('Google answers "pending": the link is read again until it is there', async () => {
    google.controls.setConferencing(ALICE, { mode: 'pending', pendingReads: 3 });
    try {
      const job = await confirmedJob(alice.id, 'google_meet', 'Slow conference');
      const remote = await waitForMeeting(job.id, 'created');
      expect(remote.url).toBe(googleEvent(job.id)!.hangoutLink);
      const trail = await system.dataSource.query(`SELECT action, after FROM audit_log WHERE entity_id = $1 AND action LIKE 'job.meeting%' ORDER BY id`, [job.id]);
      expect(trail.map((r: { action: string; after: { meetingStatus: string } }) => [r.action, r.after.meetingStatus])).toEqual([
        ['job.meeting_status_changed', 'pending'],
        ['job.meeting_created', 'created'],
      ]);
    } finally {
      google.controls.setConferencing(ALICE, { mode: 'pending' });
    }
  });

  it('a meeting still pending after the follow-up reads is looked at again later (the cron picks the row up)', async () => {
    google.controls.setConferencing(ALICE, { mode: 'pending', pendingReads: 5 });
    try {
      const job = await confirmedJob(alice.id, 'google_meet', 'Very slow conference');
      await waitForMeeting(job.id, 'pending');
      const row = await waitFor(
        async () => {
          const [r] = await system.dataSource.query(
            `SELECT state, content_hash, attempts, next_attempt_at > now() AS later FROM sync_pushed_events WHERE connection_id = $1 AND job_id = $2`,
            [aliceConnection, job.id],
          );
          if (!r?.later) throw new Error(`row ${JSON.stringify(r)}`);
          return r;
        },
        { what: 'the row to wait for a later look' },
      );
      expect(row).toMatchObject({ state: 'pending', content_hash: null });
      expect((await remoteOf(job.id)).url).toBeNull();
      // Time passes: the row falls due, the cron fallback's tick kicks the push, and the event is
      // written again (the same request) until Google has finished. (Done in a loop: a look the
      // relay caused may have pushed the row's next attempt out again meanwhile.)
      const remote = await waitFor(
        async () => {
          await system.dataSource.query(`UPDATE sync_pushed_events SET next_attempt_at = now() WHERE connection_id = $1 AND job_id = $2 AND state = 'pending'`, [
            aliceConnection,
            job.id,
          ]);
          await runTick(system);
          const current = await remoteOf(job.id);
          if (current.meeting?.status !== 'created') throw new Error(`meeting ${JSON.stringify(current.meeting)}`);
          return current;
        },
        { what: 'the later look to finish the meeting', intervalMs: 500 },
      );
      expect(remote.url).toBe(googleEvent(job.id)!.hangoutLink);
    } finally {
      google.controls.setConferencing(ALICE, { mode: 'pending' });
    }
  });

  it('Teams: Graph creates the online meeting, its joinUrl lands on the job and in the feed; an update keeps the same meeting', async () => {
    const job = await confirmedJob(bob.id, 'teams', 'Teams consultation');
    const remote = await waitForMeeting(job.id, 'created');
    expect(remote.url).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
    const event = graphEvent(job.id)!;
    expect(event).toMatchObject({ isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' });
    expect((event.onlineMeeting as { joinUrl: string }).joinUrl).toBe(remote.url);
    await waitForPushes(system, bobConnection, [job.id]);
    expect((await feedEvent(bob.id, job.id)).event.description).toContain(`Join online: ${remote.url}`);

    await admin().patch(`/v1/jobs/${job.id}`, { title: 'Teams consultation (renamed)' }).expect(200);
    await waitForPushes(system, bobConnection, [job.id]);
    const renamed = graphEvent(job.id)!;
    expect(renamed.subject).toBe('Teams consultation (renamed)');
    expect((renamed.onlineMeeting as { joinUrl: string }).joinUrl).toBe(remote.url);
    expect((await remoteOf(job.id)).url).toBe(remote.url);
  });

  it('when the calendar cannot create the meeting the job is still pushed, without a link, and says why', async () => {
    // A Google account that cannot create Meet conferences: statusCode "failure".
    google.controls.setConferencing(ALICE, { mode: 'failure' });
    try {
      const job = await confirmedJob(alice.id, 'google_meet', 'No Meet here');
      const remote = await waitForMeeting(job.id, 'unavailable');
      expect(remote).toMatchObject({ url: null, meeting: { note: expect.stringContaining('"failure"') } });
      await waitForPushes(system, aliceConnection, [job.id]);
      expect(googleEvent(job.id)).toMatchObject({ summary: 'No Meet here' });
      expect(googleEvent(job.id)!.hangoutLink).toBeUndefined();

      // The account is fixed; the dispatcher asks again: a new request (Google ignores a request id it has seen).
      google.controls.setConferencing(ALICE, { mode: 'pending' });
      const retried = await admin().patch(`/v1/jobs/${job.id}`, { remote: { provider: 'google_meet' } }).expect(200);
      expect(retried.body.remote.meeting).toEqual({ status: 'requested', note: null });
      const created = await waitForMeeting(job.id, 'created');
      expect(googleEvent(job.id)!.hangoutLink).toBe(created.url);
    } finally {
      google.controls.setConferencing(ALICE, { mode: 'pending' });
    }

    // An Outlook calendar that does not offer Teams: the event comes back without an online meeting.
    const bobCalendar = graph.controls.accounts().find((a) => a.email === BOB)!.defaultCalendarId; // the push calendar
    graph.controls.setOnlineMeetingProviders(bobCalendar, []);
    try {
      const job = await confirmedJob(bob.id, 'teams', 'No Teams here');
      const remote = await waitForMeeting(job.id, 'unavailable');
      expect(remote.meeting!.note).toMatch(/without a Teams meeting/);
      expect(graphEvent(job.id)).toMatchObject({ subject: 'No Teams here', isOnlineMeeting: false, onlineMeeting: null });
    } finally {
      graph.controls.setOnlineMeetingProviders(bobCalendar, ['teamsForBusiness']);
    }

    // Known at connect time (the calendar list says so): not asked for at all.
    const CAROL = 'carol@example.com';
    const carolAccount = graph.controls.addAccount({ email: CAROL, displayName: 'Carol' });
    graph.controls.setOnlineMeetingProviders(carolAccount.defaultCalendarId, ['skypeForConsumer']);
    const carol = await system.factory.staff({ venueIds: [venue.id] });
    const carolConnection = (await connectThroughOAuth(system, 'microsoft', carol.id, CAROL)).connectionId;
    await waitUntilLive(system, carolConnection);
    const skype = await confirmedJob(carol.id, 'teams', 'Skype-only calendar');
    expect((await waitForMeeting(skype.id, 'unavailable')).meeting!.note).toBe(
      'The Outlook calendar does not offer Teams meetings (allowedOnlineMeetingProviders: skypeForConsumer)',
    );
    await waitForPushes(system, carolConnection, [skype.id]);
    expect(graph.controls.peekEvents(CAROL)).toEqual([expect.objectContaining({ subject: 'Skype-only calendar', isOnlineMeeting: false, onlineMeeting: null })]);

    // A Teams meeting asked of a Google calendar: not asked for at all.
    const job = await confirmedJob(alice.id, 'teams', 'Wrong provider');
    const remote = await waitForMeeting(job.id, 'unavailable');
    expect(remote.meeting!.note).toBe('Google Calendar cannot create Microsoft Teams meetings');
    await waitForPushes(system, aliceConnection, [job.id]);
    expect(googleEvent(job.id)!.conferenceData).toBeUndefined();
  });
});
