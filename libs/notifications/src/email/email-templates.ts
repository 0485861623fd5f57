import Handlebars from 'handlebars';

/** What an invitation email says (plain data; HTML is escaped by the template engine). */
export interface InvitationEmailView {
  /** "Sarah" (customer) or the staff member's name. */
  greetingName: string;
  /** Service or title. */
  what: string;
  venueName: string;
  /** "Mon 15 Mar 2027, 10:00–10:30 (America/New_York)". */
  when: string;
  location: string | null;
  joinUrl: string | null;
  cancel: boolean;
  update: boolean;
  /** Staff emails name the client as calendars do ("Sarah J.") and link the job in the platform. */
  forStaff: boolean;
  clientName: string | null;
  jobUrl: string | null;
}

const engine = Handlebars.create();

const SUBJECT = engine.compile('{{#if cancel}}Cancelled{{else if update}}Updated{{else}}Confirmed{{/if}}: {{what}}, {{when}}', {
  noEscape: true,
  strict: false,
});

const TEXT = engine.compile(
  `Hello {{greetingName}},

{{#if cancel}}{{what}} at {{venueName}} on {{when}} has been cancelled.{{else if update}}{{what}} at {{venueName}} has changed. It is now:{{else}}{{what}} at {{venueName}} is confirmed:{{/if}}
{{#unless cancel}}
When:  {{when}}
{{#if location}}Where: {{location}}
{{/if}}{{#if joinUrl}}Join:  {{joinUrl}}
{{/if}}{{#if clientName}}Client: {{clientName}}
{{/if}}{{#if jobUrl}}Details: {{jobUrl}}
{{/if}}
{{#if update}}Your calendar updates the event when you open the attached invitation.{{else}}Add it to your calendar with the attached invitation.{{/if}}
{{else}}
Your calendar removes the event when you open the attached cancellation.
{{/unless}}
— {{venueName}}
`,
  { noEscape: true },
);

const HTML = engine.compile(
  `<!doctype html>
<html><body style="font-family: -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif; color: #1f2933;">
<p>Hello {{greetingName}},</p>
{{#if cancel}}<p><strong>{{what}}</strong> at {{venueName}} on {{when}} has been <strong>cancelled</strong>.</p>
<p>Your calendar removes the event when you open the attached cancellation.</p>
{{else}}<p>{{#if update}}<strong>{{what}}</strong> at {{venueName}} has changed. It is now:{{else}}<strong>{{what}}</strong> at {{venueName}} is confirmed:{{/if}}</p>
<table cellpadding="4">
<tr><td><strong>When</strong></td><td>{{when}}</td></tr>
{{#if location}}<tr><td><strong>Where</strong></td><td>{{location}}</td></tr>{{/if}}
{{#if joinUrl}}<tr><td><strong>Join</strong></td><td><a href="{{joinUrl}}">{{joinUrl}}</a></td></tr>{{/if}}
{{#if clientName}}<tr><td><strong>Client</strong></td><td>{{clientName}}</td></tr>{{/if}}
{{#if jobUrl}}<tr><td><strong>Details</strong></td><td><a href="{{jobUrl}}">{{jobUrl}}</a></td></tr>{{/if}}
</table>
<p>{{#if update}}Your calendar updates the event when you open the attached invitation.{{else}}Add it to your calendar with the attached invitation.{{/if}}</p>
{{/if}}<p>— {{venueName}}</p>
</body></html>
`,
);

export function renderInvitationEmail(view: InvitationEmailView): { subject: string; text: string; html: string } {
  const safe = { ...view, joinUrl: view.joinUrl && /^https?:\/\//i.test(view.joinUrl) ? view.joinUrl : null };
  return { subject: SUBJECT(safe).replace(/[\r\n]+/g, ' '), text: TEXT(safe), html: HTML(safe) };
}
