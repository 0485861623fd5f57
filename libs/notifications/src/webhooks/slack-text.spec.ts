import { describeWhen, slackText } from './slack-text';

describe('Slack texts', () => {
  const job = {
    title: 'Cut & <colour>',
    startsAt: '2027-03-28T10:00:00+02:00',
    endsAt: '2027-03-28T11:30:00+02:00',
    allDay: false,
    timezone: 'Europe/Berlin',
    url: 'https://platform.example/jobs/1',
  };

  it('says when in the venue zone', () => {
    expect(describeWhen(job)).toBe('Sun 28 Mar 2027, 10:00–11:30 (Europe/Berlin)');
    expect(describeWhen({ ...job, allDay: true, startsAt: '2027-03-28T00:00:00+01:00', endsAt: '2027-03-29T00:00:00+02:00' })).toBe(
      'Sun 28 Mar 2027 (all day)',
    );
  });

  it('escapes what people typed and links the job', () => {
    expect(slackText({ type: 'conflict.opened', job, staffName: 'Anna <Admin>', venueName: 'Mitte' })).toBe(
      ':warning: Conflict: Anna &lt;Admin&gt; is busy in their own calendar during <https://platform.example/jobs/1|Cut &amp; &lt;colour&gt;> at Mitte (Sun 28 Mar 2027, 10:00–11:30 (Europe/Berlin))',
    );
  });

  it('tells about a lapsed grant', () => {
    expect(
      slackText({ type: 'connection.needs_reauth', staffName: 'Ben', connection: { provider: 'google', accountEmail: 'ben@example.com' } }),
    ).toMatch(/^:warning: Ben's Google Calendar \(ben@example.com\) connection stopped working/);
  });
});
