import { renderInvitationEmail } from './email-templates';

describe('invitation emails', () => {
  const view = {
    greetingName: 'Sarah',
    what: 'Cut & colour',
    venueName: 'Studio <Mitte>',
    when: 'Mon 15 Mar 2027, 10:00–10:30 (Europe/Berlin)',
    location: 'Torstraße 1',
    joinUrl: null,
    cancel: false,
    update: false,
    forStaff: false,
    clientName: null,
    jobUrl: null,
  };

  it('confirms, updates and cancels, in text and escaped HTML', () => {
    const confirmed = renderInvitationEmail(view);
    expect(confirmed.subject).toBe('Confirmed: Cut & colour, Mon 15 Mar 2027, 10:00–10:30 (Europe/Berlin)');
    expect(confirmed.text).toContain('Cut & colour at Studio <Mitte> is confirmed:');
    expect(confirmed.text).toContain('Where: Torstraße 1');
    expect(confirmed.html).toContain('<strong>Cut &amp; colour</strong> at Studio &lt;Mitte&gt; is confirmed');
    expect(renderInvitationEmail({ ...view, update: true }).subject).toMatch(/^Updated: /);
    const cancelled = renderInvitationEmail({ ...view, cancel: true });
    expect(cancelled.subject).toMatch(/^Cancelled: /);
    expect(cancelled.text).toContain('has been cancelled');
    expect(cancelled.text).not.toContain('Where:');
  });

  it('links only http(s) join URLs', () => {
    expect(renderInvitationEmail({ ...view, joinUrl: 'javascript:alert(1)' }).html).not.toContain('javascript:');
    expect(renderInvitationEmail({ ...view, joinUrl: 'https://meet.example/abc' }).html).toContain('<a href="https://meet.example/abc">');
  });
});
