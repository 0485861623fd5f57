"""
Reads an iCalendar object from stdin with libical (the C library behind Evolution and other
clients, through its GObject bindings: Debian gir1.2-ical-3.0 + python3-gi) and prints what it
understood as JSON: the errors libical attaches while parsing and when checking the RFC 5545 /
RFC 5546 restrictions (X-LIC-ERROR properties), and every VEVENT's UID, SUMMARY, TZID and start/end
as UTC instants (or dates) computed with the calendar's own VTIMEZONEs.
"""
import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as I  # noqa: E402


def errors_of(component):
    found = []
    kinds = [I.ComponentKind.ANY_COMPONENT]
    stack = [component]
    while stack:
        c = stack.pop()
        p = c.get_first_property(I.PropertyKind.XLICERROR_PROPERTY)
        while p is not None:
            found.append(p.get_xlicerror())
            p = c.get_next_property(I.PropertyKind.XLICERROR_PROPERTY)
        child = c.get_first_component(kinds[0])
        while child is not None:
            stack.append(child)
            child = c.get_next_component(kinds[0])
    return found


def when(component, t, tzid):
    if t.is_date():
        return {"date": "%04d-%02d-%02d" % (t.get_year(), t.get_month(), t.get_day())}
    zone = None
    if tzid:
        zone = component.get_timezone(tzid)
        if zone is None:
            return {"error": "unknown TZID " + tzid}
    return {"utc": I.Time.as_timet_with_zone(t, zone) if zone else t.as_timet()}


def main():
    text = sys.stdin.read()
    calendar = I.Component.new_from_string(text)
    if calendar is None:
        print(json.dumps({"errors": ["libical could not parse the calendar"], "events": []}))
        return
    parse_errors = errors_of(calendar)
    calendar.strip_errors()
    calendar.check_restrictions()
    restriction_errors = errors_of(calendar)
    events = []
    e = calendar.get_first_component(I.ComponentKind.VEVENT_COMPONENT)
    while e is not None:
        start_prop = e.get_first_property(I.PropertyKind.DTSTART_PROPERTY)
        end_prop = e.get_first_property(I.PropertyKind.DTEND_PROPERTY)
        tzid_param = start_prop.get_first_parameter(I.ParameterKind.TZID_PARAMETER) if start_prop else None
        tzid = tzid_param.get_tzid() if tzid_param else None
        events.append({
            "uid": e.get_uid(),
            "summary": e.get_summary(),
            "tzid": tzid,
            "start": when(calendar, e.get_dtstart(), tzid),
            "end": when(calendar, e.get_dtend(), tzid) if end_prop else None,
        })
        e = calendar.get_next_component(I.ComponentKind.VEVENT_COMPONENT)
    print(json.dumps({"errors": parse_errors + restriction_errors, "events": events}))


main()
